import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createDb, type Db } from './db.ts';
import { acquireLockFile } from './lock-file.ts';
import { openPgBackend } from './pg.backend.ts';
import { openPgliteBackend } from './pglite.backend.ts';

export type OpenDbOptions = { databaseUrl?: string; dataDir: string };

/** A server when `databaseUrl` is given, otherwise PGlite on disk under `dataDir/pglite`. */
export async function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.databaseUrl) return createDb(await openPgBackend(opts.databaseUrl));
  mkdirSync(opts.dataDir, { recursive: true });
  const release = acquireLockFile(join(opts.dataDir, 'kehu.lock'));
  try {
    const backend = await openPgliteBackend(join(opts.dataDir, 'pglite'));
    const close = backend.close;
    backend.close = async () => {
      await close();
      release();
    };
    return createDb(backend);
  } catch (err) {
    release();
    throw err;
  }
}
