import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { FieldEncryption } from '../../platform/crypto/encryption.service.ts';
import type { Db } from '../../platform/db/db.ts';
import type { CustomersFace } from '../customers/index.ts';
import type { OrdersFace } from '../orders/index.ts';

/** What the webhooks module's services are built from (wired once in index.ts). */
export type WebhooksContext = {
  db: Db;
  audit: AuditLog;
  crypto: FieldEncryption;
  customers: CustomersFace;
  orders: OrdersFace;
  now: () => Date;
  /** Where shops reach this Kehu (KEHU_PUBLIC_URL): the endpoint URLs the screen shows. */
  publicUrl: string;
};

/** Where a connection's secret token lives: bound to its row, so it cannot be copied to another. */
export const secretField = (connectionId: string) => ({
  table: 'webhook_connections',
  column: 'secret_enc',
  rowId: connectionId,
});
