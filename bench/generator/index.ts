// Deterministic, believable Chinese consumer-business data for the benchmark and the demo.
// Pure functions only: nothing here touches a database or the clock.
import { buildCalendar, type Calendar } from './calendar.ts';
import { generateProducts, generateStores, type GeneratedProduct, type GeneratedStore } from './catalogue.ts';
import { customerTables, generateCustomer, type GeneratedCustomer } from './customers.ts';
import { generateOrders, orderTables, type GeneratedOrder } from './orders.ts';

export { buildCalendar, seasonality, type Calendar } from './calendar.ts';
export { generateProducts, generateStores, type GeneratedProduct, type GeneratedStore } from './catalogue.ts';
export { buyerShares, generateCustomer, type BuyerKind, type Gender, type GeneratedCustomer } from './customers.ts';
export {
  generateOrders,
  type GeneratedOrder,
  type GeneratedOrderItem,
  type OrderChannel,
  type OrderStatus,
} from './orders.ts';
export { fenToYuan, yuanToFen } from './money.ts';
export { Random, Weighted, uuidFrom } from './random.ts';
export { mobilePrefixes } from './data/profile.ts';
export { provinces } from './data/regions.ts';
export { categories } from './data/catalogue.ts';

export type GeneratorOptions = {
  seed: number;
  /** First calendar year of the order history (default 2023). */
  startYear?: number;
  /** Years of order history (default 3). */
  years?: number;
  /** Number of the chain's own stores (default 24). */
  storeCount?: number;
  /**
   * The last day ('YYYY-MM-DD') with sign-ups and orders, inside the window (default its last
   * day): the demo ends its history today, so recent screens have recent data.
   */
  endDate?: string;
  /**
   * Multiplies the order counts of repeat and loyal buyers (default 1; one-time buyers and
   * prospects are unchanged), never beyond about one order a week of the customer's tenure.
   * The demo packs ~10 orders a customer into 5,000 customers with it.
   */
  orderRate?: number;
};

export type DataGenerator = {
  seed: number;
  calendar: Calendar;
  stores: readonly GeneratedStore[];
  products: readonly GeneratedProduct[];
  /** Customer number `index` (0-based); independent of any other. */
  customer(index: number): GeneratedCustomer;
  /** Customers `from` … `from + count - 1`, one at a time (a million never sit in memory). */
  customers(count: number, from?: number): Generator<GeneratedCustomer>;
  /** The orders of one customer, oldest first. */
  ordersOf(customer: GeneratedCustomer): GeneratedOrder[];
  /** Every order of customers `from` … `from + count - 1`, customer by customer. */
  orders(count: number, from?: number): Generator<GeneratedOrder>;
};

export function createGenerator(options: GeneratorOptions): DataGenerator {
  const seed = options.seed >>> 0;
  const calendar = buildCalendar(options.startYear ?? 2023, options.years ?? 3);
  const stores = generateStores(seed, options.storeCount ?? 24);
  const products = generateProducts(seed);
  const lastDay = options.endDate === undefined ? calendar.days.length - 1 : calendar.days.indexOf(options.endDate);
  if (lastDay < 0) throw new RangeError(`endDate ${options.endDate} is outside the calendar`);
  const orderRate = options.orderRate ?? 1;
  if (!(orderRate >= 1 && orderRate <= 16)) throw new RangeError('orderRate must be between 1 and 16');
  const ct = customerTables(stores, calendar, lastDay);
  const ot = orderTables(products, stores, { lastDay, orderRate });
  const customer = (index: number) => generateCustomer(seed, index, ct, calendar);
  const ordersOf = (c: GeneratedCustomer) => generateOrders(seed, c, ot, calendar);
  return {
    seed,
    calendar,
    stores,
    products,
    customer,
    *customers(count, from = 0) {
      for (let i = from; i < from + count; i++) yield customer(i);
    },
    ordersOf,
    *orders(count, from = 0) {
      for (let i = from; i < from + count; i++) yield* ordersOf(customer(i));
    },
  };
}
