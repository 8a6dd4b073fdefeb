import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newDataKey } from './field-crypto.ts';

export type MasterKeySource = 'env' | 'file';
export type MasterKey = { key: Buffer; source: MasterKeySource; path?: string; warning?: string };

/**
 * `KEHU_MASTER_KEY` as 64 hex digits or base64 of 32 bytes is used as is; any other string of
 * at least 32 characters (a passphrase) is hashed to 32 bytes. Without it, a key is generated
 * once into `<dataDir>/master.key` (mode 0600): fine for a demo, not for production, where the
 * key must live apart from the data it protects.
 */
export function loadMasterKey(opts: { masterKey?: string; dataDir: string }): MasterKey {
  if (opts.masterKey) return { key: parseMasterKey(opts.masterKey), source: 'env' };
  const path = join(opts.dataDir, 'master.key');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(opts.dataDir, { recursive: true });
    text = newDataKey().toString('base64');
    try {
      writeFileSync(path, `${text}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // another process won the race: use its key
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      text = readFileSync(path, 'utf8');
    }
  }
  chmodSync(path, 0o600);
  return {
    key: parseMasterKey(text.trim()),
    source: 'file',
    path,
    warning:
      `!!! KEHU_MASTER_KEY is not set: personal data is encrypted with a key generated in ${path} ` +
      '(demo only). In production set KEHU_MASTER_KEY (openssl rand -hex 32) and keep a backup: ' +
      'without the key, encrypted data cannot be read.',
  };
}

export function parseMasterKey(value: string): Buffer {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(v)) {
    const b = Buffer.from(v, 'base64');
    if (b.length === 32) return b;
  }
  if (v.length < 32)
    throw new Error('KEHU_MASTER_KEY must be 64 hex digits, base64 of 32 bytes, or a passphrase of 32+ characters');
  return createHash('sha256').update(`kehu-master-passphrase|${v}`).digest();
}
