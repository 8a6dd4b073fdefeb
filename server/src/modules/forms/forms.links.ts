import { timingSafeEqual } from 'node:crypto';
import type { FieldEncryption } from '../../platform/crypto/encryption.service.ts';

/** How long a double opt-in link stays valid. */
export const confirmLinkTtlHours = 72;

export type ConfirmLink = { submissionId: string; expires: number; sig: string };

/**
 * Double opt-in links are signed, not stored: a keyed HMAC (derived from the master key) over
 * the submission and the expiry, so a link cannot be made up or extended, and nothing secret
 * sits in the database.
 */
function signature(crypto: FieldEncryption, submissionId: string, expires: number): string {
  return crypto.blindIndex(`${submissionId}.${expires}`, { purpose: 'forms.confirm-link', bytes: 32 });
}

export function signConfirmLink(crypto: FieldEncryption, submissionId: string, now: Date): ConfirmLink {
  const expires = Math.floor(now.getTime() / 1000) + confirmLinkTtlHours * 3600;
  return { submissionId, expires, sig: signature(crypto, submissionId, expires) };
}

export function confirmUrl(publicUrl: string, slug: string, link: ConfirmLink): string {
  const q = new URLSearchParams({ s: link.submissionId, e: String(link.expires), sig: link.sig });
  return `${publicUrl.replace(/\/$/, '')}/f/${encodeURIComponent(slug)}/confirm?${q.toString()}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** 'ok', 'invalid' (forged, altered, malformed) or 'expired' (genuine but too old). */
export function checkConfirmLink(
  crypto: FieldEncryption,
  link: { s?: unknown; e?: unknown; sig?: unknown },
  now: Date,
): { status: 'ok'; link: ConfirmLink } | { status: 'invalid' | 'expired' } {
  const { s, e, sig } = link;
  if (typeof s !== 'string' || typeof e !== 'string' || typeof sig !== 'string') return { status: 'invalid' };
  if (!UUID.test(s) || !/^\d{1,12}$/.test(e) || sig.length > 100) return { status: 'invalid' };
  const expires = Number(e);
  const expected = Buffer.from(signature(crypto, s, expires));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { status: 'invalid' };
  if (expires * 1000 < now.getTime()) return { status: 'expired' };
  return { status: 'ok', link: { submissionId: s, expires, sig } };
}
