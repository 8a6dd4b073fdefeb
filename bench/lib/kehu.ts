import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { readConfig } from '../../server/src/platform/config.ts';
import type { Db } from '../../server/src/platform/db/db.ts';
import { migrate } from '../../server/src/platform/db/migrate.ts';
import { openDb } from '../../server/src/platform/db/open.ts';
import { startKehu, type Kehu } from '../../server/src/start.ts';

export const benchAdmin = { email: 'bench-admin@kehu.example', password: 'bench-Password-2024!x' };

export type RunningKehu = { kehu: Kehu; db: Db; url: string; dataDir: string; close(): Promise<void> };

/** A fresh database on the server named by `serverUrl`, dropped again by the returned function. */
export async function freshPgDatabase(
  serverUrl: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Kehu as `npm start` runs it (startKehu + listen on a free loopback port), on PGlite in a
 * temporary directory, or on a fresh database of the PostgreSQL server at `serverUrl`. Logging
 * stays at `info` (so its cost is measured) but goes to a sink instead of the terminal.
 */
export async function startBenchKehu(serverUrl?: string): Promise<RunningKehu> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kehu-bench-'));
  const database = serverUrl ? await freshPgDatabase(serverUrl, 'kehu_bench') : null;
  const db = await openDb({ databaseUrl: database?.url, dataDir });
  await migrate(db);
  const config = readConfig({
    KEHU_DATA_DIR: dataDir,
    ...(database ? { DATABASE_URL: database.url } : {}),
    KEHU_DEMO: '0',
    KEHU_LOG_LEVEL: 'info',
    KEHU_MASTER_KEY: 'bench-master-key-0123456789abcdef0123456789abcdef',
    KEHU_ADMIN_EMAIL: benchAdmin.email,
    KEHU_ADMIN_PASSWORD: benchAdmin.password,
    KEHU_WORKERS: '0',
    HOST: '127.0.0.1',
    PORT: '0',
  });
  const sink = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const kehu = await startKehu({ config, db, logStream: sink });
  await kehu.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = kehu.app.server.address() as AddressInfo;
  return {
    kehu,
    db,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async close() {
      await kehu.stop();
      await db.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Signs the bench administrator in and returns the headers an authenticated GET needs, or null
 * with the reason when this build of Kehu has no working sign-in yet.
 */
export async function signIn(kehu: Kehu): Promise<{ headers: Record<string, string> } | { skipped: string }> {
  const res = await kehu.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: benchAdmin,
  });
  if (res.statusCode === 404) return { skipped: 'POST /api/v1/auth/login does not exist in this build yet' };
  if (res.statusCode !== 200) return { skipped: `sign-in answered ${res.statusCode}: ${res.body.slice(0, 200)}` };
  const cookies = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  if (!cookies) return { skipped: 'sign-in set no session cookie' };
  const me = await kehu.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: cookies } });
  if (me.statusCode !== 200) return { skipped: `GET /api/v1/me answered ${me.statusCode} after sign-in` };
  return { headers: { cookie: cookies } };
}
