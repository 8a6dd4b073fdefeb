import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const at = (name: string) =>
  timestamp(name, { withTimezone: true })
    .notNull()
    .default(sql`now()`);

/**
 * A segment (客户细分): dynamic ones keep their members current from `rule` (the versioned rule
 * format, docs/api/segment-rules.md); static ones are snapshots (from a rule, a list upload or by
 * hand) whose members change only when a user changes them.
 */
export const segments = pgTable(
  'segments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description'),
    kind: text('kind').notNull(), // dynamic | static
    rule: jsonb('rule'), // { version: 1, root: … }; null for a static segment built by hand or upload
    memberCount: integer('member_count').notNull().default(0),
    refreshedAt: timestamp('refreshed_at', { withTimezone: true }),
    // the latest refresh job: queued | running | done | failed, and how far it got (0–1)
    refreshStatus: text('refresh_status'),
    refreshProgress: real('refresh_progress'),
    createdBy: uuid('created_by'),
    createdAt: at('created_at'),
    updatedAt: at('updated_at'),
  },
  (t) => [check('segments_kind_check', sql`${t.kind} in ('dynamic', 'static')`)],
);

/** Current members; `(customer_id)` answers "which segments is this customer in" for the 360. */
export const segmentMembers = pgTable(
  'segment_members',
  {
    segmentId: uuid('segment_id')
      .notNull()
      .references(() => segments.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').notNull(),
    enteredAt: at('entered_at'),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.customerId] }), index('segment_members_customer_idx').on(t.customerId)],
);

/** Entry/exit history, append-only: one row per customer entering or leaving a segment. */
export const segmentMemberChanges = pgTable(
  'segment_member_changes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    segmentId: uuid('segment_id')
      .notNull()
      .references(() => segments.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').notNull(),
    at: at('at'),
    kind: text('kind').notNull(), // entered | exited
  },
  (t) => [
    check('segment_member_changes_kind_check', sql`${t.kind} in ('entered', 'exited')`),
    index('segment_member_changes_segment_idx').on(t.segmentId, t.at.desc().nullsFirst()),
    index('segment_member_changes_customer_idx').on(t.customerId, t.at.desc().nullsFirst()),
  ],
);

/** Size per business day (the last refresh of the day wins), for the size-over-time chart. */
export const segmentSizes = pgTable(
  'segment_sizes',
  {
    segmentId: uuid('segment_id')
      .notNull()
      .references(() => segments.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    size: integer('size').notNull(),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.day] })],
);

/**
 * Customers whose orders changed since the last incremental pass: event listeners only insert
 * here (one row per customer, however many events), and one short job drains it, so a burst of
 * orders shares one re-evaluation instead of a job per order.
 */
export const segmentReevaluateQueue = pgTable('segment_reevaluate_queue', {
  customerId: uuid('customer_id').primaryKey(),
  queuedAt: at('queued_at'),
});
