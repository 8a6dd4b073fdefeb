import type { Queryable } from '../../platform/db/db.ts';
import type { NewActivity } from './customers.face.ts';

/** SQL for the timeline (`activities`), and nothing else. */

export type ActivityRow = {
  id: number | string;
  at: Date;
  kind: string;
  module: string;
  ref: string | null;
  touchpoint_id: string | null;
  touchpoint_name: string | null;
  actor_id: string | null;
  summary: Record<string, unknown>;
};

export type ActivityFilter = {
  customerId: string;
  /** Kind prefixes: `order` matches `order` and `order.*`. */
  kinds?: string[];
  /** The id of the last row of the previous page (keyset on at desc, id desc). */
  afterId?: string;
  limit: number;
};

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, '\\$&');
}

export const timelineRepository = {
  /**
   * One page of a customer's timeline, newest first. Reads activities_customer_idx (or the
   * kind index for exact kinds) in order; the cursor row is looked up by primary key so ties on
   * `at` (microsecond precision, which a JS Date would round) page without gaps or repeats. A
   * cursor from another customer matches no row and yields an empty page.
   */
  async list(q: Queryable, f: ActivityFilter): Promise<ActivityRow[]> {
    const params: unknown[] = [f.customerId];
    const where = ['a.customer_id = $1'];
    if (f.kinds?.length) {
      params.push(
        f.kinds,
        f.kinds.map((k) => `${escapeLike(k)}.%`),
      );
      where.push(`(a.kind = any($${params.length - 1}::text[]) or a.kind like any($${params.length}::text[]))`);
    }
    if (f.afterId) {
      params.push(f.afterId);
      where.push(
        `(a.at, a.id) < (select c.at, c.id from activities c where c.id = $${params.length}::bigint and c.customer_id = $1)`,
      );
    }
    params.push(f.limit);
    return q.query<ActivityRow>(
      `select p.id, p.at, p.kind, p.module, p.ref, p.touchpoint_id, t.name as touchpoint_name, p.actor_id, p.summary
         from (select a.id, a.at, a.kind, a.module, a.ref, a.touchpoint_id, a.actor_id, a.summary
                 from activities a
                where ${where.join(' and ')}
                order by a.at desc, a.id desc
                limit $${params.length}) p
         left join touchpoints t on t.id = p.touchpoint_id
        order by p.at desc, p.id desc`,
      params,
    );
  },

  /** Appends rows (one statement) and returns them as the timeline shows them. */
  async insert(q: Queryable, rows: NewActivity[]): Promise<ActivityRow[]> {
    if (rows.length === 0) return [];
    const inserted = await q.query<ActivityRow>(
      `insert into activities (customer_id, at, kind, module, ref, touchpoint_id, actor_id, summary)
       select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::uuid[], $8::jsonb[])
       returning id, at, kind, module, ref, touchpoint_id, null::text as touchpoint_name, actor_id, summary`,
      [
        rows.map((r) => r.customerId),
        rows.map((r) => r.at.toISOString()),
        rows.map((r) => r.kind),
        rows.map((r) => r.module),
        rows.map((r) => r.ref ?? null),
        rows.map((r) => r.touchpointId ?? null),
        rows.map((r) => r.actorId ?? null),
        rows.map((r) => JSON.stringify(r.summary ?? {})),
      ],
    );
    return inserted;
  },
};
