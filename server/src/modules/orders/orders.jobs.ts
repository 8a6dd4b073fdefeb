import type { Db, Queryable } from '../../platform/db/db.ts';
import { pgErrorCode } from '../../platform/db/db.ts';
import type { Jobs } from '../../platform/jobs/jobs.service.ts';
import type { CustomersFace } from '../customers/index.ts';
import { ordersRepository as repo } from './orders.repository.ts';

export const RECOMPUTE_STATS_JOB = 'orders.recompute-stats';
const FIRST_ID = '00000000-0000-0000-0000-000000000000';
const LAST_ID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

export type RecomputeResult = { customers: number; batches: number };

/** How far through the id space `id` lies: customer ids are random UUIDs, so this tracks the work done. */
function progressOf(id: string): number {
  return (parseInt(id.slice(0, 8), 16) / 0x1_0000_0000) * 100;
}

/**
 * Rewrites every ordering customer's aggregates and daily rollup (order_days) from their orders,
 * a batch of customers (by id) at a time: grouped queries and one bulk update per batch, in one repeatable-read
 * transaction, so an order committed meanwhile makes the batch fail and retry instead of being
 * overwritten. Customers without any order keep the zeros they were created with.
 */
export async function recomputeAllStats(
  deps: { db: Db; customers: CustomersFace; timeZone: (q: Queryable) => Promise<string> },
  progress: (percent: number) => Promise<void> = async () => undefined,
  batchSize = 1000,
): Promise<RecomputeResult> {
  let after = FIRST_ID;
  let customers = 0;
  let batches = 0;
  for (;;) {
    const rows = await retryOnConflict(() =>
      deps.db.transaction(async (tx) => {
        await tx.query('set transaction isolation level repeatable read');
        const batch = await repo.statsAfter(tx, after, batchSize);
        await deps.customers.setOrderStatsBulk(tx, batch);
        // the last batch also clears rollup rows of customers past it (orders gone)
        const upTo = batch.length < batchSize ? LAST_ID : batch[batch.length - 1].customerId;
        await repo.rebuildDays(tx, { after, upTo }, await deps.timeZone(tx));
        return batch;
      }),
    );
    if (rows.length === 0) break;
    customers += rows.length;
    batches += 1;
    after = rows[rows.length - 1].customerId;
    if (rows.length < batchSize) break;
    await progress(progressOf(after));
  }
  await progress(100);
  return { customers, batches };
}

async function retryOnConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (err) {
      const code = pgErrorCode(err);
      if (i >= attempts || (code !== '40001' && code !== '40P01')) throw err;
    }
  }
}

/** The nightly run and the API use the default; tests pass small batches to walk several. */
function batchSizeOf(payload: { batchSize?: number } | null): number {
  const n = payload?.batchSize;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1000;
}

/** Defines the job and its nightly schedule (03:00 in the business time zone); call before the platform starts. */
export function defineOrdersJobs(deps: {
  db: Db;
  jobs: Jobs;
  customers: CustomersFace;
  timeZone: (q: Queryable) => Promise<string>;
}): void {
  deps.jobs.define<{ batchSize?: number } | null>(
    RECOMPUTE_STATS_JOB,
    (payload, job) => recomputeAllStats(deps, job.progress, batchSizeOf(payload)),
    {
      retryLimit: 2,
      expireInSeconds: 4 * 60 * 60,
    },
  );
  void deps.jobs.schedule(RECOMPUTE_STATS_JOB, '0 3 * * *');
}
