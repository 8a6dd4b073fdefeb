import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Db } from '../../platform/db/db.ts';
import type { Events } from '../../platform/events/events.service.ts';
import type { Jobs } from '../../platform/jobs/jobs.service.ts';
import type { SettingsService } from '../../platform/settings/settings.service.ts';
import type { CustomersFace } from '../customers/index.ts';
import type { SegmentsFace } from '../segments/index.ts';

/** What the scoring module's services are built from (wired once in index.ts). */
export type ScoringContext = {
  db: Db;
  audit: AuditLog;
  jobs: Jobs;
  events: Events;
  now: () => Date;
  settings: Pick<SettingsService, 'timeZone'>;
  customers: CustomersFace;
  /** Value tiers and grades are ordered segment rules; without the segments module they stay unset. */
  segments: Pick<SegmentsFace, 'compileRule' | 'validateRule'> | null;
};
