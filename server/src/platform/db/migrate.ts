import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db.ts';

export const migrationsDir = join(import.meta.dirname, '../../../migrations');

type Journal = { entries: { idx: number; tag: string }[] };

/**
 * Applies drizzle-kit's generated SQL migrations in journal order, each in its own transaction,
 * and records them in `kehu_migrations`. We run them ourselves rather than with drizzle's
 * migrator so one code path serves PGlite (in its worker) and `pg`, and so a failed migration
 * rolls back alone instead of with every pending one (drizzle-orm#5199).
 */
export async function migrate(db: Db, dir = migrationsDir): Promise<string[]> {
  const journal = JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as Journal;
  await db.exec(`CREATE TABLE IF NOT EXISTS kehu_migrations (
    tag text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  for (const entry of [...journal.entries].sort((a, b) => a.idx - b.idx)) {
    const text = readFileSync(join(dir, `${entry.tag}.sql`), 'utf8');
    await db.transaction(async (tx) => {
      // Two servers starting at once must not both apply the same migration.
      if (tx.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7311)');
      const done = await tx.query('SELECT 1 FROM kehu_migrations WHERE tag = $1', [entry.tag]);
      if (done.length) return;
      for (const statement of text.split('--> statement-breakpoint')) {
        if (statement.trim()) await tx.exec(statement);
      }
      await tx.query('INSERT INTO kehu_migrations (tag) VALUES ($1)', [entry.tag]);
      applied.push(entry.tag);
    });
  }
  return applied;
}
