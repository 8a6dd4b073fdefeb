import type { Db } from '../../platform/db/db.ts';
import type { Jobs } from '../../platform/jobs/jobs.service.ts';
import { eventsRepository as repo, partitionName } from './events.repository.ts';

export const PARTITIONS_JOB = 'tracking.partitions';
export const PRUNE_JOB = 'tracking.prune';

/** The de-duplication window is "at least 24 hours": ids are kept for 48. */
export const MESSAGE_ID_RETENTION_MS = 48 * 3600 * 1000;
const REFUSAL_RETENTION_MS = 7 * 24 * 3600 * 1000;

/**
 * Monthly partitions of `events` from last month to `ahead` months ahead. A month whose rows
 * already sit in the default partition (an import of old data) cannot be created over them: it
 * is reported and left in the default, where queries still find it.
 */
export async function ensurePartitions(
  db: Db,
  at: Date,
  ahead = 3,
  log?: { warn(obj: object, msg: string): void },
): Promise<string[]> {
  const existing = await repo.existingPartitions(db);
  const created: string[] = [];
  for (let offset = -1; offset <= ahead; offset++) {
    const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth() + 1;
    if (existing.has(partitionName(year, month))) continue;
    try {
      await db.transaction((tx) => repo.createMonthPartition(tx, year, month));
      created.push(partitionName(year, month));
    } catch (err) {
      log?.warn({ err, partition: partitionName(year, month) }, 'events partition not created');
    }
  }
  return created;
}

/** Old messageIds (past the de-duplication window), debugger refusals and visit markers. */
export async function pruneTracking(db: Db, at: Date): Promise<{ messageIds: number }> {
  let messageIds = 0;
  const before = new Date(at.getTime() - MESSAGE_ID_RETENTION_MS);
  for (;;) {
    const n = await repo.pruneMessageIds(db, before, 20_000);
    messageIds += n;
    if (n < 20_000) break;
  }
  await repo.pruneRefusals(db, new Date(at.getTime() - REFUSAL_RETENTION_MS));
  // a visit marker matters only on its own day (in any time zone): three days is plenty
  await repo.pruneVisits(db, new Date(at.getTime() - 3 * 24 * 3600 * 1000).toISOString().slice(0, 10));
  return { messageIds };
}

export function defineTrackingJobs(deps: { db: Db; jobs: Jobs; now: () => Date }): void {
  deps.jobs.define(PARTITIONS_JOB, () => ensurePartitions(deps.db, deps.now()), { retryLimit: 2 });
  deps.jobs.define(PRUNE_JOB, () => pruneTracking(deps.db, deps.now()), { retryLimit: 1, expireInSeconds: 3600 });
  void deps.jobs.schedule(PARTITIONS_JOB, '15 1 * * *');
  void deps.jobs.schedule(PRUNE_JOB, '7 * * * *');
}
