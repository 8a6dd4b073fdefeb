import type { Queryable } from '../../platform/db/db.ts';

/** SQL for customers, their stats row and the custom attribute definitions, and nothing else. */

export type IdentityEncColumn =
  'mobile_enc' | 'email_enc' | 'wechat_open_id_enc' | 'wechat_union_id_enc' | 'id_number_enc' | 'address_enc';

/** One row of `customerColumnsSql` (a customer with its stats and touchpoint). */
export type CustomerRow = {
  id: string;
  name: string;
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
} & Record<IdentityEncColumn, string | null>;

/**
 * The select list behind every Customer the API returns, over `customerFromSql` (aliases `c`
 * customers, `s` customer_stats, `tp` touchpoints). Lists reuse it with their own WHERE/ORDER:
 * `select ${customerColumnsSql} from ${customerFromSql} where …`.
 */
export const customerColumnsSql = `
  c.id, c.name, c.gender, c.birthday::text as birthday, c.occupation, c.income_band, c.education,
  c.country, c.province, c.city, c.district,
  c.mobile_enc, c.email_enc, c.wechat_open_id_enc, c.wechat_union_id_enc, c.id_number_enc, c.address_enc,
  c.external_id, c.source, c.touchpoint_id, tp.name as touchpoint_name, tp.type as touchpoint_type,
  c.owner_id, c.tags, c.attributes, c.created_at, c.updated_at,
  s.order_count, s.total_spent::text as total_spent, s.average_order_value::text as average_order_value,
  s.first_order_at, s.last_order_at, s.last_seen_at`;

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
