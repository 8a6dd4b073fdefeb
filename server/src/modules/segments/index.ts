import type { SQL } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Queryable } from '../../platform/db/db.ts';
import type { Platform } from '../../platform/platform.ts';
import type { CustomersFace } from '../customers/index.ts';
import type { SegmentRule } from './domain/rule.ts';
import { checkAndCompile, checkRule } from './segment-rules.ts';
import type { SegmentsContext } from './segments.context.ts';
import { segmentsRoutes } from './segments.routes.ts';
import { segmentsRepository } from './segments.repository.ts';
import { enqueueRefresh } from './segment-refresh.ts';

export type { SegmentRule } from './domain/rule.ts';
export { SegmentRuleBody } from './domain/rule.ts';

/**
 * What other modules may do with segment rules (docs/decisions/0012-segment-rules.md): check a
 * rule and compile it into a read-only SQL predicate. Scoring uses it for value tiers and grades.
 */
export type SegmentsFace = {
  /** Checks a rule from outside; 422 `validation_failed` naming each problem under `path` (default `rules`). */
  validateRule(q: Queryable, rules: unknown, path?: string): Promise<SegmentRule>;
  /**
   * A checked rule as a parameterised predicate over `c` (customers) and `s` (customer_stats,
   * left-joined on `s.customer_id = c.id`), e.g.
   * `select c.id from customers c left join customer_stats s on s.customer_id = c.id where ${predicate}`.
   * Reads settings over `q`: on PGlite call it before opening a transaction.
   */
  compileRule(q: Queryable, rules: unknown, path?: string): Promise<SQL>;
};

export type SegmentsModule = {
  face: SegmentsFace;
  routes: FastifyPluginAsync;
  /** Demo data: dynamic segments from checked rules, each queued for its first refresh. */
  seed(segments: { name: string; description: string; rules: unknown }[]): Promise<number>;
};

/** Segments (客户细分): rule-based dynamic segments, static lists, membership history. */
export function createSegmentsModule(deps: {
  platform: Platform;
  audit: AuditLog;
  customers: CustomersFace;
}): SegmentsModule {
  const { platform } = deps;
  const ctx: SegmentsContext = {
    db: platform.db,
    audit: deps.audit,
    jobs: platform.jobs,
    events: platform.events,
    now: platform.now,
    timeZone: () => platform.settings.timeZone(),
    customers: deps.customers,
  };
  // the customer list and exports filter by segment through this (customers cannot read our tables)
  deps.customers.registerSegmentFilter(
    (segmentId, param) =>
      `c.id in (select m.customer_id from segment_members m where m.segment_id = ${param(segmentId, 'uuid')})`,
  );
  const face: SegmentsFace = {
    validateRule: (q, rules, path) => checkRule(ctx, q, rules, { path }),
    compileRule: (q, rules, path) => checkAndCompile(ctx, q, rules, path),
  };
  async function seed(list: { name: string; description: string; rules: unknown }[]): Promise<number> {
    if ((await segmentsRepository.list(ctx.db)).length > 0) return 0;
    for (const s of list) {
      const rule = await checkRule(ctx, ctx.db, s.rules);
      const row = await segmentsRepository.insert(ctx.db, {
        name: s.name,
        description: s.description,
        kind: 'dynamic',
        rule,
        createdBy: null,
        at: ctx.now(),
      });
      await enqueueRefresh(ctx, row.id);
    }
    return list.length;
  }
  return { face, routes: segmentsRoutes(ctx), seed };
}
