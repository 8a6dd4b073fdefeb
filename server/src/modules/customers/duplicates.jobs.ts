import type { Jobs } from '../../platform/jobs/jobs.service.ts';
import {
  AUTO_MERGE_JOB,
  CHECK_DUPLICATES_JOB,
  FIND_DUPLICATES_JOB,
  type DuplicatesService,
} from './duplicates.service.ts';
import type { AutoMerge } from './merge-auto.ts';

/**
 * The duplicate jobs; call before the platform starts. The full scan runs nightly (02:30 in the
 * business time zone) and on request; the queue drain after collectors wrote (one queued at a
 * time) and every ten minutes in case a run was missed; each ends with the automatic merge pass.
 */
export function defineDuplicatesJobs(deps: { jobs: Jobs; duplicates: DuplicatesService; auto: AutoMerge }): void {
  const { jobs, duplicates, auto } = deps;
  jobs.define(
    FIND_DUPLICATES_JOB,
    async (_payload, job) => {
      const found = await duplicates.scanAll(job.progress);
      const merged = await auto.pass();
      await job.progress(100);
      return { ...found, ...merged };
    },
    { retryLimit: 2, expireInSeconds: 4 * 60 * 60 },
  );
  void jobs.schedule(FIND_DUPLICATES_JOB, '30 2 * * *');

  jobs.define(CHECK_DUPLICATES_JOB, async () => ({ ...(await duplicates.drainQueue()), ...(await auto.pass()) }), {
    policy: 'short',
    retryLimit: 3,
    retryDelay: 5,
  });
  void jobs.schedule(CHECK_DUPLICATES_JOB, '*/10 * * * *');

  jobs.define(AUTO_MERGE_JOB, () => auto.pass(), { policy: 'short', retryLimit: 3, retryDelay: 5 });
}
