import type { Db, Queryable } from '../db/db.ts';
import type { Jobs } from '../jobs/jobs.service.ts';
import {
  blindIndex,
  decryptField,
  deriveKey,
  encryptField,
  FieldCryptoError,
  newDataKey,
  tokenKeyId,
  unwrapDataKey,
  wrapDataKey,
  type FieldContext,
} from './field-crypto.ts';
import type { MasterKey, MasterKeySource } from './master-key.ts';

/**
 * A column that holds field tokens. Rotation re-encrypts it in the background. `aad: 'row'`
 * binds each value to its row id as well as its column (the value cannot be copied to another
 * row); `'column'` binds it to the column only.
 */
export type EncryptedColumn = { table: string; idColumn: string; column: string; aad: 'column' | 'row' };
export type KeyInfo = { id: string; createdAt: string; active: boolean };

export type FieldEncryption = {
  /** Encrypts with the active key. `ctx` says where the token will be stored (and the row, if bound). */
  encrypt(plaintext: string, ctx: FieldContext): string;
  /** Throws FieldCryptoError when the token is malformed, from another place, tampered, or its key unknown. */
  decrypt(token: string, ctx: FieldContext): string;
  /** Keyed HMAC of an already-normalised value for exact lookups; same purpose, same key (e.g. 'mobile'). */
  blindIndex(normalisedValue: string, opts: { purpose: string; bytes?: number }): string;
  registerEncryptedColumn(column: EncryptedColumn): void;
  encryptedColumns(): readonly EncryptedColumn[];
  activeKeyId(): string;
  listKeys(): Promise<KeyInfo[]>;
  /** Creates a new active key and enqueues the re-encryption job; returns both ids. */
  rotate(): Promise<{ keyId: string; jobId: string }>;
  /** Reloads the key ring (another process may have rotated). */
  refresh(): Promise<void>;
  readonly masterKeySource: MasterKeySource;
};

export const REENCRYPT_JOB = 'crypto.reencrypt';
const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
const BATCH = 200;

type KeyRow = { id: string; created_at: Date; wrapped_key: string; active: boolean };

/**
 * The key ring: random data keys wrapped by a key derived from the master key and stored in
 * `encryption_keys`. Loaded once into memory so encrypt/decrypt stay synchronous and cheap.
 */
export async function createFieldEncryption(deps: { db: Db; master: MasterKey; jobs: Jobs }): Promise<FieldEncryption> {
  const { db, jobs } = deps;
  const wrappingKey = deriveKey(deps.master.key, 'key-wrap');
  const indexKeys = new Map<string, Buffer>();
  const columns: EncryptedColumn[] = [];
  let ring = { activeKeyId: '', keys: new Map<string, Buffer>() };

  async function load(q: Queryable = db) {
    const rows = await q.query<KeyRow>('SELECT id, created_at, wrapped_key, active FROM encryption_keys');
    const keys = new Map<string, Buffer>();
    let active = '';
    for (const r of rows) {
      keys.set(r.id, unwrapDataKey(wrappingKey, r.id, r.wrapped_key));
      if (r.active) active = r.id;
    }
    ring = { activeKeyId: active, keys };
  }

  async function createKey(): Promise<string> {
    return db.transaction(async (tx) => {
      if (tx.kind === 'postgres') await tx.query('LOCK TABLE encryption_keys IN EXCLUSIVE MODE');
      const [{ n }] = await tx.query<{ n: number }>(
        `SELECT coalesce(max(substring(id from 2)::int), 0) + 1 AS n FROM encryption_keys WHERE id ~ '^k[0-9]+$'`,
      );
      const id = `k${n}`;
      await tx.query('UPDATE encryption_keys SET active = false WHERE active');
      await tx.query('INSERT INTO encryption_keys (id, wrapped_key, active) VALUES ($1, $2, true)', [
        id,
        wrapDataKey(wrappingKey, id, newDataKey()),
      ]);
      return id;
    });
  }

  await load();
  if (!ring.activeKeyId) {
    try {
      await createKey();
    } catch {
      // another process created the first key at the same moment
    }
    await load();
  }
  if (!ring.activeKeyId) throw new Error('no active encryption key');

  const service: FieldEncryption = {
    masterKeySource: deps.master.source,
    encrypt: (plaintext, ctx) => encryptField(ring, plaintext, ctx),
    decrypt: (token, ctx) => decryptField(ring, token, ctx),
    blindIndex(value, opts) {
      let key = indexKeys.get(opts.purpose);
      if (!key) {
        key = deriveKey(deps.master.key, `blind-index/${opts.purpose}`);
        indexKeys.set(opts.purpose, key);
      }
      return blindIndex(key, value, opts.bytes);
    },
    registerEncryptedColumn(c) {
      for (const name of [c.table, c.idColumn, c.column])
        if (!IDENT.test(name)) throw new Error(`bad identifier ${name}`);
      if (!columns.some((x) => x.table === c.table && x.column === c.column)) columns.push(c);
    },
    encryptedColumns: () => columns,
    activeKeyId: () => ring.activeKeyId,
    async listKeys() {
      const rows = await db.query<KeyRow>('SELECT id, created_at, active FROM encryption_keys ORDER BY created_at, id');
      return rows.map((r) => ({ id: r.id, createdAt: r.created_at.toISOString(), active: r.active }));
    },
    async rotate() {
      const keyId = await createKey();
      await load();
      const jobId = await jobs.send(REENCRYPT_JOB, { keyId });
      if (!jobId) throw new Error('re-encryption job was not enqueued');
      return { keyId, jobId };
    },
    refresh: () => load(),
  };

  jobs.define<{ keyId: string }>(
    REENCRYPT_JOB,
    async (_payload, ctx) => {
      await load();
      return reencryptAll(db, service, columns, (pct) => ctx.progress(pct));
    },
    // standard policy: a second rotation queues a second pass; passes are idempotent
    { retryLimit: 5, retryDelay: 10, expireInSeconds: 4 * 3600 },
  );

  return service;
}

/**
 * Rewrites every registered column's tokens that are not under the active key, in batches of
 * `BATCH` rows walked by id. Each row is updated only if it still holds the token we read, so a
 * concurrent write by the application is never overwritten.
 */
export async function reencryptAll(
  db: Db,
  enc: FieldEncryption,
  columns: readonly EncryptedColumn[],
  progress: (percent: number) => Promise<void>,
): Promise<{ reencrypted: number; unreadable: number }> {
  const active = enc.activeKeyId();
  const prefix = `v1.${active}.`;
  let total = 0;
  for (const c of columns) {
    const [{ n }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${c.table} WHERE ${c.column} IS NOT NULL AND left(${c.column}, $1) <> $2`,
      [prefix.length, prefix],
    );
    total += n;
  }
  let done = 0;
  let reencrypted = 0;
  let unreadable = 0;
  await progress(total ? 0 : 100);
  for (const c of columns) {
    let last: string | null = null;
    for (;;) {
      const rows: { id: string; token: string }[] = await db.query(
        `SELECT ${c.idColumn}::text AS id, ${c.column} AS token FROM ${c.table}
         WHERE ${c.column} IS NOT NULL AND left(${c.column}, $1) <> $2 ${last === null ? '' : `AND ${c.idColumn}::text > $4`}
         ORDER BY ${c.idColumn}::text LIMIT $3`,
        last === null ? [prefix.length, prefix, BATCH] : [prefix.length, prefix, BATCH, last],
      );
      if (!rows.length) break;
      await db.transaction(async (tx) => {
        for (const r of rows) {
          if (tokenKeyId(r.token) === null) continue; // not a token: left alone, not ours to guess
          const ctx = { table: c.table, column: c.column, rowId: c.aad === 'row' ? r.id : undefined };
          let plaintext: string;
          try {
            plaintext = enc.decrypt(r.token, ctx);
          } catch (err) {
            // a tampered or misplaced token stays as it is (and keeps failing where it is read)
            if (!(err instanceof FieldCryptoError)) throw err;
            unreadable++;
            continue;
          }
          const fresh = enc.encrypt(plaintext, ctx);
          reencrypted++;
          await tx.query(`UPDATE ${c.table} SET ${c.column} = $1 WHERE ${c.idColumn}::text = $2 AND ${c.column} = $3`, [
            fresh,
            r.id,
            r.token,
          ]);
        }
      });
      last = rows[rows.length - 1].id;
      done += rows.length;
      await progress(total ? Math.min(99, (done / total) * 100) : 99);
    }
  }
  await progress(100);
  return { reencrypted, unreadable };
}
