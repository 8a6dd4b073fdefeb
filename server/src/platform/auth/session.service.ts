import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../db/db.ts';
import type { Actor } from './actor.ts';
import type { AuthDirectory } from './directory.ts';
import { markReauthState, reauthWindowMs } from './reauth.ts';
import { randomToken, sha256 } from './tokens.ts';

export const sessionCookieName = 'kehu_session';

/** Activity timestamps are written at most this often, so reads stay reads. */
const touchIntervalMs = 60 * 1000;

type SessionRow = { user_id: string; csrf_token: string; last_seen_at: Date; reauth_at: Date | null };

export type SessionStore = ReturnType<typeof createSessionStore>;

/** Server-side sessions: the cookie holds a random id, the table only its SHA-256. */
export function createSessionStore(deps: {
  db: Queryable;
  directory: AuthDirectory;
  now: () => Date;
  idleMinutes: number;
}) {
  const { db, directory, now } = deps;
  const idleMs = deps.idleMinutes * 60 * 1000;

  return {
    /** A brand-new session (never reuses an id); signing in counts as a recent authentication. */
    async create(userId: string, request: FastifyRequest): Promise<{ token: string; csrfToken: string }> {
      const token = randomToken(32);
      const csrfToken = randomToken(32);
      const at = now();
      // Sweep sessions that went idle and were never used again.
      await db.query('DELETE FROM sessions WHERE last_seen_at < $1', [new Date(at.getTime() - idleMs)]);
      await db.query(
        `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, reauth_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $4, $4, $5, $6)`,
        [sha256(token), userId, csrfToken, at, request.ip, request.headers['user-agent']?.slice(0, 300) ?? null],
      );
      return { token, csrfToken };
    },

    /** The actor of a session cookie, or null when it is unknown, idle too long, or its user inactive. */
    async resolve(token: string, request: FastifyRequest): Promise<Actor | null> {
      if (token.length > 100) return null;
      const idHash = sha256(token);
      const [row] = await db.query<SessionRow>(
        'SELECT user_id, csrf_token, last_seen_at, reauth_at FROM sessions WHERE id_hash = $1',
        [idHash],
      );
      if (!row) return null;
      const at = now();
      if (at.getTime() - row.last_seen_at.getTime() > idleMs) {
        await db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
        return null;
      }
      const user = await directory.loadUserActor(row.user_id);
      if (!user) return null;
      if (at.getTime() - row.last_seen_at.getTime() > touchIntervalMs) {
        await db.query('UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1', [idHash, at]);
      }
      markReauthState(request, !!row.reauth_at && at.getTime() - row.reauth_at.getTime() <= reauthWindowMs);
      return { ...user, kind: 'user', sessionId: idHash, csrfToken: row.csrf_token };
    },

    async markReauthenticated(sessionId: string): Promise<void> {
      await db.query('UPDATE sessions SET reauth_at = $2 WHERE id_hash = $1', [sessionId, now()]);
    },

    async end(sessionId: string): Promise<void> {
      await db.query('DELETE FROM sessions WHERE id_hash = $1', [sessionId]);
    },

    /** Ends every session of a user, except `keepSessionId` when given (the one changing the password). */
    async endAllForUser(userId: string, keepSessionId?: string, tx?: Queryable): Promise<void> {
      await (tx ?? db).query('DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2', [
        userId,
        keepSessionId ?? '',
      ]);
    },
  };
}
