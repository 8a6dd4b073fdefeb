// The tracking API under load: events/s through /v1/batch (100 events a batch) against a Kehu
// in its own process, how long until a batch is queryable, and the raw limit beside it (the
// same rows by multi-row INSERT and by COPY straight into the same `events` table).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { call, signInHttp, startKehuProcess, timing, type Timing } from '../lib/http-client.ts';
import { benchAdmin, freshPgDatabase } from '../lib/kehu.ts';
import { machineLine, markdownTable, num, ratio } from '../lib/report.ts';
import { Random } from '../generator/index.ts';
import type { BenchContext, Scenario } from './types.ts';

const BATCH = 100;
const CONCURRENCY = 8;
const MASTER_KEY = 'bench-master-key-0123456789abcdef0123456789abcdef';

type Message = Record<string, unknown> & { type: string; messageId: string };

/**
 * Live traffic of a shop, deterministic: 60 % page views, 30 % tracked events, 5 % identify,
 * 5 % screens; half from known users (a pool identified first), half from anonymous devices
 * (twenty per user), a few of which log in (identify with both ids: stitching).
 */
function* traffic(seed: number, users: number, devices: number, now: number): Generator<Message> {
  const r = new Random(seed);
  const pages = ['/', '/pricing', '/products/a-001', '/products/b-207', '/cart', '/checkout', '/blog/spring-sale'];
  const events = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed', 'Coupon Applied'];
  for (let i = 0; ; i++) {
    const known = r.float() < 0.5;
    const who = known
      ? { userId: `bench-user-${r.int(0, users - 1)}` }
      : { anonymousId: `bench-device-${r.int(0, devices - 1)}` };
    const roll = r.float();
    // live traffic: stamped a moment before it is sent
    const timestamp = new Date(now + i * 2 - r.int(0, 5000)).toISOString();
    const base = { messageId: `m-${seed}-${i}`, timestamp, context: { ip: '203.0.113.7', locale: 'zh-CN' } };
    if (roll < 0.6) {
      const path = pages[r.int(0, pages.length - 1)];
      yield { ...base, ...who, type: 'page', name: path, properties: { url: `https://shop.example${path}`, path } };
    } else if (roll < 0.9) {
      const event = events[r.int(0, events.length - 1)];
      yield { ...base, ...who, type: 'track', event, properties: { sku: `A-${r.int(1, 999)}`, price: r.int(10, 999) } };
    } else if (roll < 0.95) {
      // a device logging in as a known user: identify with both ids
      yield {
        ...base,
        type: 'identify',
        userId: `bench-user-${r.int(0, users - 1)}`,
        anonymousId: `bench-device-${r.int(0, devices - 1)}`,
        traits: { plan: 'member' },
      };
    } else {
      yield { ...base, ...who, type: 'screen', name: 'Home' };
    }
  }
}

function take<T>(it: Iterator<T>, n: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(it.next().value as T);
  return out;
}

function post(
  url: string,
  key: string,
  body: unknown,
  agent: http.Agent,
): Promise<{ status: number; ms: number; body: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Sends the batches with `CONCURRENCY` in flight; a 429 is waited out and resent, as SDKs do. */
async function sendBatches(
  base: string,
  key: string,
  batches: Message[][],
): Promise<{ t: Timing; events: number; retried: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let next = 0;
  let events = 0;
  let retried = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        for (;;) {
          const res = await post(`${base}/v1/batch`, key, { batch, sentAt: new Date().toISOString() }, agent);
          if (res.status === 429) {
            retried++;
            await new Promise((r) => setTimeout(r, 200));
            continue;
          }
          if (res.status !== 200) throw new Error(`/v1/batch answered ${res.status}: ${res.body.slice(0, 300)}`);
          latencies.push(res.ms);
          events += batch.length;
          break;
        }
      }
    }),
  );
  agent.destroy();
  return { t: timing(latencies, performance.now() - t0), events, retried };
}

// ── the raw side: the same rows straight into `events`, no Kehu ─────────────────────────────

type Raw = {
  insert(rows: Message[], sourceId: string): Promise<void>;
  copy(rows: Message[], sourceId: string): Promise<void>;
  count(messageIds: string[]): Promise<number>;
  close(): Promise<void>;
};

const rawInsertSql = `insert into events (source_id, customer_id, anonymous_id, user_id, type, event, url, properties, context,
    "timestamp", received_at, message_id)
  select $1, null, v.anonymous_id, v.user_id, v.type, v.event, v.url, v.properties, v.context, v.ts, now(), v.message_id
    from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[], $9::timestamptz[], $10::text[])
      as v(anonymous_id, user_id, type, event, url, properties, context, ts, message_id)`;

function rawParams(rows: Message[], sourceId: string): unknown[] {
  const s = (v: unknown) => (typeof v === 'string' ? v : null);
  return [
    sourceId,
    rows.map((m) => s(m.anonymousId)),
    rows.map((m) => s(m.userId)),
    rows.map((m) => m.type),
    rows.map((m) => s(m.event) ?? s(m.name)),
    rows.map((m) => s((m.properties as { url?: string } | undefined)?.url)),
    rows.map((m) => JSON.stringify(m.properties ?? m.traits ?? {})),
    rows.map((m) => JSON.stringify(m.context ?? {})),
    rows.map((m) => m.timestamp),
    rows.map((m) => `raw-${m.messageId}`),
  ];
}

/** COPY text format: tab-separated, `\N` for null, backslashes escaped. */
function copyLine(m: Message, sourceId: string): string {
  const esc = (v: unknown) =>
    v === null || v === undefined
      ? '\\N'
      : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
  const s = (v: unknown) => (typeof v === 'string' ? v : null);
  return (
    [
      sourceId,
      s(m.anonymousId),
      s(m.userId),
      m.type,
      s(m.event) ?? s(m.name),
      s((m.properties as { url?: string } | undefined)?.url),
      JSON.stringify(m.properties ?? m.traits ?? {}),
      JSON.stringify(m.context ?? {}),
      m.timestamp,
      new Date().toISOString(),
      `copy-${m.messageId}`,
    ]
      .map(esc)
      .join('\t') + '\n'
  );
}
const copyColumns = `events (source_id, anonymous_id, user_id, type, event, url, properties, context, "timestamp", received_at, message_id)`;

async function openRaw(target: { databaseUrl?: string; dataDir: string }): Promise<Raw> {
  if (target.databaseUrl) {
    const pool = new pg.Pool({ connectionString: target.databaseUrl, max: CONCURRENCY });
    pool.on('error', () => undefined); // an idle client's error surfaces on the next query instead
    return {
      insert: async (rows, sourceId) => void (await pool.query(rawInsertSql, rawParams(rows, sourceId))),
      async copy(rows, sourceId) {
        const client = await pool.connect();
        try {
          await pipeline(
            Readable.from(rows.map((m) => copyLine(m, sourceId))),
            client.query(copyFrom(`COPY ${copyColumns} FROM STDIN`)),
          );
        } finally {
          client.release();
        }
      },
      async count(ids) {
        const r = await pool.query<{ n: number }>('select count(*)::int as n from events where message_id = any($1)', [
          ids,
        ]);
        return r.rows[0].n;
      },
      close: () => pool.end(),
    };
  }
  const db = new PGlite(join(target.dataDir, 'pglite'), { extensions: { pg_trgm, citext, btree_gin } });
  await db.waitReady;
  return {
    insert: async (rows, sourceId) => void (await db.query(rawInsertSql, rawParams(rows, sourceId))),
    async copy(rows, sourceId) {
      const blob = new Blob([rows.map((m) => copyLine(m, sourceId)).join('')]);
      await db.query(`COPY ${copyColumns} FROM '/dev/blob'`, [], { blob });
    },
    async count(ids) {
      const r = await db.query<{ n: number }>('select count(*)::int as n from events where message_id = any($1)', [
        ids,
      ]);
      return r.rows[0].n;
    },
    close: () => db.close(),
  };
}

async function rawRate(label: string, work: () => Promise<number>): Promise<{ label: string; perSecond: number }> {
  const t0 = performance.now();
  const n = await work();
  return { label, perSecond: (n / (performance.now() - t0)) * 1000 };
}

// ── one target ──────────────────────────────────────────────────────────────────────────────

/** CPU time (user + system, all threads) a process has used so far, in ms; NaN where /proc is missing. */
function cpuMsOf(pid: number): number {
  try {
    // after the command name (which may hold spaces) come state, ppid, …: utime and stime are fields 14 and 15
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** CPU used so far by each PostgreSQL backend serving Kehu on the bench database (the server runs on this machine). */
async function serverCpu(url: string): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `select pid from pg_stat_activity where datname = current_database() and application_name = 'kehu'`,
    );
    return new Map(rows.map((r) => [r.pid, cpuMsOf(r.pid)]));
  } finally {
    await client.end();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

type TargetResult = {
  name: string;
  identify: { events: number; perSecond: number };
  load: { events: number; t: Timing; retried: number };
  /** Kehu's own CPU (all its threads) per 100-event batch of the mixed load. */
  cpuPerBatchMs: number;
  /** The PostgreSQL backends serving Kehu (same machine): their CPU per batch; NaN on PGlite. */
  pgCpuPerBatchMs: number;
  /** Median over the probes: the 200 came back; another connection counted every row of the batch. */
  queryable: { answeredMs: number; visibleMs: number } | null;
  rawInsert: number;
  rawCopy: number;
  eventsStored: number;
};

async function runTarget(ctx: BenchContext, name: string, serverUrl?: string): Promise<TargetResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kehu-bench-tracking-'));
  const database = serverUrl ? await freshPgDatabase(serverUrl, 'kehu_bench_tracking') : null;
  const users = Math.max(200, Math.round(2000 * ctx.scale));
  // browsers and apps: many more devices than signed-in users, each sending its own few events
  const devices = users * 20;
  const total = Math.round((20_000 * ctx.scale) / BATCH) * BATCH;
  const kehu = await startKehuProcess({
    databaseUrl: database?.url,
    dataDir,
    masterKey: MASTER_KEY,
    adminEmail: benchAdmin.email,
    adminPassword: benchAdmin.password,
  });
  try {
    const session = await signInHttp(kehu.url, benchAdmin.email, benchAdmin.password);
    const { json: source } = await call<{ id: string; writeKey: string }>(
      session,
      'POST',
      '/api/v1/sources',
      { name: 'bench', type: 'server', rateLimit: 1_000_000 },
      [201],
    );

    // 1. the users are identified once (each creates a customer through the collector)
    ctx.log(`  ${name}: identifying ${users} users`);
    const identifies = Array.from({ length: users }, (_, i) => ({
      type: 'identify',
      userId: `bench-user-${i}`,
      messageId: `id-${i}`,
      traits: { name: `用户${i}`, email: `bench-user-${i}@example.com` },
    }));
    const idBatches: Message[][] = [];
    for (let i = 0; i < identifies.length; i += BATCH) idBatches.push(identifies.slice(i, i + BATCH));
    const identified = await sendBatches(kehu.url, source.writeKey, idBatches);

    // 2. the mixed traffic, 100 events a batch
    const it = traffic(1, users, devices, Date.now());
    const warm = Array.from({ length: 10 }, () => take(it, BATCH));
    await sendBatches(kehu.url, source.writeKey, warm);
    const batches = Array.from({ length: total / BATCH }, () => take(it, BATCH));
    ctx.log(`  ${name}: ${total} events in ${batches.length} batches, ${CONCURRENCY} in flight`);
    const cpu0 = cpuMsOf(kehu.pid);
    const pg0 = database ? await serverCpu(database.url) : null;
    const load = await sendBatches(kehu.url, source.writeKey, batches);
    const cpuPerBatchMs = (cpuMsOf(kehu.pid) - cpu0) / batches.length;
    let pgCpuPerBatchMs = NaN;
    if (database && pg0) {
      const pg1 = await serverCpu(database.url);
      let sum = 0;
      for (const [pid, ms] of pg1) sum += ms - (pg0.get(pid) ?? 0); // a connection opened meanwhile: all of it
      pgCpuPerBatchMs = sum / batches.length;
    }

    // 3. queryable: from sending a batch until a separate connection (another process's pool,
    //    already connected) counts all of its rows; the 200 comes after the commit, so this is
    //    the request's round trip plus one query, unless a row is written later
    const raw0 = await openRawWhileRunning(database?.url);
    let queryable: TargetResult['queryable'] = null;
    if (raw0) {
      await raw0.count([]); // the pool's connection is made before the clock starts
      const answered: number[] = [];
      const visible: number[] = [];
      for (let p = 0; p < 7; p++) {
        const probe = take(it, BATCH);
        const ids = probe.map((m) => m.messageId);
        const t0 = performance.now();
        await sendBatches(kehu.url, source.writeKey, [probe]);
        answered.push(performance.now() - t0);
        while ((await raw0.count(ids)) < ids.length) {
          if (performance.now() - t0 > 10_000) throw new Error('a batch answered 200 was not visible after 10 s');
        }
        visible.push(performance.now() - t0);
      }
      queryable = { answeredMs: median(answered), visibleMs: median(visible) };
      await raw0.close();
    }

    await kehu.stop();
    // 4. the raw limit, same rows into the same table (PGlite is opened again now Kehu has let go)
    const raw = await openRaw({ databaseUrl: database?.url, dataDir });
    try {
      const rawSource = randomUUID();
      const insert = await rawRate('insert', async () => {
        let i = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (i < batches.length) await raw.insert(batches[i++], rawSource);
          }),
        );
        return total;
      });
      const copy = await rawRate('copy', async () => {
        await raw.copy(batches.flat(), randomUUID());
        return total;
      });
      const stored = await raw.count(batches.flat().map((m) => m.messageId));
      return {
        name,
        identify: { events: identified.events, perSecond: identified.t.perSecond * BATCH },
        load: { events: load.events, t: load.t, retried: load.retried },
        cpuPerBatchMs,
        pgCpuPerBatchMs,
        queryable,
        rawInsert: insert.perSecond,
        rawCopy: copy.perSecond,
        eventsStored: stored,
      };
    } finally {
      await raw.close();
    }
  } finally {
    await kehu.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Only the server can be read by a second process while Kehu runs (PGlite belongs to one). */
async function openRawWhileRunning(databaseUrl: string | undefined): Promise<Raw | null> {
  return databaseUrl ? openRaw({ databaseUrl, dataDir: '' }) : null;
}

export const trackingScenario: Scenario = {
  name: 'tracking',
  title: 'Tracking API: events/s through /v1/batch (100 events a batch) beside INSERT and COPY of the same rows',
  async run(ctx) {
    const machine = machineLine();
    // BENCH_TRACKING_ONLY=postgres skips PGlite (comparing changes on the server, run after run)
    const onlyServer = process.env.BENCH_TRACKING_ONLY === 'postgres' && !!ctx.pgUrl;
    const results: TargetResult[] = onlyServer ? [] : [await runTarget(ctx, 'PGlite')];
    if (ctx.pgUrl) results.push(await runTarget(ctx, 'PostgreSQL', ctx.pgUrl));
    const rows = results.flatMap((r) => [
      [
        r.name,
        '/v1/batch, mixed traffic',
        num(r.load.events),
        num(r.load.t.perSecond * BATCH),
        `${num(r.load.t.p50)} / ${num(r.load.t.p95)} ms`,
        ratio(r.load.t.perSecond * BATCH, r.rawInsert),
        ratio(r.load.t.perSecond * BATCH, r.rawCopy),
        Number.isFinite(r.pgCpuPerBatchMs)
          ? `${num(r.cpuPerBatchMs)} + ${num(r.pgCpuPerBatchMs, 1)}`
          : num(r.cpuPerBatchMs),
      ],
      [
        r.name,
        '/v1/batch, identify (creates customers)',
        num(r.identify.events),
        num(r.identify.perSecond),
        '',
        '',
        '',
        '',
      ],
      [r.name, 'raw multi-row INSERT, same rows', num(r.load.events), num(r.rawInsert), '', '', '', ''],
      [r.name, 'raw COPY, same rows', num(r.load.events), num(r.rawCopy), '', '', '', ''],
    ]);
    const queryable = results
      .map((r) =>
        r.queryable
          ? `${r.name}: events queryable ${num(r.queryable.visibleMs)} ms after the batch was sent (median of 7 batches: answered 200 after ${num(r.queryable.answeredMs)} ms, then counted in full by a separate connection; the answer comes after the commit)`
          : `${r.name}: queryable as soon as answered (2xx only after the commit); not probed, PGlite belongs to the Kehu process`,
      )
      .join('\n- ');
    return [
      `Measured on ${machine}. Kehu runs in its own process; the load comes from the bench process with ${CONCURRENCY} batches in flight, ${BATCH} events each (60 % page, 30 % track, 5 % identify with both ids, 5 % screen; half known users, half anonymous devices). The raw rows go into the same partitioned \`events\` table with the same indexes, without de-duplication, customers, devices or timeline. "CPU ms / batch" is the CPU time (from /proc) of the Kehu process (all threads) and of the PostgreSQL backends serving it over the mixed load, divided by its batches: steadier than events/s on a shared machine.`,
      '',
      markdownTable({
        head: [
          'database',
          'what',
          'events',
          'events/s',
          'batch p50 / p95',
          'vs raw INSERT',
          'vs raw COPY',
          'CPU ms / batch: Kehu + PostgreSQL',
        ],
        rows,
      }),
      '',
      `- ${queryable}`,
      `- 429s waited out and resent: ${results.map((r) => `${r.name} ${num(r.load.retried)}`).join(', ')}`,
    ].join('\n');
  },
};
