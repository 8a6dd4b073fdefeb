import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { createTestDb } from '../../../test/harness.ts';
import type { Db } from './db.ts';
import { pgErrorCode } from './db.ts';
import { acquireLockFile } from './lock-file.ts';
import { migrate } from './migrate.ts';

describe('data layer', () => {
  let db: Db;
  before(async () => {
    db = await createTestDb();
    await db.exec(`CREATE TABLE t (id bigserial PRIMARY KEY, amount numeric(14,2), day date,
      at timestamptz DEFAULT now(), name text UNIQUE)`);
  });
  after(async () => db.close());

  it('returns the same value shapes on PGlite and PostgreSQL', async () => {
    await db.query('INSERT INTO t (amount, day, name) VALUES ($1, $2, $3)', ['12.30', '2026-02-28', 'a']);
    const [row] = await db.query<{ id: number; amount: string; day: string; at: Date; n: number }>(
      'SELECT id, amount, day, at, count(*) OVER () AS n FROM t',
    );
    assert.equal(typeof row.id, 'number');
    assert.equal(row.amount, '12.30');
    assert.equal(row.day, '2026-02-28');
    assert.ok(row.at instanceof Date);
    assert.equal(row.n, 1);
  });

  it('passes values as parameters, never as SQL text', async () => {
    const evil = "x'); DROP TABLE t; --";
    await db.query(sql`INSERT INTO t (name) VALUES (${evil})`);
    const rows = await db.query<{ name: string }>(sql`SELECT name FROM t WHERE name = ${evil}`);
    assert.equal(rows[0].name, evil);
  });

  it('commits a transaction, rolls back on error, and turns nesting into savepoints', async () => {
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO t (name) VALUES ('rolled-back')`);
        throw new Error('boom');
      }),
      /boom/,
    );
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO t (name) VALUES ('outer')`);
      await tx
        .transaction(async (inner) => {
          await inner.query(`INSERT INTO t (name) VALUES ('inner')`);
          throw new Error('inner fails alone');
        })
        .catch(() => undefined);
    });
    const names = (await db.query<{ name: string }>('SELECT name FROM t ORDER BY id')).map((r) => r.name);
    assert.ok(names.includes('outer'));
    assert.ok(!names.includes('inner'));
    assert.ok(!names.includes('rolled-back'));
  });

  it('reports unique violations with their SQLSTATE', async () => {
    const err = await db.query(`INSERT INTO t (name) VALUES ('outer')`).catch((e: unknown) => e);
    assert.equal(pgErrorCode(err), '23505');
  });

  it('keeps concurrent transactions apart', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        db
          .transaction(async (tx) => {
            await tx.query('INSERT INTO t (name) VALUES ($1)', [`c${i}`]);
            await new Promise((r) => setTimeout(r, 5));
            const [{ n }] = await tx.query<{ n: number }>('SELECT count(*) AS n FROM t WHERE name = $1', [`c${i}`]);
            if (i === 2) throw new Error('one fails');
            return n;
          })
          .catch(() => -1),
      ),
    );
    assert.deepEqual(results, [1, 1, -1, 1, 1]);
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM t WHERE name LIKE 'c%'`);
    assert.equal(n, 4);
  });

  it('applies migrations once', async () => {
    assert.deepEqual(await migrate(db), []);
  });
});

describe('lock file', () => {
  it('refuses a second owner while the first lives, and takes over a dead one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kehu-lock-'));
    const path = join(dir, 'kehu.lock');
    try {
      writeFileSync(path, String(process.ppid)); // a live process that is not us
      assert.throws(() => acquireLockFile(path), /in use by process/);
      writeFileSync(path, '999999999'); // no such process
      const release = acquireLockFile(path);
      release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
