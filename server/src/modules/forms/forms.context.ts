import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { FieldEncryption } from '../../platform/crypto/encryption.service.ts';
import type { Db } from '../../platform/db/db.ts';
import type { Events } from '../../platform/events/events.service.ts';
import type { Jobs } from '../../platform/jobs/jobs.service.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import type { CustomersFace } from '../customers/index.ts';

/** What the forms module's services are built from (wired once in index.ts). */
export type FormsContext = {
  db: Db;
  audit: AuditLog;
  crypto: FieldEncryption;
  jobs: Jobs;
  events: Events;
  mailer: Mailer;
  now: () => Date;
  customers: CustomersFace;
  /** Where confirmation links point (`KEHU_PUBLIC_URL`). */
  publicUrl: string;
};
