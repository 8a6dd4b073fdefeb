import type { FastifyPluginAsync } from 'fastify';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Platform } from '../../platform/platform.ts';
import type { CustomersFace } from '../customers/index.ts';
import { createLimiter } from './domain/limiter.ts';
import { eventsRepository } from './events.repository.ts';
import { createIngestService } from './ingest.service.ts';
import { createSourcesService, type TrackingSettings } from './sources.service.ts';
import { sourcesRoutes } from './sources.routes.ts';
import { createKeyCache, type TrackingContext } from './tracking.context.ts';
import { trackingApiRoutes } from './tracking-api.routes.ts';
import { defineTrackingJobs, ensurePartitions } from './tracking.jobs.ts';

export { TRACKING_NAMESPACE } from './ingest.service.ts';

export type TrackingModule = {
  /** Sources, keys, debugger, settings, events: under /api/v1. */
  routes: FastifyPluginAsync;
  /** The Segment-compatible tracking API at /v1/… (where SDKs post). */
  rootRoutes: FastifyPluginAsync;
  /** Creates the months of `events` ahead (also a daily job); call once at start-up. */
  init(log?: { warn(obj: object, msg: string): void }): Promise<void>;
};

/** Tracking requests written at once per process before the API answers 429 (each holds a connection). */
const MAX_IN_FLIGHT = 64;
/** Write keys and settings are re-read at most this often (a change made here applies at once). */
const CACHE_MS = 5000;

/** The tracking API (Segment-compatible), sources and write keys, the events store, anonymous stitching. */
export function createTrackingModule(deps: {
  platform: Platform;
  audit: AuditLog;
  customers: CustomersFace;
}): TrackingModule {
  const { platform } = deps;
  const ctx: TrackingContext = {
    db: platform.db,
    audit: deps.audit,
    jobs: platform.jobs,
    settings: platform.settings,
    now: platform.now,
    customers: deps.customers,
    limiter: createLimiter({ maxInFlight: MAX_IN_FLIGHT }),
    keys: createKeyCache(CACHE_MS),
  };
  const sources = createSourcesService(ctx);

  let cached: { at: number; settings: TrackingSettings; timeZone: string } | null = null;
  const fresh = async () => {
    if (!cached || performance.now() - cached.at > CACHE_MS) {
      cached = {
        at: performance.now(),
        settings: await sources.getSettings(),
        timeZone: await platform.settings.timeZone(),
      };
    }
    return cached;
  };
  const ingest = createIngestService(ctx, {
    settings: async () => (await fresh()).settings,
    timeZone: async () => (await fresh()).timeZone,
  });
  const withFreshSettings: typeof sources = {
    ...sources,
    async saveSettings(request, input) {
      const saved = await sources.saveSettings(request, input);
      cached = null;
      return saved;
    },
  };

  // a customer's events, devices and visit markers go with them (delete) or follow them (merge, undo)
  deps.customers.registerDependent({
    name: 'events',
    countFor: (tx, customerId) => eventsRepository.countForCustomer(tx, customerId),
    deleteFor: (tx, customerId) => eventsRepository.deleteForCustomer(tx, customerId),
    moveFor: (tx, fromId, toId) => eventsRepository.moveToCustomer(tx, fromId, toId),
    restoreFor: (tx, toId, fromId, ids) => eventsRepository.restoreToCustomer(tx, toId, fromId, ids),
  });
  defineTrackingJobs({ db: platform.db, jobs: platform.jobs, now: platform.now });

  return {
    routes: sourcesRoutes(withFreshSettings),
    rootRoutes: trackingApiRoutes({ sources, ingest, limiter: ctx.limiter, now: platform.now }),
    async init(log) {
      await ensurePartitions(platform.db, platform.now(), 3, log);
    },
  };
}
