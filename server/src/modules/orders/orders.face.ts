import { randomUUID } from 'node:crypto';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import type { Events } from '../../platform/events/events.service.ts';
import type { CustomersFace, OrderStatsDelta, TouchpointRef } from '../customers/index.ts';
import { fromFen, orderAmounts, toFen } from './domain/money.ts';
import { ordersErrors } from './orders.errors.ts';
import {
  orderEventTypes,
  type OrderCancelledEvent,
  type OrderCreatedEvent,
  type OrderRefundedEvent,
} from './orders.events.ts';
import { countedStatuses, ordersRepository as repo, type NewOrder, type OrderStatus } from './orders.repository.ts';
import { productsRepository, type ProductRef } from './products.repository.ts';
import { commonErrors, DomainError, isDomainError } from '../../platform/http/errors.ts';

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
  /**
   * Many orders with a constant number of statements (a feed catching up). Each answer is the
   * order or the DomainError that refused it; refused orders write nothing, the rest commit
   * with the caller's transaction. A repeat within the batch is the same order.
   */
  recordMany(tx: Tx, inputs: readonly IngestOrderInput[], by: OrderActor): Promise<(RecordedOrder | DomainError)[]>;
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

type Products = { byId: Map<string, ProductRef>; bySku: Map<string, ProductRef> };
type Planned = {
  index: number;
  input: IngestOrderInput;
  status: OrderStatus;
  amounts: bigint[];
  subtotal: bigint;
  discount: bigint;
  paid: bigint;
  refunded: bigint;
};

export function createOrdersFace(deps: {
  customers: CustomersFace;
  events: Events;
  now: () => Date;
  /** The business time zone (order_days are its calendar days), read in the caller's transaction. */
  timeZone: (q: Queryable) => Promise<string>;
}): OrdersFace {
  const { customers, events, now, timeZone } = deps;

  /** Products for every line of a batch: by id, by SKU, or created from an unknown SKU's name and price (one query). */
  async function lookupProducts(tx: Tx, items: readonly OrderLineInput[]): Promise<Products> {
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
    return { byId, bySku };
  }

  /** One order's lines against the batch's products; throws the 422 naming the first bad line. */
  function linesOf(items: readonly OrderLineInput[], { byId, bySku }: Products): ResolvedLine[] {
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
    await repo.refreshDays(tx, [{ customerId, placedAt }], await timeZone(tx));
    await customers.setOrderStats(tx, customerId, await repo.statsOf(tx, customerId));
  }

  return {
    async record(tx, input, by) {
      const [answer] = await this.recordMany(tx, [input], by);
      if (answer instanceof DomainError) throw answer;
      return answer;
    },

    async recordMany(tx, inputs, { actorId }) {
      const at = now();
      const answers: (RecordedOrder | DomainError)[] = new Array<RecordedOrder | DomainError>(inputs.length);
      const refuse = (index: number, err: unknown) => {
        if (!isDomainError(err)) throw err;
        answers[index] = err;
      };

      // 1. what needs no database: amounts add up to the fen, refunds fit the status
      const planned: Planned[] = [];
      for (const [index, input] of inputs.entries()) {
        try {
          const status = input.status ?? 'paid';
          const { amounts, subtotal, expectedPaid } = orderAmounts(input.items, input.discount ?? '0');
          if (expectedPaid < 0n) throw ordersErrors.discountExceedsSubtotal(fromFen(subtotal));
          const paid = toFen(input.paidAmount);
          if (paid !== expectedPaid) throw ordersErrors.amountsMismatch(fromFen(expectedPaid), fromFen(paid));
          const refunded = refundedOnArrival(status, paid, input.refundedAmount);
          planned.push({
            index,
            input,
            status,
            amounts,
            subtotal,
            discount: toFen(input.discount ?? '0'),
            paid,
            refunded,
          });
        } catch (err) {
          refuse(index, err);
        }
      }

      // 2. references, looked up once for the batch: customers, stores, products
      const names = await customers.namesOf(
        tx,
        planned.map((p) => p.input.customerId),
      );
      const stores = await customers.touchpointsByIds(
        tx,
        planned.flatMap((p) => (p.input.storeId ? [p.input.storeId] : [])),
      );
      const products = await lookupProducts(
        tx,
        planned.flatMap((p) => p.input.items),
      );
      const key = (i: IngestOrderInput) => `${i.source}\u0000${i.externalId}`;
      const firstOf = new Map<string, Planned & { order: NewOrder; customerName: string }>();
      const repeats: Planned[] = [];
      for (const p of planned) {
        try {
          const customerName = names.get(p.input.customerId);
          if (customerName === undefined) throw ordersErrors.unknownCustomer();
          if (p.input.storeId && !stores.has(p.input.storeId)) throw ordersErrors.unknownStore();
          const lines = linesOf(p.input.items, products).map((l, n) => ({ ...l, amount: fromFen(p.amounts[n]) }));
          if (firstOf.has(key(p.input))) {
            repeats.push(p);
            continue;
          }
          firstOf.set(key(p.input), {
            ...p,
            customerName,
            order: {
              id: randomUUID(),
              customerId: p.input.customerId,
              source: p.input.source,
              externalId: p.input.externalId,
              storeId: p.input.storeId ?? null,
              status: p.status,
              subtotal: fromFen(p.subtotal),
              discount: fromFen(p.discount),
              paidAmount: fromFen(p.paid),
              refundedAmount: fromFen(p.refunded),
              placedAt: new Date(p.input.placedAt),
              at,
              actorId,
              lines,
            },
          });
        } catch (err) {
          refuse(p.index, err);
        }
      }

      // 3. the writes, one statement each for the whole batch
      const ready = [...firstOf.values()];
      const written = await repo.insertOrders(
        tx,
        ready.map((r) => r.order),
        ready.length ? await timeZone(tx) : 'UTC',
      );
      const created = ready.filter((r) => written.has(r.order.id));
      const stored = await repo.findIdsByExternalIds(
        tx,
        [...ready.filter((r) => !written.has(r.order.id)), ...repeats].map((r) => r.input),
      );
      for (const r of ready) {
        const createdAt = written.get(r.order.id);
        if (!createdAt) {
          const id = stored.get(key(r.input));
          answers[r.index] = id ? { orderId: id, created: false } : commonErrors.notFound('order');
          continue;
        }
        const o = r.order;
        answers[r.index] = {
          orderId: o.id,
          created: true,
          detail: {
            customerId: o.customerId,
            externalId: o.externalId,
            source: o.source,
            createdAt,
            customerName: r.customerName,
            store: o.storeId ? (stores.get(o.storeId) ?? null) : null,
            lines: o.lines,
            subtotal: o.subtotal,
            discount: o.discount,
            paidAmount: o.paidAmount,
            refundedAmount: o.refundedAmount,
            placedAt: o.placedAt,
            status: o.status,
          },
        };
      }
      for (const p of repeats) {
        const first = firstOf.get(key(p.input))!;
        const id = written.has(first.order.id) ? first.order.id : stored.get(key(p.input));
        answers[p.index] = id ? { orderId: id, created: false } : commonErrors.notFound('order');
      }

      const deltas = new Map<string, OrderStatsDelta>();
      for (const { order: o } of created) {
        const d = deltas.get(o.customerId) ?? {
          customerId: o.customerId,
          orderCount: 0,
          amount: '0',
          firstOrderAt: null,
          lastOrderAt: null,
          seenAt: o.placedAt,
        };
        if (o.placedAt > d.seenAt) d.seenAt = o.placedAt;
        if ((countedStatuses as string[]).includes(o.status)) {
          d.orderCount += 1;
          d.amount = fromFen(toFen(d.amount) + toFen(o.paidAmount) - toFen(o.refundedAmount));
          if (!d.firstOrderAt || o.placedAt < d.firstOrderAt) d.firstOrderAt = o.placedAt;
          if (!d.lastOrderAt || o.placedAt > d.lastOrderAt) d.lastOrderAt = o.placedAt;
        }
        deltas.set(o.customerId, d);
      }
      await customers.addOrdersToStats(tx, [...deltas.values()]);
      const itemCount = (o: NewOrder) => o.lines.reduce((n, l) => n + l.quantity, 0);
      await customers.recordActivities(
        tx,
        created.map(({ order: o }) => ({
          customerId: o.customerId,
          at: o.placedAt,
          kind: 'order.created',
          module: 'orders',
          ref: o.id,
          touchpointId: o.storeId,
          actorId,
          summary: { externalId: o.externalId, paidAmount: o.paidAmount, itemCount: itemCount(o), source: o.source },
        })),
      );
      await events.emitMany<OrderCreatedEvent>(
        tx,
        created.map(({ order: o }) => ({
          type: orderEventTypes.created,
          customerId: o.customerId,
          payload: {
            orderId: o.id,
            customerId: o.customerId,
            source: o.source,
            externalId: o.externalId,
            storeId: o.storeId,
            status: o.status,
            paidAmount: o.paidAmount,
            refundedAmount: o.refundedAmount,
            itemCount: itemCount(o),
            placedAt: o.placedAt.toISOString(),
          },
        })),
      );
      return answers;
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
