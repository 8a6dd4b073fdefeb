import Fastify from 'fastify';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoad, type LoadResult } from '../lib/load.ts';
import { startBenchKehu, signIn, type RunningKehu } from '../lib/kehu.ts';
import { machineLine, markdownTable, num, ratio } from '../lib/report.ts';
import type { BenchContext, Scenario } from './types.ts';

const CONNECTIONS = 20;

/** autocannon records latencies in whole milliseconds. */
const ms = (n: number) => (n < 1 ? '<1' : num(n));

/** How many statements one request sends to the database (counted over 50 injected requests). */
async function statementsPerRequest(kehu: RunningKehu, url: string, headers: Record<string, string>) {
  const conn = kehu.db.backend.conn;
  const query = conn.query;
  let count = 0;
  conn.query = (...args) => {
    count++;
    return query.apply(conn, args);
  };
  try {
    for (let i = 0; i < 50; i++) await kehu.kehu.app.inject({ method: 'GET', url, headers });
  } finally {
    conn.query = query;
  }
  return count / 50;
}

type Row = { target: string; result: LoadResult | null; headerBytes?: number; note?: string };

/** Bytes of the response's status line and headers: every answer under load writes them. */
function headerBytes(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        res.resume();
        let n = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
        for (let i = 0; i < res.rawHeaders.length; i += 2)
          n += res.rawHeaders[i].length + res.rawHeaders[i + 1].length + 4;
        res.on('end', () => resolve(n));
      })
      .on('error', reject);
  });
}

async function measure(ctx: BenchContext, label: string, url: string, headers?: Record<string, string>) {
  const duration = Math.round(10 * Math.min(ctx.scale, 6));
  ctx.log(`  ${label}: warm-up 2 s, then ${duration} s with ${CONNECTIONS} connections`);
  await runLoad({ url, connections: CONNECTIONS, duration: 2, headers });
  return runLoad({ url, connections: CONNECTIONS, duration, headers });
}

export const httpScenario: Scenario = {
  name: 'http',
  title: 'HTTP: /healthz and /api/v1/me under load, next to a bare Fastify route',
  async run(ctx) {
    const machine = machineLine();
    // The raw limit: a plain fastify() with one route answering the same JSON, same process.
    const bare = Fastify();
    bare.get('/healthz', async () => ({ status: 'ok', database: 'pglite' }));
    await bare.listen({ host: '127.0.0.1', port: 0 });
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/healthz`;
    const rows: Row[] = [];
    const statementNotes: string[] = [];
    try {
      const bareResult = await measure(ctx, 'bare Fastify', bareUrl);
      rows.push({
        target: 'bare `fastify()` route (raw limit)',
        result: bareResult,
        headerBytes: await headerBytes(bareUrl),
      });

      const databases: { label: string; url?: string }[] = [{ label: 'PGlite' }];
      if (ctx.pgUrl) databases.push({ label: 'PostgreSQL', url: ctx.pgUrl });
      for (const database of databases) {
        ctx.log(` Kehu on ${database.label}`);
        const kehu = await startBenchKehu(database.url);
        try {
          rows.push({
            target: `Kehu \`GET /healthz\` (${database.label})`,
            result: await measure(ctx, 'healthz', `${kehu.url}/healthz`),
            headerBytes: await headerBytes(`${kehu.url}/healthz`),
          });
          const session = await signIn(kehu.kehu);
          if ('skipped' in session) {
            ctx.log(`  /api/v1/me skipped: ${session.skipped}`);
            rows.push({ target: `Kehu \`GET /api/v1/me\` (${database.label})`, result: null, note: session.skipped });
          } else {
            const perRequest = await statementsPerRequest(kehu, '/api/v1/me', session.headers);
            statementNotes.push(`${database.label}: ${num(perRequest, 1)} SQL statements per \`GET /api/v1/me\``);
            rows.push({
              target: `Kehu \`GET /api/v1/me\`, signed in (${database.label})`,
              result: await measure(ctx, 'me', `${kehu.url}/api/v1/me`, session.headers),
              headerBytes: await headerBytes(`${kehu.url}/api/v1/me`, session.headers),
            });
          }
        } finally {
          await kehu.close();
        }
      }
      const base = bareResult.requestsPerSecond;
      const table = markdownTable({
        head: ['target', 'requests/s', 'p50 ms', 'p99 ms', 'max ms', 'requests/s vs bare', 'response header bytes'],
        rows: rows.map(({ target, result, headerBytes, note }) =>
          result
            ? [
                target,
                num(result.requestsPerSecond),
                ms(result.latencyP50),
                ms(result.latencyP99),
                ms(result.latencyMax),
                ratio(result.requestsPerSecond, base),
                num(headerBytes ?? NaN),
              ]
            : [target, `not measured: ${note}`, '', '', '', '', ''],
        ),
      });
      return [
        `### ${this.title}`,
        '',
        `Measured ${machine}.`,
        '',
        table,
        '',
        ...(statementNotes.length ? [`Database work per request: ${statementNotes.join('; ')}.`, ''] : []),
        `Each row: ${CONNECTIONS} connections over loopback, a 2-second warm-up, then the measured run. ` +
          'autocannon runs in a child process, so load generation never shares the server’s event loop ' +
          '(on 2 cores the server and the load generator each get about one). Kehu is started as ' +
          '`npm start` starts it (`startKehu` + `listen`), logging at `info` to a sink, so the ratio ' +
          'includes request logging, request ids, security headers and the access guard; `/api/v1/me` ' +
          'adds the session lookup in the database. The bare route is a plain `fastify()` without logger ' +
          'in the same process, measured in the same run. autocannon records latencies in whole milliseconds. ' +
          'The last column is the size of the status line and headers each answer carries (Kehu adds its ' +
          'security headers, request id and cache policy to every response).',
      ].join('\n');
    } finally {
      await bare.close();
    }
  },
};
