import type { Calendar } from './calendar.ts';
import type { GeneratedProduct, GeneratedStore } from './catalogue.ts';
import type { GeneratedCustomer } from './customers.ts';
import { fenToYuan } from './money.ts';
import { Random, Weighted, uuidFrom } from './random.ts';

export type OrderChannel = 'store' | 'tmall' | 'jd' | 'douyin' | 'wechat_mini_program' | 'website';
export type OrderStatus = 'completed' | 'paid' | 'refunded' | 'cancelled';

export type GeneratedOrderItem = {
  sku: string;
  quantity: number;
  unitPriceFen: number;
  unitPrice: string;
};

export type GeneratedOrder = {
  id: string;
  orderNo: string;
  customerIndex: number;
  customerId: string;
  channel: OrderChannel;
  storeCode: string | null;
  status: OrderStatus;
  /** ISO 8601 in UTC. */
  placedAt: string;
  items: GeneratedOrderItem[];
  subtotalFen: number;
  discountFen: number;
  totalFen: number;
  /** Money as decimal strings in yuan, never floats. */
  subtotal: string;
  discount: string;
  total: string;
};

export type OrderTables = {
  products: Weighted<GeneratedProduct>;
  onlineChannels: Weighted<OrderChannel>;
  itemCounts: Weighted<number>;
  statuses: Weighted<OrderStatus>;
  stores: readonly GeneratedStore[];
  /** Index of the last calendar day with orders. */
  lastDay?: number;
  /** Multiplier of repeat and loyal buyers' order counts (see GeneratorOptions.orderRate). */
  orderRate: number;
};

const MAX_ORDERS = 60;
const KIND_ORDERS = 31;

export function orderTables(
  products: readonly GeneratedProduct[],
  stores: readonly GeneratedStore[],
  options: { lastDay?: number; orderRate?: number } = {},
): OrderTables {
  return {
    lastDay: options.lastDay,
    orderRate: options.orderRate ?? 1,
    products: new Weighted(products.map((p) => [p, p.popularity] as const)),
    onlineChannels: new Weighted<OrderChannel>([
      ['tmall', 34],
      ['jd', 16],
      ['douyin', 20],
      ['wechat_mini_program', 24],
      ['website', 6],
    ]),
    itemCounts: new Weighted([
      [1, 55],
      [2, 28],
      [3, 12],
      [4, 5],
    ]),
    statuses: new Weighted<OrderStatus>([
      ['completed', 90],
      ['refunded', 4.5],
      ['cancelled', 3.5],
      ['paid', 2],
    ]),
    stores,
  };
}

/**
 * How many orders a customer places over the window. `rate` > 1 stretches the repeat and loyal
 * buyers' geometric tails (means grow about `rate` times, the distribution stays smooth) and
 * paces them to at most about one order a week of tenure; `rate` 1 is the original draw.
 */
function orderCount(c: GeneratedCustomer, rng: Random, rate: number, tenureDays: number): number {
  const paced = (least: number, n: number) =>
    rate === 1 ? n : Math.max(least, Math.min(n, Math.floor(tenureDays / 7) + 1));
  switch (c.buyer) {
    case 'prospect':
      return 0;
    case 'one_time':
      return 1;
    case 'repeat':
      return paced(2, Math.min(Math.ceil(6 * rate), 2 + rng.geometric(0.5 / rate)));
    case 'loyal':
      return paced(5, Math.min(Math.ceil(MAX_ORDERS * rate), 5 + rng.geometric(0.09 / rate)));
  }
}

/** The orders of one customer over the window, oldest first; the first falls on sign-up day. */
export function generateOrders(
  seed: number,
  c: GeneratedCustomer,
  t: OrderTables,
  calendar: Calendar,
): GeneratedOrder[] {
  const rng = new Random(seed, KIND_ORDERS, c.index);
  const last = t.lastDay ?? calendar.days.length - 1;
  const n = orderCount(c, rng, t.orderRate, last - c.signupDay);
  if (n === 0) return [];
  // order numbers stay unique per customer however many orders a higher rate gives
  const stride = 64 * Math.ceil(t.orderRate);
  const days = [c.signupDay];
  for (let k = 1; k < n; k++) days.push(calendar.orderDay.pickBetween(rng, c.signupDay, last));
  days.sort((a, b) => a - b);
  // Store customers mostly buy in their store; everyone else mostly online.
  const storeShare = c.homeStoreCode ? 0.75 : 0.08;
  const bigSpender = c.incomeBand === '20k_50k' || c.incomeBand === 'gte_50k' || c.buyer === 'loyal';

  const orders: GeneratedOrder[] = [];
  let previousMs = 0;
  for (let k = 0; k < n; k++) {
    const day = days[k];
    const festive = calendar.factor(day) >= 2;
    const inStore = t.stores.length > 0 && rng.chance(storeShare);
    const channel: OrderChannel = inStore ? 'store' : t.onlineChannels.pick(rng);
    const storeCode = inStore
      ? c.homeStoreCode && rng.chance(0.85)
        ? c.homeStoreCode
        : rng.pick(t.stores).code
      : null;
    // Stores open 10:00–22:00; online peaks in the evening.
    const hour = inStore ? rng.int(10, 21) : rng.chance(0.45) ? rng.int(19, 23) : rng.int(0, 23);
    // The first order comes minutes after sign-up (people join when they first buy).
    let placedMs =
      k === 0
        ? Date.parse(c.createdAt) + rng.int(60, 1800) * 1000
        : calendar.midnightMs[day] + (hour * 3600 + rng.int(0, 3599)) * 1000;
    // two orders on one day stay in order
    if (placedMs <= previousMs) placedMs = previousMs + rng.int(600, 7200) * 1000;
    previousMs = placedMs;

    const count = t.itemCounts.pick(rng) + (bigSpender && rng.chance(0.3) ? 1 : 0);
    const items: GeneratedOrderItem[] = [];
    let subtotalFen = 0;
    for (let i = 0; i < count; i++) {
      const p = t.products.pick(rng);
      const quantity = rng.chance(0.85) ? 1 : rng.chance(0.8) ? 2 : 3;
      items.push({ sku: p.sku, quantity, unitPriceFen: p.priceFen, unitPrice: p.price });
      subtotalFen += p.priceFen * quantity;
    }
    // Whole-yuan discounts: deeper and more common on shopping festivals.
    let discountFen = 0;
    if (rng.chance(festive ? 0.6 : 0.2)) {
      const pct = festive ? rng.int(10, 20) : rng.int(5, 10);
      discountFen = Math.floor((subtotalFen * pct) / 100 / 100) * 100;
    }
    const totalFen = subtotalFen - discountFen;
    const status: OrderStatus = day > last - 7 && rng.chance(0.5) ? 'paid' : t.statuses.pick(rng);
    orders.push({
      id: uuidFrom(rng),
      orderNo: `KH${calendar.compactDays[day]}${String(c.index * stride + k).padStart(10, '0')}`,
      customerIndex: c.index,
      customerId: c.id,
      channel,
      storeCode,
      status,
      placedAt: new Date(placedMs).toISOString(),
      items,
      subtotalFen,
      discountFen,
      totalFen,
      subtotal: fenToYuan(subtotalFen),
      discount: fenToYuan(discountFen),
      total: fenToYuan(totalFen),
    });
  }
  return orders;
}
