import type { OrderStatus } from './orders.repository.ts';

/** Payloads of the events this module emits (each also carries the event's customerId). */
export type OrderCreatedEvent = {
  orderId: string;
  customerId: string;
  source: string;
  externalId: string;
  storeId: string | null;
  status: OrderStatus;
  paidAmount: string;
  refundedAmount: string;
  itemCount: number;
  placedAt: string;
};
export type OrderCancelledEvent = { orderId: string; customerId: string; reason: string | null };
export type OrderRefundedEvent = {
  orderId: string;
  customerId: string;
  amount: string;
  refundedAmount: string;
  status: OrderStatus;
};

export const orderEventTypes = {
  created: 'order.created',
  cancelled: 'order.cancelled',
  refunded: 'order.refunded',
} as const;
