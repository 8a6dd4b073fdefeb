import type { Events } from '../../platform/events/events.service.ts';
import type { Jobs } from '../../platform/jobs/jobs.service.ts';
import { scoringRepository } from './scoring.repository.ts';
import { RECOMPUTE_JOB, RESCORE_JOB, type ScoringService } from './scoring.service.ts';

/** The nightly run and the API use the default; tests pass small batches to walk several. */
function batchSizeOf(payload: { batchSize?: number } | null): number {
  const n = payload?.batchSize;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 50_000 ? n : 5000;
}

/**
 * The bulk recompute (nightly at 04:00 in the business time zone, after the order stats at 03:00,
 * and on request; one queued at a time), and the one-customer rescore that order changes queue
 * (one queued per customer: a burst of orders shares it). Call before the platform starts.
 */
export function defineScoringJobs(deps: { jobs: Jobs; events: Events; scoring: ScoringService }): void {
  const { jobs, events, scoring } = deps;
  jobs.define<{ batchSize?: number } | null>(
    RECOMPUTE_JOB,
    (payload, job) => scoring.recomputeAll(job.progress, batchSizeOf(payload)),
    { policy: 'stately', retryLimit: 2, expireInSeconds: 4 * 60 * 60 },
  );
  void jobs.schedule(RECOMPUTE_JOB, '0 4 * * *');

  jobs.define<{ customerId: string }>(RESCORE_JOB, ({ customerId }) => scoring.rescore([customerId]), {
    policy: 'short',
    retryLimit: 3,
    retryDelay: 5,
  });
  // listeners only enqueue, in the delivery's transaction
  events.subscribe<{ customerId: string }>(
    'scoring.order-changed',
    ['order.created', 'order.cancelled', 'order.refunded'],
    async (event, { tx }) => {
      const customerId = event.payload.customerId;
      await jobs.send(RESCORE_JOB, { customerId }, { tx, singletonKey: customerId });
    },
  );
  // a deleted customer's stage history goes with them (a write of our own table, in the delivery's transaction)
  events.subscribe('scoring.customer-deleted', 'customer.deleted', async (event, { tx }) => {
    if (event.customerId) await scoringRepository.deleteLifecycleOf(tx, event.customerId);
  });
  // a merge (or its undo) moves orders between two customers: both are scored again
  events.subscribe<{ survivorId: string; mergedId: string }>(
    'scoring.customer-merged',
    ['customer.merged', 'customer.unmerged'],
    async (event, { tx }) => {
      for (const customerId of [event.payload.survivorId, event.payload.mergedId])
        await jobs.send(RESCORE_JOB, { customerId }, { tx, singletonKey: customerId });
    },
  );
}
