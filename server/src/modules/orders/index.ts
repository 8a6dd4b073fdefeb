import type { FastifyPluginAsync } from 'fastify';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Platform } from '../../platform/platform.ts';
import type { CustomersFace } from '../customers/index.ts';
import type { OrdersContext } from './orders.context.ts';
import { ordersRoutes } from './orders.routes.ts';

export type OrdersModule = { routes: FastifyPluginAsync };

/** Orders, order items and their history; products and the category tree. */
export function createOrdersModule(deps: {
  platform: Platform;
  audit: AuditLog;
  customers: CustomersFace;
}): OrdersModule {
  const { platform } = deps;
  const ctx: OrdersContext = {
    db: platform.db,
    audit: deps.audit,
    jobs: platform.jobs,
    events: platform.events,
    now: platform.now,
    customers: deps.customers,
  };
  return { routes: ordersRoutes(ctx) };
}
