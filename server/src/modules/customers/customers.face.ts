import type { Queryable } from '../../platform/db/db.ts';
import type { Collector, ExternalIdentity } from './collect.face.ts';

/**
 * What other modules may do to customers (re-exported by index.ts). Every function takes the
 * caller's transaction, so a module's change and its timeline row or aggregate update commit
 * together or not at all.
 */

/** One timeline row. `kind` names the sentence the screens show (`order.created`), `summary` its parameters. */
export type NewActivity = {
  customerId: string;
  at: Date;
  kind: string;
  module: string;
  ref?: string | null;
  touchpointId?: string | null;
  actorId?: string | null;
  summary?: Record<string, unknown>;
};

/** A customer's order aggregates as recomputed from their orders (money as decimal strings). */
export type OrderStats = {
  orderCount: number;
  totalSpent: string;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
};

export type TouchpointRef = { id: string; code: string; name: string; type: string };

/**
 * Another module's rows that belong to a customer (orders, later tickets, points). Deleting a
 * customer asks each dependent how many rows it holds (the confirmation names them) and then
 * removes them in the same transaction, so nothing is orphaned.
 */
export type CustomerDependent = {
  name: string;
  countFor(tx: Queryable, customerId: string): Promise<number>;
  deleteFor(tx: Queryable, customerId: string): Promise<void>;
};

export type CustomersFace = {
  /**
   * Matching and writing collected customers (tracking, forms, webhooks, imports); see
   * collect.face.ts. Reads settings over `db`: call it before opening a transaction, reuse it for a batch.
   */
  collector(): Promise<Collector>;
  /** The customer an external id or member card belongs to. */
  findByIdentity(q: Queryable, identity: ExternalIdentity): Promise<string | null>;
  /** Locks nothing; true when the customer exists. */
  exists(q: Queryable, customerId: string): Promise<boolean>;
  /** Customer names by id (order lists show who bought); unknown ids are absent. */
  namesOf(q: Queryable, ids: readonly string[]): Promise<Map<string, string>>;
  recordActivity(q: Queryable, activity: NewActivity): Promise<void>;
  /** A new counted order (paid): the hot path, one atomic UPDATE of the stats row. */
  addOrderToStats(q: Queryable, customerId: string, order: { paidAmount: string; placedAt: Date }): Promise<void>;
  /** After a cancellation or refund the owner recomputes and hands over the whole picture. */
  setOrderStats(q: Queryable, customerId: string, stats: OrderStats): Promise<void>;
  /** Bulk rewrite for the recompute job; customers absent from `rows` are left as they are. */
  setOrderStatsBulk(q: Queryable, rows: (OrderStats & { customerId: string })[]): Promise<void>;
  /** Raises last-seen (never lowers it): an order, a visit, a message opened. */
  touchLastSeen(q: Queryable, customerId: string, at: Date): Promise<void>;
  findTouchpoint(q: Queryable, idOrCode: { id?: string; code?: string }): Promise<TouchpointRef | null>;
  registerDependent(dependent: CustomerDependent): void;
  dependents(): readonly CustomerDependent[];
};

export function createCustomersFace(deps: { collector(): Promise<Collector> }): CustomersFace {
  const dependents: CustomerDependent[] = [];
  return {
    collector: () => deps.collector(),

    async findByIdentity(q, identity) {
      const rows = await q.query<{ customer_id: string }>(
        'select customer_id from customer_identities where kind = $1 and namespace = $2 and value = $3',
        [identity.kind, identity.namespace, identity.value],
      );
      return rows[0]?.customer_id ?? null;
    },

    async exists(q, customerId) {
      const rows = await q.query('select 1 from customers where id = $1', [customerId]);
      return rows.length > 0;
    },

    async namesOf(q, ids) {
      if (ids.length === 0) return new Map();
      const rows = await q.query<{ id: string; name: string }>(
        'select id, name from customers where id = any($1::uuid[])',
        [[...new Set(ids)]],
      );
      return new Map(rows.map((r) => [r.id, r.name]));
    },

    async recordActivity(q, a) {
      await q.query(
        `insert into activities (customer_id, at, kind, module, ref, touchpoint_id, actor_id, summary)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          a.customerId,
          a.at,
          a.kind,
          a.module,
          a.ref ?? null,
          a.touchpointId ?? null,
          a.actorId ?? null,
          JSON.stringify(a.summary ?? {}),
        ],
      );
    },

    async addOrderToStats(q, customerId, order) {
      await q.query(
        `update customer_stats set
           order_count = order_count + 1,
           total_spent = total_spent + $2::numeric,
           average_order_value = round((total_spent + $2::numeric) / (order_count + 1), 2),
           first_order_at = least(first_order_at, $3),
           last_order_at = greatest(last_order_at, $3),
           last_seen_at = greatest(last_seen_at, $3),
           updated_at = now()
         where customer_id = $1`,
        [customerId, order.paidAmount, order.placedAt],
      );
    },

    async setOrderStats(q, customerId, s) {
      await q.query(
        `update customer_stats set
           order_count = $2,
           total_spent = $3::numeric,
           average_order_value = case when $2 > 0 then round($3::numeric / $2, 2) else 0 end,
           first_order_at = $4,
           last_order_at = $5,
           updated_at = now()
         where customer_id = $1`,
        [customerId, s.orderCount, s.totalSpent, s.firstOrderAt, s.lastOrderAt],
      );
    },

    async setOrderStatsBulk(q, rows) {
      if (rows.length === 0) return;
      await q.query(
        `update customer_stats s set
           order_count = v.order_count,
           total_spent = v.total_spent,
           average_order_value = case when v.order_count > 0 then round(v.total_spent / v.order_count, 2) else 0 end,
           first_order_at = v.first_order_at,
           last_order_at = v.last_order_at,
           last_seen_at = greatest(s.last_seen_at, v.last_order_at),
           updated_at = now()
         from unnest($1::uuid[], $2::int[], $3::numeric[], $4::timestamptz[], $5::timestamptz[])
           as v(customer_id, order_count, total_spent, first_order_at, last_order_at)
         where s.customer_id = v.customer_id`,
        [
          rows.map((r) => r.customerId),
          rows.map((r) => r.orderCount),
          rows.map((r) => r.totalSpent),
          rows.map((r) => r.firstOrderAt),
          rows.map((r) => r.lastOrderAt),
        ],
      );
    },

    async touchLastSeen(q, customerId, at) {
      await q.query(`update customer_stats set last_seen_at = greatest(last_seen_at, $2) where customer_id = $1`, [
        customerId,
        at,
      ]);
    },

    async findTouchpoint(q, { id, code }) {
      if (!id && !code) return null;
      const rows = await q.query<TouchpointRef>(
        id
          ? 'select id, code, name, type from touchpoints where id = $1'
          : 'select id, code, name, type from touchpoints where code = $1',
        [id ?? code],
      );
      return rows[0] ?? null;
    },

    registerDependent(dependent) {
      dependents.push(dependent);
    },
    dependents: () => dependents,
  };
}
