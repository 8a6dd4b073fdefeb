import { readConfig } from './platform/config.ts';
import { openDb } from './platform/db/open.ts';
import { migrate } from './platform/db/migrate.ts';
import { startKehu } from './start.ts';

/** `npm start`: open the database, migrate, prepare the business, serve. */
const config = readConfig();
const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }).catch((err: Error) => {
  // a data directory in use, an unreachable server: say it plainly, without a stack trace
  process.stderr.write(`\nKehu cannot open its database: ${err.message}\n\n`);
  process.exit(1);
});
const applied = await migrate(db);
const kehu = await startKehu({ config, db });
if (applied.length) kehu.app.log.info({ applied }, 'migrations applied');

try {
  await kehu.app.listen({ port: config.port, host: config.host });
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
  process.stderr.write(
    `\nPort ${config.port} is already in use. Stop what uses it, or start Kehu on another: PORT=3001 npm start\n\n`,
  );
  await kehu.stop();
  await db.close();
  process.exit(1);
}
const banner = [
  '',
  `  Kehu 客户 is running at ${config.publicUrl}`,
  `  database: ${db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL server'}`,
  ...kehu.startupNotes.map((n) => `  ${n}`),
  '',
];
process.stdout.write(banner.join('\n') + '\n');

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await kehu.stop();
  await db.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
