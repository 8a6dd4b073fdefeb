import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../staff/staff.tables.ts';

const createdAt = () =>
  timestamp('created_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`);
const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`);

/**
 * The touchpoint registry (触点): where customers meet the business, online (website, WeChat
 * official account, mini program, e-commerce store, email) and offline (each store,
 * after-sales, events). A reference table: customers, orders and activities point at it.
 */
export const touchpoints = pgTable(
  'touchpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Short code feeds and imports use to name it (a POS store number, `tmall`). */
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    province: text('province'),
    city: text('city'),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('touchpoints_type_idx').on(t.type)],
);

/**
 * One row per consumer. Direct identifiers live only as `*_enc` (AES-GCM token, platform field
 * encryption) beside a keyed blind index `*_bidx` for exact lookup; see
 * docs/decisions/0008-customer-identifiers.md for which indexes are truncated and why.
 */
export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** The name was made up from an identifier (a collector knew no name): filling empty fields may replace it. */
    namePlaceholder: boolean('name_placeholder').notNull().default(false),
    /** What a name search matches through a GIN index: CJK uni/bigrams and pinyin-initial prefixes. */
    nameTerms: text('name_terms')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    gender: text('gender').notNull().default('unknown'),
    birthday: date('birthday'),
    occupation: text('occupation'),
    incomeBand: text('income_band'),
    education: text('education'),
    country: text('country').notNull().default('CN'),
    province: text('province'),
    city: text('city'),
    district: text('district'),
    mobileEnc: text('mobile_enc'),
    mobileBidx: text('mobile_bidx'),
    emailEnc: text('email_enc'),
    emailBidx: text('email_bidx'),
    wechatOpenIdEnc: text('wechat_open_id_enc'),
    wechatOpenIdBidx: text('wechat_open_id_bidx'),
    wechatUnionIdEnc: text('wechat_union_id_enc'),
    wechatUnionIdBidx: text('wechat_union_id_bidx'),
    idNumberEnc: text('id_number_enc'),
    idNumberBidx: text('id_number_bidx'),
    addressEnc: text('address_enc'),
    externalId: text('external_id'),
    source: text('source'),
    touchpointId: uuid('touchpoint_id').references(() => touchpoints.id),
    ownerId: uuid('owner_id').references(() => users.id),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    attributes: jsonb('attributes')
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('customers_gender_check', sql`${t.gender} in ('female', 'male', 'unknown')`),
    index('customers_created_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('customers_name_prefix_idx').using('btree', sql`${t.name} text_pattern_ops`),
    index('customers_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
    index('customers_name_terms_idx').using('gin', t.nameTerms),
    uniqueIndex('customers_mobile_bidx_key').on(t.mobileBidx),
    uniqueIndex('customers_email_bidx_key').on(t.emailBidx),
    uniqueIndex('customers_wechat_open_id_bidx_key').on(t.wechatOpenIdBidx),
    uniqueIndex('customers_wechat_union_id_bidx_key').on(t.wechatUnionIdBidx),
    index('customers_id_number_bidx_idx').on(t.idNumberBidx),
    uniqueIndex('customers_external_id_key').on(t.externalId),
    index('customers_region_idx').on(t.province, t.city),
    // a province filter under the default sort reads only that province's newest customers (bench: 8,159 → 654 rows)
    index('customers_province_created_idx').on(t.province, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('customers_birthday_idx').on(t.birthday),
    // duplicate detection: same name and birthday (merge.tables.ts, docs/decisions/0011-merge.md)
    index('customers_name_birthday_idx')
      .on(t.name, t.birthday)
      .where(sql`${t.birthday} is not null`),
    index('customers_owner_idx').on(t.ownerId),
    index('customers_touchpoint_idx').on(t.touchpointId),
    index('customers_source_idx').on(t.source),
    index('customers_tags_idx').using('gin', t.tags),
    index('customers_attributes_idx').using('gin', sql`${t.attributes} jsonb_path_ops`),
  ],
);

/**
 * Identifiers that are not profile columns: the id a shop, a POS or the tracking API's `userId`
 * gives a person (`external`) and membership card numbers (`memberCard`), each within a
 * namespace (`shopify:my-shop.myshopify.com`, `tracking`, `pos`). One customer may hold many;
 * one identifier belongs to one customer. Opaque ids, not direct personal data, so stored plain.
 */
export const customerIdentities = pgTable(
  'customer_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    namespace: text('namespace').notNull(),
    value: text('value').notNull(),
    /** Which collector linked it (`tracking`, `import`, `shopify`, a merge). */
    source: text('source'),
    createdAt: createdAt(),
  },
  (t) => [
    check('customer_identities_kind_check', sql`${t.kind} in ('external', 'memberCard')`),
    uniqueIndex('customer_identities_key').on(t.kind, t.namespace, t.value),
    index('customer_identities_customer_idx').on(t.customerId),
  ],
);

/**
 * Per-customer aggregates (ARCHITECTURE: one row per customer, read by lists and segments
 * instead of scanning orders). Created with the customer; order changes update it in their
 * own transaction; `customers.recompute-stats` rebuilds it in bulk. Later modules add RFM,
 * ABC, value tier and lifecycle columns here.
 */
export const customerStats = pgTable(
  'customer_stats',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id, { onDelete: 'cascade' }),
    orderCount: integer('order_count').notNull().default(0),
    totalSpent: numeric('total_spent', { precision: 14, scale: 2 }).notNull().default('0'),
    averageOrderValue: numeric('average_order_value', { precision: 14, scale: 2 }).notNull().default('0'),
    firstOrderAt: timestamp('first_order_at', { withTimezone: true }),
    lastOrderAt: timestamp('last_order_at', { withTimezone: true }),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    // Computed by the scoring module (RFM over its window, ABC, value tier, grade, lifecycle),
    // written only through the customers face; null until the first scoring.
    rfmRecencyDays: integer('rfm_recency_days'),
    rfmFrequency: integer('rfm_frequency'),
    rfmMonetary: numeric('rfm_monetary', { precision: 14, scale: 2 }),
    rScore: smallint('r_score'),
    fScore: smallint('f_score'),
    mScore: smallint('m_score'),
    rfmClass: text('rfm_class'), // the Chinese eight: important_value … general_retain
    rfmSegment: text('rfm_segment'), // the English eleven: champions … lost
    abcClass: text('abc_class'), // A | B | C (null: no revenue in the window)
    valueTier: text('value_tier'), // high | medium | low
    grade: text('grade'), // vip | active | potential | dormant
    lifecycleStage: text('lifecycle_stage'), // prospect | new | active | loyal | dormant | churned
    lifecycleSince: timestamp('lifecycle_since', { withTimezone: true }),
    scoredAt: timestamp('scored_at', { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('customer_stats_rfm_idx').on(t.rScore, t.fScore, t.mScore),
    index('customer_stats_rfm_class_idx').on(t.rfmClass),
    index('customer_stats_rfm_segment_idx').on(t.rfmSegment),
    index('customer_stats_abc_idx').on(t.abcClass),
    index('customer_stats_value_tier_idx').on(t.valueTier),
    index('customer_stats_grade_idx').on(t.grade),
    index('customer_stats_lifecycle_idx').on(t.lifecycleStage),
    index('customer_stats_spent_idx').on(t.totalSpent.desc().nullsFirst(), t.customerId.desc().nullsFirst()),
    index('customer_stats_count_idx').on(t.orderCount.desc().nullsFirst(), t.customerId.desc().nullsFirst()),
    // keyset over "last order, newest first" with never-ordered customers last
    index('customer_stats_last_order_idx').on(
      sql`coalesce(${t.lastOrderAt}, '-infinity'::timestamptz) desc`,
      t.customerId.desc().nullsFirst(),
    ),
  ],
);

/**
 * Custom attributes (自定义字段) an administrator defines; values live in
 * `customers.attributes` under `key`. `options` lists the choices of choice types.
 */
export const customerAttributeDefinitions = pgTable('customer_attribute_definitions', {
  id: uuid('id').primaryKey().defaultRandom(),
  key: text('key').notNull().unique(),
  label: text('label').notNull(),
  description: text('description'),
  type: text('type').notNull(), // text | number | date | choice | multi_choice
  options: jsonb('options')
    .notNull()
    .default(sql`'[]'::jsonb`),
  isRequired: boolean('is_required').notNull().default(false),
  sortOrder: integer('sort_order').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** The business's tag vocabulary, so pickers can offer existing tags; customers carry names in `tags`. */
export const customerTags = pgTable('customer_tags', {
  name: text('name').primaryKey(),
  color: text('color'),
  createdAt: createdAt(),
});

/**
 * The timeline (ARCHITECTURE): one append-only row per thing that happened to a customer,
 * written by any module through the customers face, so the Customer 360 is one indexed read.
 * `summary` holds the parameters the screens translate (`kind` picks the sentence).
 */
export const activities = pgTable(
  'activities',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    kind: text('kind').notNull(), // order.created, order.refunded, profile.updated, note.added, tag.added …
    module: text('module').notNull(),
    ref: text('ref'),
    touchpointId: uuid('touchpoint_id').references(() => touchpoints.id),
    actorId: uuid('actor_id'),
    summary: jsonb('summary')
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    index('activities_customer_idx').on(t.customerId, t.at.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('activities_customer_kind_idx').on(t.customerId, t.kind, t.at.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('activities_touchpoint_idx').on(t.touchpointId, t.at),
  ],
);

/** Exports of the customer list: a background job writes the file, the user downloads it once done. */
export const customerExports = pgTable(
  'customer_exports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestedBy: uuid('requested_by').notNull(),
    format: text('format').notNull(), // csv | xlsx
    query: jsonb('query').notNull(),
    columns: text('columns').array().notNull(),
    isMasked: boolean('is_masked').notNull(),
    status: text('status').notNull().default('queued'), // queued | running | done | failed
    rowCount: integer('row_count').notNull().default(0),
    totalRows: integer('total_rows'),
    fileName: text('file_name'),
    error: text('error'),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('customer_exports_requested_idx').on(t.requestedBy, t.createdAt.desc().nullsFirst())],
);
