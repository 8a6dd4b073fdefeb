import type { Tx } from '../../platform/db/db.ts';
import type { JobContext } from '../../platform/jobs/jobs.service.ts';
import { dayIn } from './domain/dates.ts';
import { compileStored } from './segment-rules.ts';
import type { SegmentsContext } from './segments.context.ts';
import { ID_RANGES, segmentsRepository as repo, type MemberChange, type SegmentRow } from './segments.repository.ts';

/**
 * Keeping members current. A full refresh walks the customers in 16 id ranges, one transaction
 * each (progress after each, short locks), diffing membership set-based in SQL; the changes of a
 * range become `segment.entered` / `segment.exited` events and timeline rows in the same
 * transaction. An order's arrival re-evaluates only that customer against every dynamic segment.
 */

export const REFRESH_JOB = 'segments.refresh';
export const REFRESH_ALL_JOB = 'segments.refresh-all';
export const REEVALUATE_JOB = 'segments.reevaluate';
/** Events and timeline rows per statement. */
const CHUNK = 5000;

export type RefreshPayload = { segmentId: string };

export async function publishChanges(
  ctx: Pick<SegmentsContext, 'events' | 'customers'>,
  tx: Tx,
  segment: Pick<SegmentRow, 'id' | 'name'>,
  changes: readonly MemberChange[],
  at: Date,
  actorId: string | null = null,
): Promise<void> {
  for (let i = 0; i < changes.length; i += CHUNK) {
    // a customer deleted or merged away since leaves the segment without an event or timeline row
    const existing = await ctx.customers.namesOf(
      tx,
      changes.slice(i, i + CHUNK).map((c) => c.customer_id),
    );
    const chunk = changes.slice(i, i + CHUNK).filter((c) => existing.has(c.customer_id));
    if (chunk.length === 0) continue;
    await ctx.events.emitMany(
      tx,
      chunk.map((c) => ({
        type: `segment.${c.kind}`,
        customerId: c.customer_id,
        payload: { segmentId: segment.id, segmentName: segment.name, customerId: c.customer_id },
      })),
    );
    await ctx.customers.recordActivities(
      tx,
      chunk.map((c) => ({
        customerId: c.customer_id,
        at,
        kind: `segment.${c.kind}`,
        module: 'segments',
        ref: segment.id,
        actorId,
        summary: { segmentId: segment.id, name: segment.name },
      })),
    );
  }
}

/** Recomputes a dynamic segment (or takes a static one's snapshot of its rule) with progress. */
export async function refreshSegment(ctx: SegmentsContext, segmentId: string, job: Pick<JobContext, 'progress'>) {
  const { db } = ctx;
  const segment = await repo.find(db, segmentId);
  if (!segment || segment.rule === null) return { skipped: true };
  await repo.setRefresh(db, segmentId, 'running', 0);
  try {
    const predicate = await compileStored(ctx, db, segment.rule);
    const at = ctx.now();
    let entered = 0;
    let exited = 0;
    for (const [i, range] of ID_RANGES.entries()) {
      await db.transaction(async (tx) => {
        const changes = await repo.diff(tx, segmentId, predicate, range, at);
        const joined = changes.filter((c) => c.kind === 'entered').length;
        entered += joined;
        exited += changes.length - joined;
        await publishChanges(ctx, tx, segment, changes, at);
      });
      const share = (i + 1) / ID_RANGES.length;
      await repo.setRefresh(db, segmentId, 'running', Math.min(share, 0.99));
      await job.progress(Math.round(share * 100));
    }
    const size = await repo.recordSize(db, segmentId, dayIn(await ctx.timeZone(), at), at, true);
    await repo.setRefresh(db, segmentId, 'done', 1);
    return { size, entered, exited };
  } catch (err) {
    await repo.setRefresh(db, segmentId, 'failed', 0);
    throw err;
  }
}

/** Re-evaluates a few customers against every dynamic segment (after their orders changed). */
export async function reevaluateCustomers(ctx: SegmentsContext, customerIds: readonly string[]) {
  const { db } = ctx;
  if (customerIds.length === 0) return { changes: 0 };
  let total = 0;
  const timeZone = await ctx.timeZone();
  for (const segmentId of await repo.dynamicIds(db)) {
    const segment = await repo.find(db, segmentId);
    if (!segment?.rule) continue;
    const predicate = await compileStored(ctx, db, segment.rule).catch(() => null);
    if (!predicate) continue; // a rule no longer valid: its full refresh reports the failure
    const at = ctx.now();
    const changes = await db.transaction(async (tx) => {
      const list = await repo.diff(tx, segmentId, predicate, { ids: customerIds }, at);
      await publishChanges(ctx, tx, segment, list, at);
      return list;
    });
    if (changes.length) await repo.recordSize(db, segmentId, dayIn(timeZone, at), at, false);
    total += changes.length;
  }
  // customers who no longer exist leave static segments too
  const gone = await repo.dropMissingMembers(db, customerIds, ctx.now());
  return { changes: total + gone };
}

export function defineSegmentJobs(ctx: SegmentsContext): void {
  const { jobs, events } = ctx;
  jobs.define<RefreshPayload>(REFRESH_JOB, (p, job) => refreshSegment(ctx, p.segmentId, job), {
    policy: 'stately',
    retryLimit: 2,
    expireInSeconds: 3600,
  });
  // hourly: every dynamic segment gets its own refresh job (one per segment at a time)
  jobs.define(
    REFRESH_ALL_JOB,
    async () => {
      const ids = await repo.dynamicIds(ctx.db);
      for (const segmentId of ids) await enqueueRefresh(ctx, segmentId);
      return { queued: ids.length };
    },
    { policy: 'short', retryLimit: 1 },
  );
  void jobs.schedule(REFRESH_ALL_JOB, '17 * * * *');
  // a burst of orders shares one pass: the queue holds each customer once, one job at a time drains it
  jobs.define(REEVALUATE_JOB, () => drainQueue(ctx), { policy: 'short', retryLimit: 3, retryDelay: 5 });
  // listeners only enqueue (a row, and the draining job a moment later)
  events.subscribe(
    'segments.reevaluate-on-order',
    ['order.created', 'order.cancelled', 'order.refunded'],
    async (event, { tx }) => {
      if (!event.customerId) return;
      await repo.queueCustomers(tx, [event.customerId], event.createdAt);
      await jobs.send(REEVALUATE_JOB, {}, { tx, startAfter: 2 });
    },
  );
  // a deleted or merged-away customer leaves every segment (static ones too) at the next pass
  events.subscribe<{ survivorId?: string; mergedId?: string; customerId?: string }>(
    'segments.forget-customers',
    ['customer.deleted', 'customer.merged', 'customer.unmerged'],
    async (event, { tx }) => {
      const ids = [event.payload.mergedId, event.payload.survivorId, event.customerId].filter(
        (id): id is string => typeof id === 'string',
      );
      if (ids.length === 0) return;
      await repo.queueCustomers(tx, ids, event.createdAt);
      await jobs.send(REEVALUATE_JOB, {}, { tx, startAfter: 2 });
    },
  );
}

const DRAIN_BATCH = 500;

async function drainQueue(ctx: SegmentsContext) {
  let customers = 0;
  let changes = 0;
  for (;;) {
    const rows = await repo.queuedCustomers(ctx.db, DRAIN_BATCH);
    if (rows.length === 0) break;
    changes += (
      await reevaluateCustomers(
        ctx,
        rows.map((r) => r.customer_id),
      )
    ).changes;
    await repo.dequeueCustomers(ctx.db, rows);
    customers += rows.length;
  }
  return { customers, changes };
}

export async function enqueueRefresh(ctx: Pick<SegmentsContext, 'db' | 'jobs'>, segmentId: string): Promise<void> {
  await repo.setRefresh(ctx.db, segmentId, 'queued', 0);
  await ctx.jobs.send<RefreshPayload>(REFRESH_JOB, { segmentId }, { singletonKey: segmentId });
}
