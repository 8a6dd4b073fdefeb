import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createGenerator } from '../generator/index.ts';
import { BENCH_MASTER_KEY } from '../lib/customers-seed.ts';
import { call, signInHttp, startKehuProcess, type Session } from '../lib/http-client.ts';
import { benchAdmin, freshPgDatabase } from '../lib/kehu.ts';
import { machineLine, markdownTable, num, ratio } from '../lib/report.ts';
import type { BenchContext, Scenario } from './types.ts';

/**
 * Bulk import of a customer CSV as a user runs it: upload over HTTP, dry run, run, each timed
 * until the import reports it finished, in a Kehu child process whose peak RSS is read from
 * /proc. Beside it the raw limit: PostgreSQL COPY of the same file into a table of text columns
 * (no checks, no encryption, no matching).
 */
const HEADER = '姓名,手机号,性别,生日,省份,城市,邮箱,会员卡号';
const genders = { female: '女', male: '男', unknown: '' } as const;

async function writeCsv(path: string, rows: number): Promise<void> {
  const gen = createGenerator({ seed: 5 });
  const out = createWriteStream(path);
  async function* lines() {
    yield `${HEADER}\n`;
    let buf = '';
    let i = 0;
    for (const c of gen.customers(rows)) {
      buf += `${c.name},${c.mobile ?? ''},${genders[c.gender]},${c.birthday ?? ''},${c.province},${c.city},${c.email ?? ''},M${String(i++).padStart(8, '0')}\n`;
      if (buf.length > 1 << 16) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  await pipeline(lines, out);
}

function upload(s: Session, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${s.base}/api/v1/imports?fileName=bench.csv`,
      {
        method: 'POST',
        agent: s.agent,
        headers: { ...s.headers, 'content-type': 'text/csv', 'content-length': String(statSync(path).size) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    createReadStream(path).pipe(req);
  });
}

type Import = {
  id: string;
  status: string;
  totalRows: number | null;
  error: unknown;
  suggestions: { customers: { columns: string[] } };
};

async function settle(s: Session, id: string, statuses: string[]): Promise<Import> {
  for (;;) {
    const { json } = await call<Import>(s, 'GET', `/api/v1/imports/${id}`);
    if (statuses.includes(json.status)) return json;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** CPU time (user + system) of a local process in ms, from /proc (clock ticks of 10 ms); NaN when unreadable. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * CPU spent by the Kehu child and by the database server's backends for its database (only
 * when the server runs on this machine): a machine shared with other work slows the wall
 * clock, not the CPU a row costs.
 */
async function cpuMeter(kehuPid: number, databaseUrl?: string) {
  const client = databaseUrl ? new pg.Client({ connectionString: databaseUrl }) : null;
  await client?.connect();
  const backends = async () =>
    client
      ? (
          await client.query<{ pid: number }>(
            'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
          )
        ).rows.map((r) => r.pid)
      : [];
  let kehu0 = 0;
  let db0 = new Map<number, number>();
  return {
    async start() {
      kehu0 = cpuMs(kehuPid);
      db0 = new Map((await backends()).map((pid) => [pid, cpuMs(pid)]));
    },
    async stop(): Promise<{ kehu: number; db: number }> {
      let db = client ? 0 : NaN;
      for (const pid of await backends()) db += cpuMs(pid) - (db0.get(pid) ?? 0);
      return { kehu: cpuMs(kehuPid) - kehu0, db };
    },
    close: () => client?.end(),
  };
}

type Cpu = { kehu: number; db: number };

type Measured = {
  target: string;
  rows: number;
  upload: number;
  dry: number;
  run: number;
  /** VmHWM after the dry run and after the run: the second no higher says memory stayed flat. */
  peakDry: number;
  peak: number;
  cpuDry: Cpu;
  cpuRun: Cpu;
  copy: number;
};

async function measureKehu(
  target: string,
  csv: string,
  rows: number,
  databaseUrl?: string,
): Promise<Omit<Measured, 'copy'>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kehu-bench-import-'));
  const child = await startKehuProcess({
    databaseUrl,
    dataDir,
    masterKey: BENCH_MASTER_KEY,
    adminEmail: benchAdmin.email,
    adminPassword: benchAdmin.password,
  });
  const cpu = await cpuMeter(child.pid, databaseUrl);
  try {
    const s = await signInHttp(child.url, benchAdmin.email, benchAdmin.password);
    let t0 = performance.now();
    const up = await upload(s, csv);
    if (up.status !== 201) throw new Error(`upload answered ${up.status}: ${up.body.slice(0, 300)}`);
    const uploadMs = performance.now() - t0;
    const created = JSON.parse(up.body) as Import;
    await cpu.start();
    t0 = performance.now();
    await call(
      s,
      'POST',
      `/api/v1/imports/${created.id}/dry-run`,
      { kind: 'customers', onMatch: 'fillEmpty', mapping: { columns: created.suggestions.customers.columns } },
      [202],
    );
    const validated = await settle(s, created.id, ['validated', 'failed']);
    if (validated.status !== 'validated')
      throw new Error(`dry run ${validated.status}: ${JSON.stringify(validated.error)}`);
    const dryMs = performance.now() - t0;
    const peakDry = child.memory().peak;
    const cpuDry = await cpu.stop();
    await cpu.start();
    t0 = performance.now();
    await call(s, 'POST', `/api/v1/imports/${created.id}/run`, undefined, [202]);
    const done = await settle(s, created.id, ['done', 'failed']);
    if (done.status !== 'done') throw new Error(`run ${done.status}: ${JSON.stringify(done.error)}`);
    const runMs = performance.now() - t0;
    const cpuRun = await cpu.stop();
    return {
      target,
      rows,
      upload: uploadMs,
      dry: dryMs,
      run: runMs,
      peakDry,
      peak: child.memory().peak,
      cpuDry,
      cpuRun,
    };
  } finally {
    await cpu.close();
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const RAW_TABLE = `create table raw_import (name text, mobile text, gender text, birthday text, province text,
  city text, email text, card text)`;

async function copyPg(serverUrl: string, csv: string): Promise<number> {
  const database = await freshPgDatabase(serverUrl, 'kehu_bench_copy');
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(RAW_TABLE);
    const t0 = performance.now();
    await pipeline(
      createReadStream(csv),
      client.query(copyFrom(`COPY raw_import FROM STDIN WITH (FORMAT csv, HEADER true)`)),
    );
    return performance.now() - t0;
  } finally {
    await client.end();
    await database.drop();
  }
}

async function copyPglite(csv: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'kehu-bench-copy-'));
  const db = new PGlite(join(dir, 'pglite'));
  try {
    await db.query(RAW_TABLE);
    // PGlite copies from a blob: the file is read into memory for the raw side only
    const blob = new Blob([readFileSync(csv)]);
    const t0 = performance.now();
    await db.query(`COPY raw_import FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], { blob });
    return performance.now() - t0;
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const importsScenario: Scenario = {
  name: 'imports',
  title: 'bulk import of a customer CSV: dry run and run, rows/s and peak RSS, beside COPY',
  onlyWhenNamed: true,
  async run(ctx: BenchContext): Promise<string> {
    const rows = Math.max(1000, Math.round(1_000_000 * ctx.scale));
    // PGlite (in process, one connection) imports a tenth of the file (20,000 rows at least): the million is the server's
    const pgliteRows = Math.min(rows, Math.max(20_000, Math.round(rows / 10)));
    const dir = mkdtempSync(join(tmpdir(), 'kehu-bench-csv-'));
    const csv = join(dir, 'customers.csv');
    const smallCsv = join(dir, 'customers-pglite.csv');
    try {
      ctx.log(`  writing ${num(rows)} rows`);
      await writeCsv(csv, rows);
      if (pgliteRows !== rows) await writeCsv(smallCsv, pgliteRows);
      const pgliteCsv = pgliteRows === rows ? csv : smallCsv;
      const size = statSync(csv).size;
      const results: Measured[] = [];
      ctx.log(`  PGlite (${num(pgliteRows)} rows)`);
      results.push({ ...(await measureKehu('PGlite', pgliteCsv, pgliteRows)), copy: await copyPglite(pgliteCsv) });
      if (ctx.pgUrl) {
        ctx.log('  PostgreSQL server');
        const database = await freshPgDatabase(ctx.pgUrl, 'kehu_bench_import');
        try {
          results.push({
            ...(await measureKehu('PostgreSQL server', csv, rows, database.url)),
            copy: await copyPg(ctx.pgUrl, csv),
          });
        } finally {
          await database.drop();
        }
      }
      const mb = (bytes: number) => num(bytes / (1 << 20));
      const table = markdownTable({
        head: [
          'database',
          'rows',
          'step',
          'seconds',
          'rows/s',
          'COPY rows/s',
          'COPY ÷ step',
          'peak RSS (MB)',
          'CPU µs/row: Kehu + database',
        ],
        rows: results.flatMap((r) => {
          const perSecond = (ms: number) => num(r.rows / (ms / 1000));
          const rowCount = num(r.rows);
          const perRow = (c: Cpu) =>
            `${num((c.kehu * 1000) / r.rows)} + ${Number.isNaN(c.db) ? 'in process' : num((c.db * 1000) / r.rows)}`;
          return [
            [
              r.target,
              rowCount,
              'upload (stream to disk, scan)',
              num(r.upload / 1000, 1),
              perSecond(r.upload),
              '',
              '',
              '',
              '',
            ],
            [
              r.target,
              rowCount,
              'dry run',
              num(r.dry / 1000, 1),
              perSecond(r.dry),
              perSecond(r.copy),
              ratio(r.dry, r.copy),
              mb(r.peakDry),
              perRow(r.cpuDry),
            ],
            [
              r.target,
              rowCount,
              'run (create customers)',
              num(r.run / 1000, 1),
              perSecond(r.run),
              perSecond(r.copy),
              ratio(r.run, r.copy),
              mb(r.peak),
              perRow(r.cpuRun),
            ],
          ];
        }),
      });
      return [
        machineLine(),
        '',
        `${num(rows)} customer rows (${num(size / (1 << 20), 1)} MB of UTF-8 CSV: name, mobile, gender, birthday, ` +
          'province, city, email, member card) on the PostgreSQL server, the first ' +
          `${num(pgliteRows)} of them on PGlite, uploaded over HTTP to a Kehu child process, every row new. ` +
          'Times run until the import reports the step finished. COPY is the same file into a table of text ' +
          'columns on the same database, with nothing checked, encrypted or matched; COPY ÷ step is how many ' +
          'times longer the step takes. Peak RSS is the Kehu process’s high-water mark (VmHWM) since it ' +
          'started, read after the dry run and after the run: the file is streamed, so it does not grow ' +
          'with the file (PGlite’s database lives in the same process). CPU per row is the Kehu process’s ' +
          'user + system time over the step and, on the server, that of the backends serving its database ' +
          '(a busy machine stretches the seconds, hardly the CPU).',
        '',
        table,
      ].join('\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
