import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, PageQuery } from '../../platform/http/schemas.ts';
import type { ConnectionsService } from './connections.service.ts';

const Kind = z.enum(['shopify', 'generic']);
const Outcome = z.enum(['processed', 'duplicate', 'ignored', 'failed']);

export const ConnectionDto = z.object({
  id: z.string(),
  kind: Kind,
  name: z.string(),
  shopDomain: z.string().nullable(),
  source: z.string(),
  touchpoint: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** What to paste into the shop's webhook settings. */
  endpointUrl: z.string(),
  createdAt: z.iso.datetime(),
  lastDeliveryAt: z.iso.datetime().nullable(),
  rejectedCount: z.number().int(),
  lastRejectedAt: z.iso.datetime().nullable(),
  last7Days: z.object({ processed: z.number().int(), ignored: z.number().int(), failed: z.number().int() }),
});

const DeliveryDto = z.object({
  id: z.string(),
  webhookId: z.string(),
  topic: z.string(),
  outcome: Outcome,
  /** What happened or why not, in the reader's language. */
  detail: z.string().nullable(),
  externalRef: z.string().nullable(),
  customerId: z.string().nullable(),
  orderId: z.string().nullable(),
  attempts: z.number().int(),
  replays: z.number().int(),
  receivedAt: z.iso.datetime(),
  lastReceivedAt: z.iso.datetime(),
});

const Name = z.string().trim().min(1).max(100);
const Secret = z.string().trim().min(1).max(500);
const TouchpointId = z.uuid().nullable().optional();
const ShopDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}\.myshopify\.com$/, 'invalid_shop_domain');
/** Becomes the orders' `source` (the orders API's rule) and the namespace of the shop's customer ids. */
const Source = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,39}$/, 'invalid_source');

const CreateConnectionBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('shopify'),
    name: Name,
    shopDomain: ShopDomain,
    secret: Secret,
    touchpointId: TouchpointId,
  }),
  z.strictObject({ kind: z.literal('generic'), name: Name, source: Source, touchpointId: TouchpointId }),
]);
const UpdateConnectionBody = z.strictObject({
  name: Name.optional(),
  touchpointId: TouchpointId,
  secret: Secret.optional(),
});
const IdParams = z.strictObject({ id: z.uuid() });
const DeliveriesQuery = z.strictObject({ outcome: Outcome.optional(), ...PageQuery });
/** The secret appears in these two answers only. */
const WithSecret = z.object({ connection: ConnectionDto, secret: z.string().nullable() });

/** Managing webhook connections and reading their delivery log (the screen at /ingest/webhooks). */
export function webhooksRoutes(service: ConnectionsService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['webhooks'];
    app.get(
      '/webhook-connections',
      {
        config: { access: 'ingest.view' },
        schema: {
          tags,
          summary: 'Shop connections with their endpoint URL and last-7-day delivery counts',
          response: { 200: z.object({ items: z.array(ConnectionDto) }), ...errorResponses },
        },
      },
      async () => service.list(),
    );
    app.post(
      '/webhook-connections',
      {
        config: { access: 'ingest.create' },
        schema: {
          tags,
          summary:
            'Connect a shop: Shopify (its signing secret, stored encrypted, never shown again) or generic (Kehu generates a secret and shows it once)',
          body: CreateConnectionBody,
          response: { 201: WithSecret, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await service.create(request, request.body)),
    );
    app.get(
      '/webhook-connections/:id',
      {
        config: { access: 'ingest.view' },
        schema: { tags, params: IdParams, response: { 200: ConnectionDto, ...errorResponses } },
      },
      async (request) => service.get(request.params.id),
    );
    app.patch(
      '/webhook-connections/:id',
      {
        config: { access: 'ingest.edit' },
        schema: {
          tags,
          summary: 'Rename, re-point to a touchpoint, or (Shopify) replace the signing secret',
          params: IdParams,
          body: UpdateConnectionBody,
          response: { 200: ConnectionDto, ...errorResponses },
        },
      },
      async (request) => service.update(request, request.params.id, request.body),
    );
    app.post(
      '/webhook-connections/:id/secret',
      {
        config: { access: 'ingest.edit' },
        schema: {
          tags,
          summary: 'Generate a new secret for a generic connection (shown once; the old one stops working)',
          params: IdParams,
          response: { 200: WithSecret, ...errorResponses },
        },
      },
      async (request) => service.regenerateSecret(request, request.params.id),
    );
    app.delete(
      '/webhook-connections/:id',
      {
        config: { access: 'ingest.delete' },
        schema: {
          tags,
          summary: 'Delete a connection and its delivery log (orders and customers stay)',
          params: IdParams,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await service.remove(request, request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/webhook-connections/:id/deliveries',
      {
        config: { access: 'ingest.view' },
        schema: {
          tags,
          summary: 'The delivery log, newest first: topic, webhook id, outcome and what happened',
          params: IdParams,
          querystring: DeliveriesQuery,
          response: {
            200: z.object({ items: z.array(DeliveryDto), nextCursor: z.string().nullable() }),
            ...errorResponses,
          },
        },
      },
      async (request) => service.deliveries(request.locale, request.params.id, request.query),
    );
  };
}
