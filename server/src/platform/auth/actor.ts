import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createHash, timingSafeEqual } from 'node:crypto';
import { commonErrors } from '../http/errors.ts';
import type { Locale } from '../i18n/i18n.ts';
import type { Permission } from './permissions.ts';

/** Who is making a request: a signed-in user (cookie session) or an API key. */
export type Actor = {
  kind: 'user' | 'api_key';
  userId: string;
  name: string;
  permissions: ReadonlySet<Permission>;
  /** Set for cookie sessions; state-changing requests must then carry its CSRF token. */
  sessionId?: string;
  csrfToken?: string;
  apiKeyId?: string;
  locale?: Locale;
};

/**
 * What a route demands. `public` routes are open to anyone (sign-in, health, public pages);
 * `authenticated` to any signed-in user or key (the user's own profile); otherwise a permission.
 * A route without `config.access` is refused: a test walks every route to keep it so.
 */
export type RouteAccess = Permission | 'public' | 'authenticated';

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- declaration merging needs an interface
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- declaration merging needs an interface
  interface FastifyRequest {
    actor: Actor | null;
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function timingSafeEqualString(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length > 0;
}

export type ActorResolver = (request: FastifyRequest) => Promise<Actor | null>;

export function can(actor: Actor | null, permission: Permission): boolean {
  return !!actor && actor.permissions.has(permission);
}

/** Throws unless the actor holds the permission (for checks inside services). */
export function assertCan(actor: Actor | null, permission: Permission): asserts actor is Actor {
  if (!actor) throw commonErrors.unauthenticated();
  if (!actor.permissions.has(permission)) throw commonErrors.forbidden(permission);
}

export type GuardOptions = {
  resolveActor: ActorResolver;
  /** Called for every 401/403 so it can be logged with actor, route and request id. */
  onDenied?: (request: FastifyRequest, status: 401 | 403, reason: string) => void;
};

/** Resolves the actor of every request and enforces each route's declared access. */
export const guardPlugin = fp(async (app: FastifyInstance, opts: GuardOptions) => {
  app.decorateRequest('actor', null);
  // onRequest, before the body is read or validated: strangers learn nothing about a route.
  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const access = request.routeOptions.config.access;
    // Assets, the web app's page, /healthz and the API docs never act as anyone: a browser sends
    // its cookie with each of them, and looking the session up would cost a query per asset (and
    // make /healthz wait behind a long query on PGlite).
    if (access === 'public' && !request.url.startsWith('/api/v1/')) return;
    request.actor = await opts.resolveActor(request);
    if (request.actor?.locale) request.locale = request.actor.locale;
    // Cookie sessions are CSRF-prone; API keys in a header are not.
    if (request.actor?.sessionId && !safeMethods.has(request.method)) {
      const token = request.headers['x-csrf-token'];
      if (typeof token !== 'string' || !timingSafeEqualString(token, request.actor.csrfToken ?? '')) {
        // A public route (sign-in, setup, sign-out) works without the session: a request that
        // cannot prove it comes from our page just does not get to act as it. Signing in again
        // from a second tab works; a forged sign-out cannot end anyone's session.
        if (access === 'public') {
          request.actor = null;
          return;
        }
        opts.onDenied?.(request, 403, 'csrf token missing or wrong');
        throw commonErrors.csrf();
      }
    }
    if (access === 'public') return;
    if (!access) {
      // Fail closed: a route nobody declared access for is open to nobody.
      opts.onDenied?.(request, 403, 'route declares no access');
      throw commonErrors.forbidden();
    }
    if (!request.actor) {
      opts.onDenied?.(request, 401, 'not signed in');
      throw commonErrors.unauthenticated();
    }
    if (access !== 'authenticated' && !request.actor.permissions.has(access)) {
      opts.onDenied?.(request, 403, `missing ${access}`);
      throw commonErrors.forbidden(access);
    }
  });
});
