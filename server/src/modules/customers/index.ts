import type { FastifyPluginAsync } from 'fastify';
import { join } from 'node:path';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Platform } from '../../platform/platform.ts';
import type { CustomersContext } from './customers.context.ts';
import { createCustomersFace, type CustomersFace } from './customers.face.ts';
import { customerListRoutes } from './customer-list.routes.ts';
import { customersRoutes } from './customers.routes.ts';
import { createCustomersService } from './customers.service.ts';
import { createCustomersSeeder, type CustomersSeeder } from './customers.seed.ts';
import { registerIdentityColumns } from './identities.ts';
import { timelineRoutes } from './timeline.routes.ts';
import { consentsRoutes } from './consents.routes.ts';
import { touchpointsRoutes } from './touchpoints.routes.ts';
import { registerAliasColumn } from './aliases.ts';
import { defineDuplicatesJobs } from './duplicates.jobs.ts';
import { createDuplicatesService } from './duplicates.service.ts';
import { createAutoMerge } from './merge-auto.ts';
import { mergeRoutes } from './merge.routes.ts';
import { createMergeService } from './merge.service.ts';

/** The codes of the computed values in customer_stats (scoring writes them, segments and lists read them). */
export { scoreCodes } from './score-codes.ts';
/** The full duplicate scan's job (the demo queues one after loading its customers). */
export { FIND_DUPLICATES_JOB } from './duplicates.service.ts';
export type {
  CollectedCustomer,
  CollectFailure,
  CollectOutcome,
  CollectResult,
  Collector,
  ExternalIdentity,
  OnMatch,
} from './collect.face.ts';
export type {
  CustomersFace,
  CustomerDependent,
  CustomerSummary,
  SegmentFilter,
  OrderStatsDelta,
  NewActivity,
  OrderStats,
  TouchpointRef,
} from './customers.face.ts';
export type { CustomersSeeder, SeedAttributeDefinition, SeedCustomer, SeedTouchpoint } from './customers.seed.ts';
export type { AttributeDefinitionRef } from './customers.face.ts';
export type { VerifiedIdentifier } from './customers.face.ts';
export type { CustomerScores, LifecycleTransition } from './scores.repository.ts';
export type { CustomerMergedEvent, CustomerUnmergedEvent } from './merge.events.ts';
export { consentChannels, consentPurposes } from './consents.service.ts';
export type { ConsentChannel, ConsentInput, ConsentPurpose, ConsentRecorded } from './consents.service.ts';
export { regionTree, type RegionNode } from './regions.ts';

export type CustomersModule = {
  /** For other modules: timeline rows, order aggregates, touchpoints, dependents (see customers.face.ts). */
  face: CustomersFace;
  /** Bulk writers for demo data: touchpoints, tags, attributes, customers, timeline rows. */
  seeder: CustomersSeeder;
  routes: FastifyPluginAsync;
};

/** Customers: profiles, identities, custom attributes, tags, the list, the timeline, touchpoints. */
export function createCustomersModule(deps: {
  platform: Platform;
  audit: AuditLog;
  dataDir: string;
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
}): CustomersModule {
  const { platform } = deps;
  registerIdentityColumns(platform.crypto);
  // the face hands collectors the service's validation; the service needs the face: bound late
  const face = createCustomersFace({ collector: () => service.collector(), crypto: platform.crypto });
  const ctx: CustomersContext = {
    db: platform.db,
    audit: deps.audit,
    crypto: platform.crypto,
    jobs: platform.jobs,
    events: platform.events,
    settings: platform.settings,
    now: platform.now,
    face,
    exportDir: join(deps.dataDir, 'exports'),
    userNames: deps.userNames,
  };
  const service = createCustomersService(ctx);
  // identity resolution: duplicate detection, merges with provenance and undo, automatic merge rules
  registerAliasColumn(platform.crypto);
  const duplicates = createDuplicatesService(ctx);
  const merges = createMergeService(ctx, duplicates);
  const autoMerge = createAutoMerge(ctx, merges);
  defineDuplicatesJobs({ jobs: platform.jobs, duplicates, auto: autoMerge });
  return {
    face,
    seeder: createCustomersSeeder({ crypto: platform.crypto }),
    routes: async (app) => {
      await app.register(customersRoutes(ctx));
      await app.register(customerListRoutes(ctx));
      await app.register(timelineRoutes(ctx));
      await app.register(touchpointsRoutes(ctx));
      await app.register(consentsRoutes(ctx));
      await app.register(mergeRoutes(ctx, { duplicates, merges, auto: autoMerge }));
    },
  };
}
