import type { FastifyPluginAsync } from 'fastify';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Platform } from '../../platform/platform.ts';
import type { CustomersFace } from '../customers/index.ts';
import type { SegmentsFace } from '../segments/index.ts';
import type { ScoringContext } from './scoring.context.ts';
import { defineScoringJobs } from './scoring.jobs.ts';
import './scoring.messages.ts';
import { scoringRoutes } from './scoring.routes.ts';
import { createScoringService, type ScoringService } from './scoring.service.ts';

export type { LifecycleChangedEvent } from './scoring.events.ts';
export { RECOMPUTE_JOB as SCORING_RECOMPUTE_JOB, RESCORE_JOB as SCORING_RESCORE_JOB } from './scoring.service.ts';

export type ScoringModule = { routes: FastifyPluginAsync; service: ScoringService };

/**
 * Scoring: RFM, ABC, value tiers, grades and lifecycle stages, computed from the orders module's
 * order_days rollup and written to customer_stats through the customers face.
 */
export function createScoringModule(deps: {
  platform: Platform;
  audit: AuditLog;
  customers: CustomersFace;
  segments: SegmentsFace | null;
}): ScoringModule {
  const { platform } = deps;
  const ctx: ScoringContext = {
    db: platform.db,
    audit: deps.audit,
    jobs: platform.jobs,
    events: platform.events,
    now: platform.now,
    settings: platform.settings,
    customers: deps.customers,
    segments: deps.segments,
  };
  const service = createScoringService(ctx);
  defineScoringJobs({ jobs: platform.jobs, events: platform.events, scoring: service });
  return { routes: scoringRoutes(service), service };
}
