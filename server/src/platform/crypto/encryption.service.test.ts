import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDb } from '../../../test/harness.ts';
import type { Db } from '../db/db.ts';
import { createJobs, type Jobs } from '../jobs/jobs.service.ts';
import { createFieldEncryption, type FieldEncryption } from './encryption.service.ts';
import { FieldCryptoError, normalizeForIndex, tokenKeyId } from './field-crypto.ts';
import { loadMasterKey, parseMasterKey } from './master-key.ts';
import { until } from '../../../test/until.ts';

describe('field encryption key ring', () => {
  let db: Db & { dataDir: string };
  let jobs: Jobs;
  let enc: FieldEncryption;
  before(async () => {
    db = await createTestDb();
    await db.exec(`CREATE TABLE crypto_test_people (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name_enc text, mobile_enc text, mobile_bidx text)`);
    jobs = createJobs({
      db,
      runWorkers: true,
      pollingIntervalSeconds: 0.5,
      businessTimeZone: async () => 'Asia/Shanghai',
    });
    enc = await createFieldEncryption({
      db,
      master: loadMasterKey({ masterKey: 'k'.repeat(40), dataDir: db.dataDir }),
      jobs,
    });
    enc.registerEncryptedColumn({ table: 'crypto_test_people', idColumn: 'id', column: 'name_enc', aad: 'row' });
    enc.registerEncryptedColumn({ table: 'crypto_test_people', idColumn: 'id', column: 'mobile_enc', aad: 'column' });
    await jobs.start();
  });
  after(async () => {
    await jobs.stop();
    await db.close();
  });

  it('generates a master key file once, mode 0600, with a warning; reuses it after', () => {
    const first = loadMasterKey({ dataDir: db.dataDir });
    const path = join(db.dataDir, 'master.key');
    assert.equal(first.source, 'file');
    assert.match(first.warning ?? '', /KEHU_MASTER_KEY is not set/);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(loadMasterKey({ dataDir: db.dataDir }).key, first.key);
    assert.deepEqual(parseMasterKey(readFileSync(path, 'utf8')), first.key);
    assert.equal(loadMasterKey({ masterKey: 'x'.repeat(32), dataDir: db.dataDir }).source, 'env');
  });

  it('starts with one active key stored wrapped, never in clear', async () => {
    const keys = await enc.listKeys();
    assert.equal(keys.length, 1);
    assert.deepEqual({ id: keys[0].id, active: keys[0].active }, { id: 'k1', active: true });
    const [row] = await db.query<{ wrapped_key: string }>('SELECT wrapped_key FROM encryption_keys');
    assert.ok(row.wrapped_key.length > 40);
  });

  it('gives equal blind indexes per purpose only', () => {
    const a = enc.blindIndex(normalizeForIndex('138 0013 8000'), { purpose: 'mobile' });
    assert.equal(a, enc.blindIndex(normalizeForIndex('13800138000'), { purpose: 'mobile' }));
    assert.notEqual(a, enc.blindIndex('13800138000', { purpose: 'email' }));
  });

  it('rotates: new writes use the new key, a job re-encrypts registered columns with progress', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const [{ id }] = await db.query<{ id: string }>('INSERT INTO crypto_test_people DEFAULT VALUES RETURNING id');
      await db.query('UPDATE crypto_test_people SET name_enc = $1, mobile_enc = $2 WHERE id = $3', [
        enc.encrypt(`客户${i}`, { table: 'crypto_test_people', column: 'name_enc', rowId: id }),
        enc.encrypt(`1380013800${i}`, { table: 'crypto_test_people', column: 'mobile_enc' }),
        id,
      ]);
      ids.push(id);
    }
    // a token someone moved to another row: unreadable, left alone, not fatal
    await db.query(
      `UPDATE crypto_test_people SET name_enc = (SELECT name_enc FROM crypto_test_people WHERE id = $1) WHERE id = $2`,
      [ids[0], ids[4]],
    );

    const { keyId, jobId } = await enc.rotate();
    assert.equal(keyId, 'k2');
    assert.equal(enc.activeKeyId(), 'k2');
    assert.equal(tokenKeyId(enc.encrypt('x', { table: 't', column: 'c' })), 'k2');
    const job = await until(async () => {
      const j = await jobs.find(jobId);
      return j?.state === 'completed' && j;
    }, 're-encryption');
    assert.equal(job.progress, 100);
    const rows = await db.query<{ id: string; name_enc: string; mobile_enc: string }>(
      'SELECT id::text AS id, name_enc, mobile_enc FROM crypto_test_people',
    );
    for (const r of rows) {
      assert.equal(tokenKeyId(r.mobile_enc), 'k2');
      if (r.id === ids[4]) {
        assert.equal(tokenKeyId(r.name_enc), 'k1');
        assert.throws(
          () => enc.decrypt(r.name_enc, { table: 'crypto_test_people', column: 'name_enc', rowId: r.id }),
          FieldCryptoError,
        );
      } else {
        assert.equal(tokenKeyId(r.name_enc), 'k2');
        assert.match(
          enc.decrypt(r.name_enc, { table: 'crypto_test_people', column: 'name_enc', rowId: r.id }),
          /^客户[0-3]$/,
        );
      }
    }
    assert.deepEqual(
      (await enc.listKeys()).map((k) => [k.id, k.active]),
      [
        ['k1', false],
        ['k2', true],
      ],
    );
  });

  it('refuses identifiers that are not plain SQL names', () => {
    assert.throws(
      () => enc.registerEncryptedColumn({ table: 'x; drop', idColumn: 'id', column: 'c', aad: 'row' }),
      /bad identifier/,
    );
  });
});
