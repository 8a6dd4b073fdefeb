import { sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/db.ts';
import { ruleFrom } from './domain/compile.ts';

/** SQL of the segments module's tables (segments, segment_members, …_changes, …_sizes). */

export type SegmentRow = {
  id: string;
  name: string;
  description: string | null;
  kind: 'dynamic' | 'static';
  rule: unknown;
  member_count: number;
  refreshed_at: Date | null;
  refresh_status: 'queued' | 'running' | 'done' | 'failed' | null;
  refresh_progress: number | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
};

export type MemberScope = { lo: string; hi: string | null } | { ids: readonly string[] };
export type MemberChange = { customer_id: string; kind: 'entered' | 'exited' };

const COLUMNS = `id, name, description, kind, rule, member_count, refreshed_at, refresh_status, refresh_progress,
  created_by, created_at, updated_at`;

/** Customer-id ranges a full refresh walks one transaction at a time (by the uuid's first hex digit). */
export const ID_RANGES: { lo: string; hi: string | null }[] = Array.from({ length: 16 }, (_, i) => ({
  lo: `${i.toString(16)}0000000-0000-0000-0000-000000000000`,
  hi: i === 15 ? null : `${(i + 1).toString(16)}0000000-0000-0000-0000-000000000000`,
}));

export const segmentsRepository = {
  async list(q: Queryable): Promise<SegmentRow[]> {
    return q.query<SegmentRow>(`select ${COLUMNS} from segments order by created_at desc, id limit 1000`);
  },

  async find(q: Queryable, id: string, lock = false): Promise<SegmentRow | null> {
    const rows = await q.query<SegmentRow>(
      `select ${COLUMNS} from segments where id = $1${lock ? ' for update' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  },

  /** Every segment's id and rule (cycle checks walk them). */
  async rules(q: Queryable): Promise<{ id: string; name: string; rule: unknown }[]> {
    return q.query('select id, name, rule from segments');
  },

  async dynamicIds(q: Queryable): Promise<string[]> {
    const rows = await q.query<{ id: string }>(`select id from segments where kind = 'dynamic' order by id`);
    return rows.map((r) => r.id);
  },

  async insert(
    q: Queryable,
    s: { name: string; description: string | null; kind: string; rule: unknown; createdBy: string | null; at: Date },
  ): Promise<SegmentRow> {
    const [row] = await q.query<SegmentRow>(
      `insert into segments (name, description, kind, rule, created_by, created_at, updated_at)
       values ($1, $2, $3, $4::jsonb, $5, $6, $6) returning ${COLUMNS}`,
      [s.name, s.description, s.kind, s.rule === null ? null : JSON.stringify(s.rule), s.createdBy, s.at],
    );
    return row;
  },

  async update(
    q: Queryable,
    id: string,
    patch: { name?: string; description?: string | null; rule?: unknown },
    at: Date,
  ): Promise<SegmentRow | null> {
    const [row] = await q.query<SegmentRow>(
      `update segments set
         name = case when $2 then $3 else name end,
         description = case when $4 then $5 else description end,
         rule = case when $6 then $7::jsonb else rule end,
         updated_at = $8
       where id = $1 returning ${COLUMNS}`,
      [
        id,
        patch.name !== undefined,
        patch.name ?? null,
        patch.description !== undefined,
        patch.description ?? null,
        patch.rule !== undefined,
        patch.rule === undefined ? null : JSON.stringify(patch.rule),
        at,
      ],
    );
    return row ?? null;
  },

  async delete(q: Queryable, id: string): Promise<boolean> {
    const rows = await q.query('delete from segments where id = $1 returning id', [id]);
    return rows.length > 0;
  },

  async setRefresh(q: Queryable, id: string, status: SegmentRow['refresh_status'], progress: number): Promise<void> {
    await q.query('update segments set refresh_status = $2, refresh_progress = $3 where id = $1', [
      id,
      status,
      progress,
    ]);
  },

  /**
   * Brings the membership of the customers in `scope` in line with `predicate`, set-based: who
   * left is deleted, who joined inserted, both recorded as changes, in one statement. A full
   * refresh scopes by id range (ID_RANGES), an order's arrival by the customers it touched.
   */
  async diff(q: Queryable, segmentId: string, predicate: SQL, scope: MemberScope, at: Date): Promise<MemberChange[]> {
    const within = (col: SQL) => {
      if ('ids' in scope) return sql`${col} = any(${sql.param([...new Set(scope.ids)])}::uuid[])`;
      return scope.hi
        ? sql`${col} >= ${scope.lo}::uuid and ${col} < ${scope.hi}::uuid`
        : sql`${col} >= ${scope.lo}::uuid`;
    };
    return q.query<MemberChange>(sql`
      with target as materialized (
        select c.id from ${ruleFrom} where ${within(sql`c.id`)} and ${predicate}
      ), exited as (
        delete from segment_members m
         where m.segment_id = ${segmentId}::uuid and ${within(sql`m.customer_id`)}
           and not exists (select 1 from target t where t.id = m.customer_id)
        returning m.customer_id
      ), entered as (
        insert into segment_members (segment_id, customer_id, entered_at)
        select ${segmentId}::uuid, t.id, ${at}::timestamptz from target t
         where not exists (select 1 from segment_members m where m.segment_id = ${segmentId}::uuid and m.customer_id = t.id)
        on conflict do nothing
        returning customer_id
      ), changes as (
        insert into segment_member_changes (segment_id, customer_id, at, kind)
        select ${segmentId}::uuid, customer_id, ${at}::timestamptz, 'exited' from exited
        union all
        select ${segmentId}::uuid, customer_id, ${at}::timestamptz, 'entered' from entered
        returning customer_id, kind
      )
      select customer_id, kind from changes`);
  },

  /** Adds customers (existing ones only) to a static segment; returns those that were not members yet. */
  async addMembers(q: Queryable, segmentId: string, customerIds: readonly string[], at: Date): Promise<string[]> {
    if (customerIds.length === 0) return [];
    const rows = await q.query<{ customer_id: string }>(
      `with entered as (
         insert into segment_members (segment_id, customer_id, entered_at)
         select $1::uuid, c.id, $3::timestamptz from customers c where c.id = any($2::uuid[])
         on conflict do nothing
         returning customer_id
       ), changes as (
         insert into segment_member_changes (segment_id, customer_id, at, kind)
         select $1::uuid, customer_id, $3::timestamptz, 'entered' from entered returning customer_id
       )
       select customer_id from changes`,
      [segmentId, [...new Set(customerIds)], at],
    );
    return rows.map((r) => r.customer_id);
  },

  async removeMembers(q: Queryable, segmentId: string, customerIds: readonly string[], at: Date): Promise<string[]> {
    if (customerIds.length === 0) return [];
    const rows = await q.query<{ customer_id: string }>(
      `with exited as (
         delete from segment_members where segment_id = $1 and customer_id = any($2::uuid[]) returning customer_id
       ), changes as (
         insert into segment_member_changes (segment_id, customer_id, at, kind)
         select $1::uuid, customer_id, $3::timestamptz, 'exited' from exited returning customer_id
       )
       select customer_id from changes`,
      [segmentId, [...new Set(customerIds)], at],
    );
    return rows.map((r) => r.customer_id);
  },

  /** Recounts the members and records today's size (the last refresh of the day wins). */
  async recordSize(q: Queryable, segmentId: string, day: string, at: Date, refreshed: boolean): Promise<number> {
    const [row] = await q.query<{ size: number }>(
      `with n as (select count(*)::int as size from segment_members where segment_id = $1),
       upd as (
         update segments set member_count = (select size from n),
           refreshed_at = case when $4 then $3 else refreshed_at end
         where id = $1
       ), sz as (
         insert into segment_sizes (segment_id, day, size) select $1::uuid, $2::date, size from n
         on conflict (segment_id, day) do update set size = excluded.size
       )
       select size from n`,
      [segmentId, day, at, refreshed],
    );
    return row?.size ?? 0;
  },

  /** Count and a sample of a predicate (the live preview). */
  async preview(q: Queryable, predicate: SQL, sampleSize: number): Promise<{ count: number; ids: string[] }> {
    // one pass over the predicate for both (its order-window semi-joins are the cost), with room
    // for their hash aggregates in memory: PostgreSQL's default work_mem spills them to disk
    return q.transaction(async (tx) => {
      await tx.query(`set local work_mem = '64MB'`);
      const [row] = await tx.query<{ count: number; ids: string[] | null }>(
        sql`with m as materialized (select c.id, c.created_at from ${ruleFrom} where ${predicate})
            select (select count(*)::int from m) as count,
                   (select array_agg(t.id::text order by t.created_at desc, t.id desc)
                      from (select id, created_at from m order by created_at desc, id desc limit ${sampleSize}) t) as ids`,
      );
      return { count: row?.count ?? 0, ids: row?.ids ?? [] };
    });
  },

  async changes(
    q: Queryable,
    segmentId: string,
    limit: number,
    before: { at: string; id: number } | null,
  ): Promise<{ id: number; customer_id: string; at: Date; kind: 'entered' | 'exited' }[]> {
    return q.query(
      `select id, customer_id, at, kind from segment_member_changes
        where segment_id = $1 and ($2::timestamptz is null or (at, id) < ($2::timestamptz, $3::bigint))
        order by at desc, id desc limit $4`,
      [segmentId, before?.at ?? null, before?.id ?? null, limit + 1],
    );
  },

  async sizes(q: Queryable, segmentId: string): Promise<{ day: string; size: number }[]> {
    return q.query(
      `select to_char(day, 'YYYY-MM-DD') as day, size from segment_sizes where segment_id = $1 order by day desc limit 400`,
      [segmentId],
    );
  },

  async segmentsOf(
    q: Queryable,
    customerId: string,
  ): Promise<{ id: string; name: string; kind: 'dynamic' | 'static'; entered_at: Date }[]> {
    return q.query(
      `select s.id, s.name, s.kind, m.entered_at from segment_members m join segments s on s.id = m.segment_id
        where m.customer_id = $1 order by m.entered_at desc, s.name limit 500`,
      [customerId],
    );
  },
  /** Customers to re-evaluate (after their orders changed); one row per customer however often. */
  async queueCustomers(q: Queryable, customerIds: readonly string[], at: Date): Promise<void> {
    await q.query(
      `insert into segment_reevaluate_queue (customer_id, queued_at) select unnest($1::uuid[]), $2::timestamptz
       on conflict (customer_id) do update set queued_at = excluded.queued_at`,
      [[...new Set(customerIds)], at],
    );
  },

  async queuedCustomers(q: Queryable, limit: number): Promise<{ customer_id: string; queued_at: Date }[]> {
    return q.query('select customer_id, queued_at from segment_reevaluate_queue order by queued_at limit $1', [limit]);
  },

  /** Done with these, unless they were queued again meanwhile (then the next pass takes them). */
  async dequeueCustomers(q: Queryable, rows: readonly { customer_id: string; queued_at: Date }[]): Promise<void> {
    await q.query(
      `delete from segment_reevaluate_queue r using unnest($1::uuid[], $2::timestamptz[]) as d(customer_id, queued_at)
        where r.customer_id = d.customer_id and r.queued_at <= d.queued_at`,
      [rows.map((r) => r.customer_id), rows.map((r) => r.queued_at)],
    );
  },
  /** Memberships of customers that no longer exist (deleted, merged away), removed with their exit recorded. */
  async dropMissingMembers(q: Queryable, customerIds: readonly string[], at: Date): Promise<number> {
    const rows = await q.query<{ n: number }>(
      `with gone as (
         delete from segment_members m where m.customer_id = any($1::uuid[])
            and not exists (select 1 from customers c where c.id = m.customer_id)
         returning segment_id, customer_id
       ), changes as (
         insert into segment_member_changes (segment_id, customer_id, at, kind)
         select segment_id, customer_id, $2::timestamptz, 'exited' from gone returning segment_id
       ), counts as (
         -- (a CTE sees the table as before the delete: subtract what left instead of recounting)
         update segments s set member_count = greatest(s.member_count - g.n, 0)
           from (select segment_id, count(*)::int as n from gone group by segment_id) g
          where s.id = g.segment_id
       )
       select count(*)::int as n from changes`,
      [[...new Set(customerIds)], at],
    );
    return rows[0]?.n ?? 0;
  },
};
