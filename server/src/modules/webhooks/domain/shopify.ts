import type { ExternalIdentity } from '../../customers/index.ts';
import { fenOf, yuan } from './money.ts';
import { chineseCity, chineseProvince } from './regions.ts';

/**
 * Shopify webhook payloads (REST shapes, as in Shopify's webhook reference) turned into what
 * Kehu records. Pure: no database, no clock. Ids arrive as exact digit strings or safe numbers
 * (see json.ts).
 *
 * Kehu's order model is `paid = Σ(quantity × price) − discount`, and Shopify's totals do not
 * follow it: `total_price` adds shipping, taxes (when prices exclude them), tips and duties, and
 * in Shopify's own sample payload `current_total_discounts` (0.00) disagrees with
 * `total_discounts` (20.00). Kehu records the merchandise:
 * - items: `line_items` with quantity ≥ 1, at their `price`;
 * - discount: `total_discounts` (falling back to `current_total_discounts`, then the lines'
 *   `total_discount`), capped at the items' subtotal;
 * - paid: subtotal − discount. Shipping, separately charged taxes, tips and duties are left out,
 *   so a customer's spend in Kehu is what they spent on goods, comparable with the POS's orders.
 */

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** A Shopify id as its exact digits (an unsafe integer already arrives as a string). */
export function idOf(v: unknown): string | null {
  if (typeof v === 'string' && /^\d{1,30}$/.test(v)) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  return null;
}

export type ProfilePlan = {
  name?: string;
  email?: string;
  mobile?: string;
  country?: string;
  province?: string;
  city?: string;
  address?: string;
};
export type CustomerPlan = { profile: ProfilePlan; ids: ExternalIdentity[]; shopifyId: string | null };

export type LinePlan = { sku: string; name: string; quantity: number; price: string };
export type RefundPlan = { refundId: string; amount: string };
export type PaymentState = 'paid' | 'unpaid' | 'voided';

export type OrderPlan = {
  externalId: string;
  name: string | null;
  placedAt: string;
  /** `financial_status` as Kehu acts on it: record only what was paid (see paymentState). */
  payment: PaymentState;
  financialStatus: string | null;
  cancelled: boolean;
  items: LinePlan[];
  subtotal: string;
  discount: string;
  paidAmount: string;
  refunds: RefundPlan[];
  customer: CustomerPlan | null;
};

/** A payload Kehu cannot read (no id, a bad date or amount): the delivery fails with a 422 naming it. */
export class ShopifyMappingError extends Error {
  readonly reason: string;
  readonly params: Record<string, string | number>;
  constructor(reason: string, params: Record<string, string | number> = {}) {
    super(`${reason} ${JSON.stringify(params)}`);
    this.name = 'ShopifyMappingError';
    this.reason = reason;
    this.params = params;
  }
}

/**
 * `paid`, `partially_refunded` and `refunded` orders were paid (refunds follow as changes);
 * `pending`, `authorized`, `partially_paid` (and anything unknown) are not paid yet: Kehu records
 * the order when `orders/updated` or `orders/paid` says it is; `voided` was never paid.
 */
export function paymentState(financialStatus: unknown): PaymentState {
  switch (financialStatus) {
    case 'paid':
    case 'partially_refunded':
    case 'refunded':
      return 'paid';
    case 'voided':
      return 'voided';
    default:
      return 'unpaid';
  }
}

const cjk = /[\u3400-\u9fff]/;

/** 王 + 小明 → 王小明; John + Smith → John Smith. */
export function personName(first: unknown, last: unknown): string | undefined {
  const f = text(first) ?? '';
  const l = text(last) ?? '';
  const name = cjk.test(f + l) ? `${l}${f}` : `${f} ${l}`.trim();
  return name ? name.slice(0, 100) : undefined;
}

function addressPlan(address: Obj | null): ProfilePlan {
  if (!address) return {};
  const country = text(address.country_code)?.toUpperCase();
  const plan: ProfilePlan = {};
  if (country && /^[A-Z]{2}$/.test(country)) plan.country = country;
  const province = text(address.province);
  const city = text(address.city);
  if (country === 'CN') {
    // Kehu keeps Chinese region names (浙江省 › 杭州市); what cannot be named is left out
    const code = text(address.province_code);
    const p = (province ? chineseProvince(province) : null) ?? (code ? chineseProvince(code) : null);
    if (p) {
      plan.province = p;
      const c = city ? chineseCity(p, city) : null;
      if (c) plan.city = c;
    }
  } else {
    if (province) plan.province = province.slice(0, 50);
    if (city) plan.city = city.slice(0, 50);
  }
  const street = [text(address.address1), text(address.address2)].filter(Boolean).join(' ');
  if (street) plan.address = street.slice(0, 200);
  return plan;
}

function customerPlan(
  input: { id: unknown; email: string | null; phone: string | null; name: string | undefined; address: Obj | null },
  namespace: string,
): CustomerPlan | null {
  const shopifyId = idOf(input.id);
  if (!shopifyId && !input.email && !input.phone) return null;
  const profile: ProfilePlan = addressPlan(input.address);
  if (input.name) profile.name = input.name;
  if (input.email) profile.email = input.email;
  if (input.phone) profile.mobile = input.phone;
  return {
    profile,
    ids: shopifyId ? [{ kind: 'external', namespace, value: shopifyId }] : [],
    shopifyId,
  };
}

/** A `customers/create` payload (or an order's `customer`). Null when it identifies nobody. */
export function customerFromShopifyCustomer(customer: unknown, namespace: string): CustomerPlan | null {
  const c = obj(customer);
  if (!c) return null;
  const addresses = list(c.addresses).map(obj);
  const address = obj(c.default_address) ?? addresses.find((a) => a?.default === true) ?? addresses[0] ?? null;
  return customerPlan(
    {
      id: c.id,
      email: text(c.email),
      phone: text(c.phone),
      name: personName(c.first_name, c.last_name),
      address,
    },
    namespace,
  );
}

/**
 * The buyer of an order: its `customer`, else what a guest checkout left (the order's email
 * and phone, the billing address's name). The customer's default address is preferred over the
 * order's addresses, whose recipient may be someone else.
 */
export function customerFromShopifyOrder(order: Obj, namespace: string): CustomerPlan | null {
  const c = obj(order.customer);
  const address = obj(c?.default_address) ?? obj(order.billing_address) ?? obj(order.shipping_address);
  return customerPlan(
    {
      id: c?.id,
      email: text(c?.email) ?? text(order.email) ?? text(order.contact_email),
      phone: text(c?.phone) ?? text(order.phone),
      name: personName(c?.first_name, c?.last_name) ?? personName(address?.first_name, address?.last_name),
      address,
    },
    namespace,
  );
}

/**
 * Money returned by a refund: its successful `refund` transactions; a refund without any
 * transaction (a restock, or Shopify's sample payload) counts its lines' `subtotal` (the items'
 * price after discounts, without tax). Kehu caps it at what is left of the order's paid amount.
 */
export function refundPlan(refund: unknown): RefundPlan | null {
  const r = obj(refund);
  const refundId = idOf(r?.id);
  if (!r || !refundId) return null;
  const transactions = list(r.transactions).map(obj);
  let fen = 0n;
  if (transactions.length > 0) {
    for (const t of transactions) {
      if (!t || t.kind !== 'refund') continue;
      if (t.status !== undefined && t.status !== null && t.status !== 'success') continue;
      fen += fenOf(t.amount) ?? 0n;
    }
  } else {
    for (const line of list(r.refund_line_items).map(obj)) {
      const subtotal = line?.subtotal ?? obj(obj(line?.subtotal_set)?.shop_money)?.amount;
      fen += fenOf(subtotal) ?? 0n;
    }
  }
  return { refundId, amount: yuan(fen) };
}

/** The order id a `refunds/create` payload belongs to. */
export function refundOrderId(refund: unknown): string | null {
  return idOf(obj(refund)?.order_id);
}

const MAX_LINES = 500;

function linePlan(line: Obj, index: number): LinePlan | null {
  const quantity = typeof line.quantity === 'number' ? line.quantity : Number(line.quantity);
  if (!Number.isInteger(quantity) || quantity < 1) return null;
  const price = fenOf(line.price ?? obj(obj(line.price_set)?.shop_money)?.amount);
  if (price === null) throw new ShopifyMappingError('bad_amount', { field: `line_items.${index}.price` });
  const own = text(line.sku);
  const fallback = idOf(line.variant_id) ?? idOf(line.product_id) ?? idOf(line.id) ?? String(index + 1);
  // lines without a SKU (custom items) still need one: Kehu files products by SKU
  const sku = own && own.length <= 64 ? own : `SHOPIFY-${fallback}`;
  const name = (text(line.title) ?? text(line.name) ?? sku).slice(0, 200);
  return { sku, name, quantity, price: yuan(price) };
}

/** An `orders/create`, `orders/updated`, `orders/paid` or `orders/cancelled` payload. */
export function orderPlan(payload: unknown, namespace: string): OrderPlan {
  const order = obj(payload);
  const externalId = idOf(order?.id);
  if (!order || !externalId) throw new ShopifyMappingError('no_order_id');
  const placed = text(order.processed_at) ?? text(order.created_at);
  const placedAt = placed ? new Date(placed) : null;
  if (!placedAt || Number.isNaN(placedAt.getTime())) throw new ShopifyMappingError('bad_date', { field: 'created_at' });

  const items: LinePlan[] = [];
  list(order.line_items).forEach((l, i) => {
    const line = obj(l);
    const plan = line ? linePlan(line, i) : null;
    if (plan) items.push(plan);
  });
  if (items.length > MAX_LINES) throw new ShopifyMappingError('too_many_items', { max: MAX_LINES });

  const subtotal = items.reduce((sum, l) => sum + BigInt(l.quantity) * (fenOf(l.price) ?? 0n), 0n);
  const given =
    fenOf(order.total_discounts) ??
    fenOf(order.current_total_discounts) ??
    list(order.line_items).reduce<bigint>((sum, l) => sum + (fenOf(obj(l)?.total_discount) ?? 0n), 0n);
  const discount = given > subtotal ? subtotal : given;

  const refunds: RefundPlan[] = [];
  for (const r of list(order.refunds)) {
    const plan = refundPlan(r);
    if (plan) refunds.push(plan);
  }

  return {
    externalId,
    name: text(order.name),
    placedAt: placedAt.toISOString(),
    payment: paymentState(order.financial_status),
    financialStatus: text(order.financial_status),
    cancelled: !!text(order.cancelled_at),
    items,
    subtotal: yuan(subtotal),
    discount: yuan(discount),
    paidAmount: yuan(subtotal - discount),
    refunds,
    customer: customerFromShopifyOrder(order, namespace),
  };
}
