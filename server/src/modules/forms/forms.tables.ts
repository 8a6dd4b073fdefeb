import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customers.tables.ts';

const createdAt = () =>
  timestamp('created_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`);

/**
 * Sign-up and subscription forms (表单). `definition` holds what the builder edits (texts in
 * both languages, fields, consent checkboxes); a published form is served at `/f/<slug>`.
 * The counters are kept in the submission's transaction so the list needs no scan.
 */
export const forms = pgTable(
  'forms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    /** draft | published | closed */
    status: text('status').notNull().default('draft'),
    /** The language the public page speaks by default (zh-CN | en). */
    language: text('language').notNull().default('zh-CN'),
    definition: jsonb('definition').notNull(),
    doubleOptIn: boolean('double_opt_in').notNull().default(false),
    /** A touchpoint (customers module); checked through its face, no foreign key across modules. */
    touchpointId: uuid('touchpoint_id'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    submissionCount: integer('submission_count').notNull().default(0),
    confirmedCount: integer('confirmed_count').notNull().default(0),
    /** Submissions the honeypot caught (answered as if accepted, not stored). */
    blockedCount: integer('blocked_count').notNull().default(0),
    lastSubmissionAt: timestamp('last_submission_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [
    check('forms_status_check', sql`${t.status} in ('draft', 'published', 'closed')`),
    check('forms_language_check', sql`${t.language} in ('zh-CN', 'en')`),
    index('forms_created_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

/**
 * What each accepted submission said. The answers hold personal data, so they are one encrypted
 * token (bound to the row); the address is a keyed hash, never the raw IP.
 */
export const formSubmissions = pgTable(
  'form_submissions',
  {
    id: uuid('id').primaryKey(),
    formId: uuid('form_id')
      .notNull()
      .references(() => forms.id, { onDelete: 'cascade' }),
    // deleting a customer deletes their submissions first (a face dependent), so no cascade here
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    /** received (no double opt-in needed) | pending (awaiting the email confirmation) | confirmed */
    status: text('status').notNull(),
    /** created | updated | unchanged: what the submission did to the customer. */
    outcome: text('outcome').notNull(),
    answersEnc: text('answers_enc').notNull(),
    /** The consent boxes ticked, with the words shown (purpose, channel, text, version, pending). */
    consents: jsonb('consents')
      .notNull()
      .default(sql`'[]'::jsonb`),
    locale: text('locale').notNull(),
    ipHash: text('ip_hash'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  },
  (t) => [
    check('form_submissions_status_check', sql`${t.status} in ('received', 'pending', 'confirmed')`),
    index('form_submissions_form_idx').on(t.formId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('form_submissions_customer_idx').on(t.customerId),
  ],
);
