import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Db } from '../../platform/db/db.ts';
import type { Events } from '../../platform/events/events.service.ts';
import type { Jobs } from '../../platform/jobs/jobs.service.ts';
import type { CustomersFace } from '../customers/index.ts';

/** What the segments module's services are built from (wired once in index.ts). */
export type SegmentsContext = {
  db: Db;
  audit: AuditLog;
  jobs: Jobs;
  events: Events;
  now: () => Date;
  /** The business time zone: rule windows, ages and the size chart's days follow it. */
  timeZone: () => Promise<string>;
  customers: CustomersFace;
};
