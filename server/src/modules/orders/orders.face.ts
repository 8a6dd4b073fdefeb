import { randomUUID } from 'node:crypto';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import type { Events } from '../../platform/events/events.service.ts';
import type { CustomersFace, TouchpointRef } from '../customers/index.ts';
import { fromFen, orderAmounts, toFen } from './domain/money.ts';
import { ordersErrors } from './orders.errors.ts';
import {
  orderEventTypes,
  type OrderCancelledEvent,
  type OrderCreatedEvent,
  type OrderRefundedEvent,
} from './orders.events.ts';
import { countedStatuses, ordersRepository as repo, type OrderStatus } from './orders.repository.ts';
import { productsRepository, type ProductRef } from './products.repository.ts';
import { commonErrors } from '../../platform/http/errors.ts';

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

export type ResolvedLine = { productId: string; sku: string; name: string; quantity: number; price: string };

/** What an order was recorded with, so the API can answer without reading it back. */
export type RecordedOrder = {
  orderId: string;
  created: boolean;
  /** Only when created: */
  detail?: {
    customerId: string;
    externalId: string;
    source: string;
    createdAt: Date;
    customerName: string;
    store: TouchpointRef | null;
    lines: (ResolvedLine & { amount: string })[];
    subtotal: string;
    discount: string;
    paidAmount: string;
    refundedAmount: string;
    placedAt: Date;
    status: OrderStatus;
  };
};

/** Who made a change: a staff user or API key (`actorId`), or a feed acting on its own (null). */
export type OrderActor = { actorId: string | null };

/**
 * What other modules may do to orders (shop webhooks, imports): the same checks and side effects
 * as the API (aggregates, timeline, events), in the caller's transaction.
 */
export type OrdersFace = {
  /**
   * Records an order once per (source, externalId): when it exists, `created` is false and
   * nothing is counted twice. Throws the API's 422s (unknown customer or productId, amounts that
   * do not add up).
   */
  record(tx: Tx, input: IngestOrderInput, by: OrderActor): Promise<RecordedOrder>;
  findByExternalId(
    q: Queryable,
    source: string,
    externalId: string,
  ): Promise<{
    id: string;
    customerId: string;
    status: OrderStatus;
    paidAmount: string;
    refundedAmount: string;
  } | null>;
  /** Cancels a paid order (a change with history). */
  cancel(tx: Tx, orderId: string, input: { reason?: string | null } & OrderActor): Promise<void>;
  /** Refunds part or all of what is left (a change with history). */
  refund(tx: Tx, orderId: string, input: { amount: string; reason?: string | null } & OrderActor): Promise<void>;
};

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

export function createOrdersFace(deps: { customers: CustomersFace; events: Events; now: () => Date }): OrdersFace {
  const { customers, events, now } = deps;

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
    async record(tx, input, { actorId }) {
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

      const names = await customers.namesOf(tx, [input.customerId]);
      const customerName = names.get(input.customerId);
      if (customerName === undefined) throw ordersErrors.unknownCustomer();
      const store = input.storeId ? await customers.findTouchpoint(tx, { id: input.storeId }) : null;
      if (input.storeId && !store) throw ordersErrors.unknownStore();
      const resolved = await resolveLines(tx, input.items);
      const lines = resolved.map((l, i) => ({ ...l, amount: fromFen(amounts[i]) }));
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
        actorId,
        lines,
      });
      if (!inserted) {
        const existing = await repo.findOrderByExternalId(tx, input.source, input.externalId);
        if (!existing) throw commonErrors.notFound('order');
        return { orderId: existing.id, created: false };
      }

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
        actorId,
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
      return {
        orderId: id,
        created: true,
        detail: {
          customerId: input.customerId,
          externalId: input.externalId,
          source: input.source,
          createdAt: inserted.createdAt,
          customerName,
          store,
          lines,
          subtotal: fromFen(subtotal),
          discount: fromFen(discount),
          paidAmount: fromFen(paid),
          refundedAmount: fromFen(refunded),
          placedAt,
          status,
        },
      };
    },

    async findByExternalId(q, source, externalId) {
      const row = await repo.findOrderByExternalId(q, source, externalId);
      return row
        ? {
            id: row.id,
            customerId: row.customer_id,
            status: row.status,
            paidAmount: row.paid_amount,
            refundedAmount: row.refunded_amount,
          }
        : null;
    },

    async cancel(tx, id, { reason, actorId }) {
      const at = now();
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
        reason: reason ?? null,
        actorId,
      });
      await restat(tx, o.customer_id, o.placed_at);
      await customers.recordActivity(tx, {
        customerId: o.customer_id,
        at,
        kind: 'order.cancelled',
        module: 'orders',
        ref: id,
        touchpointId: o.store_id,
        actorId,
        summary: { externalId: o.external_id },
      });
      await events.emit<OrderCancelledEvent>(tx, {
        type: orderEventTypes.cancelled,
        customerId: o.customer_id,
        payload: { orderId: id, customerId: o.customer_id, reason: reason ?? null },
      });
    },

    async refund(tx, id, { amount: given, reason, actorId }) {
      const amount = toFen(given);
      if (amount <= 0n) throw ordersErrors.refundNotPositive();
      const at = now();
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
        reason: reason ?? null,
        actorId,
      });
      await restat(tx, o.customer_id, o.placed_at);
      await customers.recordActivity(tx, {
        customerId: o.customer_id,
        at,
        kind: 'order.refunded',
        module: 'orders',
        ref: id,
        touchpointId: o.store_id,
        actorId,
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
    },
  };
}
