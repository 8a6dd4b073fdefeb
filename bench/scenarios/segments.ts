import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { BENCH_MASTER_KEY, ensureSeeded } from '../lib/customers-seed.ts';
import { call, sequential, signInHttp, startKehuProcess, type Session, type Timing } from '../lib/http-client.ts';
import { benchAdmin } from '../lib/kehu.ts';
import { machineLine, markdownTable, num, ratio } from '../lib/report.ts';
import { seededDatabases, type SeededDatabase } from './customers-seed.ts';
import type { BenchContext, Scenario } from './types.ts';

/**
 * Segments on the seeded customer data set (1,000,000 customers / 10,000,000 orders on the
 * server, 100,000 on PGlite, × BENCH_SCALE): the live count of two typical rules through
 * POST /segments/preview, each beside the same count as one hand-written SQL statement, and a
 * full refresh of a dynamic segment of about a fifth of the customers (membership, entry history,
 * events and timeline rows) beside one INSERT … SELECT of the same members and history rows.
 */
const PREVIEWS = 30;
const RAW_RUNS = 10;

type Raw = {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
};

async function openRaw(d: SeededDatabase): Promise<Raw> {
  if (d.target.kind === 'postgres') {
    const url = new URL(d.target.serverUrl);
    url.pathname = `/${d.target.database}`;
    const client = new pg.Client({ connectionString: url.toString(), application_name: 'kehu-bench-raw' });
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

const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

type Shape = { from: string; to: string; minOrders: number; provinces: string[] };

function rules(s: Shape) {
  const window = { from: s.from, to: s.to };
  return {
    // profile + behaviour in a window + tag
    behaviour: {
      version: 1,
      and: [
        { field: 'profile.gender', op: 'in', value: ['female'] },
        {
          or: [
            { field: 'orders.total', op: 'gte', value: '300', window },
            { field: 'orders.count', op: 'gte', value: 2, window },
          ],
        },
        { field: 'tags', op: 'hasNone', value: ['黑名单'] },
      ],
    },
    // profile + all-history aggregate + tag
    profile: {
      version: 1,
      and: [
        { field: 'profile.province', op: 'in', value: s.provinces },
        { field: 'orders.count', op: 'gte', value: 2 },
        { field: 'tags', op: 'hasNone', value: ['黑名单'] },
      ],
    },
    fifth: { version: 1, and: [{ field: 'orders.count', op: 'gte', value: s.minOrders }] },
  };
}

const rawSql = {
  behaviour: `select count(*)::int as n from customers c where c.gender = 'female'
      and c.id in (select customer_id from order_days where day between $1::date and $2::date
                   group by customer_id having sum(amount) >= 300 or sum(order_count) >= 2)
      and not c.tags && array['黑名单']::text[]`,
  profile: `select count(*)::int as n from customers c join customer_stats s on s.customer_id = c.id
      where c.province = any($1::text[]) and s.order_count >= 2 and not c.tags && array['黑名单']::text[]`,
};

type Result = {
  label: string;
  customers: number;
  counts: { rule: string; count: number; http: Timing; tookP50: number; raw: Timing }[];
  refresh: { members: number; ms: number; rawMs: number } | null;
  note?: string;
};

async function timed(runs: number, fn: () => Promise<unknown>): Promise<Timing> {
  return sequential(runs, async () => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  });
}

async function measure(ctx: BenchContext, d: SeededDatabase): Promise<Result> {
  const { report } = await ensureSeeded(d.target, d.plan, ctx.log);
  const dataDir =
    d.target.kind === 'pglite'
      ? d.target.dataDir
      : join(process.env.BENCH_DATA_DIR || '/tmp', `kehu-bench-customers-pg-${d.plan.customers}`);
  mkdirSync(dataDir, { recursive: true });
  const startKehu = () =>
    startKehuProcess({
      databaseUrl: d.target.kind === 'postgres' ? pgUrl(d) : undefined,
      dataDir,
      masterKey: BENCH_MASTER_KEY,
      adminEmail: benchAdmin.email,
      adminPassword: benchAdmin.password,
    });
  // a data set seeded before order_days existed gets it from Kehu's migrations: start Kehu once first
  const probe = await openRaw(d);
  const [{ filled }] = await probe.query<{ filled: boolean }>('select exists (select 1 from order_days) as filled');
  await probe.close();
  if (!filled) await (await startKehu()).stop();
  const raw = await openRaw(d);
  let shape: Shape;
  const rawTimes: Record<'behaviour' | 'profile', Timing> = {} as never;
  let rawRefreshMs = NaN;
  try {
    const [{ last }] = await raw.query<{ last: string }>(
      `select to_char(max(day), 'YYYY-MM-DD') as last from order_days`,
    );
    const [{ k }] = await raw.query<{ k: number }>(
      `select percentile_disc(0.8) within group (order by order_count) as k from customer_stats`,
    );
    const provinces = (
      await raw.query<{ province: string }>(
        `select province from customers where province is not null group by province order by count(*) desc limit 2`,
      )
    ).map((r) => r.province);
    shape = { from: addDays(last, -89), to: last, minOrders: Math.max(1, k), provinces };
    ctx.log(`  ${d.label}: window ${shape.from} … ${shape.to}, ≥ ${shape.minOrders} orders for the fifth`);
    rawTimes.behaviour = await timed(RAW_RUNS, () => raw.query(rawSql.behaviour, [shape.from, shape.to]));
    rawTimes.profile = await timed(RAW_RUNS, () => raw.query(rawSql.profile, [shape.provinces]));
    // the refresh's minimal work: the members and their entry rows, one statement, rolled back
    await raw.query('begin');
    const t0 = performance.now();
    await raw.query(
      `with seg as (insert into segments (name, kind) values ('bench raw', 'dynamic') returning id),
       m as (insert into segment_members (segment_id, customer_id)
             select seg.id, s.customer_id from seg, customer_stats s where s.order_count >= $1
             returning segment_id, customer_id)
       insert into segment_member_changes (segment_id, customer_id, kind) select segment_id, customer_id, 'entered' from m`,
      [shape.minOrders],
    );
    rawRefreshMs = performance.now() - t0;
    await raw.query('rollback');
  } finally {
    await raw.close();
  }

  const kehu = await startKehu();
  const result: Result = { label: d.label, customers: report.counts.customers, counts: [], refresh: null };
  try {
    const s: Session = await signInHttp(kehu.url, benchAdmin.email, benchAdmin.password, 2);
    const r = rules(shape);
    for (const key of ['profile', 'behaviour'] as const) {
      ctx.log(`  preview: ${key}`);
      const preview = () =>
        call<{ count: number; tookMs: number }>(s, 'POST', '/api/v1/segments/preview', { rules: r[key] });
      const first = await preview(); // warm-up
      const took: number[] = [];
      const http = await sequential(PREVIEWS, async () => {
        const a = await preview();
        took.push(a.json.tookMs);
        return a.ms;
      });
      took.sort((a, b) => a - b);
      result.counts.push({
        rule: key,
        count: first.json.count,
        http,
        tookP50: took[Math.floor(took.length / 2)],
        raw: rawTimes[key],
      });
    }
    ctx.log('  full refresh of the fifth');
    const t0 = performance.now();
    const created = await call<{ id: string }>(
      s,
      'POST',
      '/api/v1/segments',
      { name: '压测：前五分之一', kind: 'dynamic', rules: r.fifth },
      [201],
    );
    let seg: { memberCount: number; refresh?: { status: string } };
    for (;;) {
      seg = (await call<typeof seg>(s, 'GET', `/api/v1/segments/${created.json.id}`)).json;
      if (seg.refresh?.status === 'done' || seg.refresh?.status === 'failed') break;
      await new Promise((res) => setTimeout(res, 200));
    }
    const ms = performance.now() - t0;
    if (seg.refresh?.status === 'failed') result.note = 'the refresh failed (see the log)';
    result.refresh = { members: seg.memberCount, ms, rawMs: rawRefreshMs };
    await call(s, 'DELETE', `/api/v1/segments/${created.json.id}`, undefined, [204]);
  } finally {
    await kehu.stop();
  }
  // leave the shared seeded data set as it was: the timeline rows and events of the refresh go
  const cleanup = await openRaw(d);
  try {
    await cleanup.query(`delete from activities where module = 'segments'`);
    await cleanup.query(`delete from outbox where type in ('segment.entered', 'segment.exited')`);
  } finally {
    await cleanup.close();
  }
  return result;
}

function pgUrl(d: SeededDatabase): string {
  if (d.target.kind !== 'postgres') throw new Error('not a server');
  const url = new URL(d.target.serverUrl);
  url.pathname = `/${d.target.database}`;
  return url.toString();
}

const ms = (n: number) => num(n, n < 10 ? 1 : 0);

export const segmentsScenario: Scenario = {
  name: 'segments',
  title: 'Segments: live count of typical rules, and a full refresh of a fifth of the customers',
  async run(ctx) {
    const results: Result[] = [];
    for (const d of seededDatabases(ctx)) results.push(await measure(ctx, d));
    const countRows = results.flatMap((r) =>
      r.counts.map((c) => [
        r.label,
        num(r.customers),
        c.rule === 'profile' ? 'profile + all-history orders + tag' : 'profile + orders in a 90-day window (OR) + tag',
        num(c.count),
        ms(c.http.p50),
        ms(c.http.p95),
        ms(c.tookP50),
        ms(c.raw.p50),
        ratio(c.http.p50, c.raw.p50),
      ]),
    );
    const refreshRows = results
      .filter((r) => r.refresh)
      .map((r) => [
        r.label,
        num(r.customers),
        num(r.refresh!.members),
        num(r.refresh!.ms / 1000, 2),
        num(r.refresh!.rawMs / 1000, 2),
        ratio(r.refresh!.ms, r.refresh!.rawMs),
        r.note ?? '',
      ]);
    return [
      machineLine(),
      '',
      `Live count: POST /segments/preview (${PREVIEWS} sequential calls after a warm-up; count + a 10-row sample) beside the same count as one hand-written statement (${RAW_RUNS} runs). \`tookMs\` is the server's own time for compiling and running the count and sample.`,
      '',
      markdownTable({
        head: [
          'database',
          'customers',
          'rule',
          'matches',
          'HTTP p50 ms',
          'HTTP p95 ms',
          'server p50 ms',
          'raw SQL p50 ms',
          'ratio',
        ],
        rows: countRows,
      }),
      '',
      'Full refresh of a new dynamic segment holding about a fifth of the customers (16 id-range transactions: membership diff, entry history, `segment.entered` events and timeline rows), from POST /segments until GET shows it done, beside one INSERT … SELECT of the same members and history rows (rolled back).',
      '',
      markdownTable({
        head: ['database', 'customers', 'members', 'refresh s', 'raw s', 'ratio', 'note'],
        rows: refreshRows,
      }),
    ].join('\n');
  },
};
