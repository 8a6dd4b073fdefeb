import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { commonErrors } from '../../platform/http/errors.ts';
import { translateIssues } from '../../platform/http/validation.ts';
import { translator, type Locale } from '../../platform/i18n/i18n.ts';
import { generateWebhookSecret } from './domain/signature.ts';
import { secretField, type WebhooksContext } from './webhooks.context.ts';
import { webhooksErrors } from './webhooks.errors.ts';
import {
  webhooksRepository as repo,
  type ConnectionKind,
  type ConnectionRow,
  type DeliveryDetail,
  type DeliveryOutcome,
  type DeliveryRow,
} from './webhooks.repository.ts';

export type Connection = {
  id: string;
  kind: ConnectionKind;
  name: string;
  shopDomain: string | null;
  source: string;
  touchpoint: { id: string; name: string } | null;
  endpointUrl: string;
  createdAt: string;
  lastDeliveryAt: string | null;
  rejectedCount: number;
  lastRejectedAt: string | null;
  last7Days: { processed: number; ignored: number; failed: number };
};

export type Delivery = {
  id: string;
  webhookId: string;
  topic: string;
  outcome: DeliveryOutcome;
  detail: string | null;
  externalRef: string | null;
  customerId: string | null;
  orderId: string | null;
  attempts: number;
  replays: number;
  receivedAt: string;
  lastReceivedAt: string;
};

export type CreateConnectionInput =
  | { kind: 'shopify'; name: string; shopDomain: string; secret: string; touchpointId?: string | null }
  | { kind: 'generic'; name: string; source: string; touchpointId?: string | null };
export type UpdateConnectionInput = { name?: string; touchpointId?: string | null; secret?: string };

/** `my-shop.myshopify.com` → `shopify:my-shop` (orders' `source` holds at most 40 characters). */
export function shopifySource(shopDomain: string): string {
  return `shopify:${shopDomain.replace(/\.myshopify\.com$/, '')}`.slice(0, 40);
}

export function endpointPath(kind: ConnectionKind, id: string): string {
  return `/webhooks/${kind}/${id}`;
}

function encodeCursor(receivedAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([receivedAt.toISOString(), id])).toString('base64url');
}
function decodeCursor(cursor: string): { receivedAt: Date; id: string } | null {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const receivedAt = new Date(at);
    if (Number.isNaN(receivedAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) return null;
    return { receivedAt, id };
  } catch {
    return null;
  }
}

/** A delivery's note or error in the reader's language (stored as a code, so the log follows the language). */
export function describeDetail(detail: DeliveryDetail | null, locale: Locale): string | null {
  if (!detail) return null;
  const t = translator(locale);
  const one = (d: DeliveryDetail): string => {
    if (d.validation?.length) {
      return translateIssues(d.validation, t)
        .map((f) => (f.field ? `${f.field}: ${f.message}` : f.message))
        .join(t('webhookNotes.separator'));
    }
    const params: Record<string, unknown> = { ...d.params };
    if (typeof params.status === 'string')
      params.status = t(`webhookNotes.statuses.${params.status}`, { defaultValue: params.status });
    if (typeof params.field === 'string') params.field = t(`fields.${params.field}`, { defaultValue: params.field });
    if (typeof params.entity === 'string')
      params.entity = t(`entities.${params.entity}`, { defaultValue: params.entity });
    if (Array.isArray(params.fields))
      params.fields = (params.fields as string[])
        .map((f) => t(`fields.${f}`, { defaultValue: f }))
        .join(t('webhookNotes.separator'));
    // error codes are upper case (DomainError codes); notes are the module's own words
    const isError = /^[A-Z0-9_]+$/.test(d.code);
    const main = isError ? t(`errors.${d.code}`, params) : t(`webhookNotes.${d.code}`, params);
    const extra = (d.fields ?? []).map((f) => `${f.field}: ${t(`errors.${f.code}`, { ...f.params })}`);
    return [main, ...extra].join(t('webhookNotes.separator'));
  };
  if (detail.parts?.length) return detail.parts.map(one).join(t('webhookNotes.separator'));
  return one(detail);
}

export type ConnectionsService = ReturnType<typeof createConnectionsService>;

/** Managing connections (the screen): create, rename, re-point, replace or regenerate the secret, delete; the log. */
export function createConnectionsService(ctx: WebhooksContext) {
  const { db, audit, crypto, customers, now } = ctx;
  const base = ctx.publicUrl.replace(/\/+$/, '');

  /** Touchpoint names come from the customers module (its table), one query for the page. */
  async function present(rows: ConnectionRow[]): Promise<Connection[]> {
    const touchpoints = await customers.touchpointsByIds(
      db,
      rows.flatMap((r) => (r.touchpoint_id ? [r.touchpoint_id] : [])),
    );
    return rows.map((r) => toConnection(r, touchpoints.get(r.touchpoint_id ?? '')?.name ?? ''));
  }

  function toConnection(r: ConnectionRow, touchpointName: string): Connection {
    return {
      id: r.id,
      kind: r.kind,
      name: r.name,
      shopDomain: r.shop_domain,
      source: r.source,
      touchpoint: r.touchpoint_id ? { id: r.touchpoint_id, name: touchpointName } : null,
      endpointUrl: `${base}${endpointPath(r.kind, r.id)}`,
      createdAt: r.created_at.toISOString(),
      lastDeliveryAt: r.last_delivery_at ? new Date(r.last_delivery_at).toISOString() : null,
      rejectedCount: r.rejected_count,
      lastRejectedAt: r.last_rejected_at ? r.last_rejected_at.toISOString() : null,
      last7Days: { processed: r.processed_7d, ignored: r.ignored_7d, failed: r.failed_7d },
    };
  }

  async function get(id: string): Promise<Connection> {
    const row = await repo.findConnection(db, id, now());
    if (!row) throw commonErrors.notFound('webhookConnection');
    const [connection] = await present([row]);
    return connection;
  }

  async function checkTouchpoint(touchpointId: string | null | undefined): Promise<void> {
    if (touchpointId && !(await customers.findTouchpoint(db, { id: touchpointId })))
      throw webhooksErrors.unknownTouchpoint();
  }

  return {
    get,

    async list(): Promise<{ items: Connection[] }> {
      return { items: await present(await repo.listConnections(db, now())) };
    },

    /** The secret of a generic connection is returned here and by `regenerateSecret` only: Kehu keeps it encrypted and never shows it again. */
    async create(
      request: FastifyRequest,
      input: CreateConnectionInput,
    ): Promise<{ connection: Connection; secret: string | null }> {
      await checkTouchpoint(input.touchpointId);
      const id = randomUUID();
      const generated = input.kind === 'generic' ? generateWebhookSecret() : null;
      const secret = input.kind === 'shopify' ? input.secret : (generated as string);
      if (input.kind === 'generic' && input.source.toLowerCase().startsWith('shopify:'))
        throw webhooksErrors.sourceReserved();
      const source = input.kind === 'shopify' ? shopifySource(input.shopDomain) : input.source;
      await db.transaction(async (tx) => {
        await repo.insertConnection(tx, {
          id,
          kind: input.kind,
          name: input.name,
          shopDomain: input.kind === 'shopify' ? input.shopDomain : null,
          source,
          secretEnc: crypto.encrypt(secret, secretField(id)),
          touchpointId: input.touchpointId ?? null,
          createdBy: request.actor?.userId ?? null,
          at: now(),
        });
        await audit.recordRequest(
          request,
          {
            action: 'webhook_connection.created',
            entityType: 'webhook_connection',
            entityId: id,
            details: { kind: input.kind, source },
          },
          tx,
        );
      });
      return { connection: await get(id), secret: generated };
    },

    async update(request: FastifyRequest, id: string, input: UpdateConnectionInput): Promise<Connection> {
      await checkTouchpoint(input.touchpointId);
      await db.transaction(async (tx) => {
        const current = await repo.lockConnection(tx, id);
        if (!current) throw commonErrors.notFound('webhookConnection');
        if (input.secret !== undefined && current.kind !== 'shopify') throw webhooksErrors.secretForShopifyOnly();
        await repo.updateConnection(tx, id, {
          name: input.name,
          touchpointId: input.touchpointId,
          secretEnc: input.secret === undefined ? undefined : crypto.encrypt(input.secret, secretField(id)),
          at: now(),
        });
        const fields = (['name', 'touchpointId', 'secret'] as const).filter((f) => input[f] !== undefined);
        await audit.recordRequest(
          request,
          { action: 'webhook_connection.updated', entityType: 'webhook_connection', entityId: id, details: { fields } },
          tx,
        );
      });
      return get(id);
    },

    /** A new secret for a generic connection; the old one stops working at once. */
    async regenerateSecret(request: FastifyRequest, id: string): Promise<{ connection: Connection; secret: string }> {
      const secret = generateWebhookSecret();
      await db.transaction(async (tx) => {
        const current = await repo.lockConnection(tx, id);
        if (!current) throw commonErrors.notFound('webhookConnection');
        if (current.kind !== 'generic') throw webhooksErrors.secretNotRotatable();
        await repo.updateConnection(tx, id, { secretEnc: crypto.encrypt(secret, secretField(id)), at: now() });
        await audit.recordRequest(
          request,
          { action: 'webhook_connection.secret_regenerated', entityType: 'webhook_connection', entityId: id },
          tx,
        );
      });
      return { connection: await get(id), secret };
    },

    /** Removes the connection and its log; orders and customers it brought stay. */
    async remove(request: FastifyRequest, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        const current = await repo.lockConnection(tx, id);
        if (!current) throw commonErrors.notFound('webhookConnection');
        await repo.deleteConnection(tx, id);
        await audit.recordRequest(
          request,
          { action: 'webhook_connection.deleted', entityType: 'webhook_connection', entityId: id },
          tx,
        );
      });
    },

    async deliveries(
      locale: Locale,
      id: string,
      q: { outcome?: DeliveryOutcome; limit: number; cursor?: string },
    ): Promise<{ items: Delivery[]; nextCursor: string | null }> {
      if (!(await repo.findForDelivery(db, id))) throw commonErrors.notFound('webhookConnection');
      const after = q.cursor ? decodeCursor(q.cursor) : null;
      if (q.cursor && !after) throw commonErrors.referenceMissing('cursor');
      const rows = await repo.listDeliveries(db, {
        connectionId: id,
        outcome: q.outcome,
        limit: q.limit,
        after: after ?? undefined,
      });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r: DeliveryRow) => ({
          id: r.id,
          webhookId: r.webhook_id,
          topic: r.topic,
          outcome: r.outcome,
          detail: describeDetail(r.detail, locale),
          externalRef: r.external_ref,
          customerId: r.customer_id,
          orderId: r.order_id,
          attempts: r.attempts,
          replays: r.replays,
          receivedAt: r.received_at.toISOString(),
          lastReceivedAt: r.last_received_at.toISOString(),
        })),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last.received_at, last.id) : null,
      };
    },
  };
}
