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

type Measured = { target: string; rows: number; upload: number; dry: number; run: number; peak: number; copy: number };

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
  try {
    const s = await signInHttp(child.url, benchAdmin.email, benchAdmin.password);
    let t0 = performance.now();
    const up = await upload(s, csv);
    if (up.status !== 201) throw new Error(`upload answered ${up.status}: ${up.body.slice(0, 300)}`);
    const uploadMs = performance.now() - t0;
    const created = JSON.parse(up.body) as Import;
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
    t0 = performance.now();
    await call(s, 'POST', `/api/v1/imports/${created.id}/run`, undefined, [202]);
    const done = await settle(s, created.id, ['done', 'failed']);
    if (done.status !== 'done') throw new Error(`run ${done.status}: ${JSON.stringify(done.error)}`);
    const runMs = performance.now() - t0;
    return { target, rows, upload: uploadMs, dry: dryMs, run: runMs, peak: child.memory().peak };
  } finally {
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
    const dir = mkdtempSync(join(tmpdir(), 'kehu-bench-csv-'));
    const csv = join(dir, 'customers.csv');
    try {
      ctx.log(`  writing ${num(rows)} rows`);
      await writeCsv(csv, rows);
      const size = statSync(csv).size;
      const results: Measured[] = [];
      ctx.log('  PGlite');
      results.push({ ...(await measureKehu('PGlite', csv, rows)), copy: await copyPglite(csv) });
      if (ctx.pgUrl) {
        ctx.log('  PostgreSQL server');
        const database = await freshPgDatabase(ctx.pgUrl, 'kehu_bench_import');
        try {
          results.push({
            ...(await measureKehu('PostgreSQL', csv, rows, database.url)),
            copy: await copyPg(ctx.pgUrl, csv),
          });
        } finally {
          await database.drop();
        }
      }
      const perSecond = (ms: number) => num(rows / (ms / 1000));
      const table = markdownTable({
        head: ['database', 'step', 'seconds', 'rows/s', 'COPY rows/s', 'COPY ÷ step', 'peak RSS (MB)'],
        rows: results.flatMap((r) => [
          [r.target, 'upload (stream to disk, scan)', num(r.upload / 1000, 1), perSecond(r.upload), '', '', ''],
          [r.target, 'dry run', num(r.dry / 1000, 1), perSecond(r.dry), perSecond(r.copy), ratio(r.dry, r.copy), ''],
          [
            r.target,
            'run (create customers)',
            num(r.run / 1000, 1),
            perSecond(r.run),
            perSecond(r.copy),
            ratio(r.run, r.copy),
            num(r.peak / (1 << 20)),
          ],
        ]),
      });
      return [
        machineLine(),
        '',
        `${num(rows)} customer rows (${num(size / (1 << 20), 1)} MB of UTF-8 CSV: name, mobile, gender, birthday, ` +
          'province, city, email, member card), uploaded over HTTP to a Kehu child process, every row new. ' +
          'Times run until the import reports the step finished. COPY is the same file into a table of text ' +
          'columns on the same database, with nothing checked, encrypted or matched. Peak RSS is the Kehu ' +
          'process’s high-water mark (VmHWM) over the whole scenario.',
        '',
        table,
      ].join('\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
