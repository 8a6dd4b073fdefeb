import { drizzle, type PgRemoteDatabase } from 'drizzle-orm/pg-proxy';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

/**
 * One data layer for both databases. A `Connection` is the minimal thing a backend provides:
 * run a statement, run several, and lend itself out exclusively for a transaction. Everything
 * else (drizzle, savepoints, `sql` templates) is built on top of it here, once.
 */
export type DatabaseKind = 'pglite' | 'postgres';
export type Row = Record<string, unknown>;
export type QueryResult = { rows: unknown[]; rowCount: number };

export type Connection = {
  query(text: string, params: unknown[], rowMode: 'object' | 'array'): Promise<QueryResult>;
  /** Several statements without parameters (migrations, DDL). */
  exec(text: string): Promise<void>;
};

export type Backend = {
  kind: DatabaseKind;
  conn: Connection;
  /** Runs `fn` on a connection nobody else uses until it returns; BEGIN/COMMIT are the caller's. */
  exclusive<T>(fn: (conn: Connection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export type Queryable = {
  kind: DatabaseKind;
  /** Drizzle query builder bound to this connection (or transaction). */
  orm: PgRemoteDatabase;
  /** Raw parameterised SQL; `text` may be a drizzle `sql` template (its values become params). */
  query<T = Row>(text: string | SQL, params?: unknown[]): Promise<T[]>;
  exec(text: string): Promise<void>;
  /** Nested calls on a transaction become savepoints. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
};
export type Tx = Queryable & { isTransaction: true };
export type Db = Queryable & { close(): Promise<void>; backend: Backend };

const dialect = new PgDialect();

function toQuery(text: string | SQL, params: unknown[] = []): { text: string; params: unknown[] } {
  if (typeof text === 'string') return { text, params };
  const q = dialect.sqlToQuery(text);
  return { text: q.sql, params: q.params };
}

function queryable(kind: DatabaseKind, conn: Connection, depth: number, inTx: boolean): Queryable {
  const orm = drizzle(async (text, params, method) => {
    const res = await conn.query(text, params, method === 'all' ? 'array' : 'object');
    return { rows: res.rows };
  });
  let savepoints = 0;
  const self: Queryable = {
    kind,
    orm,
    async query<T>(text: string | SQL, params?: unknown[]) {
      const q = toQuery(text, params);
      const res = await conn.query(q.text, q.params, 'object');
      return res.rows as T[];
    },
    exec: (text) => conn.exec(text),
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      if (!inTx) throw new Error('transaction() on a plain queryable');
      const name = `sp_${depth}_${++savepoints}`;
      await conn.exec(`SAVEPOINT ${name}`);
      try {
        const result = await fn(queryable(kind, conn, depth + 1, true) as Tx);
        await conn.exec(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (err) {
        await conn.exec(`ROLLBACK TO SAVEPOINT ${name}`);
        throw err;
      }
    },
  };
  return self;
}

export function createDb(backend: Backend): Db {
  const base = queryable(backend.kind, backend.conn, 0, false);
  return {
    ...base,
    backend,
    close: () => backend.close(),
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return backend.exclusive(async (conn) => {
        await conn.exec('BEGIN');
        try {
          const tx = { ...queryable(backend.kind, conn, 1, true), isTransaction: true as const };
          const result = await fn(tx);
          await conn.exec('COMMIT');
          return result;
        } catch (err) {
          await conn.exec('ROLLBACK').catch(() => undefined);
          throw err;
        }
      });
    },
  };
}

/** Postgres error code of a driver error, if any (unique violation is `23505`). */
export function pgErrorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
