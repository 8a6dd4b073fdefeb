import type { Queryable } from '../../platform/db/db.ts';
import { pgErrorCode } from '../../platform/db/db.ts';
import { commonErrors } from '../../platform/http/errors.ts';

/** SQL for the touchpoint registry (`touchpoints`) and the activity counted per touchpoint. */

export type TouchpointRow = {
  id: string;
  code: string;
  name: string;
  type: string;
  province: string | null;
  city: string | null;
  is_active: boolean;
  created_at: Date;
  customer_count: number;
  activity_count_30d: number;
};

export type TouchpointFields = {
  code: string;
  name: string;
  type: string;
  province: string | null;
  city: string | null;
  isActive: boolean;
};

/**
 * Midnight (business time zone) that starts a window of `days` calendar days ending today:
 * `days` = 30 is 29 days before today, `days` = 0 is tomorrow, i.e. where today ends.
 */
const windowStart = (days: string, now: string, tz: string) =>
  `(((${now}::timestamptz at time zone ${tz})::date - (${days}::int - 1))::timestamp at time zone ${tz})`;

const select = (where: string) => `
  select t.id, t.code, t.name, t.type, t.province, t.city, t.is_active, t.created_at,
         (select count(*)::int from customers c where c.touchpoint_id = t.id) as customer_count,
         (select count(*)::int from activities a
           where a.touchpoint_id = t.id and a.at >= ${windowStart('30', '$1', '$2')}) as activity_count_30d
    from touchpoints t
   where ${where}
   order by t.is_active desc, t.type, t.name, t.id`;

async function mapErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (pgErrorCode(err) === '23505') throw commonErrors.duplicate('code');
    throw err;
  }
}

export const touchpointsRepository = {
  async list(
    q: Queryable,
    f: { types?: string[]; isActive?: boolean; now: Date; timeZone: string },
  ): Promise<TouchpointRow[]> {
    const params: unknown[] = [f.now, f.timeZone];
    const where = ['true'];
    if (f.types) {
      params.push(f.types);
      where.push(`t.type = any($${params.length}::text[])`);
    }
    if (f.isActive !== undefined) {
      params.push(f.isActive);
      where.push(`t.is_active = $${params.length}`);
    }
    return q.query<TouchpointRow>(select(where.join(' and ')), params);
  },

  async find(q: Queryable, id: string, now: Date, timeZone: string): Promise<TouchpointRow | null> {
    const rows = await q.query<TouchpointRow>(select('t.id = $3'), [now, timeZone, id]);
    return rows[0] ?? null;
  },

  async insert(q: Queryable, t: TouchpointFields & { at: Date }): Promise<string> {
    const rows = await mapErrors(
      q.query<{ id: string }>(
        `insert into touchpoints (code, name, type, province, city, is_active, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $7) returning id`,
        [t.code, t.name, t.type, t.province, t.city, t.isActive, t.at],
      ),
    );
    return (rows[0] as { id: string }).id;
  },

  async update(q: Queryable, id: string, t: TouchpointFields & { at: Date }): Promise<void> {
    await mapErrors(
      q.query(
        `update touchpoints set code = $2, name = $3, type = $4, province = $5, city = $6, is_active = $7, updated_at = $8
          where id = $1`,
        [id, t.code, t.name, t.type, t.province, t.city, t.isActive, t.at],
      ),
    );
  },

  async lock(q: Queryable, id: string): Promise<TouchpointFields | null> {
    const rows = await q.query<TouchpointFields>(
      `select code, name, type, province, city, is_active as "isActive" from touchpoints where id = $1 for update`,
      [id],
    );
    return rows[0] ?? null;
  },

  /** Activity per calendar day (business time zone) over the last `days` days, today included, zeros filled in. */
  async dailyActivity(
    q: Queryable,
    f: { id: string; days: number; now: Date; timeZone: string },
  ): Promise<{ date: string; count: number }[]> {
    return q.query<{ date: string; count: number }>(
      `with counts as (
         select (a.at at time zone $2)::date as d, count(*)::int as n
           from activities a
          where a.touchpoint_id = $4 and a.at >= ${windowStart('$3', '$1', '$2')}
            and a.at < ${windowStart('0', '$1', '$2')}
          group by 1
       )
       select to_char(g.d, 'YYYY-MM-DD') as date, coalesce(counts.n, 0)::int as count
         from (select ($1::timestamptz at time zone $2)::date - i as d from generate_series(0, $3::int - 1) as i) g
         left join counts on counts.d = g.d
        order by g.d`,
      [f.now, f.timeZone, f.days, f.id],
    );
  },

  /** The same window counted by timeline kind, most frequent first. */
  async activityByKind(
    q: Queryable,
    f: { id: string; days: number; now: Date; timeZone: string },
  ): Promise<{ kind: string; count: number }[]> {
    return q.query<{ kind: string; count: number }>(
      `select a.kind, count(*)::int as count
         from activities a
        where a.touchpoint_id = $4 and a.at >= ${windowStart('$3', '$1', '$2')}
          and a.at < ${windowStart('0', '$1', '$2')}
        group by a.kind
        order by count desc, a.kind`,
      [f.now, f.timeZone, f.days, f.id],
    );
  },
};
