import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth/actor.ts';
import { commonErrors, isDomainError } from '../../platform/http/errors.ts';
import { domainErrorBody } from '../../platform/http/http.plugin.ts';
import type { ErrorBody } from '../../platform/http/schemas.ts';
import type { z } from 'zod';
import { fromFen, toFen } from './domain/money.ts';
import { toOrder, type Order } from './orders.dto.ts';
import { RECOMPUTE_STATS_JOB } from './orders.jobs.ts';
import { ordersRepository as repo, type OrderFilter, type OrderRow } from './orders.repository.ts';
export type { IngestOrderInput, OrderLineInput } from './orders.face.ts';
import type { IngestOrderInput, RecordedOrder } from './orders.face.ts';
import type { OrdersContext } from './orders.context.ts';
export type ListOrdersInput = Omit<OrderFilter, 'after' | 'placedFrom' | 'placedTo' | 'externalId'> & {
  placedFrom?: string;
  placedTo?: string;
  search?: string;
  cursor?: string;
};
export type BatchResult = {
  index: number;
  outcome: 'created' | 'existing' | 'failed';
  orderId: string | null;
  error: (z.infer<typeof ErrorBody>['error'] & { status: number }) | null;
};
export type OrderPage = { items: Order[]; nextCursor: string | null };

export type OrdersServiceDeps = OrdersContext;

export function encodeOrderCursor(placedAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([placedAt.toISOString(), id])).toString('base64url');
}
export function decodeOrderCursor(cursor: string): { placedAt: Date; id: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      const placedAt = new Date(value[0] as string);
      const id = value[1] as string;
      if (!Number.isNaN(placedAt.getTime()) && /^[0-9a-f-]{36}$/i.test(id)) return { placedAt, id };
    }
  } catch {
    // fall through
  }
  return null;
}

export type OrdersService = ReturnType<typeof createOrdersService>;

export function createOrdersService(deps: OrdersServiceDeps) {
  const { db, audit, jobs, customers, face, userNames } = deps;

  /** Orders as the API shows them, with every name looked up once for the whole page. */
  async function present(rows: OrderRow[]): Promise<Order[]> {
    if (rows.length === 0) return [];
    const actorIds = rows.flatMap((r) => r.changes.flatMap((c) => (c.actorId ? [c.actorId] : [])));
    const customerNames = await customers.namesOf(
      db,
      rows.map((r) => r.customer_id),
    );
    const touchpoints = await customers.touchpointsByIds(
      db,
      rows.flatMap((r) => (r.store_id ? [r.store_id] : [])),
    );
    const stores = new Map([...touchpoints].map(([id, t]) => [id, t.name]));
    const users = actorIds.length ? await userNames([...new Set(actorIds)]) : new Map<string, string>();
    return rows.map((r) => toOrder(r, { customers: customerNames, stores, users }));
  }

  async function get(id: string): Promise<Order> {
    const row = await repo.findOrder(db, id);
    if (!row) throw commonErrors.notFound('order');
    const [order] = await present([row]);
    return order;
  }

  /** The order as the API shows it; a new one built from what was just written (the hot path reads nothing back). */
  async function answer(actor: Actor, recorded: RecordedOrder): Promise<Order> {
    const d = recorded.detail;
    if (!d) return get(recorded.orderId);
    const actorName =
      actor.kind === 'user' ? actor.name : ((await userNames([actor.userId])).get(actor.userId) ?? actor.name);
    return {
      id: recorded.orderId,
      customer: { id: d.customerId, name: d.customerName },
      externalId: d.externalId,
      source: d.source,
      store: d.store ? { id: d.store.id, name: d.store.name } : null,
      status: d.status,
      subtotal: d.subtotal,
      discount: d.discount,
      paidAmount: d.paidAmount,
      refundedAmount: d.refundedAmount,
      placedAt: d.placedAt.toISOString(),
      createdAt: d.createdAt.toISOString(),
      items: d.lines.map((l, i) => ({
        lineNo: i + 1,
        productId: l.productId,
        sku: l.sku,
        name: l.name,
        quantity: l.quantity,
        price: fromFen(toFen(l.price)),
        amount: l.amount,
      })),
      changes: [
        {
          at: d.placedAt.toISOString(),
          kind: 'created',
          amount: d.paidAmount,
          reason: null,
          actor: { id: actor.userId, name: actorName },
        },
      ],
    };
  }

  return {
    get,

    async list(input: ListOrdersInput): Promise<OrderPage> {
      const after = input.cursor ? decodeOrderCursor(input.cursor) : undefined;
      if (after === null) throw commonErrors.referenceMissing('cursor');
      const rows = await repo.listOrders(db, {
        customerId: input.customerId,
        storeId: input.storeId,
        status: input.status,
        source: input.source,
        placedFrom: input.placedFrom ? new Date(input.placedFrom) : undefined,
        placedTo: input.placedTo ? new Date(input.placedTo) : undefined,
        externalId: input.search,
        after,
        limit: input.limit + 1,
      });
      const page = rows.slice(0, input.limit);
      const last = page[page.length - 1];
      return {
        items: await present(page),
        nextCursor: rows.length > input.limit && last ? encodeOrderCursor(last.placed_at, last.id) : null,
      };
    },

    /**
     * Records an order once per (source, externalId): a retry, even one racing the first
     * request, gets the stored order back with `created: false` and counts nothing twice.
     */
    async ingest(request: FastifyRequest, input: IngestOrderInput): Promise<{ order: Order; created: boolean }> {
      const actor = request.actor as Actor;
      const recorded = await db.transaction((tx) => face.record(tx, input, { actorId: actor.userId }));
      return { order: await answer(actor, recorded), created: recorded.created };
    },

    /**
     * Many orders in one transaction (a POS or shop feed catching up), written with a few
     * statements for the whole batch. A refused order (unknown customer, amounts that do not
     * add up) is answered on its own and writes nothing; the others commit. Each is idempotent
     * on (source, externalId) like POST /orders.
     */
    async ingestBatch(request: FastifyRequest, inputs: IngestOrderInput[]): Promise<BatchResult[]> {
      const actor = request.actor as Actor;
      const answers = await db.transaction((tx) => face.recordMany(tx, inputs, { actorId: actor.userId }));
      return answers.map((a, index): BatchResult => {
        if (!isDomainError(a)) {
          return { index, outcome: a.created ? 'created' : 'existing', orderId: a.orderId, error: null };
        }
        const { status, body } = domainErrorBody(request, a);
        // details hold plain values once serialised (undefined ones are dropped)
        const error = body.error as z.infer<typeof ErrorBody>['error'];
        return { index, outcome: 'failed', orderId: null, error: { status, ...error } };
      });
    },

    async cancel(request: FastifyRequest, id: string, input: { reason?: string | null }): Promise<Order> {
      const actor = request.actor as Actor;
      await db.transaction(async (tx) => {
        await face.cancel(tx, id, { reason: input.reason, actorId: actor.userId });
        const customerId = (await repo.findOrder(tx, id))?.customer_id;
        await audit.recordRequest(
          request,
          { action: 'order.cancelled', entityType: 'order', entityId: id, details: { customerId } },
          tx,
        );
      });
      return get(id);
    },

    async refund(
      request: FastifyRequest,
      id: string,
      input: { amount: string; reason?: string | null },
    ): Promise<Order> {
      const actor = request.actor as Actor;
      await db.transaction(async (tx) => {
        await face.refund(tx, id, { amount: input.amount, reason: input.reason, actorId: actor.userId });
        const o = await repo.findOrder(tx, id);
        await audit.recordRequest(
          request,
          {
            action: 'order.refunded',
            entityType: 'order',
            entityId: id,
            details: { customerId: o?.customer_id, amount: input.amount, status: o?.status },
          },
          tx,
        );
      });
      return get(id);
    },

    /** Queues the recompute job (the nightly run does the same). */
    async requestRecompute(request: FastifyRequest): Promise<{ jobId: string }> {
      const jobId = await jobs.send(RECOMPUTE_STATS_JOB, {});
      if (!jobId) throw new Error('the recompute job was not queued');
      await audit.recordRequest(request, { action: 'order_stats.recompute_requested', details: { jobId } });
      return { jobId };
    },
  };
}
