import type { Queryable } from '../../platform/db/db.ts';
import { pgErrorCode } from '../../platform/db/db.ts';
import { commonErrors } from '../../platform/http/errors.ts';

/** SQL for webhook connections, their delivery log and the refunds applied. Parameterised only. */

export type ConnectionKind = 'shopify' | 'generic';
export type DeliveryOutcome = 'processed' | 'duplicate' | 'ignored' | 'failed';

export type ConnectionRow = {
  id: string;
  kind: ConnectionKind;
  name: string;
  shop_domain: string | null;
  source: string;
  secret_enc: string;
  touchpoint_id: string | null;
  rejected_count: number;
  last_rejected_at: Date | null;
  last_delivery_at: Date | null;
  created_at: Date;
  processed_7d: number;
  ignored_7d: number;
  failed_7d: number;
};

/** A message code and its parameters (`detail` column), translated when read. */
export type DeliveryDetail = {
  code: string;
  params?: Record<string, unknown>;
  /** Field problems of a refused payload: { field, code, params } as DomainError carries them. */
  fields?: { field: string; code: string; params?: Record<string, unknown> }[];
  /** zod issues of a refused generic payload, in fastify's validation shape. */
  validation?: { keyword: string; instancePath: string; message?: string; params?: Record<string, unknown> }[];
  /** Several notes (an order update that refunded and cancelled): shown one after the other. */
  parts?: DeliveryDetail[];
};

export type DeliveryRow = {
  id: string;
  webhook_id: string;
  topic: string;
  outcome: DeliveryOutcome;
  detail: DeliveryDetail | null;
  external_ref: string | null;
  customer_id: string | null;
  order_id: string | null;
  attempts: number;
  replays: number;
  received_at: Date;
  last_received_at: Date;
};

export type DeliveryResult = {
  outcome: Exclude<DeliveryOutcome, 'failed'>;
  detail?: DeliveryDetail | null;
  externalRef?: string | null;
  customerId?: string | null;
  orderId?: string | null;
};

const connectionSelect = (where: string) => `
  select c.id, c.kind, c.name, c.shop_domain, c.source, c.secret_enc, c.touchpoint_id, c.rejected_count, c.last_rejected_at, c.created_at,
         (select max(d.received_at) from webhook_deliveries d where d.connection_id = c.id) as last_delivery_at,
         (select count(*)::int from webhook_deliveries d where d.connection_id = c.id and d.outcome in ('processed', 'duplicate')
             and d.received_at > $1::timestamptz - interval '7 days') as processed_7d,
         (select count(*)::int from webhook_deliveries d where d.connection_id = c.id and d.outcome = 'ignored'
             and d.received_at > $1::timestamptz - interval '7 days') as ignored_7d,
         (select count(*)::int from webhook_deliveries d where d.connection_id = c.id and d.outcome = 'failed'
             and d.received_at > $1::timestamptz - interval '7 days') as failed_7d
    from webhook_connections c
   where ${where}`;

async function mapUnique<T>(work: Promise<T>, field: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (pgErrorCode(err) === '23505') throw commonErrors.duplicate(field);
    throw err;
  }
}

export const webhooksRepository = {
  async listConnections(q: Queryable, now: Date): Promise<ConnectionRow[]> {
    return q.query<ConnectionRow>(`${connectionSelect('true')} order by c.created_at desc, c.id`, [now]);
  },

  async findConnection(q: Queryable, id: string, now: Date): Promise<ConnectionRow | null> {
    const rows = await q.query<ConnectionRow>(connectionSelect('c.id = $2'), [now, id]);
    return rows[0] ?? null;
  },

  /** Just what a delivery needs, without the counts (the hot path). */
  async findForDelivery(
    q: Queryable,
    id: string,
  ): Promise<Pick<
    ConnectionRow,
    'id' | 'kind' | 'name' | 'shop_domain' | 'source' | 'secret_enc' | 'touchpoint_id'
  > | null> {
    const rows = await q.query<
      Pick<ConnectionRow, 'id' | 'kind' | 'name' | 'shop_domain' | 'source' | 'secret_enc' | 'touchpoint_id'>
    >(
      `select id, kind, name, shop_domain, source, secret_enc, touchpoint_id
         from webhook_connections where id = $1`,
      [id],
    );
    return rows[0] ?? null;
  },

  async lockConnection(q: Queryable, id: string): Promise<{ id: string; kind: ConnectionKind } | null> {
    const rows = await q.query<{ id: string; kind: ConnectionKind }>(
      'select id, kind from webhook_connections where id = $1 for update',
      [id],
    );
    return rows[0] ?? null;
  },

  async insertConnection(
    q: Queryable,
    c: {
      id: string;
      kind: ConnectionKind;
      name: string;
      shopDomain: string | null;
      source: string;
      secretEnc: string;
      touchpointId: string | null;
      createdBy: string | null;
      at: Date;
    },
  ): Promise<void> {
    await mapUnique(
      q.query(
        `insert into webhook_connections
           (id, kind, name, shop_domain, source, secret_enc, touchpoint_id, created_by, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
        [c.id, c.kind, c.name, c.shopDomain, c.source, c.secretEnc, c.touchpointId, c.createdBy, c.at],
      ),
      c.kind === 'shopify' ? 'shopDomain' : 'source',
    );
  },

  async updateConnection(
    q: Queryable,
    id: string,
    f: { name?: string; touchpointId?: string | null; secretEnc?: string; at: Date },
  ): Promise<void> {
    await q.query(
      `update webhook_connections set
         name = coalesce($2, name),
         touchpoint_id = case when $3::boolean then $4::uuid else touchpoint_id end,
         secret_enc = coalesce($5, secret_enc),
         updated_at = $6
       where id = $1`,
      [id, f.name ?? null, f.touchpointId !== undefined, f.touchpointId ?? null, f.secretEnc ?? null, f.at],
    );
  },

  async deleteConnection(q: Queryable, id: string): Promise<void> {
    await q.query('delete from webhook_connections where id = $1', [id]);
  },

  async noteRejected(q: Queryable, id: string, at: Date): Promise<void> {
    await q.query(
      'update webhook_connections set rejected_count = rejected_count + 1, last_rejected_at = $2 where id = $1',
      [id, at],
    );
  },

  /**
   * Claims a delivery for processing: a new webhook id, or one whose earlier attempt failed.
   * Null when it was already processed (a replay). A concurrent first attempt of the same id
   * waits here on the unique key until the other commits, then sees it.
   */
  async claimDelivery(
    q: Queryable,
    d: { connectionId: string; webhookId: string; topic: string; at: Date },
  ): Promise<string | null> {
    const rows = await q.query<{ id: string }>(
      `insert into webhook_deliveries (connection_id, webhook_id, topic, outcome, received_at, last_received_at)
       values ($1, $2, $3, 'failed', $4, $4)
       on conflict (connection_id, webhook_id) do update set
         topic = excluded.topic, attempts = webhook_deliveries.attempts + 1, last_received_at = excluded.last_received_at
       where webhook_deliveries.outcome = 'failed'
       returning id`,
      [d.connectionId, d.webhookId, d.topic, d.at],
    );
    return rows[0]?.id ?? null;
  },

  async findDelivery(
    q: Queryable,
    connectionId: string,
    webhookId: string,
  ): Promise<{ id: string; outcome: DeliveryOutcome } | null> {
    const rows = await q.query<{ id: string; outcome: DeliveryOutcome }>(
      'select id, outcome from webhook_deliveries where connection_id = $1 and webhook_id = $2',
      [connectionId, webhookId],
    );
    return rows[0] ?? null;
  },

  /** A replay of a processed delivery: counted, and its earlier result returned. */
  async noteReplay(
    q: Queryable,
    connectionId: string,
    webhookId: string,
    at: Date,
  ): Promise<{ id: string; outcome: DeliveryOutcome } | null> {
    const rows = await q.query<{ id: string; outcome: DeliveryOutcome }>(
      `update webhook_deliveries set replays = replays + 1, last_received_at = $3
        where connection_id = $1 and webhook_id = $2
        returning id, outcome`,
      [connectionId, webhookId, at],
    );
    return rows[0] ?? null;
  },

  async finishDelivery(q: Queryable, id: string, r: DeliveryResult): Promise<void> {
    await q.query(
      `update webhook_deliveries set outcome = $2, detail = $3, external_ref = $4, customer_id = $5, order_id = $6
        where id = $1`,
      [
        id,
        r.outcome,
        r.detail ? JSON.stringify(r.detail) : null,
        r.externalRef ?? null,
        r.customerId ?? null,
        r.orderId ?? null,
      ],
    );
  },

  /**
   * After the delivery's transaction rolled back: the failure alone, so the log shows it and the
   * sender's retry processes it again. Never overwrites a delivery that meanwhile succeeded.
   */
  async recordFailure(
    q: Queryable,
    d: {
      connectionId: string;
      webhookId: string;
      topic: string;
      at: Date;
      detail: DeliveryDetail;
      externalRef: string | null;
    },
  ): Promise<string | null> {
    const rows = await q.query<{ id: string }>(
      `insert into webhook_deliveries
         (connection_id, webhook_id, topic, outcome, detail, external_ref, received_at, last_received_at)
       values ($1, $2, $3, 'failed', $4, $5, $6, $6)
       on conflict (connection_id, webhook_id) do update set
         topic = excluded.topic, detail = excluded.detail, external_ref = excluded.external_ref,
         attempts = webhook_deliveries.attempts + 1, last_received_at = excluded.last_received_at
       where webhook_deliveries.outcome = 'failed'
       returning id`,
      [d.connectionId, d.webhookId, d.topic, JSON.stringify(d.detail), d.externalRef, d.at],
    );
    return rows[0]?.id ?? null;
  },

  /** Newest first, keyset-paged on (received_at, id). */
  async listDeliveries(
    q: Queryable,
    f: {
      connectionId: string;
      outcome?: DeliveryOutcome;
      limit: number;
      after?: { receivedAt: Date; id: string };
    },
  ): Promise<DeliveryRow[]> {
    const params: unknown[] = [f.connectionId, f.limit + 1];
    const where = ['connection_id = $1'];
    if (f.outcome) {
      params.push(f.outcome);
      where.push(`outcome = $${params.length}`);
    }
    if (f.after) {
      params.push(f.after.receivedAt, f.after.id);
      where.push(`(received_at, id) < ($${params.length - 1}, $${params.length})`);
    }
    return q.query<DeliveryRow>(
      `select id, webhook_id, topic, outcome, detail, external_ref, customer_id, order_id, attempts, replays,
              received_at, last_received_at
         from webhook_deliveries
        where ${where.join(' and ')}
        order by received_at desc, id desc
        limit $2`,
      params,
    );
  },

  async isRefundKnown(q: Queryable, source: string, refundId: string): Promise<boolean> {
    const rows = await q.query('select 1 from webhook_refunds where source = $1 and refund_id = $2', [
      source,
      refundId,
    ]);
    return rows.length > 0;
  },

  /** True when this refund is new (and now claimed); false when it was applied before. */
  async claimRefund(
    q: Queryable,
    r: { source: string; refundId: string; orderId: string; customerId: string; amount: string; at: Date },
  ): Promise<boolean> {
    const rows = await q.query(
      `insert into webhook_refunds (source, refund_id, order_id, customer_id, amount, created_at)
       values ($1, $2, $3, $4, $5, $6)
       on conflict do nothing
       returning refund_id`,
      [r.source, r.refundId, r.orderId, r.customerId, r.amount, r.at],
    );
    return rows.length > 0;
  },

  async countForCustomer(q: Queryable, customerId: string): Promise<number> {
    const [row] = await q.query<{ n: number }>(
      `select ((select count(*) from webhook_deliveries where customer_id = $1)
             + (select count(*) from webhook_refunds where customer_id = $1))::int as n`,
      [customerId],
    );
    return row.n;
  },

  /**
   * A deleted customer's traces: refunds go (their order went with the customer); deliveries
   * stay as idempotency records but forget who they were about, so a late replay from the shop
   * is still recognised instead of bringing the customer back.
   */
  async detachCustomer(q: Queryable, customerId: string): Promise<void> {
    await q.query('delete from webhook_refunds where customer_id = $1', [customerId]);
    await q.query('update webhook_deliveries set customer_id = null, order_id = null where customer_id = $1', [
      customerId,
    ]);
  },

  /** Merging customers: deliveries and refunds follow; ids `d:<delivery id>` and `r:["<source>","<refund id>"]`. */
  async moveToCustomer(q: Queryable, fromId: string, toId: string): Promise<string[]> {
    const deliveries = await q.query<{ id: string }>(
      'update webhook_deliveries set customer_id = $2 where customer_id = $1 returning id',
      [fromId, toId],
    );
    const refunds = await q.query<{ source: string; refund_id: string }>(
      'update webhook_refunds set customer_id = $2 where customer_id = $1 returning source, refund_id',
      [fromId, toId],
    );
    return [
      ...deliveries.map((d) => `d:${d.id}`),
      ...refunds.map((r) => `r:${JSON.stringify([r.source, r.refund_id])}`),
    ];
  },

  /** Undoing a merge: exactly the rows `moveToCustomer` moved, back to `fromId`. */
  async restoreToCustomer(q: Queryable, toId: string, fromId: string, ids: readonly string[]): Promise<void> {
    const deliveries = ids.filter((i) => i.startsWith('d:')).map((i) => i.slice(2));
    const refunds = ids.filter((i) => i.startsWith('r:')).map((i) => JSON.parse(i.slice(2)) as [string, string]);
    await q.query('update webhook_deliveries set customer_id = $2 where customer_id = $1 and id = any($3::uuid[])', [
      toId,
      fromId,
      deliveries,
    ]);
    await q.query(
      `update webhook_refunds set customer_id = $2
        where customer_id = $1 and (source, refund_id) in (select * from unnest($3::text[], $4::text[]))`,
      [toId, fromId, refunds.map((r) => r[0]), refunds.map((r) => r[1])],
    );
  },
};
