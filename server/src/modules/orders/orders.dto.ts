import { formatMoney } from './domain/money.ts';
import type { OrderRow, OrderStatus } from './orders.repository.ts';
import type { CategoryRow, ProductRow } from './products.repository.ts';

/** What the API shows of orders, products and categories (money as two-decimal strings). */
export type Ref = { id: string; name: string };
export type OrderItem = {
  lineNo: number;
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  price: string;
  amount: string;
};
export type OrderChange = {
  at: string;
  kind: string;
  amount: string | null;
  reason: string | null;
  actor: Ref | null;
};
export type Order = {
  id: string;
  customer: Ref;
  externalId: string;
  source: string;
  store: Ref | null;
  status: OrderStatus;
  subtotal: string;
  discount: string;
  paidAmount: string;
  refundedAmount: string;
  placedAt: string;
  createdAt: string;
  items: OrderItem[];
  changes: OrderChange[];
};
export type Product = {
  id: string;
  sku: string;
  name: string;
  category: Ref | null;
  price: string;
  isActive: boolean;
  createdAt: string;
};
export type ProductCategory = {
  id: string;
  name: string;
  parentId: string | null;
  sortOrder: number;
  productCount: number;
};

/** Names of the people and places an order refers to, looked up once per page. */
export type OrderNames = {
  customers: Map<string, string>;
  stores: Map<string, string>;
  users: Map<string, string>;
};

export function toOrder(row: OrderRow, names: OrderNames): Order {
  return {
    id: row.id,
    customer: { id: row.customer_id, name: names.customers.get(row.customer_id) ?? '' },
    externalId: row.external_id,
    source: row.source,
    store: row.store_id ? { id: row.store_id, name: names.stores.get(row.store_id) ?? '' } : null,
    status: row.status,
    subtotal: formatMoney(row.subtotal),
    discount: formatMoney(row.discount),
    paidAmount: formatMoney(row.paid_amount),
    refundedAmount: formatMoney(row.refunded_amount),
    placedAt: row.placed_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    items: row.items.map((i) => ({ ...i, price: formatMoney(i.price), amount: formatMoney(i.amount) })),
    changes: row.changes.map((c) => ({
      at: new Date(c.at).toISOString(),
      kind: c.kind,
      amount: c.amount === null ? null : formatMoney(c.amount),
      reason: c.reason,
      actor: c.actorId ? { id: c.actorId, name: names.users.get(c.actorId) ?? '' } : null,
    })),
  };
}

export function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    category: row.category_id ? { id: row.category_id, name: row.category_name ?? '' } : null,
    price: formatMoney(row.price),
    isActive: row.is_active,
    createdAt: row.created_at.toISOString(),
  };
}

export function toCategory(row: CategoryRow): ProductCategory {
  return {
    id: row.id,
    name: row.name,
    parentId: row.parent_id,
    sortOrder: row.sort_order,
    productCount: row.product_count,
  };
}
