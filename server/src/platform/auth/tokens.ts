import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** A random secret of `bytes` bytes, base64url (no padding). */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export function equalHashes(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ba.length === bb.length && ba.length > 0 && timingSafeEqual(ba, bb);
}

/** `z***@example.com`: enough to tell attempts apart in the audit log, not the address. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, 1)}***${email.slice(at).slice(0, 100)}`;
}
