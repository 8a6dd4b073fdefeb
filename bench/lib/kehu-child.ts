// Kehu as `npm start` runs it, in its own process, on an existing database (a seeded bench data
// set): the parent measures it over HTTP and reads its memory from /proc. Input: one JSON
// argument {databaseUrl?, dataDir, masterKey, adminEmail, adminPassword}. Sends {url} when
// listening; stops on the message 'stop'.
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { readConfig } from '../../server/src/platform/config.ts';
import { migrate } from '../../server/src/platform/db/migrate.ts';
import { openDb } from '../../server/src/platform/db/open.ts';
import { startKehu } from '../../server/src/start.ts';

export type KehuChildOptions = {
  databaseUrl?: string;
  dataDir: string;
  masterKey: string;
  adminEmail: string;
  adminPassword: string;
};

const opts = JSON.parse(process.argv[2] ?? '{}') as KehuChildOptions;
const db = await openDb({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
await migrate(db);
const config = readConfig({
  KEHU_DATA_DIR: opts.dataDir,
  ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
  KEHU_DEMO: '0',
  KEHU_LOG_LEVEL: 'info',
  KEHU_MASTER_KEY: opts.masterKey,
  KEHU_ADMIN_EMAIL: opts.adminEmail,
  KEHU_ADMIN_PASSWORD: opts.adminPassword,
  KEHU_JOB_POLL_SECONDS: '0.5',
  HOST: '127.0.0.1',
  PORT: '0',
});
// logging stays at `info` (its cost is part of what is measured) but goes nowhere
const sink = new Writable({ write: (_chunk, _enc, cb) => cb() });
const kehu = await startKehu({ config, db, logStream: sink });
await kehu.app.listen({ host: '127.0.0.1', port: 0 });
const { port } = kehu.app.server.address() as AddressInfo;
process.send?.({ url: `http://127.0.0.1:${port}` });
process.on('message', (m) => {
  if (m !== 'stop') return;
  void (async () => {
    await kehu.stop();
    await db.close();
    process.exit(0);
  })();
});
