import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  blindIndex,
  decryptField,
  deriveKey,
  encryptField,
  FieldCryptoError,
  newDataKey,
  normalizeForIndex,
  tokenKeyId,
  unwrapDataKey,
  wrapDataKey,
  type KeyRing,
} from './field-crypto.ts';
import { parseMasterKey } from './master-key.ts';

const ring: KeyRing = { activeKeyId: 'k1', keys: new Map([['k1', newDataKey()]]) };
const where = { table: 'customers', column: 'mobile_enc' };
const ident = fc.stringMatching(/^[a-z_]{1,20}$/);

function rejectsWith(code: string, fn: () => unknown) {
  assert.throws(fn, (e: unknown) => e instanceof FieldCryptoError && e.code === code);
}

describe('field encryption', () => {
  it('round-trips any text, including Chinese and emoji, bound to its column and row', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.option(fc.uuid(), { nil: undefined }), (text, rowId) => {
        const ctx = { ...where, rowId };
        const token = encryptField(ring, text, ctx);
        assert.match(token, /^v1\.k1\.[A-Za-z0-9_-]+$/);
        assert.equal(decryptField(ring, token, ctx), text);
      }),
      { numRuns: 300 },
    );
  });

  it('never gives the same token twice for the same value (random IV)', () => {
    assert.notEqual(encryptField(ring, '13812341234', where), encryptField(ring, '13812341234', where));
  });

  it('rejects a token moved to another column or row', () => {
    fc.assert(
      fc.property(fc.string(), ident, ident, (text, column, other) => {
        fc.pre(column !== other);
        const token = encryptField(ring, text, { table: 't', column });
        rejectsWith('decrypt_failed', () => decryptField(ring, token, { table: 't', column: other }));
        const bound = encryptField(ring, text, { table: 't', column, rowId: 'a' });
        rejectsWith('decrypt_failed', () => decryptField(ring, bound, { table: 't', column, rowId: 'b' }));
        rejectsWith('decrypt_failed', () => decryptField(ring, bound, { table: 't', column }));
      }),
      { numRuns: 200 },
    );
  });

  it('rejects any tampered token', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.integer({ min: 1, max: 255 }), (text, pos, flip) => {
        const token = encryptField(ring, text, where);
        const [v, kid, body] = token.split('.');
        const raw = Buffer.from(body, 'base64url');
        raw[pos % raw.length] ^= flip;
        assert.throws(() => decryptField(ring, `${v}.${kid}.${raw.toString('base64url')}`, where), FieldCryptoError);
      }),
      { numRuns: 300 },
    );
    rejectsWith('malformed_token', () => decryptField(ring, 'plain text', where));
    rejectsWith('malformed_token', () => decryptField(ring, 'v2.k1.AAAA', where));
    rejectsWith('malformed_token', () => decryptField(ring, 'v1.k1.AAAA', where));
    rejectsWith('unknown_key', () => decryptField(ring, 'v1.k9.' + 'A'.repeat(40), where));
  });

  it('reads old tokens after rotation and writes new ones with the active key', () => {
    const old = encryptField(ring, '张三', where);
    const rotated: KeyRing = { activeKeyId: 'k2', keys: new Map([...ring.keys, ['k2', newDataKey()]]) };
    assert.equal(decryptField(rotated, old, where), '张三');
    const fresh = encryptField(rotated, '张三', where);
    assert.equal(tokenKeyId(fresh), 'k2');
    assert.equal(tokenKeyId('nope'), null);
  });

  it('wraps data keys bound to their id', () => {
    const wrapping = deriveKey(newDataKey(), 'key-wrap');
    const key = newDataKey();
    const wrapped = wrapDataKey(wrapping, 'k1', key);
    assert.deepEqual(unwrapDataKey(wrapping, 'k1', wrapped), key);
    assert.throws(() => unwrapDataKey(wrapping, 'k2', wrapped), FieldCryptoError);
    assert.throws(() => unwrapDataKey(deriveKey(newDataKey(), 'key-wrap'), 'k1', wrapped), FieldCryptoError);
  });

  it('derives independent keys per purpose', () => {
    const master = newDataKey();
    assert.notDeepEqual(deriveKey(master, 'a'), deriveKey(master, 'b'));
    assert.deepEqual(deriveKey(master, 'a'), deriveKey(master, 'a'));
  });
});

describe('blind index', () => {
  const key = deriveKey(newDataKey(), 'blind-index/mobile');

  it('is equal across variants that normalise alike (case, spaces, full-width)', () => {
    const toFullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9@.]{1,30}$/), fc.nat(5), (value, spaces) => {
        const variants = [value, value.toUpperCase(), ` ${value}${' '.repeat(spaces)}`, toFullWidth(value)];
        const indexes = variants.map((v) => blindIndex(key, normalizeForIndex(v)));
        assert.equal(new Set(indexes).size, 1);
      }),
      { numRuns: 300 },
    );
  });

  it('differs for different values and different keys, and truncates on request', () => {
    assert.notEqual(blindIndex(key, '13800138000'), blindIndex(key, '13800138001'));
    assert.notEqual(blindIndex(key, '13800138000'), blindIndex(deriveKey(newDataKey(), 'x'), '13800138000'));
    assert.equal(Buffer.from(blindIndex(key, 'x', 8), 'base64url').length, 8);
    assert.equal(Buffer.from(blindIndex(key, 'x'), 'base64url').length, 32);
    assert.throws(() => blindIndex(key, 'x', 1), RangeError);
  });
});

describe('master key parsing', () => {
  it('accepts hex, base64 and long passphrases; refuses short ones', () => {
    const raw = newDataKey();
    assert.deepEqual(parseMasterKey(raw.toString('hex')), raw);
    assert.deepEqual(parseMasterKey(raw.toString('base64')), raw);
    assert.equal(parseMasterKey('a passphrase that is long enough!!').length, 32);
    assert.throws(() => parseMasterKey('short'));
  });
});
