import type { Queryable } from '../../platform/db/db.ts';
import { pgErrorCode } from '../../platform/db/db.ts';
import type { UniqueField } from './customers.errors.ts';

/** SQL for customers, their stats row and the custom attribute definitions, and nothing else. */

export type IdentityEncColumn =
  'mobile_enc' | 'email_enc' | 'wechat_open_id_enc' | 'wechat_union_id_enc' | 'id_number_enc' | 'address_enc';

/** One row of `customerColumnsSql` (a customer with its stats and touchpoint). */
export type CustomerRow = {
  id: string;
  name: string;
  name_placeholder: boolean;
  gender: 'female' | 'male' | 'unknown';
  birthday: string | null;
  occupation: string | null;
  income_band: string | null;
  education: string | null;
  country: string;
  province: string | null;
  city: string | null;
  district: string | null;
  external_id: string | null;
  source: string | null;
  touchpoint_id: string | null;
  touchpoint_name: string | null;
  touchpoint_type: string | null;
  owner_id: string | null;
  tags: string[];
  attributes: Record<string, string | number | string[]>;
  created_at: Date;
  updated_at: Date;
  order_count: number;
  total_spent: string;
  average_order_value: string;
  first_order_at: Date | null;
  last_order_at: Date | null;
  last_seen_at: Date | null;
  /** The scoring columns as the API's `scores` (built in SQL), null until first scored. */
  scores: CustomerScoresJson | null;
} & Record<IdentityEncColumn, string | null>;

export type CustomerScoresJson = {
  rScore: number | null;
  fScore: number | null;
  mScore: number | null;
  rfmClass: string | null;
  rfmSegment: string | null;
  abcClass: string | null;
  valueTier: string | null;
  grade: string | null;
  lifecycleStage: string | null;
  lifecycleSince: string | null;
  recencyDays: number | null;
  frequency: number | null;
  monetary: string | null;
  scoredAt: string | null;
};

const isoJson = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The select list behind every Customer the API returns, over `customerFromSql` (aliases `c`
 * customers, `s` customer_stats, `tp` touchpoints). Lists reuse it with their own WHERE/ORDER:
 * `select ${customerColumnsSql} from ${customerFromSql} where …`.
 */
export const customerColumnsSql = `
  c.id, c.name, c.name_placeholder, c.gender, c.birthday::text as birthday, c.occupation, c.income_band, c.education,
  c.country, c.province, c.city, c.district,
  c.mobile_enc, c.email_enc, c.wechat_open_id_enc, c.wechat_union_id_enc, c.id_number_enc, c.address_enc,
  c.external_id, c.source, c.touchpoint_id, tp.name as touchpoint_name, tp.type as touchpoint_type,
  c.owner_id, c.tags, c.attributes, c.created_at, c.updated_at,
  s.order_count, s.total_spent::text as total_spent, s.average_order_value::text as average_order_value,
  s.first_order_at, s.last_order_at, s.last_seen_at,
  case when s.scored_at is not null then json_build_object(
    'rScore', s.r_score, 'fScore', s.f_score, 'mScore', s.m_score, 'rfmClass', s.rfm_class,
    'rfmSegment', s.rfm_segment, 'abcClass', s.abc_class, 'valueTier', s.value_tier, 'grade', s.grade,
    'lifecycleStage', s.lifecycle_stage, 'lifecycleSince', ${isoJson('s.lifecycle_since')},
    'recencyDays', s.rfm_recency_days, 'frequency', s.rfm_frequency, 'monetary', s.rfm_monetary::text,
    'scoredAt', ${isoJson('s.scored_at')}) end as scores`;

/** `customers c` with its stats row (every customer has one, made with it) and touchpoint. */
export const customerFromSql = `customers c
  join customer_stats s on s.customer_id = c.id
  left join touchpoints tp on tp.id = c.touchpoint_id`;

/** Customers by id, in the order of `ids` (unknown ids are skipped). */
export async function loadCustomers(q: Queryable, ids: readonly string[]): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<CustomerRow>(
    `select ${customerColumnsSql}
       from unnest($1::uuid[]) with ordinality as wanted(id, pos)
       join (${customerFromSql}) on c.id = wanted.id
      order by wanted.pos`,
    [ids],
  );
  return rows;
}

export async function findCustomer(q: Queryable, id: string): Promise<CustomerRow | null> {
  const rows = await q.query<CustomerRow>(`select ${customerColumnsSql} from ${customerFromSql} where c.id = $1`, [id]);
  return rows[0] ?? null;
}

/** Constraint names of the unique indexes, and the API field each protects. */
const uniqueConstraints: Record<string, UniqueField> = {
  customers_mobile_bidx_key: 'mobile',
  customers_email_bidx_key: 'email',
  customers_wechat_open_id_bidx_key: 'wechatOpenId',
  customers_wechat_union_id_bidx_key: 'wechatUnionId',
  customers_external_id_key: 'externalId',
};

/** Which unique field a 23505 violated (null for anything else). */
export function violatedUniqueField(err: unknown): UniqueField | null {
  if (pgErrorCode(err) !== '23505') return null;
  const constraint = (err as { constraint?: unknown }).constraint;
  if (typeof constraint === 'string' && constraint in uniqueConstraints) return uniqueConstraints[constraint];
  // the driver did not say which index: find it in the message
  const message = err instanceof Error ? err.message : '';
  const hit = Object.keys(uniqueConstraints).find((c) => message.includes(c));
  return hit ? uniqueConstraints[hit] : null;
}

/** The lookup keys a customer is unique by: blind indexes of identities, and the external id. */
export type UniqueKeys = Partial<Record<UniqueField, string>>;
const uniqueColumnSql: Record<UniqueField, string> = {
  mobile: 'mobile_bidx',
  email: 'email_bidx',
  wechatOpenId: 'wechat_open_id_bidx',
  wechatUnionId: 'wechat_union_id_bidx',
  externalId: 'external_id',
};

/** Column values of an insert or update (snake_case column → value); the keys come from code, never from input. */
export type CustomerColumns = Partial<{
  name: string;
  name_placeholder: boolean;
  name_terms: string[];
  gender: string;
  birthday: string | null;
  occupation: string | null;
  income_band: string | null;
  education: string | null;
  country: string;
  province: string | null;
  city: string | null;
  district: string | null;
  mobile_enc: string | null;
  mobile_bidx: string | null;
  email_enc: string | null;
  email_bidx: string | null;
  wechat_open_id_enc: string | null;
  wechat_open_id_bidx: string | null;
  wechat_union_id_enc: string | null;
  wechat_union_id_bidx: string | null;
  id_number_enc: string | null;
  id_number_bidx: string | null;
  address_enc: string | null;
  external_id: string | null;
  source: string | null;
  touchpoint_id: string | null;
  owner_id: string | null;
  tags: string[];
}>;

const writableColumns = new Set<string>([
  'name',
  'name_placeholder',
  'name_terms',
  'gender',
  'birthday',
  'occupation',
  'income_band',
  'education',
  'country',
  'province',
  'city',
  'district',
  'mobile_enc',
  'mobile_bidx',
  'email_enc',
  'email_bidx',
  'wechat_open_id_enc',
  'wechat_open_id_bidx',
  'wechat_union_id_enc',
  'wechat_union_id_bidx',
  'id_number_enc',
  'id_number_bidx',
  'address_enc',
  'external_id',
  'source',
  'touchpoint_id',
  'owner_id',
  'tags',
]);

function columnsOf(values: CustomerColumns): [string, unknown][] {
  const entries = Object.entries(values).filter(([, v]) => v !== undefined);
  for (const [k] of entries) if (!writableColumns.has(k)) throw new Error(`not a writable customer column: ${k}`);
  return entries;
}

export type AttributeDefinitionRow = {
  id: string;
  key: string;
  label: string;
  description: string | null;
  type: 'text' | 'number' | 'date' | 'choice' | 'multi_choice';
  options: { value: string; label: string }[];
  is_required: boolean;
  sort_order: number;
};

const definitionColumns = 'id, key, label, description, type, options, is_required, sort_order';

export const customersRepository = {
  findCustomer,
  loadCustomers,

  /** The customer's row locked for this transaction (updates and deletes serialise on it). */
  async lockCustomer(tx: Queryable, id: string): Promise<CustomerRow | null> {
    const locked = await tx.query('select 1 from customers where id = $1 for update', [id]);
    return locked.length ? findCustomer(tx, id) : null;
  },

  /** Another customer holding any of these keys (the first found per field), for a friendly 409. */
  async findHolders(
    q: Queryable,
    keys: UniqueKeys,
    exceptId?: string,
  ): Promise<{ field: UniqueField; id: string; name: string } | null> {
    for (const [field, value] of Object.entries(keys) as [UniqueField, string | undefined][]) {
      if (!value) continue;
      const rows = await q.query<{ id: string; name: string }>(
        `select id, name from customers where ${uniqueColumnSql[field]} = $1 and id is distinct from $2::uuid limit 1`,
        [value, exceptId ?? null],
      );
      if (rows[0]) return { field, ...rows[0] };
    }
    return null;
  },

  /** A new customer and its stats row (zeros), in the caller's transaction. */
  async insertCustomer(
    tx: Queryable,
    id: string,
    values: CustomerColumns & { name: string },
    attributes: Record<string, unknown>,
    createdBy: string | null,
    at: Date,
  ): Promise<void> {
    const entries = columnsOf(values);
    const names = entries.map(([k]) => k);
    const params = entries.map(([, v]) => v);
    const n = params.length;
    await tx.query(
      `insert into customers (id, ${names.join(', ')}, attributes, created_by, created_at, updated_at)
       values ($${n + 1}, ${names.map((_, i) => `$${i + 1}`).join(', ')}, $${n + 2}::jsonb, $${n + 3}, $${n + 4}, $${n + 4})`,
      [...params, id, JSON.stringify(attributes), createdBy, at],
    );
    await tx.query('insert into customer_stats (customer_id, updated_at) values ($1, $2)', [id, at]);
  },

  /**
   * Changes columns and custom attributes: `unsetAttributes` are removed, then `setAttributes`
   * merged over what is stored.
   */
  async updateCustomer(
    tx: Queryable,
    id: string,
    values: CustomerColumns,
    attributes: { set: Record<string, unknown>; unset: string[] } | null,
    at: Date,
  ): Promise<void> {
    const entries = columnsOf(values);
    const params: unknown[] = entries.map(([, v]) => v);
    const sets = entries.map(([k], i) => `${k} = $${i + 1}`);
    if (attributes) {
      params.push(attributes.unset, JSON.stringify(attributes.set));
      sets.push(`attributes = (attributes - $${params.length - 1}::text[]) || $${params.length}::jsonb`);
    }
    params.push(at, id);
    await tx.query(
      `update customers set ${[...sets, `updated_at = $${params.length - 1}`].join(', ')} where id = $${params.length}`,
      params,
    );
  },

  async deleteCustomer(tx: Queryable, id: string): Promise<void> {
    // stats and timeline rows go with it (on delete cascade)
    await tx.query('delete from customers where id = $1', [id]);
  },

  // ── custom attribute definitions ──

  async listDefinitions(q: Queryable): Promise<AttributeDefinitionRow[]> {
    return q.query<AttributeDefinitionRow>(
      `select ${definitionColumns} from customer_attribute_definitions order by sort_order, key`,
    );
  },

  async findDefinition(q: Queryable, id: string): Promise<AttributeDefinitionRow | null> {
    const rows = await q.query<AttributeDefinitionRow>(
      `select ${definitionColumns} from customer_attribute_definitions where id = $1`,
      [id],
    );
    return rows[0] ?? null;
  },

  /** Inserts a definition; null when the key is taken. */
  async insertDefinition(
    tx: Queryable,
    d: Omit<AttributeDefinitionRow, 'id'>,
    at: Date,
  ): Promise<AttributeDefinitionRow | null> {
    const rows = await tx.query<AttributeDefinitionRow>(
      `insert into customer_attribute_definitions
         (key, label, description, type, options, is_required, sort_order, created_at, updated_at)
       values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $8)
       on conflict (key) do nothing
       returning ${definitionColumns}`,
      [d.key, d.label, d.description, d.type, JSON.stringify(d.options), d.is_required, d.sort_order, at],
    );
    return rows[0] ?? null;
  },

  async updateDefinition(
    tx: Queryable,
    id: string,
    d: Pick<AttributeDefinitionRow, 'label' | 'description' | 'options' | 'is_required' | 'sort_order'>,
    at: Date,
  ): Promise<void> {
    await tx.query(
      `update customer_attribute_definitions
          set label = $2, description = $3, options = $4::jsonb, is_required = $5, sort_order = $6, updated_at = $7
        where id = $1`,
      [id, d.label, d.description, JSON.stringify(d.options), d.is_required, d.sort_order, at],
    );
  },

  /** Removes the definition and its values from every customer; returns how many customers had one. */
  async deleteDefinition(tx: Queryable, id: string, key: string): Promise<number> {
    const rows = await tx.query<{ n: number }>(
      `with cleared as (
         update customers set attributes = attributes - $1::text where attributes ? $1::text returning 1
       )
       select count(*)::int as n from cleared`,
      [key],
    );
    await tx.query('delete from customer_attribute_definitions where id = $1', [id]);
    return rows[0]?.n ?? 0;
  },
};
