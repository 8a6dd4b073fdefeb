import type { FieldEncryption } from '../../platform/crypto/encryption.service.ts';
import type { Queryable } from '../../platform/db/db.ts';
import type { Collector, ExternalIdentity } from './collect.face.ts';
import { recordConsent, type ConsentInput, type ConsentRecorded } from './consents.service.ts';
import { maskIdentity, openIdentity } from './identities.ts';
import { verifiedRepository } from './merge.repository.ts';
import { scoresRepository } from './scores.repository.ts';

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

/** What a batch of orders adds to one customer's aggregates (money as a decimal string). */
export type OrderStatsDelta = {
  customerId: string;
  orderCount: number;
  amount: string;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  seenAt: Date;
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
  /**
   * Merging customers (merge.service.ts): moves every row of `fromId` to `toId` in the merge's
   * transaction and returns the ids of the rows moved (kept with the merge, so an undo moves
   * back exactly those). Recompute whatever aggregate the rows feed (orders: the stats). A
   * dependent without it blocks merging a customer it holds rows for.
   */
  moveFor?(tx: Queryable, fromId: string, toId: string): Promise<string[]>;
  /** Undoing a merge: moves the rows `ids` (moved by `moveFor`) from `toId` back to `fromId`. */
  restoreFor?(tx: Queryable, toId: string, fromId: string, ids: readonly string[]): Promise<void>;
};

export type CustomersFace = {
  /**
   * Matching and writing collected customers (tracking, forms, webhooks, imports); see
   * collect.face.ts. Reads settings over `db`: call it before opening a transaction, reuse it for a batch.
   */
  collector(): Promise<Collector>;
  /** The customer an external id or member card belongs to. */
  findByIdentity(q: Queryable, identity: ExternalIdentity): Promise<string | null>;
  /** Bulk `findByIdentity` for one kind and namespace (a tracking batch's userIds): value → customer id. */
  findByIdentities(
    q: Queryable,
    kind: ExternalIdentity['kind'],
    namespace: string,
    values: readonly string[],
  ): Promise<Map<string, string>>;
  /** Locks nothing; true when the customer exists. */
  exists(q: Queryable, customerId: string): Promise<boolean>;
  /** Customer names by id (order lists show who bought); unknown ids are absent. */
  namesOf(q: Queryable, ids: readonly string[]): Promise<Map<string, string>>;
  recordActivity(q: Queryable, activity: NewActivity): Promise<void>;
  /** Several timeline rows in one statement (a tracking batch). */
  recordActivities(q: Queryable, activities: readonly NewActivity[]): Promise<void>;
  /** A new counted order (paid): the hot path, one atomic UPDATE of the stats row. */
  addOrderToStats(q: Queryable, customerId: string, order: { paidAmount: string; placedAt: Date }): Promise<void>;
  /**
   * A batch's orders, summed per customer: counted orders raise count, spend and first/last
   * order; every order raises last-seen. The rows are locked in id order first, so two batches
   * touching the same customers wait for each other instead of deadlocking.
   */
  addOrdersToStats(q: Queryable, rows: readonly OrderStatsDelta[]): Promise<void>;
  /** After a cancellation or refund the owner recomputes and hands over the whole picture. */
  setOrderStats(q: Queryable, customerId: string, stats: OrderStats): Promise<void>;
  /** Bulk rewrite for the recompute job; customers absent from `rows` are left as they are. */
  setOrderStatsBulk(q: Queryable, rows: (OrderStats & { customerId: string })[]): Promise<void>;
  /** Raises last-seen (never lowers it): an order, a visit, a message opened. */
  touchLastSeen(q: Queryable, customerId: string, at: Date): Promise<void>;
  /** `touchLastSeen` for many customers in one statement. */
  touchLastSeenMany(
    q: Queryable,
    rows: readonly { customerId: string; at: Date }[],
    /** Leave a row alone unless it moves forward by at least this much (a stream of page views locks less). */
    minStepMs?: number,
  ): Promise<void>;
  findTouchpoint(q: Queryable, idOrCode: { id?: string; code?: string }): Promise<TouchpointRef | null>;
  /** Touchpoints by id (a page or batch of orders names a handful); unknown ids are absent. */
  touchpointsByIds(q: Queryable, ids: readonly string[]): Promise<Map<string, TouchpointRef>>;
  registerDependent(dependent: CustomerDependent): void;
  dependents(): readonly CustomerDependent[];
  /**
   * Appends a consent decision (forms, imports, preference pages) to the customer's history and
   * updates the current state per purpose and channel; see consents.service.ts.
   */
  recordConsent(q: Queryable, consent: ConsentInput): Promise<ConsentRecorded>;
  /** Custom attribute definitions in form order (forms render and check answers with them). */
  attributeDefinitions(q: Queryable): Promise<AttributeDefinitionRef[]>;
  /**
   * The customer proved they control a mobile or email (a confirmed double opt-in, an SMS code):
   * automatic merge rules may trust it (merge.tables.ts). `value` is the one proven (the address the
   * confirmation went to); without it, the profile's current value. False when the customer does
   * not hold that value (on the profile or as a former identifier).
   */
  markIdentifierVerified(q: Queryable, input: VerifiedIdentifier): Promise<boolean>;
  /** The computed-score columns of customer_stats, written for the scoring module (scores.repository.ts). */
  scores: typeof scoresRepository;
  /**
   * Short summaries of customers for lists in other modules (a segment's sample), in the order
   * of `ids`; the mobile is always masked. Unknown ids are absent.
   */
  summaries(q: Queryable, ids: readonly string[]): Promise<CustomerSummary[]>;
  /**
   * The segments module registers how "member of segment X" reads as SQL, so the customer list
   * and exports can filter by segment without this module knowing segments' tables.
   */
  registerSegmentFilter(filter: SegmentFilter): void;
  segmentFilter(): SegmentFilter | null;
};

export type CustomerSummary = {
  id: string;
  name: string;
  mobile: string | null;
  city: string | null;
  totalSpent: string;
  lastOrderAt: string | null;
};

/** `param(value, cast)` adds a parameter and returns its placeholder; the result is a condition on `c.id`. */
export type SegmentFilter = (segmentId: string, param: (value: unknown, cast?: string) => string) => string;

export type VerifiedIdentifier = {
  customerId: string;
  field: 'mobile' | 'email';
  value?: string;
  source: string;
  at: Date;
};

export type AttributeDefinitionRef = {
  key: string;
  label: string;
  type: string;
  options: { value: string; label: string }[];
  isRequired: boolean;
};

export function createCustomersFace(deps: {
  collector(): Promise<Collector>;
  /** For verified identifiers: their blind index (merge.repository.ts). */
  crypto: FieldEncryption;
}): CustomersFace {
  const dependents: CustomerDependent[] = [];
  let segmentFilter: SegmentFilter | null = null;
  return {
    registerSegmentFilter(filter) {
      segmentFilter = filter;
    },
    segmentFilter: () => segmentFilter,

    async summaries(q, ids) {
      if (ids.length === 0) return [];
      const rows = await q.query<{
        id: string;
        name: string;
        mobile_enc: string | null;
        city: string | null;
        total_spent: string | null;
        last_order_at: Date | null;
      }>(
        `select c.id, c.name, c.mobile_enc, c.city, s.total_spent, s.last_order_at
           from customers c left join customer_stats s on s.customer_id = c.id where c.id = any($1::uuid[])`,
        [[...new Set(ids)]],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.flatMap((id) => {
        const r = byId.get(id);
        if (!r) return [];
        let mobile: string | null = null;
        if (r.mobile_enc) {
          try {
            mobile = maskIdentity('mobile', openIdentity(deps.crypto, 'mobile', r.mobile_enc, r.id));
          } catch {
            mobile = '****'; // a token that no longer decrypts still shows that a value exists
          }
        }
        return [
          {
            id: r.id,
            name: r.name,
            mobile,
            city: r.city,
            totalSpent: r.total_spent ?? '0.00',
            lastOrderAt: r.last_order_at ? r.last_order_at.toISOString() : null,
          },
        ];
      });
    },

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

    async findByIdentities(q, kind, namespace, values) {
      if (values.length === 0) return new Map();
      const rows = await q.query<{ customer_id: string; value: string }>(
        'select customer_id, value from customer_identities where kind = $1 and namespace = $2 and value = any($3::text[])',
        [kind, namespace, [...new Set(values)]],
      );
      return new Map(rows.map((r) => [r.value, r.customer_id]));
    },

    async recordActivities(q, list) {
      if (list.length === 0) return;
      await q.query(
        `insert into activities (customer_id, at, kind, module, ref, touchpoint_id, actor_id, summary)
         select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::uuid[], $8::jsonb[])`,
        [
          list.map((a) => a.customerId),
          list.map((a) => a.at.toISOString()),
          list.map((a) => a.kind),
          list.map((a) => a.module),
          list.map((a) => a.ref ?? null),
          list.map((a) => a.touchpointId ?? null),
          list.map((a) => a.actorId ?? null),
          list.map((a) => JSON.stringify(a.summary ?? {})),
        ],
      );
    },

    async touchLastSeenMany(q, rows, minStepMs = 0) {
      if (rows.length === 0) return;
      // one row per customer (the latest), in id order so concurrent batches lock alike
      const latest = new Map<string, Date>();
      for (const r of rows) {
        const seen = latest.get(r.customerId);
        if (!seen || seen < r.at) latest.set(r.customerId, r.at);
      }
      const ids = [...latest.keys()].sort();
      await q.query(
        `update customer_stats s set last_seen_at = greatest(s.last_seen_at, v.at)
           from unnest($1::uuid[], $2::timestamptz[]) as v(customer_id, at)
          where s.customer_id = v.customer_id
            and (s.last_seen_at is null or s.last_seen_at < v.at - $3 * interval '1 millisecond')`,
        [ids, ids.map((id) => latest.get(id)!.toISOString()), minStepMs],
      );
    },

    async recordActivity(q, a) {
      await this.recordActivities(q, [a]);
    },

    async addOrdersToStats(q, rows) {
      if (rows.length === 0) return;
      await q.query(
        `with v as (
           select * from unnest($1::uuid[], $2::int[], $3::numeric[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[])
             as v(customer_id, n, amount, first_at, last_at, seen_at)
         ), locked as (
           select s.customer_id from customer_stats s join v using (customer_id) order by s.customer_id for update of s
         )
         update customer_stats s set
           order_count = s.order_count + v.n,
           total_spent = s.total_spent + v.amount,
           average_order_value = case when s.order_count + v.n > 0
             then round((s.total_spent + v.amount) / (s.order_count + v.n), 2) else 0 end,
           first_order_at = least(s.first_order_at, v.first_at),
           last_order_at = greatest(s.last_order_at, v.last_at),
           last_seen_at = greatest(s.last_seen_at, v.seen_at),
           updated_at = now()
          from v where s.customer_id = v.customer_id and s.customer_id in (select customer_id from locked)`,
        [
          rows.map((r) => r.customerId),
          rows.map((r) => r.orderCount),
          rows.map((r) => r.amount),
          rows.map((r) => r.firstOrderAt),
          rows.map((r) => r.lastOrderAt),
          rows.map((r) => r.seenAt),
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

    async touchpointsByIds(q, ids) {
      if (ids.length === 0) return new Map();
      const rows = await q.query<TouchpointRef>(
        'select id, code, name, type from touchpoints where id = any($1::uuid[])',
        [[...new Set(ids)]],
      );
      return new Map(rows.map((r) => [r.id, r]));
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

    recordConsent: (q, consent) => recordConsent(q, consent),

    async attributeDefinitions(q) {
      return q.query<AttributeDefinitionRef>(
        `select key, label, type, options, is_required as "isRequired"
           from customer_attribute_definitions order by sort_order, key`,
      );
    },

    registerDependent(dependent) {
      dependents.push(dependent);
    },
    dependents: () => dependents,

    markIdentifierVerified: (q, input) => verifiedRepository.mark(q, input, deps.crypto),
    scores: scoresRepository,
  };
}
