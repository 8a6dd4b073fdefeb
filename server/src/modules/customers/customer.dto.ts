import { z } from 'zod';
import type { FieldEncryption } from '../../platform/crypto/encryption.service.ts';
import { Money } from '../../platform/http/schemas.ts';
import type { CustomersContext } from './customers.context.ts';
import type { CustomerRow, IdentityEncColumn } from './customers.repository.ts';
import { identityFields, identitySpecs, maskIdentity, openIdentity, type IdentityField } from './identities.ts';

/**
 * What the API shows of a customer (GET /customers/{id}, list items, the 360). Identities are
 * ALWAYS masked here; clear values only come from POST /customers/{id}/reveal (audited) or
 * exports by holders of customers.reveal.
 */
export const Gender = z.enum(['female', 'male', 'unknown']);
export type Gender = z.infer<typeof Gender>;

export const AttributeValue = z.union([z.string(), z.number(), z.array(z.string())]);
export type AttributeValue = z.infer<typeof AttributeValue>;

/** Computed by the scoring module (docs/guide/scoring.md); null until the first scoring. */
export const CustomerScoresDto = z.object({
  rScore: z.number().int().nullable(),
  fScore: z.number().int().nullable(),
  mScore: z.number().int().nullable(),
  rfmClass: z.string().nullable(),
  rfmSegment: z.string().nullable(),
  abcClass: z.string().nullable(),
  valueTier: z.string().nullable(),
  grade: z.string().nullable(),
  lifecycleStage: z.string().nullable(),
  lifecycleSince: z.iso.datetime().nullable(),
  recencyDays: z.number().int().nullable(),
  frequency: z.number().int().nullable(),
  /** Spend in the RFM window (paid − refunded). */
  monetary: Money.nullable(),
  scoredAt: z.iso.datetime().nullable(),
});
export type CustomerScoresDto = z.infer<typeof CustomerScoresDto>;

export const Customer = z.object({
  id: z.string(),
  name: z.string(),
  gender: Gender,
  birthday: z.iso.date().nullable(),
  /** Whole years, in the business's time zone. */
  age: z.number().int().nullable(),
  occupation: z.string().nullable(),
  incomeBand: z.string().nullable(),
  education: z.string().nullable(),
  country: z.string(),
  province: z.string().nullable(),
  city: z.string().nullable(),
  district: z.string().nullable(),
  mobile: z.string().nullable(),
  email: z.string().nullable(),
  wechatOpenId: z.string().nullable(),
  wechatUnionId: z.string().nullable(),
  idNumber: z.string().nullable(),
  address: z.string().nullable(),
  externalId: z.string().nullable(),
  source: z.string().nullable(),
  touchpoint: z.object({ id: z.string(), name: z.string(), type: z.string() }).nullable(),
  owner: z.object({ id: z.string(), name: z.string() }).nullable(),
  tags: z.array(z.string()),
  attributes: z.record(z.string(), AttributeValue),
  orderCount: z.number().int(),
  totalSpent: Money,
  averageOrderValue: Money,
  firstOrderAt: z.iso.datetime().nullable(),
  lastOrderAt: z.iso.datetime().nullable(),
  lastSeenAt: z.iso.datetime().nullable(),
  /** RFM, ABC, value tier, grade, lifecycle stage (the scoring module); null until first scored. */
  scores: CustomerScoresDto.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Customer = z.infer<typeof Customer>;

/** What mapping rows to DTOs needs besides the rows: the key ring, today's date, owner names. */
export type CustomerView = {
  crypto: FieldEncryption;
  /** Today in the business's time zone (YYYY-MM-DD), for ages. */
  today: string;
  ownerNames: ReadonlyMap<string, string>;
};

/** YYYY-MM-DD of `at` in `timeZone`. */
export function dateIn(timeZone: string, at: Date): string {
  // en-CA formats as YYYY-MM-DD
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Completed years between a birthday and today (both YYYY-MM-DD); a 29 Feb birthday counts from 1 Mar. */
export function ageOn(birthday: string, today: string): number {
  const [by, bm, bd] = birthday.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  const hadBirthday = tm > bm || (tm === bm && td >= bd);
  return ty - by - (hadBirthday ? 0 : 1);
}

/**
 * Builds the view for a batch of rows. Reads settings and staff names through the module's
 * context (outside any transaction: on PGlite never call this inside `db.transaction`).
 */
export async function customerViewFor(
  ctx: Pick<CustomersContext, 'crypto' | 'settings' | 'now' | 'userNames'>,
  rows: readonly Pick<CustomerRow, 'owner_id'>[],
): Promise<CustomerView> {
  const ownerIds = [...new Set(rows.map((r) => r.owner_id).filter((id): id is string => !!id))];
  const [timeZone, ownerNames] = await Promise.all([
    ctx.settings.timeZone(),
    ownerIds.length ? ctx.userNames(ownerIds) : Promise.resolve(new Map<string, string>()),
  ]);
  return { crypto: ctx.crypto, today: dateIn(timeZone, ctx.now()), ownerNames };
}

const MASKED_UNREADABLE = '****';

function maskedIdentity(crypto: FieldEncryption, field: IdentityField, enc: string | null, id: string): string | null {
  if (!enc) return null;
  try {
    return maskIdentity(field, openIdentity(crypto, field, enc, id));
  } catch {
    // a token that no longer decrypts (tampered, copied, unknown key) still shows that a value exists
    return MASKED_UNREADABLE;
  }
}

/** The row key holding a field's token (`wechat_open_id_enc`). */
export function encColumn(field: IdentityField): IdentityEncColumn {
  return `${identitySpecs[field].column}_enc` as IdentityEncColumn;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** One row of `customerColumnsSql` → the API's Customer (identities decrypted, then masked). */
export function toCustomer(row: CustomerRow, view: CustomerView): Customer {
  const identities = Object.fromEntries(
    identityFields.map((f) => [f, maskedIdentity(view.crypto, f, row[encColumn(f)], row.id)]),
  ) as Record<IdentityField, string | null>;
  return {
    id: row.id,
    name: row.name,
    gender: row.gender,
    birthday: row.birthday,
    age: row.birthday ? ageOn(row.birthday, view.today) : null,
    occupation: row.occupation,
    incomeBand: row.income_band,
    education: row.education,
    country: row.country,
    province: row.province,
    city: row.city,
    district: row.district,
    ...identities,
    externalId: row.external_id,
    source: row.source,
    touchpoint: row.touchpoint_id
      ? { id: row.touchpoint_id, name: row.touchpoint_name ?? '', type: row.touchpoint_type ?? 'other' }
      : null,
    owner: row.owner_id ? { id: row.owner_id, name: view.ownerNames.get(row.owner_id) ?? '' } : null,
    tags: row.tags,
    attributes: row.attributes,
    orderCount: row.order_count,
    totalSpent: row.total_spent,
    averageOrderValue: row.average_order_value,
    firstOrderAt: iso(row.first_order_at),
    lastOrderAt: iso(row.last_order_at),
    lastSeenAt: iso(row.last_seen_at),
    scores: row.scores,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Rows → Customers in one go (loads the view once for the batch). */
export async function toCustomers(
  ctx: Pick<CustomersContext, 'crypto' | 'settings' | 'now' | 'userNames'>,
  rows: readonly CustomerRow[],
): Promise<Customer[]> {
  const view = await customerViewFor(ctx, rows);
  return rows.map((r) => toCustomer(r, view));
}
