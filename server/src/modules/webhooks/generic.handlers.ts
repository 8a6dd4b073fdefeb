import type { CollectedCustomer, ExternalIdentity } from '../customers/index.ts';
import { customerNote, type HandlerEnv } from './delivery.ts';
import type { GenericCancel, GenericCustomer, GenericEnvelope, GenericOrder, GenericRefund } from './domain/generic.ts';
import { webhooksErrors } from './webhooks.errors.ts';
import { webhooksRepository as repo, type DeliveryResult } from './webhooks.repository.ts';

/**
 * What each generic webhook type does. The sender speaks Kehu's own shapes and is told about
 * every mistake (the API's 422s), unlike Shopify, whose payloads Kehu adapts to. Orders are
 * idempotent on (source, externalId), refunds on refundId, deliveries on X-Kehu-Delivery-Id.
 */

function collected(
  env: HandlerEnv,
  c: GenericCustomer,
  onMatch: CollectedCustomer['onMatch'],
  at: Date,
): CollectedCustomer {
  const { externalId, memberCard, ...profile } = c;
  const ids: ExternalIdentity[] = [];
  const namespace = env.connection.source;
  if (externalId) ids.push({ kind: 'external', namespace, value: externalId });
  if (memberCard) ids.push({ kind: 'memberCard', namespace, value: memberCard });
  return {
    profile,
    ids,
    onMatch,
    source: env.connection.source,
    touchpointId: env.connection.touchpointId,
    at,
    summary: { connection: env.connection.name },
    lenient: false,
  };
}

/** `customer.upsert`: the sender's values replace Kehu's for the fields it sends; others are left alone. */
async function upsertCustomer(env: HandlerEnv, c: GenericCustomer): Promise<DeliveryResult> {
  const result = await env.collector.resolve(env.tx, collected(env, c, 'overwrite', env.now()));
  return {
    outcome: 'processed',
    detail: customerNote(result),
    externalRef: c.externalId ?? c.memberCard ?? null,
    customerId: result.customerId,
  };
}

async function createOrder(env: HandlerEnv, d: GenericOrder): Promise<DeliveryResult> {
  const { tx, orders, connection } = env;
  const existing = await orders.findByExternalId(tx, connection.source, d.externalId);
  if (existing)
    return {
      outcome: 'duplicate',
      detail: { code: 'order_exists', params: { externalId: d.externalId } },
      externalRef: d.externalId,
      customerId: existing.customerId,
      orderId: existing.id,
    };
  let storeId = connection.touchpointId;
  if (d.storeCode) {
    const store = await env.customers.findTouchpoint(tx, { code: d.storeCode });
    if (!store) throw webhooksErrors.unknownStore(d.storeCode);
    storeId = store.id;
  }
  // the buyer as an order describes them fills gaps; customer.upsert is how a sender corrects a profile
  const customer = await env.collector.resolve(tx, collected(env, d.customer, 'fillEmpty', new Date(d.placedAt)));
  const recorded = await orders.record(
    tx,
    {
      customerId: customer.customerId,
      externalId: d.externalId,
      source: connection.source,
      storeId,
      status: d.status,
      paidAmount: d.paidAmount,
      discount: d.discount,
      refundedAmount: d.refundedAmount,
      placedAt: d.placedAt,
      items: d.items,
    },
    { actorId: null },
  );
  return {
    outcome: recorded.created ? 'processed' : 'duplicate',
    detail: recorded.created
      ? { code: 'order_recorded', params: { externalId: d.externalId, paidAmount: d.paidAmount } }
      : { code: 'order_exists', params: { externalId: d.externalId } },
    externalRef: d.externalId,
    customerId: customer.customerId,
    orderId: recorded.orderId,
  };
}

async function refundOrder(env: HandlerEnv, d: GenericRefund): Promise<DeliveryResult> {
  const { tx, orders, connection } = env;
  const order = await orders.findByExternalId(tx, connection.source, d.externalId);
  if (!order) throw webhooksErrors.orderUnknown(d.externalId);
  const link = { externalRef: d.refundId, customerId: order.customerId, orderId: order.id };
  const known = { outcome: 'duplicate' as const, detail: { code: 'refund_known', params: { refundId: d.refundId } } };
  if (await repo.isRefundKnown(tx, connection.source, d.refundId)) return { ...known, ...link };
  const claimed = await repo.claimRefund(tx, {
    source: connection.source,
    refundId: d.refundId,
    orderId: order.id,
    customerId: order.customerId,
    amount: d.amount,
    at: env.now(),
  });
  if (!claimed) return { ...known, ...link };
  // the orders module refuses what exceeds the refundable amount: a sender's own numbers must add up
  await orders.refund(tx, order.id, { amount: d.amount, reason: d.reason ?? null, actorId: null });
  return { outcome: 'processed', detail: { code: 'refund_applied', params: { amount: d.amount } }, ...link };
}

async function cancelOrder(env: HandlerEnv, d: GenericCancel): Promise<DeliveryResult> {
  const { tx, orders, connection } = env;
  const order = await orders.findByExternalId(tx, connection.source, d.externalId);
  if (!order) throw webhooksErrors.orderUnknown(d.externalId);
  const link = { externalRef: d.externalId, customerId: order.customerId, orderId: order.id };
  const detail = { code: 'order_cancelled', params: { externalId: d.externalId } };
  if (order.status === 'cancelled') return { outcome: 'duplicate', detail, ...link };
  await orders.cancel(tx, order.id, { reason: d.reason ?? null, actorId: null });
  return { outcome: 'processed', detail, ...link };
}

export async function handleGeneric(env: HandlerEnv, envelope: GenericEnvelope): Promise<DeliveryResult> {
  switch (envelope.type) {
    case 'customer.upsert':
      return upsertCustomer(env, envelope.data);
    case 'order.created':
      return createOrder(env, envelope.data);
    case 'order.refunded':
      return refundOrder(env, envelope.data);
    case 'order.cancelled':
      return cancelOrder(env, envelope.data);
  }
}
