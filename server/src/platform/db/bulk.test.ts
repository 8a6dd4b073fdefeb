import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb } from '../../../test/harness.ts';
import { bulkLoad } from './bulk.ts';
import type { Db, Queryable } from './db.ts';

/** Every index and key of the two tables, as the catalog defines them. */
async function schemaOf(q: Queryable) {
  const indexes = await q.query<{ def: string }>(
    `select pg_get_indexdef(indexrelid) as def from pg_index
      where indrelid in ('bulk_parent'::regclass, 'bulk_child'::regclass) order by 1`,
  );
  const constraints = await q.query<{ def: string }>(
    `select conname || ' ' || pg_get_constraintdef(oid) as def from pg_constraint
      where conrelid in ('bulk_parent'::regclass, 'bulk_child'::regclass) order by 1`,
  );
  return [...indexes.map((r) => r.def), ...constraints.map((r) => r.def)];
}

describe('bulk loads', () => {
  let db: Db;
  before(async () => {
    db = await createTestDb();
    await db.exec(`
      CREATE TABLE bulk_parent (id int PRIMARY KEY);
      CREATE TABLE bulk_child (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        parent_id int NOT NULL REFERENCES bulk_parent (id),
        code text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        CONSTRAINT bulk_child_code_key UNIQUE (parent_id, code));
      CREATE INDEX bulk_child_tags_idx ON bulk_child USING gin (tags);
      CREATE INDEX bulk_child_code_idx ON bulk_child (lower(code)) WHERE code <> '';
      INSERT INTO bulk_parent SELECT generate_series(1, 10);`);
  });
  after(async () => db.close());

  it('rebuilds every index and key as it was, and the rows are all there', async () => {
    const before = await schemaOf(db);
    const seen = await db.transaction((tx) =>
      bulkLoad(
        tx,
        ['bulk_child'],
        async () => {
          // inside the load the secondary index and the unreferenced keys are gone
          const during = await tx.query<{ n: number }>(
            `select count(*)::int as n from pg_index where indrelid = 'bulk_child'::regclass`,
          );
          await tx.query(
            `insert into bulk_child (parent_id, code, tags)
             select 1 + g % 10, 'c' || g, array['t' || g % 3] from generate_series(1, 5000) g`,
          );
          return during[0].n;
        },
        { trustReferences: true },
      ),
    );
    assert.equal(seen, 0);
    assert.deepEqual(await schemaOf(db), before);
    const [{ n }] = await db.query<{ n: number }>(`select count(*)::int as n from bulk_child where tags @> '{t1}'`);
    assert.equal(n, 1667);
    // the foreign key is checked again after the load
    await assert.rejects(db.query(`insert into bulk_child (parent_id, code) values (99, 'x')`));
  });

  it('fails the load on a duplicate, and rolls everything back', async () => {
    const before = await schemaOf(db);
    const count = async () => (await db.query<{ n: number }>('select count(*)::int as n from bulk_child'))[0].n;
    const rows = await count();
    await assert.rejects(
      db.transaction((tx) =>
        bulkLoad(tx, ['bulk_child'], async () => {
          await tx.query(`insert into bulk_child (parent_id, code) values (1, 'dup'), (1, 'dup')`);
        }),
      ),
    );
    assert.equal(await count(), rows);
    assert.deepEqual(await schemaOf(db), before);
  });

  it('checks references unless trusted', async () => {
    await assert.rejects(
      db.transaction((tx) =>
        bulkLoad(tx, ['bulk_child'], async () => {
          await tx.query(`insert into bulk_child (parent_id, code) values (42, 'orphan')`);
        }),
      ),
    );
  });

  it('refuses to run outside a transaction', async () => {
    await assert.rejects(
      bulkLoad(db, ['bulk_child'], async () => undefined),
      /transaction/,
    );
  });
});
