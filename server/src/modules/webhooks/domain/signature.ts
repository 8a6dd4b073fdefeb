import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of incoming webhooks. Both are HMAC-SHA256 over the RAW request bytes (re-serialised
 * JSON would differ in whitespace and key order) and compared in constant time.
 */

/** Shopify: `X-Shopify-Hmac-Sha256` = base64(HMAC-SHA256(raw body, signing secret)). */
export function shopifyHmac(secret: string, raw: Buffer): string {
  return createHmac('sha256', secret).update(raw).digest('base64');
}

export function isShopifyHmacValid(secret: string, raw: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const given = Buffer.from(header.trim(), 'base64');
  const expected = createHmac('sha256', secret).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Kehu's generic webhook: `X-Kehu-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export function kehuSignature(secret: string, timestamp: number, raw: Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** Five minutes either way: a captured request cannot be replayed later, and clocks may drift a little. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck = 'valid' | 'malformed' | 'mismatch' | 'expired';

/**
 * Checks the signature before the time, so a sender without the secret learns nothing about
 * the tolerance. Several `v1=` entries are allowed (a sender mid-way through a secret change).
 */
export function checkKehuSignature(
  secret: string,
  header: string | undefined,
  raw: Buffer,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return 'malformed';
  let timestamp: number | null = null;
  const macs: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) macs.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === null || macs.length === 0) return 'malformed';
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest();
  // every candidate is compared, so the time taken does not say which one matched
  let matched = false;
  for (const mac of macs) if (timingSafeEqual(mac, expected)) matched = true;
  if (!matched) return 'mismatch';
  return Math.abs(nowSeconds - timestamp) > toleranceSeconds ? 'expired' : 'valid';
}

/** A secret for a generic connection: 32 random bytes, recognisable by its prefix in a config file. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
