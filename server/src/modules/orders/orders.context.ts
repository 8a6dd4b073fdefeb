import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Db } from '../../platform/db/db.ts';
import type { Events } from '../../platform/events/events.service.ts';
import type { Jobs } from '../../platform/jobs/jobs.service.ts';
import type { CustomersFace } from '../customers/index.ts';
import type { OrdersFace } from './orders.face.ts';

/** What the orders module's services are built from (wired once in index.ts). */
export type OrdersContext = {
  db: Db;
  audit: AuditLog;
  jobs: Jobs;
  events: Events;
  now: () => Date;
  customers: CustomersFace;
  /** The in-transaction order writes the API and other modules share. */
  face: OrdersFace;
  /** Staff display names (who cancelled or refunded). */
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
};
