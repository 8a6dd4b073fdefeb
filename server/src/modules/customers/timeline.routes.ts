import type { FastifyPluginAsync } from 'fastify';
import type { CustomersContext } from './customers.context.ts';

// Placeholder: replaced by the routes of this area.
export function timelineRoutes(ctx: CustomersContext): FastifyPluginAsync {
  void ctx;
  return async () => {};
}
