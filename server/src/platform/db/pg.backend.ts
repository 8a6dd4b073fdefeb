import pg from 'pg';
import type { Backend, Connection } from './db.ts';

// Same value shapes as the PGlite backend (see pglite.worker.mjs).
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    if (oid === 1082 || oid === 1700) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
};

function connection(client: pg.Pool | pg.PoolClient): Connection {
  return {
    async query(text, params, rowMode) {
      const res =
        rowMode === 'array'
          ? await client.query({ text, values: params, rowMode: 'array', types })
          : await client.query({ text, values: params, types });
      return { rows: res.rows, rowCount: res.rowCount ?? res.rows.length };
    },
    async exec(text) {
      await client.query(text);
    },
  };
}

export async function openPgBackend(url: string, max = 10): Promise<Backend> {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'kehu' });
  pool.on('error', () => undefined); // idle client errors surface on the next query instead
  await pool.query('select 1');
  return {
    kind: 'postgres',
    conn: connection(pool),
    async exclusive(fn) {
      const client = await pool.connect();
      try {
        return await fn(connection(client));
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
