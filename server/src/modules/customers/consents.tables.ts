import { sql } from 'drizzle-orm';
import { bigint, check, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { customers } from './customers.tables.ts';

const consentStatusCheck = (column: unknown) => sql`${column} in ('granted', 'withdrawn', 'pending')`;

/**
 * Consent history (同意记录, SPEC M7): one append-only row per thing a customer agreed to or
 * withdrew, with the policy text they saw and where it happened, so the business can show
 * what was agreed, when, and how. Never updated; the current state is `customer_consent_state`.
 */
export const customerConsents = pgTable(
  'customer_consents',
  {
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    /** marketing | newsletter | service | profiling | third_party | privacy_policy */
    purpose: text('purpose').notNull(),
    /** email | sms | wechat | phone | any */
    channel: text('channel').notNull(),
    /** pending: granted on a form with double opt-in, not yet confirmed (counts as not granted). */
    status: text('status').notNull(),
    /** Where it was given: `form:<id>`, `staff`, `import:<id>` … */
    source: text('source').notNull(),
    policyText: text('policy_text'),
    policyVersion: text('policy_version'),
    /** How it can be proven: a keyed hash of the address, the user agent, the submission. Never a raw IP. */
    evidence: jsonb('evidence')
      .notNull()
      .default(sql`'{}'::jsonb`),
    actorId: uuid('actor_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    // customer first, so a customer's rows stay together when the table is distributed
    primaryKey({ name: 'customer_consents_pkey', columns: [t.customerId, t.id] }),
    check('customer_consents_status_check', consentStatusCheck(t.status)),
    index('customer_consents_customer_idx').on(t.customerId, t.at.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

/**
 * The current consent per customer, purpose and channel: the latest history row's outcome, kept
 * in the same transaction. Segments filter on it ("may receive email marketing") without
 * reading the history.
 */
export const customerConsentState = pgTable(
  'customer_consent_state',
  {
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    purpose: text('purpose').notNull(),
    channel: text('channel').notNull(),
    status: text('status').notNull(),
    source: text('source').notNull(),
    policyVersion: text('policy_version'),
    /** When the deciding row happened; an older row recorded later (an import) does not override it. */
    at: timestamp('at', { withTimezone: true }).notNull(),
    consentId: bigint('consent_id', { mode: 'number' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    primaryKey({ name: 'customer_consent_state_pkey', columns: [t.customerId, t.purpose, t.channel] }),
    check('customer_consent_state_status_check', consentStatusCheck(t.status)),
    index('customer_consent_state_filter_idx').on(t.purpose, t.channel, t.status, t.customerId),
  ],
);
