import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, errorResponses, Money, PageQuery } from '../../platform/http/schemas.ts';
import type { OrdersContext } from './orders.context.ts';
import { orderStatuses } from './orders.repository.ts';
import { createOrdersService } from './orders.service.ts';
import { CreateProductBody, productsRoutes } from './products.routes.ts';
import { createProductsService } from './products.service.ts';

const Ref = z.object({ id: z.string(), name: z.string() });
const Status = z.enum(orderStatuses);

export const OrderDto = z.object({
  id: z.string(),
  customer: Ref,
  externalId: z.string(),
  source: z.string(),
  store: Ref.nullable(),
  status: Status,
  subtotal: z.string(),
  discount: z.string(),
  paidAmount: z.string(),
  refundedAmount: z.string(),
  placedAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  items: z.array(
    z.object({
      lineNo: z.number().int(),
      productId: z.string(),
      sku: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      price: z.string(),
      amount: z.string(),
    }),
  ),
  changes: z.array(
    z.object({
      at: z.iso.datetime(),
      kind: z.string(),
      amount: z.string().nullable(),
      reason: z.string().nullable(),
      actor: Ref.nullable(),
    }),
  ),
});

/** A feed's name for itself (pos, tmall, jd, wechat_mall, api …). */
const Source = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,39}$/, 'invalid_source');

const OrderLine = z
  .strictObject({
    productId: z.uuid().optional(),
    sku: CreateProductBody.shape.sku.optional(),
    name: CreateProductBody.shape.name.optional(),
    quantity: z.number().int().min(1).max(100_000),
    price: Money,
  })
  .refine((l) => l.productId !== undefined || l.sku !== undefined, {
    message: 'product_or_sku_required',
    path: ['sku'],
  });

export const CreateOrderBody = z.strictObject({
  customerId: z.uuid(),
  externalId: z.string().trim().min(1).max(100),
  source: Source,
  storeId: z.uuid().nullable().optional(),
  status: Status.optional(),
  paidAmount: Money,
  discount: Money.optional(),
  refundedAmount: Money.optional(),
  placedAt: z.iso.datetime({ offset: true }),
  items: z.array(OrderLine).min(1).max(500),
});

export const ListOrdersQuery = z.strictObject({
  customerId: z.uuid().optional(),
  storeId: z.uuid().optional(),
  status: Status.optional(),
  source: Source.optional(),
  placedFrom: z.iso.datetime({ offset: true }).optional(),
  placedTo: z.iso.datetime({ offset: true }).optional(),
  search: z.string().trim().min(1).max(100).optional(),
  ...PageQuery,
});

const Reason = z.string().trim().max(500).nullable().optional();
export const CancelOrderBody = z.strictObject({ reason: Reason });
export const RefundOrderBody = z.strictObject({ amount: Money, reason: Reason });
const IdParams = z.strictObject({ id: z.uuid() });

export function ordersRoutes(ctx: OrdersContext): FastifyPluginAsync {
  const orders = createOrdersService(ctx);
  const products = createProductsService(ctx);
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['orders'];

    app.post(
      '/orders',
      {
        config: { access: 'orders.create' },
        schema: {
          tags,
          summary: 'Record an order; idempotent on (source, externalId): a retry answers 200 with the same order',
          body: CreateOrderBody,
          response: { 200: OrderDto, 201: OrderDto, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { order, created } = await orders.ingest(request, request.body);
        return reply.status(created ? 201 : 200).send(order);
      },
    );
    app.post(
      '/orders/batch',
      {
        config: { access: 'orders.create' },
        schema: {
          tags,
          summary:
            'Record up to 500 orders in one transaction; each is idempotent on (source, externalId) and refused on its own',
          body: z.strictObject({ orders: z.array(CreateOrderBody).min(1).max(500) }),
          response: {
            200: z.object({
              created: z.number().int(),
              existing: z.number().int(),
              failed: z.number().int(),
              results: z.array(
                z.object({
                  index: z.number().int(),
                  outcome: z.enum(['created', 'existing', 'failed']),
                  orderId: z.string().nullable(),
                  error: ErrorBody.shape.error.extend({ status: z.number().int() }).nullable(),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const results = await orders.ingestBatch(request, request.body.orders);
        const count = (o: string) => results.filter((r) => r.outcome === o).length;
        return { created: count('created'), existing: count('existing'), failed: count('failed'), results };
      },
    );
    app.get(
      '/orders',
      {
        config: { access: 'orders.view' },
        schema: {
          tags,
          summary:
            'Orders, newest first, keyset-paged (placedFrom inclusive, placedTo exclusive; search = external id)',
          querystring: ListOrdersQuery,
          response: {
            200: z.object({ items: z.array(OrderDto), nextCursor: z.string().nullable() }),
            ...errorResponses,
          },
        },
      },
      async (request) => orders.list(request.query),
    );
    app.get(
      '/orders/:id',
      {
        config: { access: 'orders.view' },
        schema: {
          tags,
          summary: 'An order with its items and history',
          params: IdParams,
          response: { 200: OrderDto, ...errorResponses },
        },
      },
      async (request) => orders.get(request.params.id),
    );
    app.post(
      '/orders/:id/cancel',
      {
        config: { access: 'orders.edit' },
        schema: {
          tags,
          summary: 'Cancel a paid order (the customer’s aggregates are recomputed)',
          params: IdParams,
          body: CancelOrderBody,
          response: { 200: OrderDto, ...errorResponses },
        },
      },
      async (request) => orders.cancel(request, request.params.id, request.body),
    );
    app.post(
      '/orders/:id/refunds',
      {
        config: { access: 'orders.edit' },
        schema: {
          tags,
          summary: 'Refund part or all of what is left (the customer’s aggregates are recomputed)',
          params: IdParams,
          body: RefundOrderBody,
          response: { 200: OrderDto, ...errorResponses },
        },
      },
      async (request) => orders.refund(request, request.params.id, request.body),
    );
    app.post(
      '/orders/recompute-stats',
      {
        config: { access: 'orders.manage' },
        schema: {
          tags,
          summary: 'Recompute every customer’s order aggregates in the background',
          response: { 202: z.object({ jobId: z.string() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        return reply.status(202).send(await orders.requestRecompute(request));
      },
    );

    await app.register(productsRoutes(products));
  };
}
