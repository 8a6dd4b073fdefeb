import type PgBoss from 'pg-boss';
import type { Queryable } from '../db/db.ts';

/**
 * pg-boss talks to the database only through `executeSql`, so it runs on our `Db` (PGlite in its
 * worker thread, or the pg pool) and, given a transaction, inside the caller's transaction.
 * Without parameters pg-boss sometimes sends a whole script (its schema migrations and locked
 * maintenance batches: `BEGIN; …; COMMIT;`); a prepared statement cannot hold several commands,
 * so those go through `exec`. No pg-boss script relies on rows from a multi-statement call.
 */
export function pgBossDb(q: Queryable): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (!values?.length && isScript(text)) {
        await q.exec(text);
        return { rows: [] };
      }
      return { rows: await q.query(text, values ?? []) };
    },
  };
}

/** More than one statement: a semicolon followed by more text, or a function body. */
export function isScript(text: string): boolean {
  const t = text.trim().replace(/;\s*$/, '');
  return t.includes(';') || t.includes('$$');
}
