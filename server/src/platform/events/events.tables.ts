import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Transactional outbox: a domain event is inserted in the same transaction as the change it
 * describes, so it exists exactly when the change does. A job delivers it afterwards.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: text('type').notNull(), // <entity>.<past tense>: order.created
    payload: jsonb('payload').notNull(),
    customerId: uuid('customer_id'),
    createdAt: timestamp('created_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_pending_idx')
      .on(t.createdAt)
      .where(sql`${t.dispatchedAt} IS NULL`),
  ],
);

/** One row per (subscriber, event) delivered: a redelivered event skips subscribers that have it. */
export const eventDeliveries = pgTable(
  'event_deliveries',
  {
    subscriber: text('subscriber').notNull(),
    eventId: uuid('event_id').notNull(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.subscriber, t.eventId] }), index('event_deliveries_event_idx').on(t.eventId)],
);
