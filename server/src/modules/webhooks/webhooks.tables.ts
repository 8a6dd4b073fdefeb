import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { touchpoints } from '../customers/customers.tables.ts';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A shop that sends Kehu webhooks: a Shopify store (its webhook signing secret) or any other
 * system speaking Kehu's generic signed JSON (a secret Kehu generated). The secret is needed in
 * clear to compute HMACs, so it is stored encrypted with the field encryption (bound to the row)
 * rather than hashed. `source` names the shop on its orders (`orders.source`) and namespaces the
 * shop's customer ids; it never changes, so re-sent orders keep matching.
 */
export const webhookConnections = pgTable(
  'webhook_connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    shopDomain: text('shop_domain'),
    source: text('source').notNull().unique(),
    secretEnc: text('secret_enc').notNull(),
    touchpointId: uuid('touchpoint_id').references(() => touchpoints.id),
    /** Deliveries refused for a bad signature: counted here, not logged row by row (anyone can send them). */
    rejectedCount: integer('rejected_count').notNull().default(0),
    lastRejectedAt: at('last_rejected_at'),
    createdBy: uuid('created_by'),
    createdAt: at('created_at')
      .notNull()
      .default(sql`now()`),
    updatedAt: at('updated_at')
      .notNull()
      .default(sql`now()`),
  },
  (t) => [check('webhook_connections_kind_check', sql`${t.kind} in ('shopify', 'generic')`)],
);

/**
 * One row per signed delivery (per sender's webhook / delivery id): the idempotency record and
 * the log the screen shows. Written in the same transaction as the delivery's effects; a failed
 * delivery is recorded on its own afterwards and processed again when the sender retries it.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => webhookConnections.id, { onDelete: 'cascade' }),
    webhookId: text('webhook_id').notNull(),
    topic: text('topic').notNull(),
    outcome: text('outcome').notNull(),
    /** Why it was ignored or failed, as a message code and parameters (translated when read). */
    detail: jsonb('detail'),
    /** The shop's id of what the delivery was about (order, refund or customer id). */
    externalRef: text('external_ref'),
    customerId: uuid('customer_id'),
    orderId: uuid('order_id'),
    attempts: integer('attempts').notNull().default(1),
    replays: integer('replays').notNull().default(0),
    receivedAt: at('received_at').notNull(),
    lastReceivedAt: at('last_received_at').notNull(),
  },
  (t) => [
    check('webhook_deliveries_outcome_check', sql`${t.outcome} in ('processed', 'duplicate', 'ignored', 'failed')`),
    uniqueIndex('webhook_deliveries_webhook_key').on(t.connectionId, t.webhookId),
    index('webhook_deliveries_log_idx').on(t.connectionId, t.receivedAt.desc(), t.id.desc()),
    index('webhook_deliveries_customer_idx').on(t.customerId),
  ],
);

/**
 * Refunds already applied, by the shop's refund id: a refund reaches Kehu through
 * `refunds/create` and again inside `orders/updated` (and through retries), and must count once.
 * Keyed by the connection's `source`, so it survives deleting and re-creating a connection.
 */
export const webhookRefunds = pgTable(
  'webhook_refunds',
  {
    source: text('source').notNull(),
    refundId: text('refund_id').notNull(),
    orderId: uuid('order_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
    createdAt: at('created_at')
      .notNull()
      .default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.source, t.refundId] }), index('webhook_refunds_customer_idx').on(t.customerId)],
);
