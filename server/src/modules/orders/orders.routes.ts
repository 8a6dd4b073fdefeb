import type { FastifyPluginAsync } from 'fastify';
import type { OrdersContext } from './orders.context.ts';

// Placeholder: replaced by the orders, products and categories routes.
export function ordersRoutes(ctx: OrdersContext): FastifyPluginAsync {
  void ctx;
  return async () => {};
}
