import parsePhoneNumber, { type CountryCode } from 'libphonenumber-js/max';
import type { FieldEncryption } from '../../platform/crypto/encryption.service.ts';
import { maskAddress, maskEmail, maskIdNumber, maskMobile } from '../../platform/crypto/masking.ts';

/**
 * A customer's direct identifiers: how each is normalised before its blind index is taken,
 * how long that index is, and how it is masked. The reasoning is in
 * docs/decisions/0008-customer-identifiers.md.
 */
export const identityFields = ['mobile', 'email', 'wechatOpenId', 'wechatUnionId', 'idNumber', 'address'] as const;
export type IdentityField = (typeof identityFields)[number];

type Spec = {
  /** Column prefix: `<column>_enc`, `<column>_bidx`. */
  column: string;
  /** The canonical form stored and indexed, or null when the input is not a valid value. */
  normalise(raw: string, defaultCountry?: CountryCode): string | null;
  /** Blind-index length in bytes; null = no index (not searchable). */
  indexBytes: number | null;
  mask(value: string): string;
};

/**
 * libphonenumber's mobile ranges of mainland China (metadata 1.13, `CN` → `mobile`): an
 * 11-digit national number in them is a valid MOBILE and nothing else (no fixed-line, IDD or
 * carrier prefix starts like it), so its E.164 form is `+86` and the digits. Imports take most
 * of their numbers this way without parsing (~30 µs each); identities.test.ts proves the
 * shortcut agrees with libphonenumber.
 */
export const CN_MOBILE = /^1(?:610\d|740[0-5])\d{6}$|^1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}$/;

/** E.164 (`+8613800138000`); only numbers that can be mobiles (SMS reaches them). */
export function normaliseMobile(raw: string, defaultCountry: CountryCode = 'CN'): string | null {
  // people write (+86) 138-0013-8000 or 138 0013 8000: drop the punctuation, keep a leading +
  const input = raw.normalize('NFKC').replace(/[\s\-().]/g, '');
  if (defaultCountry === 'CN' && CN_MOBILE.test(input)) return `+86${input}`;
  if (input.startsWith('+86') && CN_MOBILE.test(input.slice(3))) return input;
  if (!/^\+?\d{5,17}$/.test(input)) return null;
  const phone = parsePhoneNumber(input, defaultCountry);
  if (!phone?.isValid()) return null;
  const type = phone.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return null;
  return phone.number;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
/** Lower case: mailboxes are case-insensitive in practice, and "Li@x.cn" must find "li@x.cn". */
export function normaliseEmail(raw: string): string | null {
  const v = raw.normalize('NFKC').trim().toLowerCase();
  return v.length <= 254 && EMAIL.test(v) ? v : null;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
/** Resident ID: 18 characters with a valid check character (upper-case X); other documents as given, upper-cased. */
export function normaliseIdNumber(raw: string): string | null {
  const v = raw.normalize('NFKC').replace(/\s/g, '').toUpperCase();
  if (/^\d{17}[\dX]$/.test(v)) {
    const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(v[i]), 0);
    return ID_CHECK[sum % 11] === v[17] ? v : null;
  }
  // passports, Hong Kong/Macao/Taiwan permits: letters and digits, 5–20
  return /^[A-Z0-9]{5,20}$/.test(v) && !/^\d{15,18}$/.test(v) ? v : null;
}

const WECHAT_ID = /^[A-Za-z0-9_-]{16,64}$/;
function normaliseWechatId(raw: string): string | null {
  const v = raw.trim();
  return WECHAT_ID.test(v) ? v : null;
}

function normaliseAddress(raw: string): string | null {
  const v = raw.normalize('NFKC').trim().replace(/\s+/g, ' ');
  return v.length > 0 && v.length <= 200 ? v : null;
}

/** The first 4 characters stay, so staff can tell two WeChat ids apart without learning them. */
function maskOpaqueId(value: string): string {
  return value.length <= 4 ? '****' : `${value.slice(0, 4)}****`;
}

export const identitySpecs: Record<IdentityField, Spec> = {
  // Full-length (16-byte) indexes: a mobile or email identifies one customer, so the unique
  // index enforces it and lookups need no decryption.
  mobile: { column: 'mobile', normalise: normaliseMobile, indexBytes: 16, mask: maskMobile },
  email: { column: 'email', normalise: normaliseEmail, indexBytes: 16, mask: maskEmail },
  wechatOpenId: { column: 'wechat_open_id', normalise: normaliseWechatId, indexBytes: 16, mask: maskOpaqueId },
  wechatUnionId: { column: 'wechat_union_id', normalise: normaliseWechatId, indexBytes: 16, mask: maskOpaqueId },
  // Truncated (2-byte) index: ID numbers are the most sensitive and rarely searched; ~1 in 65,536
  // values share a bucket, so a leaked index does not single anyone out. Lookups decrypt the
  // few candidates and compare.
  idNumber: { column: 'id_number', normalise: normaliseIdNumber, indexBytes: 2, mask: maskIdNumber },
  // Addresses are shown, never searched exactly.
  address: { column: 'address', normalise: normaliseAddress, indexBytes: null, mask: maskAddress },
};

const TABLE = 'customers';

/** The columns' AAD binds each token to its customer row: a token copied to another row fails to decrypt. */
export function registerIdentityColumns(crypto: FieldEncryption): void {
  for (const field of identityFields) {
    crypto.registerEncryptedColumn({
      table: TABLE,
      idColumn: 'id',
      column: `${identitySpecs[field].column}_enc`,
      aad: 'row',
    });
  }
}

export function blindIndexOf(crypto: FieldEncryption, field: IdentityField, normalised: string): string | null {
  const bytes = identitySpecs[field].indexBytes;
  return bytes === null ? null : crypto.blindIndex(normalised, { purpose: `customers.${field}`, bytes });
}

/** Encrypts an already-normalised value for `customerId`'s row, with its blind index. */
export function sealIdentity(
  crypto: FieldEncryption,
  field: IdentityField,
  normalised: string,
  customerId: string,
  /** The blind index when the caller took it already (collectors match on it first). */
  bidx: string | null = blindIndexOf(crypto, field, normalised),
): { enc: string; bidx: string | null } {
  const column = `${identitySpecs[field].column}_enc`;
  return { enc: crypto.encrypt(normalised, { table: TABLE, column, rowId: customerId }), bidx };
}

export function openIdentity(crypto: FieldEncryption, field: IdentityField, enc: string, customerId: string): string {
  const column = `${identitySpecs[field].column}_enc`;
  return crypto.decrypt(enc, { table: TABLE, column, rowId: customerId });
}

export function maskIdentity(field: IdentityField, value: string): string {
  return identitySpecs[field].mask(value);
}
