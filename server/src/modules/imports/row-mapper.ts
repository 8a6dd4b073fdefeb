import type { DomainError, ErrorParams } from '../../platform/http/errors.ts';
import type { AttributeDefinitionRef, CollectedCustomer, ExternalIdentity, OnMatch } from '../customers/index.ts';
import {
  normaliseProvince,
  parseCountry,
  parseDate,
  parseGender,
  parseMoney,
  parseNumber,
  parseOrderStatus,
  parseTime,
  unescapeCell,
} from './row-values.ts';

/**
 * One row of a file as what Kehu writes: a collected customer, or an order row (the order's
 * fields and one item line). Every problem names the column it is in; nothing is thrown.
 */
export type RowProblem = { column: number | null; code: string; params: ErrorParams };

/** Member cards from imports share one namespace, so one card is one person whichever file brought it. */
export const MEMBER_CARD_NAMESPACE = 'import';
/** `customers.source` of imported customers and the orders' `source` (orders are unique per source and number). */
export const IMPORT_SOURCE = 'import';

/** The API's length limits (customers.routes.ts), so an import accepts what the API accepts. */
const maxLength: Record<string, number> = {
  name: 100,
  lastName: 100,
  firstName: 100,
  mobile: 50,
  email: 254,
  wechatOpenId: 64,
  wechatUnionId: 64,
  idNumber: 30,
  address: 200,
  province: 50,
  city: 50,
  district: 50,
  occupation: 100,
  incomeBand: 50,
  education: 50,
  externalId: 100,
  memberCard: 100,
  tags: 30,
  orderNumber: 100,
  customerMobile: 50,
  customerEmail: 254,
  customerMemberCard: 100,
  customerExternalId: 100,
  customerName: 100,
  store: 100,
  sku: 64,
  productName: 200,
};
const MAX_TAGS = 50;
const MAX_ATTRIBUTE_TEXT = 1000;

type Columns = { byTarget: Map<string, number[]>; headers: readonly string[] };

function indexColumns(headers: readonly string[], columns: readonly string[]): Columns {
  const byTarget = new Map<string, number[]>();
  columns.forEach((target, index) => {
    if (!target) return;
    byTarget.set(target, [...(byTarget.get(target) ?? []), index]);
  });
  return { byTarget, headers };
}

/** Cells beyond the header that hold something: data that belongs to no column. */
function raggedProblem(cells: readonly string[], headers: readonly string[]): RowProblem | null {
  if (cells.length <= headers.length) return null;
  if (cells.slice(headers.length).every((c) => c.trim() === '')) return null;
  return { column: null, code: 'IMPORT_ROW_TOO_MANY_CELLS', params: { cells: cells.length, columns: headers.length } };
}

function reader(cols: Columns, cells: readonly string[], problems: RowProblem[]) {
  const text = (index: number) => unescapeCell((cells[index] ?? '').trim());
  return {
    /** The first column of a target, trimmed; '' when empty or unmapped. */
    one(target: string): { value: string; column: number | null } {
      const index = cols.byTarget.get(target)?.[0];
      if (index === undefined) return { value: '', column: null };
      const value = text(index);
      const max = maxLength[target];
      if (max && value.length > max) {
        problems.push({ column: index, code: 'IMPORT_ROW_TEXT_TOO_LONG', params: { max } });
        return { value: '', column: index };
      }
      return { value, column: index };
    },
    all(target: string): { value: string; column: number }[] {
      return (cols.byTarget.get(target) ?? []).map((index) => ({ value: text(index), column: index }));
    },
  };
}

/** Shopify and English exports split the name; Chinese ones put the family name first without a space. */
function joinName(last: string, first: string): string {
  if (!last || !first) return last || first;
  return /[\p{Script=Han}]/u.test(last + first) ? `${last}${first}` : `${first} ${last}`;
}

/** A custom attribute's text as its type: numbers as numbers, choices by value or label, dates normalised. */
function attributeValue(
  def: AttributeDefinitionRef,
  raw: string,
  column: number,
  problems: RowProblem[],
): string | number | string[] | undefined {
  const byLabel = (v: string) => def.options.find((o) => o.value === v || o.label === v)?.value ?? v;
  switch (def.type) {
    case 'number': {
      const n = parseNumber(raw);
      if (n === null) problems.push({ column, code: 'IMPORT_ROW_INVALID_NUMBER', params: { value: raw } });
      return n ?? undefined;
    }
    case 'date': {
      const d = parseDate(raw);
      if (d === null) problems.push({ column, code: 'IMPORT_ROW_INVALID_DATE', params: { value: raw } });
      return d ?? undefined;
    }
    case 'choice':
      return byLabel(raw);
    case 'multi_choice':
      return raw
        .split(/[,，;；、|]/)
        .map((s) => s.trim())
        .filter(Boolean)
        .map(byLabel);
    default:
      if (raw.length > MAX_ATTRIBUTE_TEXT) {
        problems.push({ column, code: 'IMPORT_ROW_TEXT_TOO_LONG', params: { max: MAX_ATTRIBUTE_TEXT } });
        return undefined;
      }
      return raw;
  }
}

export type CustomerMapperOptions = {
  headers: readonly string[];
  columns: readonly string[];
  attributes: readonly AttributeDefinitionRef[];
  touchpointId: string | null;
  onMatch: OnMatch;
  summary: Record<string, unknown>;
};

/** `input` is null only when the row cannot be read at all; with problems it holds what could be. */
export type MappedCustomer = { input: CollectedCustomer | null; problems: RowProblem[] };

/** Plain text targets that go into the profile as they are. */
const plainTargets = [
  'mobile',
  'email',
  'wechatOpenId',
  'wechatUnionId',
  'idNumber',
  'city',
  'district',
  'occupation',
  'incomeBand',
  'education',
  'externalId',
] as const;

/** Cells → a collected customer (or the row's problems). */
export function createCustomerRowMapper(opts: CustomerMapperOptions) {
  const cols = indexColumns(opts.headers, opts.columns);
  const attributes = new Map(opts.attributes.map((a) => [`attributes.${a.key}`, a]));

  return (cells: readonly string[]): MappedCustomer => {
    const problems: RowProblem[] = [];
    const ragged = raggedProblem(cells, opts.headers);
    if (ragged) return { input: null, problems: [ragged] };
    const r = reader(cols, cells, problems);
    const profile: CollectedCustomer['profile'] = {};

    const name = r.one('name').value || joinName(r.one('lastName').value, r.one('firstName').value);
    if (name) profile.name = name;
    for (const target of plainTargets) {
      const { value } = r.one(target);
      if (value) profile[target] = value;
    }
    const gender = r.one('gender');
    if (gender.value) {
      const g = parseGender(gender.value);
      if (g) profile.gender = g;
      else problems.push({ column: gender.column, code: 'IMPORT_ROW_INVALID_GENDER', params: { value: gender.value } });
    }
    const birthday = r.one('birthday');
    if (birthday.value) {
      const d = parseDate(birthday.value);
      if (d) profile.birthday = d;
      else
        problems.push({ column: birthday.column, code: 'IMPORT_ROW_INVALID_DATE', params: { value: birthday.value } });
    }
    const country = r.one('country');
    if (country.value) {
      const c = parseCountry(country.value);
      if (c) profile.country = c;
      else
        problems.push({ column: country.column, code: 'IMPORT_ROW_INVALID_COUNTRY', params: { value: country.value } });
    }
    const province = r.one('province').value;
    if (province) profile.province = (profile.country ?? 'CN') === 'CN' ? normaliseProvince(province) : province;
    const address = r
      .all('address')
      .map((a) => a.value)
      .filter(Boolean)
      .join(' ');
    if (address) {
      if (address.length > maxLength.address) {
        const column = cols.byTarget.get('address')?.[0] ?? null;
        problems.push({ column, code: 'IMPORT_ROW_TEXT_TOO_LONG', params: { max: maxLength.address } });
      } else profile.address = address;
    }
    const tags = [
      ...new Set(
        r
          .all('tags')
          .flatMap((t) => t.value.split(/[,，;；、|]/))
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ];
    if (tags.some((t) => t.length > maxLength.tags) || tags.length > MAX_TAGS) {
      const column = cols.byTarget.get('tags')?.[0] ?? null;
      problems.push({ column, code: 'IMPORT_ROW_TEXT_TOO_LONG', params: { max: maxLength.tags } });
    } else if (tags.length) profile.tags = tags;
    const attrs: Record<string, unknown> = {};
    for (const [target, def] of attributes) {
      const { value, column } = r.one(target);
      if (!value || column === null) continue;
      const v = attributeValue(def, value, column, problems);
      if (v !== undefined) attrs[def.key] = v;
    }
    if (Object.keys(attrs).length) profile.attributes = attrs;
    const card = r.one('memberCard').value;
    const ids: ExternalIdentity[] = card ? [{ kind: 'memberCard', namespace: MEMBER_CARD_NAMESPACE, value: card }] : [];

    const identified =
      ids.length > 0 ||
      !!(profile.mobile || profile.email || profile.externalId || profile.wechatOpenId || profile.wechatUnionId);
    if (!identified) {
      problems.push({ column: null, code: 'IMPORT_ROW_NO_IDENTIFIER', params: {} });
    }
    return {
      // with problems, still what could be read: the collector's rules find the rest of them
      input: {
        profile,
        ids,
        onMatch: opts.onMatch,
        source: IMPORT_SOURCE,
        touchpointId: opts.touchpointId,
        summary: opts.summary,
      },
      problems,
    };
  };
}

/** Which column a customers-API field came from, to point at the cell. */
export function columnOfField(
  headersColumns: readonly string[],
  field: string | undefined,
  prefix: '' | 'customer' = '',
): number | null {
  if (!field) return null;
  const target =
    prefix === 'customer'
      ? (
          {
            mobile: 'customerMobile',
            email: 'customerEmail',
            externalId: 'customerExternalId',
            name: 'customerName',
          } as Record<string, string>
        )[field]
      : field;
  if (!target) return null;
  const direct = headersColumns.indexOf(target);
  if (direct >= 0) return direct;
  if (field === 'name' && !prefix) {
    const i = headersColumns.findIndex((t) => t === 'lastName' || t === 'firstName');
    return i >= 0 ? i : null;
  }
  return null;
}

/** A DomainError of another module (customers, orders) as row problems, each in its column. */
export function problemsOf(err: DomainError, columnOf: (field: string | undefined) => number | null): RowProblem[] {
  return [
    { column: columnOf(err.field), code: err.code, params: err.params },
    ...(err.fields ?? []).map((f) => ({ column: columnOf(f.field), code: f.code, params: f.params ?? {} })),
  ];
}

// ── orders ─────────────────────────────────────────────────────────────────────────────────

export type OrderRowValue = {
  orderNumber: string;
  placedAt: Date | null;
  customer: { profile: CollectedCustomer['profile']; ids: ExternalIdentity[] };
  amount: string | null;
  discount: string | null;
  status: 'paid' | 'cancelled' | 'refunded' | 'partially_refunded' | null;
  store: string | null;
  line: { sku: string; name: string | null; quantity: number; price: string } | null;
  /** Column of each order-level value, to say where two rows of an order disagree. */
  columns: Record<string, number | null>;
};

export type MappedOrderRow = { value: OrderRowValue | null; problems: RowProblem[] };

export function createOrderRowMapper(opts: {
  headers: readonly string[];
  columns: readonly string[];
  timeZone: string;
}) {
  const cols = indexColumns(opts.headers, opts.columns);

  return (cells: readonly string[]): MappedOrderRow => {
    const problems: RowProblem[] = [];
    const ragged = raggedProblem(cells, opts.headers);
    if (ragged) return { value: null, problems: [ragged] };
    const r = reader(cols, cells, problems);
    const required = (target: string, label: string) => {
      const v = r.one(target);
      if (!v.value) problems.push({ column: v.column, code: 'IMPORT_ROW_REQUIRED', params: { column: label } });
      return v;
    };
    const header = (target: string) => opts.headers[cols.byTarget.get(target)?.[0] ?? -1] ?? target;
    const orderNumber = required('orderNumber', header('orderNumber'));
    const placed = required('placedAt', header('placedAt'));
    let placedAt: Date | null = null;
    if (placed.value) {
      placedAt = parseTime(placed.value, opts.timeZone);
      if (!placedAt)
        problems.push({ column: placed.column, code: 'IMPORT_ROW_INVALID_TIME', params: { value: placed.value } });
    }
    const money = (target: string) => {
      const v = r.one(target);
      if (!v.value) return null;
      const m = parseMoney(v.value);
      if (m === null) problems.push({ column: v.column, code: 'IMPORT_ROW_INVALID_MONEY', params: { value: v.value } });
      return m;
    };
    const amount = money('amount');
    const discount = money('discount');
    const statusCell = r.one('status');
    const status = statusCell.value ? parseOrderStatus(statusCell.value) : null;
    if (statusCell.value && !status) {
      problems.push({
        column: statusCell.column,
        code: 'IMPORT_ROW_INVALID_STATUS',
        params: { value: statusCell.value },
      });
    }
    const profile: CollectedCustomer['profile'] = {};
    const mobile = r.one('customerMobile').value;
    const email = r.one('customerEmail').value;
    const externalId = r.one('customerExternalId').value;
    const name = r.one('customerName').value;
    if (mobile) profile.mobile = mobile;
    if (email) profile.email = email;
    if (externalId) profile.externalId = externalId;
    if (name) profile.name = name;
    const card = r.one('customerMemberCard').value;
    const ids: ExternalIdentity[] = card ? [{ kind: 'memberCard', namespace: MEMBER_CARD_NAMESPACE, value: card }] : [];
    if (!mobile && !email && !externalId && !card) {
      problems.push({ column: null, code: 'IMPORT_ROW_NO_IDENTIFIER', params: {} });
    }

    const sku = r.one('sku').value;
    const productName = r.one('productName').value;
    const priceCell = r.one('price');
    const quantityCell = r.one('quantity');
    let line: OrderRowValue['line'] = null;
    if (sku || productName || priceCell.value) {
      const price = priceCell.value ? parseMoney(priceCell.value) : null;
      if (!priceCell.value)
        problems.push({ column: priceCell.column, code: 'IMPORT_ROW_REQUIRED', params: { column: header('price') } });
      else if (price === null)
        problems.push({
          column: priceCell.column,
          code: 'IMPORT_ROW_INVALID_MONEY',
          params: { value: priceCell.value },
        });
      let quantity = 1;
      if (quantityCell.value) {
        const q = parseNumber(quantityCell.value);
        if (q === null || !Number.isInteger(q) || q < 1 || q > 100_000) {
          problems.push({
            column: quantityCell.column,
            code: 'IMPORT_ROW_INVALID_QUANTITY',
            params: { value: quantityCell.value },
          });
        } else quantity = q;
      }
      if (!sku && !productName) {
        problems.push({
          column: cols.byTarget.get('sku')?.[0] ?? null,
          code: 'IMPORT_ROW_REQUIRED',
          params: { column: header('sku') },
        });
      }
      // a POS export without product codes: the name is the code, so the same name is the same product
      if (price !== null) line = { sku: sku || productName.slice(0, 64), name: productName || null, quantity, price };
    }
    if (problems.length) return { value: null, problems };
    return {
      value: {
        orderNumber: orderNumber.value,
        placedAt,
        customer: { profile, ids },
        amount,
        discount,
        status,
        store: r.one('store').value || null,
        line,
        columns: Object.fromEntries(
          [
            'placedAt',
            'amount',
            'discount',
            'status',
            'store',
            'customerMobile',
            'customerEmail',
            'customerMemberCard',
            'customerExternalId',
          ].map((t) => [t, cols.byTarget.get(t)?.[0] ?? null]),
        ),
      },
      problems,
    };
  };
}
