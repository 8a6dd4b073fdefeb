import type { FastifyPluginAsync } from 'fastify';
import type { AuditLog } from '../audit/audit.service.ts';
import type { Config } from '../config.ts';
import type { Queryable } from '../db/db.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { ActorResolver } from './actor.ts';
import { createApiKeyService, type ApiKeyService } from './api-keys.service.ts';
import { authRoutes } from './auth.routes.ts';
import { createAuthService, type AuthService } from './auth.service.ts';
import type { AuthDirectory } from './directory.ts';
import { createSessionStore, sessionCookieName, type SessionStore } from './session.service.ts';

export { requireRecentReauth } from './reauth.ts';
export { assertPasswordAcceptable, hashPassword } from './password.ts';
export { bootstrapAdministrator } from './bootstrap.ts';
export type { SessionStore } from './session.service.ts';

export type Auth = {
  /** For buildApp's guard: a cookie session, or `Authorization: Bearer <api key>`. */
  resolveActor: ActorResolver;
  /** /auth/*, /me, /setup, /permissions, /api-keys (mounted under /api/v1). */
  routes: FastifyPluginAsync;
  sessions: SessionStore;
  service: AuthService;
  apiKeys: ApiKeyService;
};

/** Wires sign-in, sessions and API keys from the database and the staff directory. */
export function createAuth(deps: {
  db: Queryable;
  directory: AuthDirectory;
  audit: AuditLog;
  config: Config;
  now: () => Date;
  mailer?: Mailer;
}): Auth {
  const sessions = createSessionStore({ ...deps, idleMinutes: deps.config.sessionIdleMinutes });
  const apiKeys = createApiKeyService(deps);
  const service = createAuthService({ ...deps, sessions });
  const resolveActor: ActorResolver = async (request) => {
    const authorization = request.headers.authorization;
    if (authorization) {
      const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
      return bearer ? apiKeys.resolve(bearer[1]) : null;
    }
    const token = request.cookies?.[sessionCookieName];
    return token ? sessions.resolve(token, request) : null;
  };
  return {
    resolveActor,
    routes: authRoutes({ auth: service, apiKeys, config: deps.config }),
    sessions,
    service,
    apiKeys,
  };
}
