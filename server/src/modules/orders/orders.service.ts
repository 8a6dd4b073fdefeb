import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Db, Queryable, Tx } from '../../platform/db/db.ts';
import type { Events } from '../../platform/events/events.service.ts';
import type { Jobs } from '../../platform/jobs/jobs.service.ts';
import { commonErrors } from '../../platform/http/errors.ts';
import type { CustomersFace } from '../customers/index.ts';
import { fromFen, orderAmounts, toFen } from './domain/money.ts';
import { toOrder, type Order, type OrderItem } from './orders.dto.ts';
import { ordersErrors } from './orders.errors.ts';
import { RECOMPUTE_STATS_JOB } from './orders.jobs.ts';
import {
  orderEventTypes,
  type OrderCancelledEvent,
  type OrderCreatedEvent,
  type OrderRefundedEvent,
} from './orders.events.ts';
import {
  countedStatuses,
  ordersRepository as repo,
  type OrderFilter,
  type OrderRow,
  type OrderStatus,
} from './orders.repository.ts';
import { productsRepository, type ProductRef } from './products.repository.ts';

export type OrderLineInput = { productId?: string; sku?: string; name?: string; quantity: number; price: string };
export type IngestOrderInput = {
  customerId: string;
  externalId: string;
  source: string;
  storeId?: string | null;
  status?: OrderStatus;
  paidAmount: string;
  discount?: string;
  refundedAmount?: string;
  placedAt: string;
  items: OrderLineInput[];
};
export type ListOrdersInput = Omit<OrderFilter, 'after' | 'placedFrom' | 'placedTo' | 'externalId'> & {
  placedFrom?: string;
  placedTo?: string;
  search?: string;
  cursor?: string;
};
export type OrderPage = { items: Order[]; nextCursor: string | null };

export type OrdersServiceDeps = {
  db: Db;
  audit: AuditLog;
  events: Events;
  jobs: Jobs;
  customers: CustomersFace;
  now: () => Date;
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
};

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

/** What was refunded when an order arrives with a status, checked against what was paid. */
function refundedOnArrival(status: OrderStatus, paid: bigint, given: string | undefined): bigint {
  const refunded = given === undefined ? (status === 'refunded' ? paid : 0n) : toFen(given);
  const fits =
    status === 'refunded'
      ? refunded === paid
      : status === 'partially_refunded'
        ? refunded > 0n && refunded < paid
        : refunded === 0n;
  if (!fits) throw ordersErrors.refundedAmountInvalid(status);
  return refunded;
}

type ResolvedLine = { productId: string; sku: string; name: string; quantity: number; price: string };

export type OrdersService = ReturnType<typeof createOrdersService>;

export function createOrdersService(deps: OrdersServiceDeps) {
  const { db, audit, events, jobs, customers, now, userNames } = deps;

  /** Products for every line: by id, by SKU, or created from an unknown SKU's name and price (one query). */
  async function resolveLines(tx: Tx, items: OrderLineInput[]): Promise<ResolvedLine[]> {
    const ids = [...new Set(items.flatMap((l) => (l.productId ? [l.productId] : [])))];
    const wanted = new Map<string, { sku: string; name: string | null; price: string }>();
    for (const l of items) {
      if (l.productId || !l.sku) continue;
      const seen = wanted.get(l.sku);
      if (!seen) wanted.set(l.sku, { sku: l.sku, name: l.name ?? null, price: l.price });
      else if (seen.name === null && l.name) wanted.set(l.sku, { sku: l.sku, name: l.name, price: l.price });
    }
    const refs = await productsRepository.resolveForOrder(tx, ids, [...wanted.values()]);
    const byId = new Map(refs.map((r) => [r.id, r]));
    const bySku = new Map(refs.map((r) => [r.sku, r]));
    // created by a concurrent order after this statement's snapshot: visible to the next one
    const raced = [...wanted.values()].filter((w) => w.name !== null && !bySku.has(w.sku)).map((w) => w.sku);
    if (raced.length) for (const r of await productsRepository.findBySkus(tx, raced)) bySku.set(r.sku, r);

    return items.map((l, index) => {
      let ref: ProductRef | undefined;
      if (l.productId) {
        ref = byId.get(l.productId);
        if (!ref) throw ordersErrors.unknownProduct(index);
        if (l.sku && l.sku !== ref.sku) throw ordersErrors.skuMismatch(index);
      } else {
        ref = bySku.get(l.sku as string);
        if (!ref) throw ordersErrors.skuNameRequired(index, l.sku as string);
      }
      return { productId: ref.id, sku: ref.sku, name: l.name ?? ref.name, quantity: l.quantity, price: l.price };
    });
  }

  async function storeNames(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    // a page names a handful of stores; the face looks touchpoints up one at a time
    for (const id of new Set(ids)) {
      const t = await customers.findTouchpoint(q, { id });
      if (t) out.set(id, t.name);
    }
    return out;
  }

  /** Orders as the API shows them, with every name looked up once for the whole page. */
  async function present(rows: OrderRow[]): Promise<Order[]> {
    if (rows.length === 0) return [];
    const actorIds = rows.flatMap((r) => r.changes.flatMap((c) => (c.actorId ? [c.actorId] : [])));
    const customerNames = await customers.namesOf(
      db,
      rows.map((r) => r.customer_id),
    );
    const stores = await storeNames(
      db,
      rows.flatMap((r) => (r.store_id ? [r.store_id] : [])),
    );
    const users = actorIds.length ? await userNames([...new Set(actorIds)]) : new Map<string, string>();
    return rows.map((r) => toOrder(r, { customers: customerNames, stores, users }));
  }

  async function get(id: string): Promise<Order> {
    const row = await repo.findOrder(db, id);
    if (!row) throw commonErrors.notFound('order');
    const [order] = await present([row]);
    return order;
  }

  /**
   * After a cancellation or refund: the customer's aggregates from their orders. Raising
   * last-seen to this order's time changes nothing (ingestion did it already) but locks the
   * stats row first, so a concurrent order or change for the same customer cannot slip between
   * the recount and the write.
   */
  async function restat(tx: Tx, customerId: string, placedAt: Date): Promise<void> {
    await customers.touchLastSeen(tx, customerId, placedAt);
    await customers.setOrderStats(tx, customerId, await repo.statsOf(tx, customerId));
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
      const status = input.status ?? 'paid';
      const discount = toFen(input.discount ?? '0');
      const { amounts, subtotal, expectedPaid } = orderAmounts(input.items, input.discount ?? '0');
      if (expectedPaid < 0n) throw ordersErrors.discountExceedsSubtotal(fromFen(subtotal));
      const paid = toFen(input.paidAmount);
      if (paid !== expectedPaid) throw ordersErrors.amountsMismatch(fromFen(expectedPaid), fromFen(paid));
      const refunded = refundedOnArrival(status, paid, input.refundedAmount);
      const placedAt = new Date(input.placedAt);
      const at = now();
      const id = randomUUID();

      const outcome = await db.transaction(async (tx) => {
        const names = await customers.namesOf(tx, [input.customerId]);
        const customerName = names.get(input.customerId);
        if (customerName === undefined) throw ordersErrors.unknownCustomer();
        const store = input.storeId ? await customers.findTouchpoint(tx, { id: input.storeId }) : null;
        if (input.storeId && !store) throw ordersErrors.unknownStore();
        const lines = await resolveLines(tx, input.items);
        const inserted = await repo.insertOrder(tx, {
          id,
          customerId: input.customerId,
          source: input.source,
          externalId: input.externalId,
          storeId: store?.id ?? null,
          status,
          subtotal: fromFen(subtotal),
          discount: fromFen(discount),
          paidAmount: fromFen(paid),
          refundedAmount: fromFen(refunded),
          placedAt,
          at,
          actorId: actor.userId,
          lines: lines.map((l, i) => ({ ...l, amount: fromFen(amounts[i]) })),
        });
        if (!inserted) return { created: false as const };

        if ((countedStatuses as string[]).includes(status)) {
          await customers.addOrderToStats(tx, input.customerId, { paidAmount: fromFen(paid - refunded), placedAt });
        } else {
          await customers.touchLastSeen(tx, input.customerId, placedAt);
        }
        const itemCount = lines.reduce((n, l) => n + l.quantity, 0);
        await customers.recordActivity(tx, {
          customerId: input.customerId,
          at: placedAt,
          kind: 'order.created',
          module: 'orders',
          ref: id,
          touchpointId: store?.id ?? null,
          actorId: actor.userId,
          summary: { externalId: input.externalId, paidAmount: fromFen(paid), itemCount, source: input.source },
        });
        await events.emit<OrderCreatedEvent>(tx, {
          type: orderEventTypes.created,
          customerId: input.customerId,
          payload: {
            orderId: id,
            customerId: input.customerId,
            source: input.source,
            externalId: input.externalId,
            storeId: store?.id ?? null,
            status,
            paidAmount: fromFen(paid),
            refundedAmount: fromFen(refunded),
            itemCount,
            placedAt: placedAt.toISOString(),
          },
        });
        return { created: true as const, createdAt: inserted.createdAt, customerName, store, lines };
      });

      if (!outcome.created) {
        const existing = await repo.findOrderByExternalId(db, input.source, input.externalId);
        if (!existing) throw commonErrors.notFound('order'); // deleted with its customer in between
        const [order] = await present([existing]);
        return { order, created: false };
      }
      // built from what was just written: the hot path reads nothing back
      const actorName =
        actor.kind === 'user' ? actor.name : ((await userNames([actor.userId])).get(actor.userId) ?? actor.name);
      const items: OrderItem[] = outcome.lines.map((l, i) => ({
        lineNo: i + 1,
        productId: l.productId,
        sku: l.sku,
        name: l.name,
        quantity: l.quantity,
        price: fromFen(toFen(l.price)),
        amount: fromFen(amounts[i]),
      }));
      return {
        created: true,
        order: {
          id,
          customer: { id: input.customerId, name: outcome.customerName },
          externalId: input.externalId,
          source: input.source,
          store: outcome.store ? { id: outcome.store.id, name: outcome.store.name } : null,
          status,
          subtotal: fromFen(subtotal),
          discount: fromFen(discount),
          paidAmount: fromFen(paid),
          refundedAmount: fromFen(refunded),
          placedAt: placedAt.toISOString(),
          createdAt: outcome.createdAt.toISOString(),
          items,
          changes: [
            {
              at: placedAt.toISOString(),
              kind: 'created',
              amount: fromFen(paid),
              reason: null,
              actor: { id: actor.userId, name: actorName },
            },
          ],
        },
      };
    },

    async cancel(request: FastifyRequest, id: string, input: { reason?: string | null }): Promise<Order> {
      const actor = request.actor as Actor;
      const at = now();
      await db.transaction(async (tx) => {
        const o = await repo.lockOrder(tx, id);
        if (!o) throw commonErrors.notFound('order');
        if (o.status !== 'paid') throw ordersErrors.notCancellable(o.status);
        await repo.setStatus(tx, id, { status: 'cancelled', refundedAmount: o.refunded_amount, at });
        await repo.insertChange(tx, {
          orderId: id,
          customerId: o.customer_id,
          at,
          kind: 'cancelled',
          amount: null,
          reason: input.reason ?? null,
          actorId: actor.userId,
        });
        await restat(tx, o.customer_id, o.placed_at);
        await customers.recordActivity(tx, {
          customerId: o.customer_id,
          at,
          kind: 'order.cancelled',
          module: 'orders',
          ref: id,
          touchpointId: o.store_id,
          actorId: actor.userId,
          summary: { externalId: o.external_id },
        });
        await events.emit<OrderCancelledEvent>(tx, {
          type: orderEventTypes.cancelled,
          customerId: o.customer_id,
          payload: { orderId: id, customerId: o.customer_id, reason: input.reason ?? null },
        });
        await audit.recordRequest(
          request,
          { action: 'order.cancelled', entityType: 'order', entityId: id, details: { customerId: o.customer_id } },
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
      const amount = toFen(input.amount);
      if (amount <= 0n) throw ordersErrors.refundNotPositive();
      const at = now();
      await db.transaction(async (tx) => {
        const o = await repo.lockOrder(tx, id);
        if (!o) throw commonErrors.notFound('order');
        if (o.status !== 'paid' && o.status !== 'partially_refunded') throw ordersErrors.notRefundable(o.status);
        const paid = toFen(o.paid_amount);
        const before = toFen(o.refunded_amount);
        if (amount > paid - before) throw ordersErrors.refundExceeds(fromFen(paid - before));
        const refunded = before + amount;
        const status: OrderStatus = refunded === paid ? 'refunded' : 'partially_refunded';
        await repo.setStatus(tx, id, { status, refundedAmount: fromFen(refunded), at });
        await repo.insertChange(tx, {
          orderId: id,
          customerId: o.customer_id,
          at,
          kind: status,
          amount: fromFen(amount),
          reason: input.reason ?? null,
          actorId: actor.userId,
        });
        await restat(tx, o.customer_id, o.placed_at);
        await customers.recordActivity(tx, {
          customerId: o.customer_id,
          at,
          kind: 'order.refunded',
          module: 'orders',
          ref: id,
          touchpointId: o.store_id,
          actorId: actor.userId,
          summary: { externalId: o.external_id, amount: fromFen(amount) },
        });
        await events.emit<OrderRefundedEvent>(tx, {
          type: orderEventTypes.refunded,
          customerId: o.customer_id,
          payload: {
            orderId: id,
            customerId: o.customer_id,
            amount: fromFen(amount),
            refundedAmount: fromFen(refunded),
            status,
          },
        });
        await audit.recordRequest(
          request,
          {
            action: 'order.refunded',
            entityType: 'order',
            entityId: id,
            details: { customerId: o.customer_id, amount: fromFen(amount), status },
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
