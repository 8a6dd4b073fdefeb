import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The scoring models' settings, one row per model (`rfm`, `abc`, `lifecycle`, `valueTiers`,
 * `grades`), validated by the scoring service; a missing row means the defaults.
 */
export const scoringSettings = pgTable('scoring_settings', {
  model: text('model').primaryKey(),
  value: jsonb('value').notNull(),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`),
});

/** Lifecycle stage history: one row per transition (the first scoring writes from = null). */
export const lifecycleChanges = pgTable(
  'lifecycle_changes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    customerId: uuid('customer_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    fromStage: text('from_stage'),
    toStage: text('to_stage').notNull(),
  },
  (t) => [
    index('lifecycle_changes_customer_idx').on(t.customerId, t.at.desc().nullsFirst()),
    index('lifecycle_changes_at_idx').on(t.at),
  ],
);
