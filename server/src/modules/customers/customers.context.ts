import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { FieldEncryption } from '../../platform/crypto/encryption.service.ts';
import type { Db } from '../../platform/db/db.ts';
import type { Events } from '../../platform/events/events.service.ts';
import type { Jobs } from '../../platform/jobs/jobs.service.ts';
import type { SettingsService } from '../../platform/settings/settings.service.ts';
import type { CustomersFace } from './customers.face.ts';

/** What the customers module's services are built from (wired once in index.ts). */
export type CustomersContext = {
  db: Db;
  audit: AuditLog;
  crypto: FieldEncryption;
  jobs: Jobs;
  events: Events;
  settings: SettingsService;
  now: () => Date;
  face: CustomersFace;
  /** Where exports are written (`<dataDir>/exports`). */
  exportDir: string;
  /** Staff display names for owners and note authors. */
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
};
