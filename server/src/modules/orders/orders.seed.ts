import { bulkLoad } from '../../platform/db/bulk.ts';
import type { Queryable } from '../../platform/db/db.ts';
import type { CustomersFace, NewActivity, OrderStats } from '../customers/index.ts';
import { ordersRepository } from './orders.repository.ts';

/**
 * Bulk writers for demo data (and fixtures): the catalogue, then orders with their lines,
 * history and timeline rows, thousands per statement, written as the system. Amounts are
 * derived here the way an order is validated (subtotal = Σ quantity × price, paid = subtotal −
 * discount), and each customer's aggregates are computed from the same rows and handed to the
 * customers face in bulk, so they equal what the orders imply.
 */
export type SeedCategory = { name: string; children?: SeedCategory[] };

export type SeedProduct = {
  sku: string;
  name: string;
  /** Name of a category in the seeded tree (names are unique across the demo tree). */
  category: string | null;
  price: string;
};

export type SeedOrderStatus = 'paid' | 'cancelled' | 'refunded' | 'partially_refunded';

export type SeedOrderChange = {
  at: Date;
  kind: 'cancelled' | 'refunded' | 'partially_refunded';
  amount: string | null;
  reason: string | null;
  actorId?: string | null;
  /** Where it happened (the after-sales desk); default the order's store. */
  touchpointId?: string | null;
};

export type SeedOrder = {
  id: string;
  customerId: string;
  source: string;
  externalId: string;
  storeId: string | null;
  status: SeedOrderStatus;
  placedAt: Date;
  discount: string;
  /** For refunded orders the whole paid amount; for partially refunded ones less than it. */
  refundedAmount: string;
  /** Lines name a seeded product by SKU; the product's name is copied onto the line. */
  items: { sku: string; quantity: number; price: string }[];
  /** What happened after the order was created (its 'created' change is written for it). */
  changes: SeedOrderChange[];
};

export type OrdersSeeder = {
  /** The category tree and products (existing names and SKUs are kept); returns SKU → product. */
  seedCatalogue(
    q: Queryable,
    categories: readonly SeedCategory[],
    products: readonly SeedProduct[],
    at: Date,
  ): Promise<Map<string, { id: string; name: string }>>;
  /**
   * Orders, lines, changes, timeline rows (`order.created`, `order.cancelled`, `order.refunded`
   * through `timeline`, the customers module's bulk writer) and the buyers' aggregates.
   */
  seedOrders(
    q: Queryable,
    orders: readonly SeedOrder[],
    timeline: { seedActivities(q: Queryable, rows: readonly NewActivity[]): Promise<number> },
  ): Promise<{ orders: number; items: number; changes: number; customers: number }>;
};

const BATCH = 5_000;
/** From this many orders on, the tables' secondary indexes are rebuilt after the load instead of updated row by row. */
const DEFER_INDEXES_FROM = 5_000;

/** Column arrays for `unnest`: one array per column, one element per row. */
function columns(n: number): unknown[][] {
  return Array.from({ length: n }, () => []);
}
function push(cols: unknown[][], ...values: unknown[]) {
  values.forEach((v, i) => cols[i].push(v));
}

function* chunks<T>(rows: readonly T[], size = BATCH): Generator<readonly T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

// Money in integer fen: demo amounts stay far below 2^53 fen.
function toFen(yuan: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(yuan);
  if (!m) throw new Error(`not an amount: ${yuan}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function toYuan(fen: number): string {
  const cents = fen % 100;
  return `${(fen - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
}

const counted = new Set<SeedOrderStatus>(['paid', 'partially_refunded']);

export function createOrdersSeeder(deps: {
  customers: CustomersFace;
  timeZone: (q: Queryable) => Promise<string>;
}): OrdersSeeder {
  return {
    async seedCatalogue(q, categories, products, at) {
      const categoryIds = new Map<string, string>();
      const walk = async (nodes: readonly SeedCategory[], parentId: string | null) => {
        for (const [i, node] of nodes.entries()) {
          const [found] = await q.query<{ id: string }>(
            'select id from product_categories where name = $1 and parent_id is not distinct from $2',
            [node.name, parentId],
          );
          const id =
            found?.id ??
            (
              await q.query<{ id: string }>(
                `insert into product_categories (name, parent_id, sort_order, created_at)
                 values ($1, $2, $3, $4) returning id`,
                [node.name, parentId, i, at],
              )
            )[0].id;
          categoryIds.set(node.name, id);
          await walk(node.children ?? [], id);
        }
      };
      await walk(categories, null);

      await q.query(
        `insert into products (sku, name, category_id, price, created_at, updated_at)
         select r.sku, r.name, r.category_id, r.price, $2, $2
           from jsonb_to_recordset($1::jsonb) as r(sku text, name text, category_id uuid, price numeric)
         on conflict (sku) do nothing`,
        [
          JSON.stringify(
            products.map((p) => {
              const categoryId = p.category === null ? null : categoryIds.get(p.category);
              if (categoryId === undefined) throw new Error(`unknown category ${p.category}`);
              return { sku: p.sku, name: p.name, category_id: categoryId, price: toYuan(toFen(p.price)) };
            }),
          ),
          at,
        ],
      );
      const rows = await q.query<{ id: string; sku: string; name: string }>(
        'select id, sku, name from products where sku = any($1::text[])',
        [products.map((p) => p.sku)],
      );
      return new Map(rows.map((r) => [r.sku, { id: r.id, name: r.name }]));
    },

    async seedOrders(q, orders, timeline) {
      const skus = [...new Set(orders.flatMap((o) => o.items.map((i) => i.sku)))];
      const productRows = await q.query<{ id: string; sku: string; name: string }>(
        'select id, sku, name from products where sku = any($1::text[])',
        [skus],
      );
      const products = new Map(productRows.map((r) => [r.sku, r]));
      const stats = new Map<
        string,
        { count: number; spentFen: number; first: Date | null; last: Date | null; seen: Date }
      >();
      const activities: NewActivity[] = [];
      let itemCount = 0;
      let changeCount = 0;

      const insertBatch = async (batch: readonly SeedOrder[]) => {
        const o_ = columns(12);
        const i_ = columns(9);
        const c_ = columns(7);
        for (const o of batch) {
          if (o.items.length === 0) throw new Error(`order ${o.externalId} has no lines`);
          let subtotal = 0;
          o.items.forEach((line, i) => {
            const product = products.get(line.sku);
            if (!product) throw new Error(`order ${o.externalId}: unknown SKU ${line.sku}`);
            if (!Number.isInteger(line.quantity) || line.quantity < 1)
              throw new Error(`bad quantity in ${o.externalId}`);
            const price = toFen(line.price);
            const amount = price * line.quantity;
            subtotal += amount;
            push(
              i_,
              o.id,
              i + 1,
              o.customerId,
              product.id,
              line.sku,
              product.name,
              line.quantity,
              toYuan(price),
              toYuan(amount),
            );
          });
          const discount = toFen(o.discount);
          const paid = subtotal - discount;
          const refunded = toFen(o.refundedAmount);
          if (paid <= 0) throw new Error(`order ${o.externalId}: amounts do not add up`);
          const refundFits =
            o.status === 'refunded'
              ? refunded === paid
              : o.status === 'partially_refunded'
                ? refunded > 0 && refunded < paid
                : refunded === 0;
          if (!refundFits) throw new Error(`order ${o.externalId}: refunded amount does not fit its status`);
          const updatedAt = o.changes.reduce((t, c) => (c.at > t ? c.at : t), o.placedAt);
          push(
            o_,
            o.id,
            o.customerId,
            o.source,
            o.externalId,
            o.storeId,
            o.status,
            toYuan(subtotal),
            toYuan(discount),
            toYuan(paid),
            toYuan(refunded),
            o.placedAt.toISOString(),
            updatedAt.toISOString(),
          );
          push(c_, o.id, o.customerId, o.placedAt.toISOString(), 'created', toYuan(paid), null, null);
          activities.push({
            customerId: o.customerId,
            at: o.placedAt,
            kind: 'order.created',
            module: 'orders',
            ref: o.id,
            touchpointId: o.storeId,
            summary: {
              externalId: o.externalId,
              paidAmount: toYuan(paid),
              itemCount: o.items.reduce((n, l) => n + l.quantity, 0),
              source: o.source,
            },
          });
          for (const c of o.changes) {
            const amount = c.amount === null ? null : toYuan(toFen(c.amount));
            push(c_, o.id, o.customerId, c.at.toISOString(), c.kind, amount, c.reason, c.actorId ?? null);
            activities.push({
              customerId: o.customerId,
              at: c.at,
              kind: c.kind === 'cancelled' ? 'order.cancelled' : 'order.refunded',
              module: 'orders',
              ref: o.id,
              touchpointId: c.touchpointId === undefined ? o.storeId : c.touchpointId,
              actorId: c.actorId ?? null,
              // the same summaries the order service writes
              summary: c.kind === 'cancelled' ? { externalId: o.externalId } : { externalId: o.externalId, amount },
            });
          }

          const s = stats.get(o.customerId) ?? { count: 0, spentFen: 0, first: null, last: null, seen: o.placedAt };
          stats.set(o.customerId, s);
          if (o.placedAt > s.seen) s.seen = o.placedAt;
          if (counted.has(o.status)) {
            s.count++;
            s.spentFen += paid - refunded;
            if (s.first === null || o.placedAt < s.first) s.first = o.placedAt;
            if (s.last === null || o.placedAt > s.last) s.last = o.placedAt;
          }
        }

        await q.query(
          `insert into orders (id, customer_id, source, external_id, store_id, status, subtotal, discount,
                               paid_amount, refunded_amount, placed_at, created_at, updated_at)
           select id, customer_id, source, external_id, store_id, status, subtotal, discount,
                  paid_amount, refunded_amount, placed_at, placed_at, updated_at
             from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::numeric[],
                         $8::numeric[], $9::numeric[], $10::numeric[], $11::timestamptz[], $12::timestamptz[])
                  as r(id, customer_id, source, external_id, store_id, status, subtotal, discount,
                       paid_amount, refunded_amount, placed_at, updated_at)`,
          o_,
        );
        await q.query(
          `insert into order_items (order_id, line_no, customer_id, product_id, sku, name, quantity, price, amount)
           select * from unnest($1::uuid[], $2::int[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::int[],
                                $8::numeric[], $9::numeric[])`,
          i_,
        );
        await q.query(
          `insert into order_changes (order_id, customer_id, at, kind, amount, reason, actor_id)
           select * from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::numeric[], $6::text[],
                                $7::uuid[])`,
          c_,
        );
        itemCount += i_[0].length;
        changeCount += c_[0].length;
      };

      const load = async () => {
        for (const batch of chunks(orders)) await insertBatch(batch);
      };
      if (orders.length >= DEFER_INDEXES_FROM)
        await bulkLoad(q, ['orders', 'order_items', 'order_changes'], load, { trustReferences: true });
      else await load();
      await timeline.seedActivities(q, activities);
      // the daily rollup of every buyer seeded, from their orders in one statement
      await ordersRepository.rebuildDays(q, { customerIds: [...stats.keys()] }, await deps.timeZone(q));

      const rows: (OrderStats & { customerId: string })[] = [...stats].map(([customerId, s]) => ({
        customerId,
        orderCount: s.count,
        totalSpent: toYuan(s.spentFen),
        firstOrderAt: s.first,
        lastOrderAt: s.last,
      }));
      for (const batch of chunks(rows)) await deps.customers.setOrderStatsBulk(q, [...batch]);
      // any order, counted or not, is a sighting (as when it arrives through the API)
      for (const [customerId, s] of stats) {
        if (s.last === null || s.seen > s.last) await deps.customers.touchLastSeen(q, customerId, s.seen);
      }
      return { orders: orders.length, items: itemCount, changes: changeCount, customers: stats.size };
    },
  };
}
