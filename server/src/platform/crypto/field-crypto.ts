import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Pure field-encryption primitives (no I/O): AES-256-GCM tokens bound to where they are stored,
 * keyed blind indexes, and per-purpose key derivation. The key ring lives in
 * encryption.service.ts.
 *
 * Token: `v1.<keyId>.<base64url(iv[12] | tag[16] | ciphertext)>`. The AAD is
 * `v1|<keyId>|<table>.<column>[|<rowId>]`, so a token copied into another column (or row, when
 * bound to one) fails authentication instead of decrypting.
 */
export type FieldContext = { table: string; column: string; rowId?: string };
export type KeyRing = { activeKeyId: string; keys: ReadonlyMap<string, Buffer> };

export type FieldCryptoErrorCode = 'malformed_token' | 'unknown_key' | 'decrypt_failed';
export class FieldCryptoError extends Error {
  readonly code: FieldCryptoErrorCode;
  constructor(code: FieldCryptoErrorCode, message: string) {
    super(message);
    this.name = 'FieldCryptoError';
    this.code = code;
  }
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** HKDF-SHA256: one independent 32-byte key per purpose, so no key is ever used for two things. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.from('kehu/v1'), Buffer.from(purpose), 32));
}

function aad(keyId: string, ctx: FieldContext): Buffer {
  const where = `${ctx.table}.${ctx.column}`;
  return Buffer.from(`${VERSION}|${keyId}|${where}${ctx.rowId === undefined ? '' : `|${ctx.rowId}`}`);
}

function seal(key: Buffer, plaintext: Buffer, additional: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(additional);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url');
}

function open(key: Buffer, sealed: string, additional: Buffer): Buffer {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new FieldCryptoError('malformed_token', 'token too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(additional);
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new FieldCryptoError('decrypt_failed', 'token does not authenticate for this key and place');
  }
}

export function parseToken(token: string): { keyId: string; sealed: string } {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || !KEY_ID.test(parts[1]) || !/^[A-Za-z0-9_-]+$/.test(parts[2])) {
    throw new FieldCryptoError('malformed_token', 'not a v1 field token');
  }
  return { keyId: parts[1], sealed: parts[2] };
}

/** The key id a token was written with, or null when it is not a token. */
export function tokenKeyId(token: string): string | null {
  try {
    return parseToken(token).keyId;
  } catch {
    return null;
  }
}

export function encryptField(ring: KeyRing, plaintext: string, ctx: FieldContext): string {
  const key = ring.keys.get(ring.activeKeyId);
  if (!key) throw new FieldCryptoError('unknown_key', `active key ${ring.activeKeyId} is not loaded`);
  return `${VERSION}.${ring.activeKeyId}.${seal(key, Buffer.from(plaintext, 'utf8'), aad(ring.activeKeyId, ctx))}`;
}

export function decryptField(ring: KeyRing, token: string, ctx: FieldContext): string {
  const { keyId, sealed } = parseToken(token);
  const key = ring.keys.get(keyId);
  if (!key) throw new FieldCryptoError('unknown_key', `key ${keyId} is not in the key ring`);
  return open(key, sealed, aad(keyId, ctx)).toString('utf8');
}

/** A data key stored in the database, sealed under the master's wrapping key and bound to its id. */
export function wrapDataKey(wrappingKey: Buffer, keyId: string, dataKey: Buffer): string {
  return seal(wrappingKey, dataKey, Buffer.from(`kehu-data-key|${keyId}`));
}

export function unwrapDataKey(wrappingKey: Buffer, keyId: string, wrapped: string): Buffer {
  return open(wrappingKey, wrapped, Buffer.from(`kehu-data-key|${keyId}`));
}

export function newDataKey(): Buffer {
  return randomBytes(32);
}

/**
 * Keyed blind index for exact lookup of an encrypted value: HMAC-SHA256 over a value the caller
 * has normalised (see `normalizeForIndex`). `bytes` truncates it: fewer bytes leak less about
 * equal values across rows, at the price of occasional collisions (callers then compare the
 * decrypted values).
 */
export function blindIndex(indexKey: Buffer, normalisedValue: string, bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 2 || bytes > 32) throw new RangeError('bytes must be 2..32');
  return createHmac('sha256', indexKey)
    .update(normalisedValue, 'utf8')
    .digest()
    .subarray(0, bytes)
    .toString('base64url');
}

/** Default normalisation for indexes: Unicode NFKC (full-width → half-width), trimmed, lower case, no inner spaces. */
export function normalizeForIndex(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}
