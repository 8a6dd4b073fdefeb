import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { latencySummary, startProbe } from '../lib/load.ts';
import { startBenchKehu } from '../lib/kehu.ts';
import { machineLine, markdownTable, num } from '../lib/report.ts';
import type { Scenario } from './types.ts';

// CPU-bound work inside PostgreSQL: hashing a generated series. Parameterised by its length.
const LONG_QUERY = 'SELECT count(*) AS n, sum(length(md5(g::text))) AS s FROM generate_series(1, $1::int) AS g';
const TARGET_MS = 2500;
const IDLE_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const longQueryScenario: Scenario = {
  name: 'long-query',
  title: '`/healthz` while a long query runs on PGlite',
  async run(ctx) {
    const machine = machineLine();
    const kehu = await startBenchKehu();
    const rawDir = mkdtempSync(join(tmpdir(), 'kehu-bench-raw-'));
    try {
      // Size the query to take about TARGET_MS on this machine (through our worker-thread Db).
      let rows = 200_000;
      let took = 0;
      for (let i = 0; i < 4; i++) {
        const t0 = performance.now();
        await kehu.db.query(LONG_QUERY, [rows]);
        took = performance.now() - t0;
        if (took > TARGET_MS * 0.8 && took < TARGET_MS * 1.25) break;
        rows = Math.max(10_000, Math.round((rows * TARGET_MS) / Math.max(took, 1)));
      }
      ctx.log(`  long query: ${num(rows)} rows ≈ ${num(took)} ms`);
      const url = `${kehu.url}/healthz`;

      const during = async (label: string, work: () => Promise<unknown>) => {
        ctx.log(`  probing /healthz: ${label}`);
        const probe = await startProbe(url);
        await sleep(200);
        const t0 = performance.now();
        await work();
        const ms = performance.now() - t0;
        await sleep(100);
        return { ...latencySummary(await probe.stop()), queryMs: ms };
      };

      const idle = await during('idle', () => sleep(IDLE_MS));
      const worker = await during('long query through the Db (PGlite in its worker thread)', () =>
        kehu.db.query(LONG_QUERY, [rows]),
      );
      // The contrast: the same query on a PGlite running on the HTTP thread itself.
      const raw = new PGlite(rawDir);
      await raw.waitReady;
      const onThread = await during('same query on a PGlite on the HTTP thread', () => raw.query(LONG_QUERY, [rows]));
      await raw.close();

      const table = markdownTable({
        head: ['while …', 'query ms', '/healthz answers', 'p50 ms', 'p99 ms', 'max ms'],
        rows: [
          ['idle (no query)', '–', idle.count, num(idle.p50, 2), num(idle.p99, 2), num(idle.max, 2)],
          [
            'long query through `Db` (PGlite in its worker thread)',
            num(worker.queryMs),
            worker.count,
            num(worker.p50, 2),
            num(worker.p99, 2),
            num(worker.max, 2),
          ],
          [
            'same query on PGlite on the HTTP thread (what the worker avoids)',
            num(onThread.queryMs),
            onThread.count,
            num(onThread.p50, 2),
            num(onThread.p99, 2),
            num(onThread.max, 2),
          ],
        ],
      });
      return [
        `### ${this.title}`,
        '',
        `Measured ${machine}.`,
        '',
        table,
        '',
        `The query is \`${LONG_QUERY.replace('$1::int', String(rows))}\`, sized to take about ` +
          `${TARGET_MS / 1000} s here. A child process sends \`GET /healthz\` to Kehu one request at a time ` +
          '(10 ms apart) for the whole query; the idle row is the same probe with no query running. ' +
          'The last row runs the same query on a PGlite opened on the main thread of the same process: ' +
          'every request waits for the whole query, which is why Kehu runs PGlite in a worker thread.',
      ].join('\n');
    } finally {
      await kehu.close();
      rmSync(rawDir, { recursive: true, force: true });
    }
  },
};
