import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createDb } from '../../server/src/platform/db/db.ts';
import { openDb } from '../../server/src/platform/db/open.ts';
import { openPgBackend } from '../../server/src/platform/db/pg.backend.ts';
import { Random } from '../generator/index.ts';
import { freshPgDatabase } from '../lib/kehu.ts';
import { machineLine, markdownTable, num, ratio } from '../lib/report.ts';
import type { BenchContext, Scenario } from './types.ts';

type Run = (text: string, params: unknown[]) => Promise<unknown>;
type Figures = { insertsPerSecond: number; selectsPerSecond: number };

const table = (name: string) => `CREATE TABLE ${name} (
  id integer PRIMARY KEY, name text NOT NULL, amount numeric(14,2) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now())`;

type Side = { run: Run; table: string; nextId: number; inserts: number[]; selects: number[] };

const ROUNDS = 3;

/**
 * Sequential (one statement in flight) parameterised inserts, then primary-key selects, on both
 * sides in alternating rounds (ours first, then raw first, …), so that a burst of load from
 * elsewhere on a shared machine hits both sides alike. Each side's figure is its median round.
 */
async function compare(ours: Side, raw: Side, inserts: number, selects: number) {
  for (const side of [ours, raw]) {
    // warm-up: plans cached, pages in memory
    for (let i = 0; i < 200; i++)
      await side.run(`INSERT INTO ${side.table} (id, name, amount) VALUES ($1, $2, $3)`, [-1 - i, '预热', '0.00']);
  }
  const perRound = Math.max(1, Math.round(inserts / ROUNDS));
  const selectsPerRound = Math.max(1, Math.round(selects / ROUNDS));
  for (let r = 0; r < ROUNDS; r++) {
    for (const side of r % 2 ? [raw, ours] : [ours, raw]) {
      const insert = `INSERT INTO ${side.table} (id, name, amount) VALUES ($1, $2, $3)`;
      const t0 = performance.now();
      for (let i = 0; i < perRound; i++, side.nextId++)
        await side.run(insert, [side.nextId, `客户${side.nextId}`, `${side.nextId % 10_000}.${side.nextId % 100}`]);
      side.inserts.push((perRound * 1000) / (performance.now() - t0));
    }
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const side of r % 2 ? [raw, ours] : [ours, raw]) {
      const select = `SELECT id, name, amount, created_at FROM ${side.table} WHERE id = $1`;
      const rng = new Random(99, r);
      const t0 = performance.now();
      for (let i = 0; i < selectsPerRound; i++) await side.run(select, [rng.int(0, side.nextId - 1)]);
      side.selects.push((selectsPerRound * 1000) / (performance.now() - t0));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const figures = (s: Side): Figures => ({ insertsPerSecond: median(s.inserts), selectsPerSecond: median(s.selects) });
  return { ours: figures(ours), direct: figures(raw) };
}

const side = (run: Run, table: string): Side => ({ run, table, nextId: 0, inserts: [], selects: [] });

async function pglitePair(inserts: number, selects: number) {
  const dir = mkdtempSync(join(tmpdir(), 'kehu-bench-db-'));
  try {
    const db = await openDb({ dataDir: join(dir, 'ours') });
    const raw = new PGlite(join(dir, 'raw'));
    await raw.waitReady;
    try {
      await db.exec(table('bench_kv'));
      await raw.exec(table('bench_kv'));
      return await compare(
        side((t, p) => db.query(t, p), 'bench_kv'),
        side((t, p) => raw.query(t, p), 'bench_kv'),
        inserts,
        selects,
      );
    } finally {
      await db.close();
      await raw.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresPair(serverUrl: string, inserts: number, selects: number) {
  const database = await freshPgDatabase(serverUrl, 'kehu_bench_db');
  try {
    const db = createDb(await openPgBackend(database.url));
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await db.exec(table('bench_ours'));
      await client.query(table('bench_raw'));
      return await compare(
        side((t, p) => db.query(t, p), 'bench_ours'),
        side((t, p) => client.query(t, p), 'bench_raw'),
        inserts,
        selects,
      );
    } finally {
      await db.close();
      await client.end();
    }
  } finally {
    await database.drop();
  }
}

/** The floor under any worker-thread database: an empty message to a worker and back. */
async function threadHopsPerSecond(count: number): Promise<number> {
  const worker = new Worker(
    "require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m));",
    { eval: true },
  );
  const hop = (i: number) =>
    new Promise<void>((resolve) => {
      worker.once('message', () => resolve());
      worker.postMessage(i);
    });
  for (let i = 0; i < 200; i++) await hop(i);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await hop(i);
  const perSecond = (count * 1000) / (performance.now() - t0);
  await worker.terminate();
  return perSecond;
}

export const dbScenario: Scenario = {
  name: 'db',
  title: 'Data layer: our `Db` next to the raw driver',
  async run(ctx: BenchContext) {
    const machine = machineLine();
    const inserts = Math.round(2000 * ctx.scale);
    const selects = Math.round(4000 * ctx.scale);
    const rows: (string | number)[][] = [];
    const add = (label: string, raw: string, f: { ours: Figures; direct: Figures }) => {
      rows.push([
        `${label}: insert`,
        num(f.ours.insertsPerSecond),
        num(f.direct.insertsPerSecond),
        raw,
        ratio(f.ours.insertsPerSecond, f.direct.insertsPerSecond),
      ]);
      rows.push([
        `${label}: select by primary key`,
        num(f.ours.selectsPerSecond),
        num(f.direct.selectsPerSecond),
        raw,
        ratio(f.ours.selectsPerSecond, f.direct.selectsPerSecond),
      ]);
    };
    ctx.log(`  PGlite: ${inserts} inserts, ${selects} selects, through Db and directly`);
    add('PGlite', 'PGlite in-process, same thread', await pglitePair(inserts, selects));
    const hops = await threadHopsPerSecond(selects);
    rows.push(['worker-thread round trip alone (empty message)', '–', num(hops), '`worker_threads` ping-pong', '–']);
    if (ctx.pgUrl) {
      ctx.log(`  PostgreSQL: ${inserts} inserts, ${selects} selects, through Db and with pg.Client`);
      add('PostgreSQL', '`pg.Client`, one connection', await postgresPair(ctx.pgUrl, inserts, selects));
    } else {
      ctx.log('  PostgreSQL skipped: set BENCH_DATABASE_URL');
    }
    return [
      `### ${this.title}`,
      '',
      `Measured ${machine}.`,
      '',
      markdownTable({ head: ['statement', 'ours /s', 'raw /s', 'raw driver', 'ours vs raw'], rows }),
      ...(ctx.pgUrl ? [] : ['', 'PostgreSQL not measured in this run (set `BENCH_DATABASE_URL`).']),
      '',
      `${num(inserts)} single-row parameterised inserts (autocommit), then ${num(selects)} selects by ` +
        'primary key, one statement in flight at a time, after 200 warm-up inserts; both sides run in ' +
        `${ROUNDS} alternating rounds and each figure is the median round. "Ours" goes through ` +
        '`Db.query` (for PGlite: a message to the worker thread and back, with our type parsers; for ' +
        'PostgreSQL: the pool). "Raw" runs the same statements straight on the driver: a PGlite opened ' +
        'on the calling thread, or one `pg.Client`. Both PGlite databases are on disk. The round-trip ' +
        'row is the floor of any thread hop on this machine: an empty message to a worker and back.',
    ].join('\n');
  },
};
