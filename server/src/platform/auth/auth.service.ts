import type { FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit.service.ts';
import type { Config } from '../config.ts';
import type { Queryable } from '../db/db.ts';
import { commonErrors } from '../http/errors.ts';
import { translator, type Locale } from '../i18n/i18n.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Actor } from './actor.ts';
import { authErrors } from './auth.errors.ts';
import type { AuthDirectory, UserProfile } from './directory.ts';
import { assertPasswordAcceptable, hashPassword, verifyPassword } from './password.ts';
import type { SessionStore } from './session.service.ts';
import { maskEmail, randomToken, sha256 } from './tokens.ts';

export type Me = UserProfile & { permissions: string[]; csrfToken: string | null };

const hourMs = 60 * 60 * 1000;
const resetTokenTtlMs = hourMs;

export type AuthService = ReturnType<typeof createAuthService>;

/** Sign-in, the signed-in user's own profile and password, one-time setup and password reset. */
export function createAuthService(deps: {
  db: Queryable;
  directory: AuthDirectory;
  sessions: SessionStore;
  audit: AuditLog;
  config: Pick<Config, 'maxFailedLoginsPerHour' | 'publicUrl'>;
  now: () => Date;
  mailer?: Mailer;
}) {
  const { db, directory, sessions, audit, config, now } = deps;

  async function failuresInLastHour(emailHash: string): Promise<{ count: number; oldest: Date | null }> {
    const [row] = await db.query<{ count: number; oldest: Date | null }>(
      'SELECT count(*)::int AS count, min(at) AS oldest FROM login_failures WHERE email_hash = $1 AND at > $2',
      [emailHash, new Date(now().getTime() - hourMs)],
    );
    return row;
  }

  async function recordFailure(emailHash: string): Promise<void> {
    const at = now();
    await db.query('DELETE FROM login_failures WHERE email_hash = $1 AND at <= $2', [
      emailHash,
      new Date(at.getTime() - hourMs),
    ]);
    await db.query('INSERT INTO login_failures (email_hash, at) VALUES ($1, $2)', [emailHash, at]);
  }

  async function me(actor: Actor, locale: Locale): Promise<Me> {
    const profile = await directory.findProfile(actor.userId, locale);
    if (!profile) throw commonErrors.unauthenticated();
    return { ...profile, permissions: [...actor.permissions].sort(), csrfToken: actor.csrfToken ?? null };
  }

  async function signIn(request: FastifyRequest, userId: string) {
    const session = await sessions.create(userId, request);
    const actor = await sessions.resolve(session.token, request);
    if (!actor) throw commonErrors.unauthenticated();
    request.actor = actor;
    if (actor.locale) request.locale = actor.locale;
    return { token: session.token, me: await me(actor, request.locale) };
  }

  return {
    me,

    /** Verifies the password (in constant work whether or not the email exists) and opens a new session. */
    async login(request: FastifyRequest, input: { email: string; password: string }) {
      const email = input.email.trim();
      const emailHash = sha256(email.toLowerCase());
      const failed = (reason: string, userId?: string) =>
        audit.recordRequest(request, {
          action: 'auth.login_failed',
          outcome: 'failure',
          entityType: userId ? 'user' : undefined,
          entityId: userId,
          details: { email: maskEmail(email), emailHash: emailHash.slice(0, 16), reason },
        });

      const recent = await failuresInLastHour(emailHash);
      if (recent.count >= config.maxFailedLoginsPerHour) {
        await failed('too_many_attempts');
        const retryAt = (recent.oldest?.getTime() ?? now().getTime()) + hourMs;
        throw authErrors.tooManyAttempts(Math.max(1, Math.ceil((retryAt - now().getTime()) / 1000)));
      }
      const account = await directory.findAccountByEmail(email);
      const isCorrect = await verifyPassword(account?.passwordHash ?? null, input.password);
      if (!account || !isCorrect) {
        await recordFailure(emailHash);
        await failed(account ? 'wrong_password' : 'unknown_email', account?.userId);
        throw authErrors.invalidCredentials();
      }
      if (!account.isActive) {
        await failed('account_disabled', account.userId);
        throw authErrors.accountDisabled();
      }
      await db.query('DELETE FROM login_failures WHERE email_hash = $1', [emailHash]);
      const result = await signIn(request, account.userId);
      await audit.recordRequest(request, { action: 'auth.login', entityType: 'user', entityId: account.userId });
      return result;
    },

    async logout(request: FastifyRequest): Promise<void> {
      const actor = request.actor;
      if (!actor?.sessionId) return;
      await sessions.end(actor.sessionId);
      await audit.recordRequest(request, { action: 'auth.logout', entityType: 'user', entityId: actor.userId });
    },

    async updateMe(request: FastifyRequest, changes: { name?: string; locale?: Locale | null }): Promise<Me> {
      const actor = request.actor as Actor;
      await directory.updateProfile(actor.userId, changes);
      if (changes.locale) request.locale = changes.locale;
      return me(actor, request.locale);
    },

    /** Changes the caller's password and ends their other sessions (this one stays signed in). */
    async changePassword(request: FastifyRequest, input: { currentPassword: string; newPassword: string }) {
      const actor = request.actor as Actor;
      if (actor.kind !== 'user') throw authErrors.sessionRequired();
      const account = await directory.findAccountById(actor.userId);
      if (!account || !(await verifyPassword(account.passwordHash, input.currentPassword))) {
        throw authErrors.wrongPassword('currentPassword');
      }
      assertPasswordAcceptable(input.newPassword, 'newPassword');
      await directory.setPasswordHash(actor.userId, await hashPassword(input.newPassword));
      await sessions.endAllForUser(actor.userId, actor.sessionId);
      await audit.recordRequest(request, {
        action: 'auth.password_changed',
        entityType: 'user',
        entityId: actor.userId,
      });
    },

    /** Confirms the password again, opening the five-minute window for sensitive actions. */
    async reauthenticate(request: FastifyRequest, password: string): Promise<void> {
      const actor = request.actor as Actor;
      if (actor.kind !== 'user' || !actor.sessionId) throw authErrors.sessionRequired();
      const account = await directory.findAccountById(actor.userId);
      if (!account || !(await verifyPassword(account.passwordHash, password))) {
        await audit.recordRequest(request, {
          action: 'auth.reauth_failed',
          outcome: 'failure',
          entityType: 'user',
          entityId: actor.userId,
        });
        throw authErrors.wrongPassword('password');
      }
      await sessions.markReauthenticated(actor.sessionId);
    },

    isSetupNeeded: async () => (await directory.countUsers()) === 0,

    /** Creates the first administrator (only while there are no users) and signs them in. */
    async setup(request: FastifyRequest, input: { name: string; email: string; password: string }) {
      if ((await directory.countUsers()) > 0) throw authErrors.setupDone();
      assertPasswordAcceptable(input.password);
      const userId = await directory.createAdministrator({
        name: input.name,
        email: input.email,
        passwordHash: await hashPassword(input.password),
        onlyIfNoUsers: true,
      });
      if (!userId) throw authErrors.setupDone();
      const result = await signIn(request, userId);
      await audit.recordRequest(request, { action: 'setup.completed', entityType: 'user', entityId: userId });
      return result;
    },

    /**
     * Emails a one-hour, single-use reset link when the email belongs to an active user. The
     * caller answers 202 either way and the mail goes out in the background, so neither the
     * answer nor its timing tells whether the account exists.
     */
    async requestPasswordReset(request: FastifyRequest, email: string): Promise<void> {
      const userId = await directory.findUserIdByEmail(email.trim());
      const account = userId ? await directory.findAccountById(userId) : null;
      await audit.recordRequest(request, {
        action: 'auth.password_reset_requested',
        entityType: userId ? 'user' : undefined,
        entityId: userId ?? undefined,
        details: { email: maskEmail(email.trim()), known: !!account?.isActive },
      });
      if (!userId || !account?.isActive) return;
      const profile = await directory.findProfile(userId, request.locale);
      if (!profile) return;
      const token = randomToken(32);
      const at = now();
      await db.query(
        `INSERT INTO password_reset_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
        [sha256(token), userId, at, new Date(at.getTime() + resetTokenTtlMs)],
      );
      if (!deps.mailer) {
        request.log.warn('password reset requested but no mailer is configured');
        return;
      }
      const t = translator(profile.locale ?? request.locale);
      const link = `${config.publicUrl.replace(/\/$/, '')}/reset-password?token=${token}`;
      deps.mailer
        .send({
          to: profile.email,
          subject: t('auth.resetMail.subject'),
          text: t('auth.resetMail.text', { name: profile.name, link }),
        })
        .catch((err: unknown) => request.log.error({ err }, 'password reset mail failed'));
    },

    /** Sets a new password from a reset token (once) and ends all of the user's sessions. */
    async confirmPasswordReset(request: FastifyRequest, input: { token: string; password: string }) {
      assertPasswordAcceptable(input.password);
      const at = now();
      const [row] = await db.query<{ user_id: string }>(
        `UPDATE password_reset_tokens SET used_at = $2
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id`,
        [sha256(input.token), at],
      );
      const account = row ? await directory.findAccountById(row.user_id) : null;
      if (!row || !account?.isActive) throw authErrors.resetTokenInvalid();
      await directory.setPasswordHash(row.user_id, await hashPassword(input.password));
      await sessions.endAllForUser(row.user_id);
      // Other outstanding links for this user die with this one.
      await db.query('UPDATE password_reset_tokens SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL', [
        row.user_id,
        at,
      ]);
      await audit.recordRequest(request, {
        action: 'auth.password_reset_completed',
        entityType: 'user',
        entityId: row.user_id,
      });
    },
  };
}
