import type { Queryable } from '../../platform/db/db.ts';
import { pgErrorCode } from '../../platform/db/db.ts';
import type { OrderStats } from '../customers/index.ts';
import { ordersErrors } from './orders.errors.ts';

/** SQL for orders, order_items and order_changes, and nothing else. */

export type OrderStatus = (typeof orderStatuses)[number];
export const orderStatuses = ['paid', 'cancelled', 'refunded', 'partially_refunded'] as const;
/** Orders that count toward a customer's aggregates: neither cancelled nor fully refunded. */
export const countedStatuses: readonly OrderStatus[] = ['paid', 'partially_refunded'];
const counted = `status in ('paid', 'partially_refunded')`;

export type ItemJson = {
  lineNo: number;
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  price: string;
  amount: string;
};
export type ChangeJson = {
  at: string;
  kind: string;
  amount: string | null;
  reason: string | null;
  actorId: string | null;
};

export type OrderRow = {
  id: string;
  customer_id: string;
  source: string;
  external_id: string;
  store_id: string | null;
  status: OrderStatus;
  subtotal: string;
  discount: string;
  paid_amount: string;
  refunded_amount: string;
  placed_at: Date;
  created_at: Date;
  items: ItemJson[];
  changes: ChangeJson[];
};

export type LockedOrder = Pick<
  OrderRow,
  'id' | 'customer_id' | 'status' | 'paid_amount' | 'refunded_amount' | 'external_id' | 'store_id' | 'placed_at'
>;

export type NewOrder = {
  id: string;
  customerId: string;
  source: string;
  externalId: string;
  storeId: string | null;
  status: OrderStatus;
  subtotal: string;
  discount: string;
  paidAmount: string;
  refundedAmount: string;
  placedAt: Date;
  at: Date;
  actorId: string | null;
  lines: {
    productId: string;
    sku: string;
    name: string;
    quantity: number;
    price: string;
    amount: string;
  }[];
};

export type OrderFilter = {
  customerId?: string;
  storeId?: string;
  status?: OrderStatus;
  source?: string;
  placedFrom?: Date;
  placedTo?: Date;
  externalId?: string;
  after?: { placedAt: Date; id: string };
  limit: number;
};

// Money and times leave json_build_object as text: a numeric would become a JSON (float) number.
const orderSelect = `
  select o.id, o.customer_id, o.source, o.external_id, o.store_id, o.status, o.subtotal, o.discount,
         o.paid_amount, o.refunded_amount, o.placed_at, o.created_at,
         coalesce((select json_agg(json_build_object(
                      'lineNo', i.line_no, 'productId', i.product_id, 'sku', i.sku, 'name', i.name,
                      'quantity', i.quantity, 'price', i.price::text, 'amount', i.amount::text) order by i.line_no)
                     from order_items i where i.order_id = o.id), '[]'::json) as items,
         coalesce((select json_agg(json_build_object(
                      'at', to_char(c.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'kind', c.kind,
                      'amount', c.amount::text, 'reason', c.reason, 'actorId', c.actor_id) order by c.at, c.id)
                     from order_changes c where c.order_id = o.id), '[]'::json) as changes
    from orders o`;

/** Every source that has orders, one index step per source (PostgreSQL has no skip scan). */
const distinctSources = `
  with recursive src(source) as (
    (select source from orders order by source limit 1)
    union all
    select (select o2.source from orders o2 where o2.source > src.source order by o2.source limit 1)
      from src where src.source is not null)
  select source from src where source is not null`;

/** The one foreign key a concurrent delete can still trip after the service's checks. */
async function mapOrderErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (pgErrorCode(err) === '23503') {
      const constraint = (err as { constraint?: string }).constraint ?? '';
      if (constraint.includes('store_id')) throw ordersErrors.unknownStore();
      if (constraint.includes('customer_id')) throw ordersErrors.unknownCustomer();
    }
    throw err;
  }
}

export const ordersRepository = {
  /**
   * Orders, their lines and their 'created' changes in one statement. An order whose
   * (source, externalId) is already stored is skipped (the caller looks it up): the returned
   * map holds only the ones written, by id.
   */
  async insertOrders(q: Queryable, orders: readonly NewOrder[], timeZone: string): Promise<Map<string, Date>> {
    if (orders.length === 0) return new Map();
    const lines = orders.flatMap((o) => o.lines.map((l, n) => ({ ...l, orderId: o.id, lineNo: n + 1 })));
    const col = <K extends keyof NewOrder>(k: K) => orders.map((o) => o[k]);
    const lineCol = <K extends keyof (typeof lines)[number]>(k: K) => lines.map((l) => l[k]);
    const rows = await mapOrderErrors(
      q.query<{ id: string; created_at: Date }>(
        `with o as (
           insert into orders (id, customer_id, source, external_id, store_id, status, subtotal, discount,
                               paid_amount, refunded_amount, placed_at, created_at, updated_at)
           select v.id, v.customer_id, v.source, v.external_id, v.store_id, v.status, v.subtotal, v.discount,
                  v.paid_amount, v.refunded_amount, v.placed_at, v.at, v.at
             from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::numeric[],
                         $8::numeric[], $9::numeric[], $10::numeric[], $11::timestamptz[], $12::timestamptz[], $13::uuid[])
                  as v(id, customer_id, source, external_id, store_id, status, subtotal, discount, paid_amount,
                       refunded_amount, placed_at, at, actor_id)
           on conflict (source, external_id) do nothing
           returning id, customer_id, status, paid_amount, refunded_amount, placed_at, created_at
         ), d as (
           -- the daily rollup, in the same statement: one row per customer and business day
           insert into order_days (customer_id, day, order_count, amount)
           select customer_id, (placed_at at time zone $22)::date, count(*)::int, sum(paid_amount - refunded_amount)
             from o where ${counted} group by 1, 2
           on conflict (customer_id, day) do update
             set order_count = order_days.order_count + excluded.order_count, amount = order_days.amount + excluded.amount
         ), i as (
           insert into order_items (order_id, line_no, customer_id, product_id, sku, name, quantity, price, amount)
           select o.id, l.line_no, o.customer_id, l.product_id, l.sku, l.name, l.quantity, l.price, l.amount
             from unnest($14::uuid[], $15::int[], $16::uuid[], $17::text[], $18::text[], $19::int[], $20::numeric[],
                         $21::numeric[]) as l(order_id, line_no, product_id, sku, name, quantity, price, amount)
             join o on o.id = l.order_id
         ), c as (
           insert into order_changes (order_id, customer_id, at, kind, amount, actor_id)
           select o.id, o.customer_id, o.placed_at, 'created', o.paid_amount, v.actor_id
             from o join unnest($1::uuid[], $13::uuid[]) as v(id, actor_id) on v.id = o.id
         )
         select id, created_at from o`,
        [
          col('id'),
          col('customerId'),
          col('source'),
          col('externalId'),
          col('storeId'),
          col('status'),
          col('subtotal'),
          col('discount'),
          col('paidAmount'),
          col('refundedAmount'),
          col('placedAt'),
          col('at'),
          col('actorId'),
          lineCol('orderId'),
          lineCol('lineNo'),
          lineCol('productId'),
          lineCol('sku'),
          lineCol('name'),
          lineCol('quantity'),
          lineCol('price'),
          lineCol('amount'),
          timeZone,
        ],
      ),
    );
    return new Map(rows.map((r) => [r.id, r.created_at]));
  },

  /** Stored orders' ids by (source, externalId), for a batch's repeats. */
  async findIdsByExternalIds(
    q: Queryable,
    keys: readonly { source: string; externalId: string }[],
  ): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await q.query<{ id: string; source: string; external_id: string }>(
      `select o.id, o.source, o.external_id from orders o
         join unnest($1::text[], $2::text[]) as k(source, external_id) using (source, external_id)`,
      [keys.map((k) => k.source), keys.map((k) => k.externalId)],
    );
    return new Map(rows.map((r) => [`${r.source}\u0000${r.external_id}`, r.id]));
  },

  async findOrder(q: Queryable, id: string): Promise<OrderRow | null> {
    const rows = await q.query<OrderRow>(`${orderSelect} where o.id = $1`, [id]);
    return rows[0] ?? null;
  },

  async findOrderByExternalId(q: Queryable, source: string, externalId: string): Promise<OrderRow | null> {
    const rows = await q.query<OrderRow>(`${orderSelect} where o.source = $1 and o.external_id = $2`, [
      source,
      externalId,
    ]);
    return rows[0] ?? null;
  },

  /** Newest first, keyset-paged on (placed_at, id). Filters come from a fixed list of clauses. */
  async listOrders(q: Queryable, f: OrderFilter): Promise<OrderRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => {
      let text = clause;
      for (const v of values) {
        params.push(v);
        text = text.replace('?', `$${params.length}`);
      }
      where.push(text);
    };
    if (f.customerId) add('o.customer_id = ?', f.customerId);
    if (f.storeId) add('o.store_id = ?', f.storeId);
    if (f.status) add('o.status = ?', f.status);
    if (f.source) add('o.source = ?', f.source);
    if (f.placedFrom) add('o.placed_at >= ?', f.placedFrom);
    if (f.placedTo) add('o.placed_at < ?', f.placedTo);
    if (f.externalId) {
      add('o.external_id = ?', f.externalId);
      // The only index on external_id is (source, external_id): without a source, probe it once
      // per distinct source (found by a loose index scan, a handful of steps) instead of scanning.
      if (!f.source) where.push(`o.source = any(array(${distinctSources}))`);
    }
    if (f.after) add('(o.placed_at, o.id) < (?, ?::uuid)', f.after.placedAt, f.after.id);
    params.push(f.limit);
    return q.query<OrderRow>(
      `${orderSelect} ${where.length ? `where ${where.join(' and ')}` : ''}
       order by o.placed_at desc, o.id desc limit $${params.length}`,
      params,
    );
  },

  /** Locks the order for a change (cancel, refund) and returns its money and status. */
  async lockOrder(q: Queryable, id: string): Promise<LockedOrder | null> {
    const rows = await q.query<LockedOrder>(
      `select id, customer_id, status, paid_amount, refunded_amount, external_id, store_id, placed_at
         from orders where id = $1 for update`,
      [id],
    );
    return rows[0] ?? null;
  },

  async setStatus(
    q: Queryable,
    id: string,
    change: { status: OrderStatus; refundedAmount: string; at: Date },
  ): Promise<void> {
    await q.query(`update orders set status = $2, refunded_amount = $3, updated_at = $4 where id = $1`, [
      id,
      change.status,
      change.refundedAmount,
      change.at,
    ]);
  },

  async insertChange(
    q: Queryable,
    c: {
      orderId: string;
      customerId: string;
      at: Date;
      kind: string;
      amount: string | null;
      reason: string | null;
      actorId: string | null;
    },
  ): Promise<void> {
    await q.query(
      `insert into order_changes (order_id, customer_id, at, kind, amount, reason, actor_id)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [c.orderId, c.customerId, c.at, c.kind, c.amount, c.reason, c.actorId],
    );
  },

  /** One customer's aggregates from their counted orders (spent = paid − refunded). */
  async statsOf(q: Queryable, customerId: string): Promise<OrderStats> {
    const [r] = await q.query<{
      order_count: number;
      total_spent: string;
      first_order_at: Date | null;
      last_order_at: Date | null;
    }>(
      `select count(*)::int as order_count, coalesce(sum(paid_amount - refunded_amount), 0)::text as total_spent,
              min(placed_at) as first_order_at, max(placed_at) as last_order_at
         from orders where customer_id = $1 and ${counted}`,
      [customerId],
    );
    return {
      orderCount: r.order_count,
      totalSpent: r.total_spent,
      firstOrderAt: r.first_order_at,
      lastOrderAt: r.last_order_at,
    };
  },

  /**
   * The aggregates of the next `limit` customers (by id) who have any order, in one grouped
   * query that walks orders_customer_idx. Customers whose orders are all cancelled get zeros.
   */
  async statsAfter(
    q: Queryable,
    afterCustomerId: string,
    limit: number,
  ): Promise<(OrderStats & { customerId: string })[]> {
    const rows = await q.query<{
      customer_id: string;
      order_count: number;
      total_spent: string;
      first_order_at: Date | null;
      last_order_at: Date | null;
    }>(
      `select customer_id,
              (count(*) filter (where ${counted}))::int as order_count,
              coalesce(sum(paid_amount - refunded_amount) filter (where ${counted}), 0)::text as total_spent,
              min(placed_at) filter (where ${counted}) as first_order_at,
              max(placed_at) filter (where ${counted}) as last_order_at
         from orders where customer_id > $1
        group by customer_id order by customer_id limit $2`,
      [afterCustomerId, limit],
    );
    return rows.map((r) => ({
      customerId: r.customer_id,
      orderCount: r.order_count,
      totalSpent: r.total_spent,
      firstOrderAt: r.first_order_at,
      lastOrderAt: r.last_order_at,
    }));
  },

  async countForCustomer(q: Queryable, customerId: string): Promise<number> {
    const [r] = await q.query<{ n: number }>('select count(*)::int as n from orders where customer_id = $1', [
      customerId,
    ]);
    return r.n;
  },

  /** Items and changes go with their order (on delete cascade); the daily rollup too. */
  async deleteForCustomer(q: Queryable, customerId: string): Promise<void> {
    await q.query('delete from orders where customer_id = $1', [customerId]);
    await q.query('delete from order_days where customer_id = $1', [customerId]);
  },

  /**
   * Recounts the daily rollup of the days `orders` fall on (a cancellation, a refund) from the
   * orders themselves: each (customer, day) is rewritten, or removed when nothing counts any more.
   */
  async refreshDays(
    q: Queryable,
    orders: readonly { customerId: string; placedAt: Date }[],
    timeZone: string,
  ): Promise<void> {
    if (orders.length === 0) return;
    await q.query(
      `with k as (
         select distinct customer_id, (placed_at at time zone $3)::date as day
           from unnest($1::uuid[], $2::timestamptz[]) as v(customer_id, placed_at)
       ), n as (
         select k.customer_id, k.day,
                count(o.id) filter (where o.${counted})::int as order_count,
                coalesce(sum(o.paid_amount - o.refunded_amount) filter (where o.${counted}), 0) as amount
           from k left join orders o
             on o.customer_id = k.customer_id
            and o.placed_at >= k.day::timestamp at time zone $3
            and o.placed_at < (k.day + 1)::timestamp at time zone $3
          group by k.customer_id, k.day
       ), gone as (
         delete from order_days d using n
          where d.customer_id = n.customer_id and d.day = n.day and n.order_count = 0
       )
       insert into order_days (customer_id, day, order_count, amount)
       select customer_id, day, order_count, amount from n where order_count > 0
       on conflict (customer_id, day) do update set order_count = excluded.order_count, amount = excluded.amount`,
      [orders.map((o) => o.customerId), orders.map((o) => o.placedAt), timeZone],
    );
  },

  /**
   * Rewrites the daily rollup of whole customers from their orders: of \`customerIds\` (a merge
   * moved orders between them), or of every customer in the id range (after, upTo] (the
   * recompute job, which also drops rows left without orders).
   */
  async rebuildDays(
    q: Queryable,
    who: { customerIds: readonly string[] } | { after: string; upTo: string },
    timeZone: string,
  ): Promise<void> {
    const ids = 'customerIds' in who;
    const params = ids ? [who.customerIds] : [who.after, who.upTo];
    const scope = (n: number) =>
      ids ? `customer_id = any($${n}::uuid[])` : `customer_id > $${n}::uuid and customer_id <= $${n + 1}::uuid`;
    await q.query(`delete from order_days where ${scope(1)}`, params);
    await q.query(
      `insert into order_days (customer_id, day, order_count, amount)
       select customer_id, (placed_at at time zone $1)::date, count(*)::int, sum(paid_amount - refunded_amount)
         from orders where ${scope(2)} and ${counted}
        group by 1, 2`,
      [timeZone, ...params],
    );
  },

  /** Merging customers: every order of `fromId` (with its items and history) to `toId`; returns the order ids. */
  async moveToCustomer(q: Queryable, fromId: string, toId: string): Promise<string[]> {
    const rows = await q.query<{ id: string }>(
      `with moved as (update orders set customer_id = $2 where customer_id = $1 returning id),
            items as (update order_items set customer_id = $2 where order_id in (select id from moved)),
            changes as (update order_changes set customer_id = $2 where order_id in (select id from moved))
       select id from moved`,
      [fromId, toId],
    );
    return rows.map((r) => r.id);
  },

  /** Undoing a merge: exactly the orders `ids` (and their items and history) from `toId` back to `fromId`. */
  async restoreToCustomer(q: Queryable, toId: string, fromId: string, ids: readonly string[]): Promise<void> {
    await q.query(
      `with moved as (update orders set customer_id = $2 where customer_id = $1 and id = any($3::uuid[]) returning id),
            items as (update order_items set customer_id = $2 where order_id in (select id from moved)),
            changes as (update order_changes set customer_id = $2 where order_id in (select id from moved))
       select count(*) from moved`,
      [toId, fromId, ids],
    );
  },
};
