import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { BENCH_MASTER_KEY, ensureSeeded } from '../lib/customers-seed.ts';
import { call, signInHttp, startKehuProcess, type Session } from '../lib/http-client.ts';
import { benchAdmin } from '../lib/kehu.ts';
import { machineLine, markdownTable, num, ratio } from '../lib/report.ts';
import { seededDatabases, type SeededDatabase } from './customers-seed.ts';
import type { BenchContext, Scenario } from './types.ts';

/**
 * The full scoring recompute on the seeded customer data set (1,000,000 customers / 10,000,000
 * orders on the server, 100,000 on PGlite, × BENCH_SCALE): POST /scoring/recompute until GET
 * /scoring/recompute says done (RFM from order_days, quintile cuts, both class schemes, ABC, value
 * tiers and grades through the segment rule compiler, lifecycle stages with their history, events
 * and timeline rows, batched by customer id), beside one hand-written statement computing and
 * writing the same RFM scores, classes, ABC classes and stages (rolled back). Every run starts from
 * unscored customers, so each customer's first stage is written as it would be on a first run.
 */

type Raw = {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
};

async function openRaw(d: SeededDatabase): Promise<Raw> {
  if (d.target.kind === 'postgres') {
    const client = new pg.Client({ connectionString: pgUrl(d), application_name: 'kehu-bench-raw' });
    await client.connect();
    return {
      query: async <T>(s: string, p?: unknown[]) => (await client.query(s, p)).rows as T[],
      close: () => client.end(),
    };
  }
  const db = new PGlite(join(d.target.dataDir, 'pglite'), { extensions: { pg_trgm, citext, btree_gin } });
  await db.waitReady;
  return { query: async <T>(s: string, p?: unknown[]) => (await db.query<T>(s, p)).rows, close: () => db.close() };
}

function pgUrl(d: SeededDatabase): string {
  if (d.target.kind !== 'postgres') throw new Error('not a server');
  const url = new URL(d.target.serverUrl);
  url.pathname = `/${d.target.database}`;
  return url.toString();
}

/** The same RFM + ABC + lifecycle as one statement ($1 today, 365-day window, quintiles, averages, 80/15). */
const rawRecompute = `
  with raw as materialized (
    select customer_id, $1::date - max(day) as r, sum(order_count)::int as f, sum(amount) as m
      from order_days where day > $1::date - 365 and day <= $1::date group by customer_id
  ), life as materialized (
    select customer_id, $1::date - min(day) as since_first, $1::date - max(day) as since_last,
           sum(order_count) filter (where day > $1::date - 365) as loyal_n
      from order_days where day <= $1::date group by customer_id
  ), cuts as (
    select percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by r) as rc,
           percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by f) as fc,
           percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by m) as mc,
           avg(r) as ar, avg(f) as af, avg(m) as am, sum(m) as total
      from raw
  ), ranked as (
    select customer_id, (sum(m) over (order by m desc) - sum(m) over (partition by m)) / nullif(sum(m) over (), 0) as above
      from raw
  ), scored as (
    select raw.*, 5 - ((r > rc[1])::int + (r > rc[2])::int + (r > rc[3])::int + (r > rc[4])::int) as rs,
           1 + ((f > fc[1])::int + (f > fc[2])::int + (f > fc[3])::int + (f > fc[4])::int) as fs,
           1 + ((m > mc[1])::int + (m > mc[2])::int + (m > mc[3])::int + (m > mc[4])::int) as ms,
           (r <= ar)::int * 4 + (f >= af)::int * 2 + (m >= am)::int as bits,
           case when ranked.above < 0.8 then 'A' when ranked.above < 0.95 then 'B' else 'C' end as abc
      from raw join ranked using (customer_id), cuts
  )
  update customer_stats s set
    rfm_recency_days = sc.r, rfm_frequency = coalesce(sc.f, 0), rfm_monetary = coalesce(sc.m, 0),
    r_score = sc.rs, f_score = sc.fs, m_score = sc.ms,
    rfm_class = (array['general_retain', 'important_retain', 'general_keep', 'important_keep', 'general_develop',
                       'important_develop', 'general_value', 'important_value'])[1 + sc.bits],
    rfm_segment = (array['lost','hibernating','at_risk','at_risk','cannot_lose_them','hibernating','hibernating',
                         'at_risk','at_risk','cannot_lose_them','about_to_sleep','about_to_sleep','need_attention',
                         'loyal','loyal','promising','potential_loyalist','potential_loyalist','loyal','champions',
                         'new_customers','potential_loyalist','potential_loyalist','champions','champions'])
                  [(sc.rs - 1) * 5 + (sc.fs + sc.ms + 1) / 2],
    abc_class = sc.abc,
    lifecycle_stage = case when l.since_last is null then 'prospect' when l.since_last > 365 then 'churned'
                           when l.since_last > 90 then 'dormant' when l.since_first < 30 then 'new'
                           when l.loyal_n >= 5 then 'loyal' else 'active' end,
    scored_at = now()
  from customer_stats s0 left join scored sc using (customer_id) left join life l using (customer_id)
  where s.customer_id = s0.customer_id`;

const todayInShanghai = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

type Result = {
  label: string;
  customers: number;
  scored: number;
  ms: number;
  rawMs: number;
  transitions: number;
  note?: string;
};

async function resetScores(raw: Raw) {
  await raw.query(`delete from activities where module = 'scoring'`);
  await raw.query(`delete from outbox where type = 'lifecycle.changed'`);
  await raw.query(`delete from lifecycle_changes`);
  await raw.query(`delete from scoring_settings where model = 'lastRun'`);
  await raw.query(
    `update customer_stats set rfm_recency_days = null, rfm_frequency = null, rfm_monetary = null, r_score = null,
       f_score = null, m_score = null, rfm_class = null, rfm_segment = null, abc_class = null, value_tier = null,
       grade = null, lifecycle_stage = null, lifecycle_since = null, scored_at = null
     where scored_at is not null`,
  );
}

async function measure(ctx: BenchContext, d: SeededDatabase): Promise<Result> {
  const { report } = await ensureSeeded(d.target, d.plan, ctx.log);
  const dataDir =
    d.target.kind === 'pglite'
      ? d.target.dataDir
      : join(process.env.BENCH_DATA_DIR || '/tmp', `kehu-bench-customers-pg-${d.plan.customers}`);
  mkdirSync(dataDir, { recursive: true });
  // start Kehu once first: its migrations fill order_days on a data set seeded before it existed
  const kehu = await startKehuProcess({
    databaseUrl: d.target.kind === 'postgres' ? pgUrl(d) : undefined,
    dataDir,
    masterKey: BENCH_MASTER_KEY,
    adminEmail: benchAdmin.email,
    adminPassword: benchAdmin.password,
  });
  const result: Result = {
    label: d.label,
    customers: report.counts.customers,
    scored: 0,
    ms: 0,
    rawMs: 0,
    transitions: 0,
  };
  try {
    const s: Session = await signInHttp(kehu.url, benchAdmin.email, benchAdmin.password, 2);
    const today = todayInShanghai(); // the seeded data set keeps the default time zone
    if (d.target.kind === 'postgres') {
      // the raw statement on its own connection while Kehu idles; rolled back
      const raw = await openRaw(d);
      try {
        await resetScores(raw);
        await raw.query('begin');
        const t0 = performance.now();
        await raw.query(rawRecompute, [today]);
        result.rawMs = performance.now() - t0;
        await raw.query('rollback');
      } finally {
        await raw.close();
      }
    }
    ctx.log(`  ${d.label}: recompute through the API`);
    const t0 = performance.now();
    await call(s, 'POST', '/api/v1/scoring/recompute', undefined, [202]);
    let st: { status: string; error: string | null };
    for (;;) {
      st = (await call<typeof st>(s, 'GET', '/api/v1/scoring/recompute')).json;
      if (st.status === 'done' || st.status === 'failed') break;
      await new Promise((res) => setTimeout(res, 200));
    }
    result.ms = performance.now() - t0;
    if (st.status === 'failed') result.note = `failed: ${st.error ?? ''}`;
  } finally {
    await kehu.stop();
  }
  const raw = await openRaw(d);
  try {
    const [c] = await raw.query<{ scored: number; transitions: number }>(
      `select (select count(*)::int from customer_stats where r_score is not null) as scored,
              (select count(*)::int from lifecycle_changes) as transitions`,
    );
    result.scored = c.scored;
    result.transitions = c.transitions;
    if (d.target.kind === 'pglite') {
      // PGlite has one connection: the raw statement after Kehu stopped, rolled back
      await resetScores(raw);
      await raw.query('begin');
      const t0 = performance.now();
      await raw.query(rawRecompute, [todayInShanghai()]);
      result.rawMs = performance.now() - t0;
      await raw.query('rollback');
    }
    await resetScores(raw);
  } finally {
    await raw.close();
  }
  return result;
}

export const scoringScenario: Scenario = {
  name: 'scoring',
  title: 'Scoring: full RFM + ABC + value tier + grade + lifecycle recompute',
  async run(ctx) {
    const results: Result[] = [];
    for (const d of seededDatabases(ctx)) results.push(await measure(ctx, d));
    return [
      machineLine(),
      '',
      'POST /scoring/recompute until GET /scoring/recompute reports done: one pass over the window of `order_days` for the quintile cut points, averages and ABC cuts, then every customer in batches of 5,000 by id (RFM, both class schemes, ABC, lifecycle stage; value tier and grade through the segment rule compiler; `lifecycle_changes` rows, `lifecycle.changed` events and timeline rows for every first stage other than prospect), beside one hand-written UPDATE computing the same RFM scores, classes, ABC and stages for every customer (no history, events, tiers or grades; rolled back). Each run starts from unscored customers.',
      '',
      markdownTable({
        head: [
          'database',
          'customers',
          'scored (orders in window)',
          'transitions',
          'recompute s',
          'raw SQL s',
          'ratio',
          'note',
        ],
        rows: results.map((r) => [
          r.label,
          num(r.customers),
          num(r.scored),
          num(r.transitions),
          num(r.ms / 1000, 2),
          num(r.rawMs / 1000, 2),
          ratio(r.ms, r.rawMs),
          r.note ?? '',
        ]),
      }),
    ].join('\n');
  },
};
