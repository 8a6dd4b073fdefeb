import type { Queryable } from '../../platform/db/db.ts';
import type { AttributeType, CompiledQuery } from './customer-query.ts';

/** SQL of the customer list's own use cases: running compiled queries, bulk changes. */

export type AttributeDefinitionRow = {
  key: string;
  label: string;
  type: AttributeType;
  options: { value: string; label: string }[];
};

export const customerListRepository = {
  async attributeDefinitions(q: Queryable): Promise<AttributeDefinitionRow[]> {
    return q.query<AttributeDefinitionRow>(
      'select key, label, type, options from customer_attribute_definitions order by sort_order, key',
    );
  },

  /** A compiled list page: rows (at least their id) with their sort key as text (for the next cursor). */
  async page<T extends { id: string } = { id: string }>(
    q: Queryable,
    plan: CompiledQuery,
  ): Promise<(T & { k: string })[]> {
    return q.query<T & { k: string }>(plan.text, plan.params);
  },

  async count(q: Queryable, plan: CompiledQuery): Promise<number> {
    const [row] = await q.query<{ count: number }>(plan.text, plan.params);
    return row?.count ?? 0;
  },

  /** The customers' tags and owner, locked (in id order, so two bulk changes cannot deadlock). */
  async lockForBulk(
    q: Queryable,
    ids: readonly string[],
  ): Promise<{ id: string; tags: string[]; owner_id: string | null }[]> {
    return q.query('select id, tags, owner_id from customers where id = any($1::uuid[]) order by id for update', [ids]);
  },

  /** Appends `tags` (in their order) to each customer that lacks some of them. */
  async addTags(q: Queryable, ids: readonly string[], tags: readonly string[], at: Date): Promise<void> {
    await q.query(
      `update customers c set
         tags = c.tags || array(select t from unnest($2::text[]) with ordinality u(t, o)
                                where not t = any(c.tags) order by o),
         updated_at = $3
       where c.id = any($1::uuid[]) and not c.tags @> $2::text[]`,
      [ids, tags, at],
    );
  },

  async removeTags(q: Queryable, ids: readonly string[], tags: readonly string[], at: Date): Promise<void> {
    await q.query(
      `update customers c set
         tags = array(select t from unnest(c.tags) with ordinality u(t, o) where not t = any($2::text[]) order by o),
         updated_at = $3
       where c.id = any($1::uuid[]) and c.tags && $2::text[]`,
      [ids, tags, at],
    );
  },

  async assignOwner(q: Queryable, ids: readonly string[], ownerId: string | null, at: Date): Promise<void> {
    await q.query(
      `update customers set owner_id = $2, updated_at = $3
       where id = any($1::uuid[]) and owner_id is distinct from $2::uuid`,
      [ids, ownerId, at],
    );
  },

  /** New tag names join the vocabulary (pickers offer them); existing ones keep their colour. */
  async registerTags(q: Queryable, names: readonly string[], at: Date): Promise<void> {
    if (names.length === 0) return;
    await q.query(
      `insert into customer_tags (name, created_at) select n, $2 from unnest($1::text[]) as n
       on conflict (name) do nothing`,
      [names, at],
    );
  },
};
