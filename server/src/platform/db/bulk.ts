import type { Queryable } from './db.ts';

export type BulkLoadOptions = {
  /**
   * The caller built every reference in the rows itself (ids it just inserted in the same
   * transaction): skip foreign-key checks and triggers during the load, as pg_restore
   * --disable-triggers does, where the connection may (a superuser: always on PGlite). Otherwise,
   * or if it may not, keys are checked as usual. Triggers other than the keys' do not fire either,
   * so use it only for tables without such triggers.
   */
  trustReferences?: boolean;
};

/**
 * Runs `load`, a bulk insert into `tables`, with their secondary indexes and the primary-key and
 * unique constraints no foreign key relies on dropped; then rebuilds them from their own
 * definitions (`pg_get_indexdef`, `pg_get_constraintdef`: nothing here restates a migration) and
 * ANALYZEs the tables (PGlite has no autovacuum to do it). Building an index once over the loaded
 * rows costs a fraction of updating it row by row: on PGlite, seconds against tens of seconds
 * for the demo. A duplicate surfaces when its unique index is rebuilt, and fails the load.
 *
 * Must run inside a transaction: a failure rolls the drops back with everything else, and other
 * sessions never see the tables without their indexes (DROP holds an exclusive lock until
 * commit). Meant for start-up loads into quiet tables (demo data), not for tables under traffic.
 */
export async function bulkLoad<T>(
  tx: Queryable,
  tables: readonly string[],
  load: () => Promise<T>,
  options: BulkLoadOptions = {},
): Promise<T> {
  if ('backend' in tx) throw new Error('bulkLoad needs a transaction, not the database');
  const constraints = await tx.query<{ drop_sql: string; create_sql: string }>(
    `select format('alter table %I.%I drop constraint %I', n.nspname, t.relname, k.conname) as drop_sql,
            format('alter table %I.%I add constraint %I ', n.nspname, t.relname, k.conname)
              || pg_get_constraintdef(k.oid) as create_sql
       from pg_constraint k
       join pg_class t on t.oid = k.conrelid
       join pg_namespace n on n.oid = t.relnamespace
      where k.conrelid = any($1::regclass[])
        and k.contype in ('p', 'u')
        and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = k.conindid)
      order by k.conname`,
    [tables],
  );
  const indexes = await tx.query<{ drop_sql: string; create_sql: string }>(
    `select format('drop index %I.%I', n.nspname, c.relname) as drop_sql,
            pg_get_indexdef(i.indexrelid) as create_sql
       from pg_index i
       join pg_class c on c.oid = i.indexrelid
       join pg_namespace n on n.oid = c.relnamespace
      where i.indrelid = any($1::regclass[])
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
      order by c.relname`,
    [tables],
  );
  for (const x of [...constraints, ...indexes]) await tx.query(x.drop_sql);
  let restoreRole: string | null = null;
  if (options.trustReferences) {
    const [{ role }] = await tx.query<{ role: string }>(`select current_setting('session_replication_role') as role`);
    try {
      // a savepoint: a role that may not change the setting keeps checking, and the load goes on
      await tx.transaction((sp) => sp.query(`set local session_replication_role = replica`));
      restoreRole = role;
    } catch {
      restoreRole = null;
    }
  }
  const result = await load();
  if (restoreRole !== null) await tx.query(`select set_config('session_replication_role', $1, true)`, [restoreRole]);
  for (const x of [...constraints, ...indexes]) await tx.query(x.create_sql);
  const analyze = await tx.query<{ sql: string }>(
    `select format('analyze %I.%I', n.nspname, c.relname) as sql
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.oid = any($1::regclass[])`,
    [tables],
  );
  for (const a of analyze) await tx.query(a.sql);
  return result;
}
