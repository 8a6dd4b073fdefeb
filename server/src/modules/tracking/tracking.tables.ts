import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { touchpoints } from '../customers/customers.tables.ts';

/*
 * The `events` table itself is partitioned by month on `timestamp`, which drizzle cannot
 * express: it is created by the hand-written migration `*_tracking_events.sql` and is not
 * defined here (so drizzle-kit never tries to recreate or drop it).
 */

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A place that sends tracking events (a website, an app, a mini program, a server) with its
 * own write keys. A reference table: small, read on every tracking request (through a cache).
 */
export const trackingSources = pgTable(
  'tracking_sources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    touchpointId: uuid('touchpoint_id').references(() => touchpoints.id),
    /** Events per second this source may send on average (a runaway client gets 429s, not the others). */
    rateLimit: integer('rate_limit').notNull().default(20000),
    status: text('status').notNull().default('active'),
    createdBy: uuid('created_by'),
    createdAt: at('created_at')
      .notNull()
      .default(sql`now()`),
    updatedAt: at('updated_at')
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    check('tracking_sources_type_check', sql`${t.type} in ('website', 'app', 'miniprogram', 'server')`),
    check('tracking_sources_status_check', sql`${t.status} in ('active', 'disabled')`),
  ],
);

/**
 * Write keys: only a SHA-256 of the secret is kept (shown once, like API keys), looked up by
 * its public prefix and compared in constant time. Rotation keeps the old key working until
 * `expires_at` so deployed SDKs can be updated.
 */
export const trackingWriteKeys = pgTable(
  'tracking_write_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sourceId: uuid('source_id')
      .notNull()
      .references(() => trackingSources.id, { onDelete: 'cascade' }),
    prefix: text('prefix').notNull().unique(),
    secretHash: text('secret_hash').notNull(),
    createdAt: at('created_at')
      .notNull()
      .default(sql`now()`),
    expiresAt: at('expires_at'),
    revokedAt: at('revoked_at'),
  },
  (t) => [index('tracking_write_keys_source_idx').on(t.sourceId)],
);

/**
 * messageIds already accepted, per source: the de-duplication window. A unique index on the
 * partitioned `events` would have to include the partition key (the event's time), which a
 * replay with another timestamp would slip past; this table is keyed by the id alone and is
 * pruned after 48 hours by `tracking.prune`.
 */
export const trackingMessageIds = pgTable(
  'event_message_ids',
  {
    sourceId: uuid('source_id').notNull(),
    messageId: text('message_id').notNull(),
    receivedAt: at('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.messageId] }), index('event_message_ids_received_idx').on(t.receivedAt)],
);

/**
 * A browser or device known only by its anonymousId. Not a customer: it becomes part of one
 * when an identify or alias ties it to a user (`customer_id`), and from then on its events
 * (earlier and later) carry that customer.
 */
export const anonymousProfiles = pgTable(
  'anonymous_profiles',
  {
    anonymousId: text('anonymous_id').primaryKey(),
    customerId: uuid('customer_id'),
    /** The tracking userId that tied it to the customer (an alias from this device follows it). */
    userId: text('user_id'),
    firstSourceId: uuid('first_source_id'),
    firstSeenAt: at('first_seen_at').notNull(),
    lastSeenAt: at('last_seen_at').notNull(),
    eventCount: bigint('event_count', { mode: 'number' }).notNull().default(0),
    /** Traits of identify calls made before the person was known (kept, never matched on). */
    traits: jsonb('traits')
      .notNull()
      .default(sql`'{}'::jsonb`),
    stitchedAt: at('stitched_at'),
  },
  (t) => [index('anonymous_profiles_customer_idx').on(t.customerId)],
);

/** Events refused one by one (and whole requests refused for a known source), for the live debugger. */
export const trackingRefusals = pgTable(
  'tracking_refusals',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    sourceId: uuid('source_id')
      .notNull()
      .references(() => trackingSources.id, { onDelete: 'cascade' }),
    receivedAt: at('received_at').notNull(),
    type: text('type'),
    messageId: text('message_id'),
    event: text('event'),
    field: text('field'),
    reason: text('reason').notNull(),
  },
  (t) => [index('tracking_refusals_source_idx').on(t.sourceId, t.receivedAt)],
);

/**
 * The first page or screen view of a customer per source and business day: the timeline gets
 * one "visited" row for it instead of one row per page view (see docs/guide/tracking.md).
 */
export const trackingVisits = pgTable(
  'tracking_visits',
  {
    customerId: uuid('customer_id').notNull(),
    sourceId: uuid('source_id').notNull(),
    day: date('day').notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.day, t.sourceId] })],
);

/** One row: how identify traits become profile fields, and what a match may change. */
export const trackingSettings = pgTable(
  'tracking_settings',
  {
    id: integer('id').primaryKey().default(1),
    traitMapping: jsonb('trait_mapping').notNull(),
    onMatch: text('on_match').notNull().default('fillEmpty'),
    updatedAt: at('updated_at')
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    check('tracking_settings_single', sql`${t.id} = 1`),
    check('tracking_settings_on_match_check', sql`${t.onMatch} in ('skip', 'fillEmpty', 'overwrite')`),
  ],
);
