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
  const ct = customerTables(stores, calendar);
  const ot = orderTables(products, stores);
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
