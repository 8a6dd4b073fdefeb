import type { FastifyPluginAsync } from 'fastify';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Platform } from '../../platform/platform.ts';
import type { CustomersFace } from '../customers/index.ts';
import type { OrdersFace } from '../orders/index.ts';
import { createConnectionsService } from './connections.service.ts';
import { createReceiver } from './receive.service.ts';
import type { WebhooksContext } from './webhooks.context.ts';
import { webhooksPublicRoutes } from './webhooks.public.routes.ts';
import { webhooksRepository } from './webhooks.repository.ts';
import { webhooksRoutes } from './webhooks.routes.ts';

export { kehuSignature, shopifyHmac } from './domain/signature.ts';

export type WebhooksModule = {
  /** Managing connections and reading the delivery log, under /api/v1. */
  routes: FastifyPluginAsync;
  /** The endpoints shops call (`/webhooks/shopify/:id`, `/webhooks/generic/:id`), at the root. */
  publicRoutes: FastifyPluginAsync;
};

/** Shop webhooks: Shopify and a generic signed JSON feed turned into customers and orders. */
export function createWebhooksModule(deps: {
  platform: Platform;
  audit: AuditLog;
  customers: CustomersFace;
  orders: OrdersFace;
  publicUrl: string;
}): WebhooksModule {
  const { platform } = deps;
  const ctx: WebhooksContext = {
    db: platform.db,
    audit: deps.audit,
    crypto: platform.crypto,
    customers: deps.customers,
    orders: deps.orders,
    now: platform.now,
    publicUrl: deps.publicUrl,
  };
  // secrets are re-encrypted with the rest when the field-encryption key is rotated
  platform.crypto.registerEncryptedColumn({
    table: 'webhook_connections',
    idColumn: 'id',
    column: 'secret_enc',
    aad: 'row',
  });
  deps.customers.registerDependent({
    name: 'webhookDeliveries',
    countFor: (tx, customerId) => webhooksRepository.countForCustomer(tx, customerId),
    deleteFor: (tx, customerId) => webhooksRepository.detachCustomer(tx, customerId),
    // merging customers: the delivery log and applied refunds follow the survivor (and come back on undo)
    moveFor: (tx, fromId, toId) => webhooksRepository.moveToCustomer(tx, fromId, toId),
    restoreFor: (tx, toId, fromId, ids) => webhooksRepository.restoreToCustomer(tx, toId, fromId, ids),
  });
  return {
    routes: webhooksRoutes(createConnectionsService(ctx)),
    publicRoutes: webhooksPublicRoutes(createReceiver(ctx)),
  };
}
