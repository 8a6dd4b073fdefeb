import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { customers } from './customers.tables.ts';

/*
 * Identity resolution: duplicate pairs, merges with their provenance, the identifiers a customer
 * keeps from the records merged into it, and verified identifiers. The reasoning is in
 * docs/decisions/0011-merge.md.
 */

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Two customers that may be one person (`customer_a` < `customer_b`), with the rules that found
 * them. No foreign keys to customers: a merged pair keeps its history after the merged record is
 * deleted, and an undo brings the record back under the same id with its pairs. The list reads
 * pairs joined to customers, so a pair with a missing customer is never shown.
 */
export const customerDuplicates = pgTable(
  'customer_duplicates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerA: uuid('customer_a').notNull(),
    customerB: uuid('customer_b').notNull(),
    /** Rule keys that matched (duplicates.rules.ts), e.g. `{nameBirthdayCity,identifier}`. */
    rules: text('rules').array().notNull(),
    /** The highest score of its rules (0–100). */
    score: integer('score').notNull(),
    /** What the identifier rule matched on (`[{field, lookup}]`: blind indexes, never values). */
    evidence: jsonb('evidence')
      .notNull()
      .default(sql`'{}'::jsonb`),
    status: text('status').notNull().default('open'),
    /**
     * Both records' identifiers (a hash of their blind indexes) when the pair was dismissed: the
     * pair is proposed again only when detection finds it with a different fingerprint.
     */
    fingerprint: text('fingerprint'),
    /** Why an automatic merge rule that matched did not merge it (`verifiedMobilesDiffer`, `consentConflict` …). */
    autoRefusal: text('auto_refusal'),
    detectedAt: at('detected_at').notNull(),
    /** The last detection that found it (a full scan removes open pairs it no longer finds). */
    seenAt: at('seen_at').notNull(),
    decidedAt: at('decided_at'),
    decidedBy: uuid('decided_by'),
    mergeId: uuid('merge_id'),
  },
  (t) => [
    uniqueIndex('customer_duplicates_pair_key').on(t.customerA, t.customerB),
    check('customer_duplicates_order_check', sql`${t.customerA} < ${t.customerB}`),
    check('customer_duplicates_status_check', sql`${t.status} in ('open', 'merged', 'dismissed')`),
    // the review list: open pairs, best first (keyset on score, id)
    index('customer_duplicates_status_idx').on(t.status, t.score.desc(), t.id.desc()),
    index('customer_duplicates_b_idx').on(t.customerB),
  ],
);

/**
 * Customers written by a collector (tracking, forms, webhooks, imports) since the last check:
 * the writer only notes the id (one cheap statement per batch) and `customers.check-duplicates`
 * runs the rules for the whole queue set-based, off the ingestion path.
 */
export const customerDuplicateQueue = pgTable('customer_duplicate_queue', {
  customerId: uuid('customer_id').primaryKey(),
  queuedAt: at('queued_at')
    .notNull()
    .default(sql`now()`),
});

/**
 * One merge and everything needed to undo it: the merged record's full row and stats row as
 * they were (identity tokens stay encrypted, bound to its id, which an undo restores), the
 * survivor's columns before and after, where each surviving value came from, and (in
 * customer_merge_moves) the ids of every row moved.
 */
export const customerMerges = pgTable(
  'customer_merges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    survivorId: uuid('survivor_id').notNull(),
    mergedId: uuid('merged_id').notNull(),
    /** The merged record's name, for the history list. */
    mergedName: text('merged_name').notNull(),
    mergedRow: jsonb('merged_row').notNull(),
    mergedStats: jsonb('merged_stats'),
    /** The survivor's columns the merge changed, before and after (an undo restores those still as the merge left them). */
    survivorBefore: jsonb('survivor_before').notNull(),
    survivorAfter: jsonb('survivor_after').notNull(),
    /** Profile field → `survivor` | `merged`: which record each surviving value came from. */
    fields: jsonb('fields').notNull(),
    tagsAdded: text('tags_added')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Rows moved per table (`{ timeline: 10000, orders: 12 }`); their ids are in customer_merge_moves. */
    moved: jsonb('moved').notNull(),
    /** What an undo restores besides moved rows: consent states, verified identifiers. */
    extras: jsonb('extras')
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** The automatic rule that merged it; null for a person's decision. */
    autoRule: text('auto_rule'),
    mergedBy: uuid('merged_by'),
    mergedAt: at('merged_at').notNull(),
    undoneAt: at('undone_at'),
    undoneBy: uuid('undone_by'),
  },
  (t) => [
    index('customer_merges_survivor_idx').on(t.survivorId, t.mergedAt.desc()),
    index('customer_merges_merged_idx').on(t.mergedId),
    index('customer_merges_at_idx').on(t.mergedAt.desc(), t.id.desc()),
  ],
);

/** The ids of the rows a merge moved, per table, in chunks (a customer may have millions of events). */
export const customerMergeMoves = pgTable(
  'customer_merge_moves',
  {
    mergeId: uuid('merge_id')
      .notNull()
      .references(() => customerMerges.id, { onDelete: 'cascade' }),
    dependent: text('dependent').notNull(),
    chunk: integer('chunk').notNull(),
    rowIds: text('row_ids').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.mergeId, t.dependent, t.chunk] })],
);

/**
 * Identifiers a customer is known by besides its profile's: the values that did not survive a
 * merge (the profile columns hold one value each). Collectors match on them, so data about the
 * merged person keeps arriving at the survivor. `value_enc` is encrypted with its AAD bound to
 * this row; `lookup` is the blind index (the external id itself for `externalId`).
 */
export const customerAliases = pgTable(
  'customer_aliases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    field: text('field').notNull(),
    lookup: text('lookup').notNull(),
    valueEnc: text('value_enc').notNull(),
    mergeId: uuid('merge_id'),
    createdAt: at('created_at')
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    check(
      'customer_aliases_field_check',
      sql`${t.field} in ('mobile', 'email', 'wechatOpenId', 'wechatUnionId', 'idNumber', 'externalId')`,
    ),
    // one holder per identifier, as on the profile; ID numbers have a truncated index (0008) so they repeat
    uniqueIndex('customer_aliases_key')
      .on(t.field, t.lookup)
      .where(sql`${t.field} <> 'idNumber'`),
    index('customer_aliases_lookup_idx').on(t.field, t.lookup),
    index('customer_aliases_customer_idx').on(t.customerId),
  ],
);

/**
 * Identifiers the customer proved to control (a confirmed double opt-in, an SMS code): the
 * minimal notion of "verified" automatic merge rules rely on. Bound to the value (its blind
 * index), so a changed mobile is not verified until proven again.
 */
export const customerVerifiedIdentifiers = pgTable(
  'customer_verified_identifiers',
  {
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    field: text('field').notNull(),
    lookup: text('lookup').notNull(),
    /** How it was proven: `form:<id>` (double opt-in), `sms`, `staff`. */
    source: text('source').notNull(),
    verifiedAt: at('verified_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.field, t.lookup] }),
    check('customer_verified_identifiers_field_check', sql`${t.field} in ('mobile', 'email')`),
    index('customer_verified_identifiers_lookup_idx').on(t.field, t.lookup),
  ],
);

/** One row: which detection rules merge automatically (all off by default). */
export const customerMergeSettings = pgTable(
  'customer_merge_settings',
  {
    id: integer('id').primaryKey().default(1),
    /** `[{ rule, enabled, verifiedOnly }]`, see merge-settings in merge.service.ts. */
    autoRules: jsonb('auto_rules').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: at('updated_at')
      .notNull()
      .default(sql`now()`),
  },
  (t) => [check('customer_merge_settings_single', sql`${t.id} = 1`)],
);
