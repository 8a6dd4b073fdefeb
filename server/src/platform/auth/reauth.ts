import type { FastifyRequest } from 'fastify';
import { authErrors } from './auth.errors.ts';

/** How recently the password must have been entered for sensitive actions. */
export const reauthWindowMs = 5 * 60 * 1000;

/** Set by the actor resolver: whether this request's session re-entered its password recently. */
const recentlyReauthenticated = new WeakMap<FastifyRequest, boolean>();

export function markReauthState(request: FastifyRequest, isRecent: boolean): void {
  recentlyReauthenticated.set(request, isRecent);
}

/**
 * Throws 403 `auth_reauth_required` unless the request comes from a cookie session whose user
 * signed in or confirmed their password (`POST /auth/reauth`) within the last five minutes.
 * API keys never pass: they cannot re-enter a password.
 */
export function requireRecentReauth(request: FastifyRequest): void {
  if (!recentlyReauthenticated.get(request)) throw authErrors.reauthRequired();
}
