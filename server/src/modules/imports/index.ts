import type { FastifyPluginAsync } from 'fastify';
import { join } from 'node:path';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Platform } from '../../platform/platform.ts';
import type { CustomersFace } from '../customers/index.ts';
import type { OrdersFace } from '../orders/index.ts';
import type { ImportsContext } from './imports.context.ts';
import { importsRoutes } from './imports.routes.ts';

export type ImportsModule = { routes: FastifyPluginAsync };

/** Rows per transaction of a run: large enough for bulk statements, small enough to resume cheaply. */
const CHUNK_SIZE = 2000;

/** Bulk import of customers and orders from CSV and XLSX files (offline channels: POS exports, sign-up sheets, member cards). */
export function createImportsModule(deps: {
  platform: Platform;
  audit: AuditLog;
  customers: CustomersFace;
  orders: OrdersFace;
  dataDir: string;
  maxUploadMb: number;
  chunkSize?: number;
}): ImportsModule {
  const { platform } = deps;
  const ctx: ImportsContext = {
    db: platform.db,
    audit: deps.audit,
    jobs: platform.jobs,
    now: platform.now,
    customers: deps.customers,
    orders: deps.orders,
    timeZone: () => platform.settings.timeZone(),
    dir: join(deps.dataDir, 'imports'),
    maxUploadBytes: deps.maxUploadMb * 1024 * 1024,
    chunkSize: deps.chunkSize ?? CHUNK_SIZE,
  };
  return { routes: importsRoutes(ctx) };
}
