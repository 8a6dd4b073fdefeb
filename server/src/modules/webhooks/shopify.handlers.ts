import type { DomainError } from '../../platform/http/errors.ts';
import { combined, customerNote, type HandlerEnv, type OrderState } from './delivery.ts';
import { fenOf, yuan } from './domain/money.ts';
import {
  customerFromShopifyCustomer,
  orderPlan,
  refundOrderId,
  refundPlan,
  ShopifyMappingError,
  type CustomerPlan,
  type OrderPlan,
  type RefundPlan,
} from './domain/shopify.ts';
import { webhooksErrors } from './webhooks.errors.ts';
import { webhooksRepository as repo, type DeliveryDetail, type DeliveryResult } from './webhooks.repository.ts';

/**
 * What each Shopify topic does, inside the delivery's transaction. Orders are recorded once paid
 * (idempotent on the shop's order id through the orders module), refunds count once per refund
 * id, cancellations apply to paid orders; the rest is answered 200 and logged as ignored.
 */
function mappingError(err: ShopifyMappingError): DomainError {
  const field = typeof err.params.field === 'string' ? err.params.field : '';
  switch (err.reason) {
    case 'bad_date':
      return webhooksErrors.badDate(field);
    case 'bad_amount':
      return webhooksErrors.badAmount(field);
    case 'too_many_items':
      return webhooksErrors.tooManyItems(Number(err.params.max));
    case 'no_refund_id':
      return webhooksErrors.noRefundId();
    default:
      return webhooksErrors.noOrderId();
  }
}

function resolveCustomer(env: HandlerEnv, plan: CustomerPlan, at: Date) {
  // lenient: a shop's phone or region Kehu cannot read is left out, never a reason to lose the order
  return env.collector.resolve(env.tx, {
    profile: plan.profile,
    ids: plan.ids,
    onMatch: 'fillEmpty',
    source: 'shopify',
    touchpointId: env.connection.touchpointId,
    at,
    summary: { connection: env.connection.name },
    lenient: true,
  });
}

/**
 * A refund as far as Kehu's order allows: Shopify's refund may include shipping and tax, which
 * Kehu's paid amount leaves out, so it is capped at what is left (the note says so).
 */
async function applyRefund(
  env: HandlerEnv,
  order: OrderState,
  refund: RefundPlan,
): Promise<{ changed: boolean; detail: DeliveryDetail }> {
  const { tx, connection } = env;
  if (await repo.isRefundKnown(tx, connection.source, refund.refundId))
    return { changed: false, detail: { code: 'refund_known', params: { refundId: refund.refundId } } };
  const requested = fenOf(refund.amount) ?? 0n;
  if (requested === 0n)
    return { changed: false, detail: { code: 'refund_no_money', params: { refundId: refund.refundId } } };
  const paid = fenOf(order.paidAmount) ?? 0n;
  const refunded = fenOf(order.refundedAmount) ?? 0n;
  const left = paid - refunded;
  if ((order.status !== 'paid' && order.status !== 'partially_refunded') || left <= 0n)
    return { changed: false, detail: { code: 'order_not_refundable', params: { status: order.status } } };
  const amount = requested > left ? left : requested;
  const claimed = await repo.claimRefund(tx, {
    source: connection.source,
    refundId: refund.refundId,
    orderId: order.id,
    customerId: order.customerId,
    amount: yuan(amount),
    at: env.now(),
  });
  if (!claimed) return { changed: false, detail: { code: 'refund_known', params: { refundId: refund.refundId } } };
  await env.orders.refund(tx, order.id, { amount: yuan(amount), reason: null, actorId: null });
  order.refundedAmount = yuan(refunded + amount);
  order.status = refunded + amount === paid ? 'refunded' : 'partially_refunded';
  return {
    changed: true,
    detail:
      amount < requested
        ? { code: 'refund_capped', params: { amount: yuan(amount), requested: refund.amount } }
        : { code: 'refund_applied', params: { amount: yuan(amount) } },
  };
}

/** orders/create, orders/updated, orders/paid, orders/cancelled: one way to bring Kehu's order in line. */
async function syncOrder(env: HandlerEnv, topic: string, plan: OrderPlan): Promise<DeliveryResult> {
  const { tx, orders, connection } = env;
  const label = plan.name ?? plan.externalId;
  const ref = { externalRef: plan.externalId };
  const parts: DeliveryDetail[] = [];
  let changed = false;
  let order: OrderState | null = await orders.findByExternalId(tx, connection.source, plan.externalId);

  if (!order) {
    if (plan.payment === 'voided') return { outcome: 'ignored', detail: { code: 'voided' }, ...ref };
    if (plan.payment === 'unpaid')
      return {
        outcome: 'ignored',
        detail: { code: 'not_paid', params: { status: plan.financialStatus ?? 'pending' } },
        ...ref,
      };
    if (plan.items.length === 0) return { outcome: 'ignored', detail: { code: 'no_items' }, ...ref };
    if (!plan.customer) return { outcome: 'ignored', detail: { code: 'no_customer' }, ...ref };
    const customer = await resolveCustomer(env, plan.customer, new Date(plan.placedAt));
    const recorded = await orders.record(
      tx,
      {
        customerId: customer.customerId,
        externalId: plan.externalId,
        source: connection.source,
        storeId: connection.touchpointId,
        status: 'paid',
        paidAmount: plan.paidAmount,
        discount: plan.discount,
        placedAt: plan.placedAt,
        items: plan.items,
      },
      { actorId: null },
    );
    parts.push(customerNote(customer));
    if (recorded.created) {
      changed = true;
      parts.push({ code: 'order_recorded', params: { externalId: label, paidAmount: plan.paidAmount } });
      order = {
        id: recorded.orderId,
        customerId: customer.customerId,
        status: 'paid',
        paidAmount: plan.paidAmount,
        refundedAmount: '0.00',
      };
    } else {
      // recorded a moment ago by a concurrent delivery of the same order
      order = await orders.findByExternalId(tx, connection.source, plan.externalId);
      if (!order) throw new Error('order vanished while being recorded');
    }
  }

  for (const refund of plan.refunds) {
    const result = await applyRefund(env, order, refund);
    if (result.changed) {
      changed = true;
      parts.push(result.detail);
    }
  }
  if ((plan.cancelled || plan.payment === 'voided') && order.status === 'paid') {
    await orders.cancel(tx, order.id, { reason: null, actorId: null });
    order.status = 'cancelled';
    changed = true;
    parts.push({ code: 'order_cancelled', params: { externalId: label } });
  }

  const link = { ...ref, customerId: order.customerId, orderId: order.id };
  if (!changed) {
    return topic === 'orders/create'
      ? { outcome: 'duplicate', detail: { code: 'order_exists', params: { externalId: label } }, ...link }
      : { outcome: 'ignored', detail: { code: 'order_unchanged', params: { externalId: label } }, ...link };
  }
  return { outcome: 'processed', detail: combined(parts), ...link };
}

async function refundCreated(env: HandlerEnv, body: unknown): Promise<DeliveryResult> {
  const refund = refundPlan(body);
  if (!refund) throw new ShopifyMappingError('no_refund_id');
  const orderId = refundOrderId(body);
  if (!orderId) throw new ShopifyMappingError('no_order_id');
  const order = await env.orders.findByExternalId(env.tx, env.connection.source, orderId);
  if (!order)
    return {
      outcome: 'ignored',
      detail: { code: 'order_unknown', params: { externalId: orderId } },
      externalRef: refund.refundId,
    };
  const state: OrderState = { ...order };
  const result = await applyRefund(env, state, refund);
  return {
    outcome: result.changed ? 'processed' : result.detail.code === 'refund_known' ? 'duplicate' : 'ignored',
    detail: result.detail,
    externalRef: refund.refundId,
    customerId: order.customerId,
    orderId: order.id,
  };
}

async function customerCreated(env: HandlerEnv, body: unknown, namespace: string): Promise<DeliveryResult> {
  const plan = customerFromShopifyCustomer(body, namespace);
  if (!plan) return { outcome: 'ignored', detail: { code: 'no_customer' } };
  const createdAt = (body as { created_at?: unknown }).created_at;
  const at = typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt)) ? new Date(createdAt) : env.now();
  const customer = await resolveCustomer(env, plan, at);
  return {
    outcome: 'processed',
    detail: customerNote(customer),
    externalRef: plan.shopifyId,
    customerId: customer.customerId,
  };
}

export async function handleShopify(env: HandlerEnv, topic: string, body: unknown): Promise<DeliveryResult> {
  const namespace = `shopify:${env.connection.shopDomain ?? env.connection.source}`;
  try {
    switch (topic) {
      case 'orders/create':
      case 'orders/updated':
      case 'orders/paid':
      case 'orders/cancelled':
        return await syncOrder(env, topic, orderPlan(body, namespace));
      case 'refunds/create':
        return await refundCreated(env, body);
      case 'customers/create':
        return await customerCreated(env, body, namespace);
      default:
        return { outcome: 'ignored', detail: { code: 'topic_unsupported', params: { topic } } };
    }
  } catch (err) {
    throw err instanceof ShopifyMappingError ? mappingError(err) : err;
  }
}
