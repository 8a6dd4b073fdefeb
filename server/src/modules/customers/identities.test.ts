import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import parsePhoneNumber from 'libphonenumber-js/max';
import type { FieldEncryption } from '../../platform/crypto/encryption.service.ts';
import {
  blindIndex,
  decryptField,
  encryptField,
  newDataKey,
  type KeyRing,
} from '../../platform/crypto/field-crypto.ts';
import {
  blindIndexOf,
  identityFields,
  identitySpecs,
  maskIdentity,
  normaliseEmail,
  normaliseIdNumber,
  CN_MOBILE,
  normaliseMobile,
  openIdentity,
  sealIdentity,
} from './identities.ts';

// The three operations identities.ts uses, over an in-memory key ring (no database needed).
const ring: KeyRing = { activeKeyId: 'k1', keys: new Map([['k1', newDataKey()]]) };
const indexKey = newDataKey();
const crypto = {
  encrypt: (text, ctx) => encryptField(ring, text, ctx),
  decrypt: (token, ctx) => decryptField(ring, token, ctx),
  blindIndex: (value, opts) => blindIndex(indexKey, `${opts.purpose}\u0000${value}`, opts.bytes),
} satisfies Pick<FieldEncryption, 'encrypt' | 'decrypt' | 'blindIndex'> as unknown as FieldEncryption;

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
// prefixes every carrier has used for years (libphonenumber knows them as mobile)
const prefixes = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '155',
  '158',
  '186',
  '189',
];
/** A Chinese mobile number, national form: 11 digits. */
const cnMobile = fc.tuple(fc.constantFrom(...prefixes), digits(8)).map(([p, d]) => p + d);
const fullWidth = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
/** Ways people write the same mobile: spaces, dashes, +86 / 0086 / 86, full-width digits. */
const mobileVariant = (n: string) =>
  fc.constantFrom(
    n,
    `+86${n}`,
    `+86 ${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`,
    `0086-${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`,
    `86 ${n}`,
    ` ${n} `,
    fullWidth(n),
  );

const emailLocal = fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,20}$/);
const emailDomain = fc.stringMatching(/^[a-z0-9-]{1,12}\.(com|cn|com\.cn|net)$/);
const email = fc.tuple(emailLocal, emailDomain).map(([l, d]) => `${l}@${d}`);
const randomCase = (s: string) =>
  fc
    .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
    .map((up) => [...s].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join(''));

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A resident ID with a correct check character (sometimes X). */
const residentId = digits(17).map((body) => {
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
});

const anyText = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), cnMobile, email, residentId);

describe('customer identities', () => {
  it('normalises idempotently: a normalised value normalises to itself', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        for (const field of identityFields) {
          const once = identitySpecs[field].normalise(raw);
          if (once !== null) assert.equal(identitySpecs[field].normalise(once), once, `${field}: ${raw}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives every way of writing a mobile the same E.164 value and blind index', () => {
    fc.assert(
      fc.property(
        cnMobile.chain((n) => fc.tuple(fc.constant(n), mobileVariant(n))),
        ([n, variant]) => {
          assert.equal(normaliseMobile(variant), `+86${n}`);
          const a = blindIndexOf(crypto, 'mobile', normaliseMobile(n) as string);
          assert.equal(blindIndexOf(crypto, 'mobile', normaliseMobile(variant) as string), a);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives an email in any case, with surrounding spaces, the same blind index', () => {
    fc.assert(
      fc.property(
        email.chain((e) => fc.tuple(fc.constant(e), randomCase(e))),
        ([e, variant]) => {
          assert.equal(normaliseEmail(`  ${variant} `), e);
          assert.equal(
            blindIndexOf(crypto, 'email', normaliseEmail(variant) as string),
            blindIndexOf(crypto, 'email', e),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts a resident ID in either case of X, and rejects a wrong check character', () => {
    fc.assert(
      fc.property(residentId, fc.integer({ min: 0, max: 10 }), (id, wrong) => {
        assert.equal(normaliseIdNumber(id.toLowerCase()), id);
        const other = '0123456789X'[wrong];
        fc.pre(other !== id[17]);
        assert.equal(normaliseIdNumber(id.slice(0, 17) + other), null);
      }),
      { numRuns: 300 },
    );
  });

  it('indexes ID numbers in 2 bytes (buckets, not identities) and the rest in 16', () => {
    assert.equal(blindIndexOf(crypto, 'idNumber', '11010519491231002X')?.length, 3); // base64url of 2 bytes
    assert.equal(blindIndexOf(crypto, 'mobile', '+8613800138000')?.length, 22); // base64url of 16 bytes
    assert.equal(blindIndexOf(crypto, 'address', '北京市'), null);
    // the same value under two purposes gives unrelated indexes
    assert.notEqual(
      blindIndexOf(crypto, 'wechatOpenId', 'oAbCdEfGhIjKlMnOp'),
      blindIndexOf(crypto, 'wechatUnionId', 'oAbCdEfGhIjKlMnOp'),
    );
  });

  it('opens what it sealed, only for the row it was sealed for', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...identityFields),
        fc.string({ unit: 'grapheme', minLength: 1 }),
        fc.uuid(),
        fc.uuid(),
        (field, value, rowId, otherRow) => {
          const sealed = sealIdentity(crypto, field, value, rowId);
          assert.equal(openIdentity(crypto, field, sealed.enc, rowId), value);
          assert.equal(sealed.bidx, blindIndexOf(crypto, field, value));
          if (otherRow !== rowId) assert.throws(() => openIdentity(crypto, field, sealed.enc, otherRow));
          // and only for its own column
          const otherField = field === 'email' ? 'mobile' : 'email';
          assert.throws(() => openIdentity(crypto, otherField, sealed.enc, rowId));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never shows the middle of a mobile or an ID number', () => {
    fc.assert(
      fc.property(cnMobile, (n) => {
        const masked = maskIdentity('mobile', normaliseMobile(n) as string);
        assert.equal(masked, `+86 ${n.slice(0, 3)}****${n.slice(7)}`);
        assert.equal(masked.replace(/\D/g, ''), `86${n.slice(0, 3)}${n.slice(7)}`, 'only the ends are visible');
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(residentId, (id) => {
        const masked = maskIdentity('idNumber', id);
        assert.equal(masked.length, 18);
        assert.equal(masked.slice(0, 6), id.slice(0, 6));
        assert.equal(masked.slice(6, 14), '********');
        assert.equal(masked.slice(14), id.slice(14));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(email, (e) => {
        const masked = maskIdentity('email', e);
        const local = e.slice(0, e.lastIndexOf('@'));
        assert.equal(masked, `${local[0]}***${e.slice(e.lastIndexOf('@'))}`);
      }),
      { numRuns: 200 },
    );
  });

  it('takes the shortcut for mainland mobiles only where libphonenumber agrees', () => {
    const parsed = (input: string) => {
      const phone = parsePhoneNumber(input, 'CN');
      const type = phone?.isValid() ? phone.getType() : undefined;
      return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE' ? phone!.number : null;
    };
    // every 5-digit start of an 11-digit number beginning with 1, each with a low and a high tail
    for (let p = 0; p < 10_000; p++) {
      for (const tail of ['000000', '999999']) {
        const national = `1${String(p).padStart(4, '0')}${tail}`;
        const fast = CN_MOBILE.test(national) ? `+86${national}` : null;
        const slow = parsed(national);
        assert.equal(fast, slow, national);
        assert.equal(normaliseMobile(national), slow, national);
        assert.equal(normaliseMobile(`+86${national}`), parsed(`+86${national}`), `+86${national}`);
      }
    }
  });
});
