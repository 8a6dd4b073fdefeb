import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { customers, touchpoints } from '../customers/customers.tables.ts';

const money = (name: string) => numeric(name, { precision: 14, scale: 2 });

/** The product category tree (母婴 › 奶粉 …). A reference table. */
export const productCategories = pgTable(
  'product_categories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    parentId: uuid('parent_id'),
    sortOrder: integer('sort_order').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    foreignKey({ columns: [t.parentId], foreignColumns: [t.id] }),
    unique('product_categories_parent_name_key').on(t.parentId, t.name).nullsNotDistinct(),
  ],
);

/** Products by SKU. An order line with an unknown SKU creates one from the line's name and price. */
export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sku: text('sku').notNull().unique(),
    name: text('name').notNull(),
    categoryId: uuid('category_id').references(() => productCategories.id),
    price: money('price').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    index('products_category_idx').on(t.categoryId),
    index('products_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  ],
);

/**
 * Orders from any source (POS, shops, the API). `(source, external_id)` makes ingestion
 * idempotent: a retried POST finds the order it created. Amounts: subtotal = Σ lines,
 * paid = subtotal − discount; refunds accumulate in `refunded_amount`.
 */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    storeId: uuid('store_id').references(() => touchpoints.id),
    status: text('status').notNull(), // paid | cancelled | refunded | partially_refunded
    subtotal: money('subtotal').notNull(),
    discount: money('discount').notNull().default('0'),
    paidAmount: money('paid_amount').notNull(),
    refundedAmount: money('refunded_amount').notNull().default('0'),
    placedAt: timestamp('placed_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    unique('orders_source_external_id_key').on(t.source, t.externalId),
    check('orders_status_check', sql`${t.status} in ('paid', 'cancelled', 'refunded', 'partially_refunded')`),
    index('orders_customer_idx').on(t.customerId, t.placedAt.desc().nullsFirst()),
    index('orders_placed_idx').on(t.placedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('orders_store_idx').on(t.storeId, t.placedAt),
  ],
);

export const orderItems = pgTable(
  'order_items',
  {
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    customerId: uuid('customer_id').notNull(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    quantity: integer('quantity').notNull(),
    price: money('price').notNull(),
    amount: money('amount').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] }), index('order_items_product_idx').on(t.productId)],
);

/** Every change to an order (created, cancelled, refunded …), oldest first: the order's history. */
export const orderChanges = pgTable(
  'order_changes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    kind: text('kind').notNull(), // created | cancelled | refunded | partially_refunded
    amount: money('amount'),
    reason: text('reason'),
    actorId: uuid('actor_id'),
  },
  (t) => [index('order_changes_order_idx').on(t.orderId, t.at)],
);

/**
 * Per-customer daily order rollup (one narrow row per customer and business-time-zone day with
 * orders), kept current in the same transaction as every order change. Segments' behaviour
 * windows ("≥ 2 orders in the last 30 days") and RFM read it instead of scanning `orders`.
 * Counts orders that are not cancelled and not fully refunded; `amount` = paid − refunded.
 */
export const orderDays = pgTable(
  'order_days',
  {
    customerId: uuid('customer_id').notNull(),
    day: date('day').notNull(),
    orderCount: integer('order_count').notNull().default(0),
    amount: money('amount').notNull().default('0'),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.day] }),
    // windows scan a day range and group by customer: an index-only scan
    index('order_days_day_idx').on(t.day, t.customerId, t.orderCount, t.amount),
  ],
);
