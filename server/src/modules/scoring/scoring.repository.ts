import { sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/db.ts';
import type { LifecycleTransition } from '../customers/index.ts';
import type { Cuts } from './domain/rfm.ts';
import { rfmClasses, segmentGridFlat } from './domain/rfm.ts';
import type { LifecycleSettings } from './scoring.settings.ts';

/**
 * SQL for scoring_settings and lifecycle_changes, and the read-only RFM queries over the orders
 * module's order_days rollup (like segment rules, scoring reads it and never writes it; the
 * scores are written through the customers face).
 */

/** What one customer's scores are computed against: the last bulk run's cut points and averages. */
export type ScoringParams = {
  /** Today in the business time zone (YYYY-MM-DD). */
  today: string;
  windowDays: number;
  rCuts: Cuts | null;
  fCuts: Cuts | null;
  mCuts: Cuts | null;
  /** Recent / frequent / high spend when recency ≤ r, frequency ≥ f, monetary ≥ m. */
  classBasis: { r: number; f: number; m: number } | null;
  abc: { aCut: number | null; bCut: number | null };
  lifecycle: LifecycleSettings;
};

/** What the whole window looks like (one pass over order_days). */
export type WindowFacts = {
  customers: number;
  revenue: string;
  rCuts: Cuts | null;
  fCuts: Cuts | null;
  mCuts: Cuts | null;
  avg: { r: number; f: number; m: number } | null;
  abc: { aCut: number | null; bCut: number | null };
};

const FIRST_UUID = '00000000-0000-0000-0000-000000000000';
const toCuts = (a: (string | number)[] | null): Cuts | null => (a ? (a.map(Number) as unknown as Cuts) : null);

export const scoringRepository = {
  async loadSettings(q: Queryable): Promise<Map<string, unknown>> {
    const rows = await q.query<{ model: string; value: unknown }>('select model, value from scoring_settings');
    return new Map(rows.map((r) => [r.model, r.value]));
  },

  async saveSetting(q: Queryable, model: string, value: unknown, by: string | null): Promise<void> {
    await q.query(
      `insert into scoring_settings (model, value, updated_by, updated_at) values ($1, $2, $3, now())
       on conflict (model) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = now()`,
      [model, JSON.stringify(value), by],
    );
  },

  /**
   * RFM over the window for every customer with orders in it, in one pass: the quintile cut points
   * (percentile_disc), the averages, and the ABC spend cuts (cumulative revenue over customers
   * sorted by spend, equal spends as one group: see domain/abc.ts).
   */
  async windowFacts(
    q: Queryable,
    p: { today: string; windowDays: number; a: number; b: number },
  ): Promise<WindowFacts> {
    const [r] = await q.query<{
      customers: number;
      revenue: string;
      r_cuts: number[] | null;
      f_cuts: number[] | null;
      m_cuts: string[] | null;
      avg_r: string | null;
      avg_f: string | null;
      avg_m: string | null;
      a_cut: string | null;
      b_cut: string | null;
    }>(
      `with raw as materialized (
         select customer_id, $1::date - max(day) as r, sum(order_count)::int as f, sum(amount) as m
           from order_days where day > $1::date - $2::int and day <= $1::date
          group by customer_id
       ), ranked as (
         select m, (sum(m) over (order by m desc) - sum(m) over (partition by m)) / nullif(sum(m) over (), 0) as above
           from raw
       )
       select (select count(*)::int from raw) as customers,
              (select coalesce(sum(m), 0)::text from raw) as revenue,
              (select percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by r) from raw) as r_cuts,
              (select percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by f) from raw) as f_cuts,
              (select percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by m) from raw)::text[] as m_cuts,
              (select avg(r)::text from raw) as avg_r, (select avg(f)::text from raw) as avg_f,
              (select avg(m)::text from raw) as avg_m,
              (select min(m)::text from ranked where above < $3::numeric / 100) as a_cut,
              (select min(m)::text from ranked where above < ($3::numeric + $4::numeric) / 100) as b_cut`,
      [p.today, p.windowDays, p.a, p.b],
    );
    return {
      customers: r.customers,
      revenue: r.revenue,
      rCuts: toCuts(r.r_cuts),
      fCuts: toCuts(r.f_cuts),
      mCuts: toCuts(r.m_cuts),
      avg: r.avg_r === null ? null : { r: Number(r.avg_r), f: Number(r.avg_f), m: Number(r.avg_m) },
      abc: { aCut: r.a_cut === null ? null : Number(r.a_cut), bCut: r.b_cut === null ? null : Number(r.b_cut) },
    };
  },

  /**
   * The score columns (customers face ScoreColumns) of `customerIds` as a query, computed from
   * their order days against `p`: the same formulas as domain/*.ts, in SQL. Customers without
   * orders in the window get null RFM scores and classes; without any counted order, `prospect`.
   */
  scoreRows(customerIds: readonly string[], p: ScoringParams): SQL {
    const today = sql`${p.today}::date`;
    const inWindow = sql`d.day > ${today} - ${p.windowDays}::int`;
    // how many of the four cut points lie below v (none known yet: none)
    const above = (v: SQL, c: Cuts | null) =>
      c
        ? sql.join(
            c.map((x) => sql`(${v} > ${x}::numeric)::int`),
            sql` + `,
          )
        : sql`0`;
    const b = p.classBasis;
    const lc = p.lifecycle;
    const sorted = [...customerIds].sort();
    const [lo, hi] = [sorted[0] ?? FIRST_UUID, sorted[sorted.length - 1] ?? FIRST_UUID];
    return sql`
      with ids as (select unnest(${sql.param(customerIds)}::uuid[]) as customer_id),
      agg as (
        select d.customer_id, min(d.day) as first_day, max(d.day) as last_day,
               max(d.day) filter (where ${inWindow}) as last_in_window,
               coalesce(sum(d.order_count) filter (where ${inWindow}), 0)::int as f,
               coalesce(sum(d.amount) filter (where ${inWindow}), 0) as m,
               coalesce(sum(d.order_count) filter (where d.day > ${today} - ${lc.loyalWindowDays}::int), 0)::int as loyal_n
          from order_days d
         where d.customer_id = any(${sql.param(customerIds)}::uuid[]) and d.day <= ${today}
           -- the batch is a run of ids: a range scan of the primary key instead of a filter
           and d.customer_id between ${lo}::uuid and ${hi}::uuid
         group by d.customer_id
      ),
      raw as (
        select ids.customer_id, ${today} - a.last_in_window as r, coalesce(a.f, 0) as f, coalesce(a.m, 0) as m,
               ${today} - a.first_day as since_first, ${today} - a.last_day as since_last, coalesce(a.loyal_n, 0) as loyal_n
          from ids left join agg a using (customer_id)
      ),
      scored as (
        select raw.*,
               case when r is not null then 5 - (${above(sql`r`, p.rCuts)}) end as r_score,
               case when r is not null then 1 + (${above(sql`f`, p.fCuts)}) end as f_score,
               case when r is not null then 1 + (${above(sql`m`, p.mCuts)}) end as m_score
          from raw
      )
      select customer_id,
             r as rfm_recency_days,
             f as rfm_frequency,
             m as rfm_monetary,
             r_score::smallint as r_score, f_score::smallint as f_score, m_score::smallint as m_score,
             case when r is not null and ${b !== null} then (${sql.param(rfmClasses)}::text[])[
               1 + (r <= ${b?.r ?? 0}::numeric)::int * 4 + (f >= ${b?.f ?? 0}::numeric)::int * 2
                 + (m >= ${b?.m ?? 0}::numeric)::int] end as rfm_class,
             case when r is not null then (${sql.param(segmentGridFlat)}::text[])[
               (r_score - 1) * 5 + (f_score + m_score + 1) / 2] end as rfm_segment,
             case when r is null then null
                  when ${p.abc.aCut}::numeric is not null and m >= ${p.abc.aCut}::numeric then 'A'
                  when ${p.abc.bCut}::numeric is not null and m >= ${p.abc.bCut}::numeric then 'B'
                  else 'C' end as abc_class,
             case when since_last is null then 'prospect'
                  when since_last > ${lc.churnedDays}::int then 'churned'
                  when since_last > ${lc.dormantDays}::int then 'dormant'
                  when since_first < ${lc.newDays}::int then 'new'
                  when loyal_n >= ${lc.loyalOrders}::int then 'loyal'
                  else 'active' end as lifecycle_stage
        from scored`;
  },

  async insertLifecycleChanges(q: Queryable, rows: readonly LifecycleTransition[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    await q.query(
      `insert into lifecycle_changes (customer_id, at, from_stage, to_stage)
       select customer_id, $4, from_stage, to_stage from unnest($1::uuid[], $2::text[], $3::text[]) as v(customer_id, from_stage, to_stage)`,
      [rows.map((r) => r.customerId), rows.map((r) => r.fromStage), rows.map((r) => r.toStage), at],
    );
  },

  async deleteLifecycleOf(q: Queryable, customerId: string): Promise<void> {
    await q.query('delete from lifecycle_changes where customer_id = $1', [customerId]);
  },

  async lifecycleOf(
    q: Queryable,
    customerId: string,
  ): Promise<{ at: Date; fromStage: string | null; toStage: string }[]> {
    return q.query(
      `select at, from_stage as "fromStage", to_stage as "toStage" from lifecycle_changes
        where customer_id = $1 order by at desc, id desc limit 200`,
      [customerId],
    );
  },

  /** Transitions per month (business time zone) since `from`, first scorings (from null) left out. */
  async flows(
    q: Queryable,
    from: Date,
    timeZone: string,
  ): Promise<{ month: string; from: string; to: string; customers: number }[]> {
    return q.query(
      `select to_char(at at time zone $2, 'YYYY-MM') as month, from_stage as "from", to_stage as "to",
              count(*)::int as customers
         from lifecycle_changes where at >= $1 and from_stage is not null
        group by 1, 2, 3 order by 1, 2, 3`,
      [from, timeZone],
    );
  },
};
