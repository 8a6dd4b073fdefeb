import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { readConfig, type Config } from '../src/platform/config.ts';
import { createDb, type Db } from '../src/platform/db/db.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { openPgBackend } from '../src/platform/db/pg.backend.ts';
import { openDb } from '../src/platform/db/open.ts';
import { startKehu, type Kehu } from '../src/start.ts';

/**
 * A fresh, migrated database per test file: a new database on the PostgreSQL server when
 * TEST_DATABASE_URL is set (CI), otherwise an embedded PGlite in a temporary directory.
 */
export async function createTestDb(): Promise<Db & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kehu-test-'));
  const serverUrl = process.env.TEST_DATABASE_URL;
  let db: Db;
  let cleanup = async () => undefined as void;
  if (serverUrl) {
    const name = `kehu_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    db = createDb(await openPgBackend(url.toString(), 5));
    cleanup = async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    db = await openDb({ dataDir });
  }
  await migrate(db);
  const close = db.close;
  return Object.assign(db, {
    dataDir,
    async close() {
      await close();
      await cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export type TestKehu = Kehu & {
  db: Db;
  config: Config;
  /** Everything the server logged, for tests that check nothing secret is written. */
  logs: () => string;
  close(): Promise<void>;
};

export async function createTestKehu(env: Record<string, string> = {}): Promise<TestKehu> {
  const db = await createTestDb();
  const config = readConfig({
    KEHU_DATA_DIR: db.dataDir,
    KEHU_DEMO: '0',
    KEHU_LOG_LEVEL: 'info',
    KEHU_MASTER_KEY: 'test-master-key-0123456789abcdef0123456789abcdef',
    ...env,
  });
  let logText = '';
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logText += chunk.toString();
      cb();
    },
  });
  const kehu = await startKehu({ config, db, logStream });
  return {
    ...kehu,
    db,
    config,
    logs: () => logText,
    async close() {
      await kehu.stop();
      await db.close();
    },
  };
}
