import { sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/db.ts';

/**
 * The computed-score columns of customer_stats (RFM, ABC, value tier, grade, lifecycle stage),
 * written only here on behalf of the scoring module (through the customers face), and the
 * aggregates its reports read.
 */

/** What the scoring module computes per customer (the `rows` a write takes yield these columns). */
export type ScoreColumns =
  | 'customer_id'
  | 'rfm_recency_days'
  | 'rfm_frequency'
  | 'rfm_monetary'
  | 'r_score'
  | 'f_score'
  | 'm_score'
  | 'rfm_class'
  | 'rfm_segment'
  | 'abc_class'
  | 'lifecycle_stage';

export type LifecycleTransition = { customerId: string; fromStage: string | null; toStage: string };

export type CustomerScores = {
  rScore: number | null;
  fScore: number | null;
  mScore: number | null;
  rfmClass: string | null;
  rfmSegment: string | null;
  abcClass: string | null;
  valueTier: string | null;
  grade: string | null;
  lifecycleStage: string | null;
  lifecycleSince: Date | null;
  recencyDays: number | null;
  frequency: number | null;
  monetary: string | null;
  scoredAt: Date | null;
};

export const scoresRepository = {
  /** The next `limit` customers by id after `afterId` (a batched recompute walks them all). */
  async customerIdsAfter(q: Queryable, afterId: string, limit: number): Promise<string[]> {
    const rows = await q.query<{ customer_id: string }>(
      'select customer_id from customer_stats where customer_id > $1 order by customer_id limit $2',
      [afterId, limit],
    );
    return rows.map((r) => r.customer_id);
  },

  async countCustomers(q: Queryable): Promise<number> {
    const [r] = await q.query<{ n: number }>('select count(*)::int as n from customer_stats');
    return r.n;
  },

  /**
   * Writes the scores `rows` yields (a query with the ScoreColumns) in one statement, locking the
   * rows in id order; returns the customers whose lifecycle stage changed (from null the first time).
   * With `rules`, value tier and grade come from them in the same statement: expressions over `c`
   * (customers) and `s` (customer_stats as it will be: the new scores; the grade also sees the new
   * value tier).
   */
  async writeScores(
    q: Queryable,
    rows: SQL,
    at: Date,
    rules: { valueTier: SQL; grade: SQL } | null = null,
  ): Promise<LifecycleTransition[]> {
    if (q.kind === 'postgres') await q.query('set local jit = off'); // compiling costs more than it saves here
    // customer_stats with the new scores, as the rules read it
    const stats = (
      valueTier: SQL,
    ) => sql`(select s0.customer_id, s0.order_count, s0.total_spent, s0.average_order_value,
        s0.first_order_at, s0.last_order_at, s0.last_seen_at, v.rfm_recency_days, v.rfm_frequency, v.rfm_monetary,
        v.r_score, v.f_score, v.m_score, v.rfm_class, v.rfm_segment, v.abc_class, ${valueTier} as value_tier,
        s0.grade, v.lifecycle_stage, s0.lifecycle_since, s0.scored_at, s0.updated_at
        from customer_stats s0 where s0.customer_id = v.customer_id)`;
    const tiers = rules
      ? sql`, t as materialized (
          select v.*, (select ${rules.valueTier} from customers c, ${stats(sql`s0.value_tier`)} s where c.id = v.customer_id)
                 as value_tier
            from v),
        g as materialized (
          select v.*, (select ${rules.grade} from customers c, ${stats(sql`v.value_tier`)} s where c.id = v.customer_id)
                 as grade
            from t v)`
      : sql`, g as (select v.*, s0.value_tier, s0.grade from v join customer_stats s0 using (customer_id))`;
    const changed = await q.query<{ customer_id: string; from_stage: string | null; to_stage: string }>(sql`
      with v as materialized (${rows}),
      old as (
        select s.customer_id, s.lifecycle_stage from customer_stats s join v using (customer_id)
         order by s.customer_id for update of s
      )${tiers},
      upd as (
        update customer_stats s set
          rfm_recency_days = g.rfm_recency_days, rfm_frequency = g.rfm_frequency, rfm_monetary = g.rfm_monetary,
          r_score = g.r_score, f_score = g.f_score, m_score = g.m_score,
          rfm_class = g.rfm_class, rfm_segment = g.rfm_segment, abc_class = g.abc_class,
          value_tier = g.value_tier, grade = g.grade, lifecycle_stage = g.lifecycle_stage,
          lifecycle_since = case when s.lifecycle_stage is distinct from g.lifecycle_stage
                                 then ${at}::timestamptz else s.lifecycle_since end,
          scored_at = ${at}::timestamptz
         from g where s.customer_id = g.customer_id and s.customer_id in (select customer_id from old)
      )
      select old.customer_id, old.lifecycle_stage as from_stage, v.lifecycle_stage as to_stage
        from old join v using (customer_id)
       where old.lifecycle_stage is distinct from v.lifecycle_stage`);
    return changed.map((r) => ({ customerId: r.customer_id, fromStage: r.from_stage, toStage: r.to_stage }));
  },

  async scoresOf(q: Queryable, customerId: string): Promise<CustomerScores | null> {
    const rows = await q.query<CustomerScores>(
      `select r_score as "rScore", f_score as "fScore", m_score as "mScore", rfm_class as "rfmClass",
              rfm_segment as "rfmSegment", abc_class as "abcClass", value_tier as "valueTier", grade,
              lifecycle_stage as "lifecycleStage", lifecycle_since as "lifecycleSince",
              rfm_recency_days as "recencyDays", rfm_frequency as frequency, rfm_monetary::text as monetary,
              scored_at as "scoredAt"
         from customer_stats where customer_id = $1`,
      [customerId],
    );
    return rows[0] ?? null;
  },

  /** Customers and their average spend per R × F cell, and customers and revenue per class and segment. */
  async rfmSummary(q: Queryable): Promise<{
    cells: { r: number; f: number; customers: number; avgMonetary: string }[];
    classes: { code: string; customers: number; revenue: string }[];
    segments: { code: string; customers: number; revenue: string }[];
  }> {
    const cells = await q.query<{ r: number; f: number; customers: number; avgMonetary: string }>(
      `select r_score::int as r, f_score::int as f, count(*)::int as customers,
              round(avg(rfm_monetary), 2)::text as "avgMonetary"
         from customer_stats where r_score is not null group by 1, 2 order by 1, 2`,
    );
    const by = (col: 'rfm_class' | 'rfm_segment') =>
      q.query<{ code: string; customers: number; revenue: string }>(
        `select ${col} as code, count(*)::int as customers, coalesce(sum(rfm_monetary), 0)::text as revenue
           from customer_stats where ${col} is not null group by 1 order by 1`,
      );
    return { cells, classes: await by('rfm_class'), segments: await by('rfm_segment') };
  },

  /**
   * ABC classes, and the Pareto curve at `points` evenly spaced customer shares (plus the origin):
   * the revenue share of the top k customers by window spend.
   */
  async abcSummary(
    q: Queryable,
    points: number,
  ): Promise<{
    classes: { class: string; customers: number; revenue: string }[];
    curve: { customerShare: number; revenueShare: number }[];
  }> {
    const classes = await q.query<{ class: string; customers: number; revenue: string }>(
      `select abc_class as class, count(*)::int as customers, coalesce(sum(rfm_monetary), 0)::text as revenue
         from customer_stats where abc_class is not null group by 1 order by 1`,
    );
    const curve = await q.query<{ customerShare: number; revenueShare: number }>(
      `with ranked as (
         select row_number() over (order by rfm_monetary desc, customer_id) as k,
                sum(rfm_monetary) over (order by rfm_monetary desc, customer_id) as cum,
                count(*) over () as n, sum(rfm_monetary) over () as total
           from customer_stats where abc_class is not null
       ), steps as (
         select distinct greatest(1, ceil(n * g::numeric / $1))::bigint as k
           from (select n from ranked limit 1) x, generate_series(1, $1) g
       )
       select 0::float8 as "customerShare", 0::float8 as "revenueShare" where exists (select 1 from ranked)
       union all
       select (r.k::float8 / r.n), case when r.total > 0 then (r.cum / r.total)::float8 else 0 end
         from ranked r join steps using (k)
       order by 1`,
      [points],
    );
    return { classes, curve };
  },

  async distribution(q: Queryable): Promise<{
    valueTiers: { value: string; customers: number }[];
    grades: { value: string; customers: number }[];
    lifecycle: { value: string; customers: number }[];
  }> {
    const by = (col: 'value_tier' | 'grade' | 'lifecycle_stage') =>
      q.query<{ value: string; customers: number }>(
        `select ${col} as value, count(*)::int as customers from customer_stats where ${col} is not null group by 1 order by 1`,
      );
    return { valueTiers: await by('value_tier'), grades: await by('grade'), lifecycle: await by('lifecycle_stage') };
  },
};
