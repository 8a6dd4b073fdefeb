import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Db } from '../../platform/db/db.ts';
import type { Jobs } from '../../platform/jobs/jobs.service.ts';
import type { CustomersFace } from '../customers/index.ts';
import type { OrdersFace } from '../orders/index.ts';

/** What the imports module is built from (wired once in index.ts). */
export type ImportsContext = {
  db: Db;
  audit: AuditLog;
  jobs: Jobs;
  now: () => Date;
  customers: CustomersFace;
  orders: OrdersFace;
  /** The business time zone: order times without an offset are wall times there. */
  timeZone(): Promise<string>;
  /** `<dataDir>/imports`: uploaded files, one per import, deleted with it. */
  dir: string;
  maxUploadBytes: number;
  /** Data rows per transaction of a run (and per validation batch of a dry run). */
  chunkSize: number;
};
