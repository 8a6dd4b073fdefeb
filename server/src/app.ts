import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from './platform/config.ts';
import type { Db } from './platform/db/db.ts';
import { httpPlugin } from './platform/http/http.plugin.ts';
import { loggerOptions } from './platform/http/logger.ts';
import { guardPlugin, type ActorResolver, type GuardOptions } from './platform/auth/actor.ts';

export type AppDeps = {
  config: Config;
  db: Db;
  now?: () => Date;
  /** Where logs go (tests capture them to check nothing secret is written). */
  logStream?: NodeJS.WritableStream;
  resolveActor?: ActorResolver;
  onDenied?: GuardOptions['onDenied'];
  /** Each module's routes, mounted under /api/v1. */
  apiRoutes?: FastifyPluginAsync[];
  /** Routes outside /api/v1 (public pages, tracking endpoints). */
  rootRoutes?: FastifyPluginAsync[];
};

export type RegisteredRoute = {
  method: string | string[];
  url: string;
  access: string | undefined;
  hasResponseSchema: boolean;
  hidden: boolean;
};

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- declaration merging needs an interface
  interface FastifyInstance {
    registeredRoutes: RegisteredRoute[];
  }
}

export type KehuApp = FastifyInstance;

const webDist = join(import.meta.dirname, '../../web/dist');

export async function buildApp(deps: AppDeps): Promise<KehuApp> {
  const { config, db } = deps;
  const app = Fastify({
    logger: loggerOptions(config.logLevel, deps.logStream),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // one access-log line per request (platform/http) instead of fastify's two
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();

  // Kept for the test that walks every route (access declared, response schema present).
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    routes.push({
      method: route.method,
      url: route.url,
      get access() {
        return route.config?.access;
      },
      hasResponseSchema: !!route.schema?.response,
      hidden: !!(route.schema as { hide?: boolean } | undefined)?.hide,
    });
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(httpPlugin);
  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        // no 'unsafe-inline' anywhere: the web app's run-time <style> tags (antd's CSS-in-JS)
        // carry a per-request nonce, added on the route that serves index.html below
        'style-src': ["'self'"],
        'script-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'frame-ancestors': ["'none'"],
        // only when served over https: on plain http (a LAN address) it would break every asset
        'upgrade-insecure-requests': config.publicUrl.startsWith('https:') ? [] : null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(rateLimit, { global: false });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Kehu API', version: '1.0.0', description: 'Kehu (客户) customer management platform' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'kehu_session' },
          apiKey: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.addHook('onRoute', (route) => {
    // swagger-ui's own routes are public documentation
    if (route.url.startsWith('/api/docs')) route.config = { ...(route.config ?? {}), access: 'public' };
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { deepLinking: true },
    // Swagger UI injects <style> tags without a nonce: on this developer page alone, inline styles
    // are allowed (scripts stay 'self'); the app's pages and the public pages never allow them.
    transformStaticCSP: (header) => header.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  });

  await app.register(guardPlugin, { resolveActor: deps.resolveActor ?? (async () => null), onDenied: deps.onDenied });

  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: 'Liveness: answers without touching the database so it stays fast during long queries',
        response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) }) },
      },
    },
    async () => ({ status: 'ok' as const, database: db.kind }),
  );

  await app.register(
    async (api) => {
      api.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
      for (const routes of deps.apiRoutes ?? []) await api.register(routes);
    },
    { prefix: '/api/v1' },
  );
  for (const routes of deps.rootRoutes ?? []) await app.register(routes);

  if (existsSync(webDist)) {
    await app.register(async (web) => {
      // the built web app and its assets are public; the API behind them is not
      web.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), access: route.config?.access ?? 'public' };
      });
      await web.register(fastifyStatic, { root: webDist, wildcard: false, index: false });
      // The single-page app answers every other non-API path with its index.
      const indexHtml = readFileSync(join(webDist, 'index.html'), 'utf8');
      web.get('/*', { schema: { hide: true }, helmet: { enableCSPNonces: true } }, async (request, reply) => {
        const path = request.url.split('?')[0];
        if (path.startsWith('/api/') || path.startsWith('/v1/')) return reply.callNotFound();
        // the page tells antd its style nonce through <meta name="csp-nonce">
        return reply
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(indexHtml.replaceAll('__CSP_NONCE__', reply.cspNonce.style));
      });
    });
  }

  return app;
}
