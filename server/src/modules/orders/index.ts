import type { FastifyPluginAsync } from 'fastify';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Queryable } from '../../platform/db/db.ts';
import type { Platform } from '../../platform/platform.ts';
import type { CustomersFace } from '../customers/index.ts';
import type { OrdersContext } from './orders.context.ts';
import { createOrdersFace, type OrdersFace } from './orders.face.ts';
import { defineOrdersJobs } from './orders.jobs.ts';
import { ordersRepository } from './orders.repository.ts';
import { ordersRoutes } from './orders.routes.ts';
import { createOrdersSeeder, type OrdersSeeder } from './orders.seed.ts';

export type { Order, Product, ProductCategory } from './orders.dto.ts';
export type { IngestOrderInput, OrderActor, OrderLineInput, OrdersFace, RecordedOrder } from './orders.face.ts';
export type { OrderCreatedEvent, OrderCancelledEvent, OrderRefundedEvent } from './orders.events.ts';
export { RECOMPUTE_STATS_JOB, recomputeAllStats } from './orders.jobs.ts';

export type { OrdersSeeder, SeedCategory, SeedOrder, SeedOrderChange, SeedProduct } from './orders.seed.ts';

export type OrdersModule = {
  /** For other modules (shop webhooks, imports): record, cancel, refund in their transaction. */
  face: OrdersFace;
  routes: FastifyPluginAsync;
  /** Bulk writers for demo data: catalogue, orders with history, buyers' aggregates. */
  seeder: OrdersSeeder;
};

/** Orders, order items and their history; products and the category tree. */
export function createOrdersModule(deps: {
  platform: Platform;
  audit: AuditLog;
  customers: CustomersFace;
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
}): OrdersModule {
  const { platform } = deps;
  const timeZone = (q: Queryable) => platform.settings.timeZone(q);
  const face = createOrdersFace({ customers: deps.customers, events: platform.events, now: platform.now, timeZone });
  const ctx: OrdersContext = {
    face,
    db: platform.db,
    audit: deps.audit,
    jobs: platform.jobs,
    events: platform.events,
    now: platform.now,
    customers: deps.customers,
    userNames: deps.userNames,
  };
  // a customer's orders go with them (items and history by cascade), in the delete's transaction
  deps.customers.registerDependent({
    name: 'orders',
    countFor: (tx, customerId) => ordersRepository.countForCustomer(tx, customerId),
    deleteFor: (tx, customerId) => ordersRepository.deleteForCustomer(tx, customerId),
    // merging customers: the orders follow, and both customers' aggregates are recomputed
    async moveFor(tx, fromId, toId) {
      const ids = await ordersRepository.moveToCustomer(tx, fromId, toId);
      await ordersRepository.rebuildDays(tx, { customerIds: [fromId, toId] }, await timeZone(tx));
      await deps.customers.setOrderStats(tx, toId, await ordersRepository.statsOf(tx, toId));
      return ids;
    },
    async restoreFor(tx, toId, fromId, ids) {
      await ordersRepository.restoreToCustomer(tx, toId, fromId, ids);
      await ordersRepository.rebuildDays(tx, { customerIds: [fromId, toId] }, await timeZone(tx));
      await deps.customers.setOrderStats(tx, toId, await ordersRepository.statsOf(tx, toId));
      await deps.customers.setOrderStats(tx, fromId, await ordersRepository.statsOf(tx, fromId));
    },
  });
  defineOrdersJobs({ ...ctx, timeZone });
  return { face, routes: ordersRoutes(ctx), seeder: createOrdersSeeder({ customers: deps.customers, timeZone }) };
}
