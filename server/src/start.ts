import type { FastifyPluginAsync } from 'fastify';
import type { Config } from './platform/config.ts';
import type { Db } from './platform/db/db.ts';
import { createAuditLog } from './platform/audit/audit.service.ts';
import { auditRoutes } from './platform/audit/audit.routes.ts';
import type { GuardOptions } from './platform/auth/actor.ts';
import { bootstrapAdministrator, createAuth } from './platform/auth/auth.ts';
import type { Mailer } from './platform/mail/mailer.ts';
import { createPlatform, type Platform } from './platform/platform.ts';
import { createCustomersModule, FIND_DUPLICATES_JOB, type CustomersFace } from './modules/customers/index.ts';
import { createOrdersModule, type OrdersFace } from './modules/orders/index.ts';
import { createStaffModule } from './modules/staff/index.ts';
import { createFormsModule } from './modules/forms/index.ts';
import { createTrackingModule } from './modules/tracking/index.ts';
import { createWebhooksModule } from './modules/webhooks/index.ts';
import { createImportsModule } from './modules/imports/index.ts';
import { createSegmentsModule } from './modules/segments/index.ts';
import { createScoringModule, SCORING_RECOMPUTE_JOB } from './modules/scoring/index.ts';
import { buildApp, type KehuApp } from './app.ts';
import { demoSegments, loadDemo, wantsDemo } from './demo/demo.ts';

export type Kehu = {
  app: KehuApp;
  /** Lines for the start-up banner: demo logins, where the master key lives, warnings. */
  startupNotes: string[];
  /** Platform services (crypto, jobs, events, settings, mailer), for start-up work and tests. */
  platform: Platform;
  /** Module faces, for start-up work and tests that drive a module the way another module would. */
  faces: { customers: CustomersFace; orders: OrdersFace };
  stop(): Promise<void>;
};

export type StartOptions = {
  config: Config;
  db: Db;
  now?: () => Date;
  logStream?: NodeJS.WritableStream;
  /** Outgoing mail (password reset); tests pass one that records messages. */
  mailer?: Mailer;
};

/**
 * Everything between an open, migrated database and a listening server: platform services,
 * modules, first administrator, demo data, background workers. Tests call this too, so what
 * they exercise is what `npm start` runs.
 */
export async function startKehu(opts: StartOptions): Promise<Kehu> {
  const { config, db } = opts;
  const now = opts.now ?? (() => new Date());
  const startupNotes: string[] = [];
  const stoppers: (() => Promise<void>)[] = [];

  // ── platform services ────────────────────────────────────────────────────────────────
  const audit = createAuditLog({ db, now });
  // crypto, jobs, events, settings, mail: modules receive what they need from `platform`
  const platform = await createPlatform({ config, db, now, audit });
  startupNotes.push(...platform.notes);
  // Every refusal is logged with who, which route and the request id (never the credentials).
  const onDenied: GuardOptions['onDenied'] = (request, status, reason) => {
    request.log.warn(
      {
        status,
        actorId: request.actor?.userId ?? null,
        actorKind: request.actor?.kind ?? 'anonymous',
        route: request.routeOptions.url,
        reason,
      },
      'access denied',
    );
  };

  const staff = createStaffModule({ db, audit, now });
  await staff.init();
  const auth = createAuth({
    db,
    directory: staff.directory,
    audit,
    config,
    now,
    mailer: opts.mailer ?? platform.mailer,
  });

  // ── modules (each contributes routes; wired with only what it needs) ─────────────────
  const apiRoutes: FastifyPluginAsync[] = [];
  const rootRoutes: FastifyPluginAsync[] = [];
  apiRoutes.push(auditRoutes({ db }), platform.routes);
  apiRoutes.push(auth.routes, staff.routes(auth.sessions));
  const customers = createCustomersModule({ platform, audit, dataDir: config.dataDir, userNames: staff.userNames });
  const orders = createOrdersModule({ platform, audit, customers: customers.face, userNames: staff.userNames });
  apiRoutes.push(customers.routes, orders.routes);
  const forms = createFormsModule({ platform, audit, customers: customers.face, publicUrl: config.publicUrl });
  apiRoutes.push(forms.routes);
  rootRoutes.push(forms.publicRoutes);
  const tracking = createTrackingModule({ platform, audit, customers: customers.face });
  apiRoutes.push(tracking.routes);
  rootRoutes.push(tracking.rootRoutes);
  const webhooks = createWebhooksModule({
    platform,
    audit,
    customers: customers.face,
    orders: orders.face,
    publicUrl: config.publicUrl,
  });
  apiRoutes.push(webhooks.routes);
  rootRoutes.push(webhooks.publicRoutes);
  const imports = createImportsModule({
    platform,
    audit,
    customers: customers.face,
    orders: orders.face,
    dataDir: config.dataDir,
    maxUploadMb: config.importMaxMb,
  });
  apiRoutes.push(imports.routes);
  const segments = createSegmentsModule({ platform, audit, customers: customers.face });
  apiRoutes.push(segments.routes);
  const scoring = createScoringModule({ platform, audit, customers: customers.face, segments: segments.face });
  apiRoutes.push(scoring.routes);

  const app = await buildApp({
    config,
    db,
    now,
    logStream: opts.logStream,
    apiRoutes,
    rootRoutes,
    onDenied,
    resolveActor: auth.resolveActor,
  });
  await app.ready();
  platform.useLogger(app.log);
  await tracking.init(app.log);
  // after every module has defined its jobs and subscribers, before anything sends one
  await platform.start();
  stoppers.push(() => platform.stop());

  // ── start-up work: demo data, first administrator ────────────────────────────────────
  try {
    if (await wantsDemo(config, db, staff)) {
      startupNotes.push(
        ...(await loadDemo({
          staff,
          settings: platform.settings,
          business: { db, customers, orders, now },
          afterCustomers: async () => {
            await platform.jobs.send(SCORING_RECOMPUTE_JOB, {});
            await platform.jobs.send(FIND_DUPLICATES_JOB, null);
            const seeded = await segments.seed(demoSegments);
            return [`demo scoring, duplicate scan and ${seeded} segments queued`];
          },
        })),
      );
    }
    const adminNote = await bootstrapAdministrator({
      directory: staff.directory,
      audit,
      sessions: auth.sessions,
      config,
    });
    if (adminNote) startupNotes.push(adminNote);
  } catch (err) {
    // e.g. a refused KEHU_ADMIN_PASSWORD: stop the workers already running so the process can exit
    await app.close();
    for (const stop of stoppers.reverse()) await stop();
    throw err;
  }

  return {
    app,
    startupNotes,
    platform,
    faces: { customers: customers.face, orders: orders.face },
    async stop() {
      await app.close();
      for (const stop of stoppers.reverse()) await stop();
    },
  };
}
