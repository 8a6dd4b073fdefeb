import type { Queryable } from '../../platform/db/db.ts';
import { pgErrorCode } from '../../platform/db/db.ts';
import { commonErrors } from '../../platform/http/errors.ts';

/** SQL for the tag vocabulary (`customer_tags`) and the tags a customer carries (`customers.tags`). */

export type TagRow = { name: string; color: string | null; customer_count: number };

export const tagsRepository = {
  /** The vocabulary with how many customers carry each tag (one GIN lookup per tag). */
  async list(q: Queryable): Promise<TagRow[]> {
    return q.query<TagRow>(
      `select t.name, t.color,
              (select count(*)::int from customers c where c.tags @> array[t.name]) as customer_count
         from customer_tags t
        order by t.name`,
    );
  },

  async find(q: Queryable, name: string): Promise<TagRow | null> {
    const rows = await q.query<TagRow>(
      `select t.name, t.color,
              (select count(*)::int from customers c where c.tags @> array[t.name]) as customer_count
         from customer_tags t where t.name = $1`,
      [name],
    );
    return rows[0] ?? null;
  },

  async insert(q: Queryable, tag: { name: string; color: string | null; at: Date }): Promise<void> {
    try {
      await q.query('insert into customer_tags (name, color, created_at) values ($1, $2, $3)', [
        tag.name,
        tag.color,
        tag.at,
      ]);
    } catch (err) {
      if (pgErrorCode(err) === '23505') throw commonErrors.duplicate('name');
      throw err;
    }
  },

  /** Adds names to the vocabulary, keeping those already there (and their colour). */
  async register(q: Queryable, names: readonly string[], at: Date): Promise<void> {
    if (names.length === 0) return;
    await q.query(
      `insert into customer_tags (name, created_at) select n, $2 from unnest($1::text[]) as n
       on conflict (name) do nothing`,
      [[...new Set(names)], at],
    );
  },

  /** The customer's tags, locking the row so concurrent tag changes apply one after another; null when absent. */
  async lockCustomerTags(q: Queryable, customerId: string): Promise<string[] | null> {
    const rows = await q.query<{ tags: string[] }>('select tags from customers where id = $1 for update', [customerId]);
    return rows[0]?.tags ?? null;
  },

  async setCustomerTags(q: Queryable, customerId: string, tags: string[], at: Date): Promise<void> {
    await q.query('update customers set tags = $2::text[], updated_at = $3 where id = $1', [customerId, tags, at]);
  },

  /**
   * Takes the tag off every customer carrying it and writes each one's `tag.removed` timeline
   * row, in one statement; returns how many customers changed.
   */
  async removeFromAllCustomers(q: Queryable, name: string, actorId: string | null, at: Date): Promise<number> {
    const rows = await q.query<{ n: number }>(
      `with changed as (
         update customers set tags = array_remove(tags, $1::text), updated_at = $2
          where tags @> array[$1::text] returning id
       ), logged as (
         insert into activities (customer_id, at, kind, module, actor_id, summary)
         select id, $2, 'tag.removed', 'customers', $3::uuid, jsonb_build_object('tag', $1::text) from changed
         returning 1
       )
       select count(*)::int as n from logged`,
      [name, at, actorId],
    );
    return rows[0]?.n ?? 0;
  },

  /** Removes the name from the vocabulary; false when it was not there. */
  async delete(q: Queryable, name: string): Promise<boolean> {
    const rows = await q.query('delete from customer_tags where name = $1 returning name', [name]);
    return rows.length > 0;
  },
};
