import type { Tx } from '../../platform/db/db.ts';
import type { CollectResult, Collector, CustomersFace } from '../customers/index.ts';
import type { OrdersFace } from '../orders/index.ts';
import type { DeliveryDetail } from './webhooks.repository.ts';

/** What a topic's handler works with, inside the delivery's transaction. */
export type HandlerEnv = {
  tx: Tx;
  collector: Collector;
  connection: { id: string; name: string; source: string; shopDomain: string | null; touchpointId: string | null };
  customers: CustomersFace;
  orders: OrdersFace;
  now: () => Date;
};

/** An order as Kehu has it, kept current while one delivery refunds and cancels it. */
export type OrderState = {
  id: string;
  customerId: string;
  status: string;
  paidAmount: string;
  refundedAmount: string;
};

export function customerNote(r: CollectResult): DeliveryDetail {
  switch (r.outcome) {
    case 'created':
      return { code: 'customer_created' };
    case 'updated':
      return { code: 'customer_updated', params: { fields: r.changed } };
    case 'unchanged':
    case 'skipped':
      return { code: 'customer_unchanged' };
  }
}

/** One note, or several shown one after the other. */
export function combined(parts: DeliveryDetail[]): DeliveryDetail | null {
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : { code: parts[0].code, params: parts[0].params, parts };
}
