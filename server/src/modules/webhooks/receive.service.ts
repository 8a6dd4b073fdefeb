import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { FieldCryptoError } from '../../platform/crypto/field-crypto.ts';
import { commonErrors, isDomainError, type DomainError } from '../../platform/http/errors.ts';
import type { HandlerEnv } from './delivery.ts';
import { GenericEnvelope, knownGenericType } from './domain/generic.ts';
import { parseJsonKeepingBigIds } from './domain/json.ts';
import { checkKehuSignature, isShopifyHmacValid, SIGNATURE_TOLERANCE_SECONDS } from './domain/signature.ts';
import { handleGeneric } from './generic.handlers.ts';
import { handleShopify } from './shopify.handlers.ts';
import { secretField, type WebhooksContext } from './webhooks.context.ts';
import { webhooksErrors } from './webhooks.errors.ts';
import {
  webhooksRepository as repo,
  type ConnectionKind,
  type DeliveryDetail,
  type DeliveryOutcome,
  type DeliveryResult,
} from './webhooks.repository.ts';

type ValidationIssue = NonNullable<DeliveryDetail['validation']>[number];

/** A generic payload that does not fit Kehu's shapes: answered 422 naming every field. */
export class PayloadInvalid extends Error {
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    super('payload invalid');
    this.name = 'PayloadInvalid';
    this.issues = issues;
  }
}

// only what the messages need: never the offending value (it may be a phone number), which is
// kept in the delivery log
const issueParams = ['origin', 'minimum', 'maximum', 'expected', 'format', 'values', 'keys'] as const;

function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => {
    const params: Record<string, unknown> = {};
    for (const key of issueParams) if (key in issue) params[key] = (issue as unknown as Record<string, unknown>)[key];
    return {
      keyword: issue.code,
      instancePath: `/${issue.path.map(String).join('/')}`,
      message: issue.message,
      params,
    };
  });
}

export type DeliveryAnswer = { deliveryId: string; outcome: Exclude<DeliveryOutcome, 'failed'>; replay: boolean };

type Connection = NonNullable<Awaited<ReturnType<typeof repo.findForDelivery>>>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function detailOf(err: unknown, requestId: string): DeliveryDetail {
  if (err instanceof PayloadInvalid) return { code: 'VALIDATION_FAILED', validation: err.issues };
  if (isDomainError(err)) {
    const params: Record<string, unknown> = { ...err.params };
    return { code: err.code, params, ...(err.fields?.length ? { fields: err.fields } : {}) };
  }
  return { code: 'INTERNAL', params: { requestId } };
}

export type Receiver = ReturnType<typeof createReceiver>;

/**
 * Incoming deliveries: find the connection, check the signature on the raw bytes, answer a
 * replay from the log, then run the topic's handler and record the delivery in ONE transaction
 * (its effects and its log row commit together). A failure rolls the effects back and is logged
 * on its own, so the sender's retry processes it again.
 */
export function createReceiver(ctx: WebhooksContext) {
  const { db, crypto, customers, orders, now } = ctx;

  async function connectionFor(id: string, kind: ConnectionKind): Promise<Connection> {
    const row = UUID.test(id) ? await repo.findForDelivery(db, id) : null;
    if (!row || row.kind !== kind) throw commonErrors.notFound('webhookConnection');
    return row;
  }

  function secretOf(row: Connection): string {
    try {
      return crypto.decrypt(row.secret_enc, secretField(row.id));
    } catch (err) {
      if (err instanceof FieldCryptoError) throw webhooksErrors.secretUnreadable();
      throw err;
    }
  }

  /** Refused signatures are counted on the connection (the screen shows them), never logged as deliveries. */
  async function refuse(request: FastifyRequest, row: Connection, err: DomainError): Promise<never> {
    await repo.noteRejected(db, row.id, now());
    request.log.warn({ connectionId: row.id, reason: err.code }, 'webhook refused');
    throw err;
  }

  async function deliver(
    request: FastifyRequest,
    row: Connection,
    webhookId: string,
    raw: Buffer,
    fallbackTopic: string,
    topicOf: (body: unknown) => string,
    handle: (env: HandlerEnv, body: unknown) => Promise<DeliveryResult>,
  ): Promise<DeliveryAnswer> {
    const at = now();
    const ids = { connectionId: row.id, webhookId };
    const fail = async (topic: string, detail: DeliveryDetail, level: 'warn' | 'error') => {
      await db.transaction((tx) => repo.recordFailure(tx, { ...ids, topic, at, detail, externalRef: null }));
      request.log[level]({ ...ids, topic, code: detail.code }, 'webhook delivery failed');
    };

    const seen = await repo.findDelivery(db, row.id, webhookId);
    if (seen && seen.outcome !== 'failed') {
      const replay = await repo.noteReplay(db, row.id, webhookId, at);
      const outcome = (replay?.outcome ?? seen.outcome) as DeliveryAnswer['outcome'];
      request.log.info({ ...ids, outcome }, 'webhook replay answered from the log');
      return { deliveryId: seen.id, outcome, replay: true };
    }

    let body: unknown;
    try {
      body = parseJsonKeepingBigIds(raw.toString('utf8'));
    } catch {
      await fail(fallbackTopic, { code: 'WEBHOOKS_MALFORMED_JSON' }, 'warn');
      throw webhooksErrors.malformedJson();
    }
    const topic = topicOf(body).slice(0, 100);
    // reads settings over `db`: before the transaction (PGlite has one session)
    const collector = await customers.collector();
    try {
      const answer = await db.transaction(async (tx): Promise<DeliveryAnswer> => {
        const id = await repo.claimDelivery(tx, { ...ids, topic, at });
        if (!id) {
          // the same delivery, processed by a concurrent request that committed first
          const replay = await repo.noteReplay(tx, row.id, webhookId, at);
          if (!replay || replay.outcome === 'failed') throw new Error('delivery claimed but not found');
          return { deliveryId: replay.id, outcome: replay.outcome, replay: true };
        }
        const env: HandlerEnv = {
          tx,
          collector,
          connection: {
            id: row.id,
            name: row.name,
            source: row.source,
            shopDomain: row.shop_domain,
            touchpointId: row.touchpoint_id,
          },
          customers,
          orders,
          now,
        };
        const result = await handle(env, body);
        await repo.finishDelivery(tx, id, result);
        return { deliveryId: id, outcome: result.outcome, replay: false };
      });
      request.log.info({ ...ids, topic, outcome: answer.outcome }, 'webhook delivery');
      return answer;
    } catch (err) {
      const expected = err instanceof PayloadInvalid || isDomainError(err);
      await fail(topic, detailOf(err, String(request.id)), expected ? 'warn' : 'error');
      throw err;
    }
  }

  return {
    /**
     * `POST /webhooks/shopify/:id`: X-Shopify-Hmac-Sha256 over the raw body with the shop's
     * signing secret; X-Shopify-Webhook-Id for idempotency; X-Shopify-Topic picks the handler.
     */
    async shopify(request: FastifyRequest, connectionId: string, raw: Buffer): Promise<DeliveryAnswer> {
      const row = await connectionFor(connectionId, 'shopify');
      if (!isShopifyHmacValid(secretOf(row), raw, header(request, 'x-shopify-hmac-sha256')))
        return refuse(request, row, webhooksErrors.signatureInvalid('X-Shopify-Hmac-Sha256'));
      // an app's secret signs every shop that installed it: the delivery must be for this connection's shop
      const shop = header(request, 'x-shopify-shop-domain')?.trim().toLowerCase();
      if (shop && row.shop_domain && shop !== row.shop_domain)
        return refuse(request, row, webhooksErrors.shopMismatch());
      const webhookId = header(request, 'x-shopify-webhook-id')?.trim();
      if (!webhookId) throw webhooksErrors.headerMissing('X-Shopify-Webhook-Id');
      const topic = header(request, 'x-shopify-topic')?.trim();
      if (!topic) throw webhooksErrors.headerMissing('X-Shopify-Topic');
      return deliver(
        request,
        row,
        webhookId.slice(0, 200),
        raw,
        topic,
        () => topic,
        (env, body) => handleShopify(env, topic, body),
      );
    },

    /**
     * `POST /webhooks/generic/:id`: `X-Kehu-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
     * within five minutes of the server's clock; X-Kehu-Delivery-Id for idempotency.
     */
    async generic(request: FastifyRequest, connectionId: string, raw: Buffer): Promise<DeliveryAnswer> {
      const row = await connectionFor(connectionId, 'generic');
      const check = checkKehuSignature(
        secretOf(row),
        header(request, 'x-kehu-signature'),
        raw,
        Math.floor(now().getTime() / 1000),
      );
      if (check === 'expired')
        return refuse(request, row, webhooksErrors.signatureExpired(SIGNATURE_TOLERANCE_SECONDS));
      if (check !== 'valid') return refuse(request, row, webhooksErrors.signatureInvalid('X-Kehu-Signature'));
      const deliveryId = header(request, 'x-kehu-delivery-id')?.trim();
      if (!deliveryId) throw webhooksErrors.headerMissing('X-Kehu-Delivery-Id');
      return deliver(
        request,
        row,
        deliveryId.slice(0, 200),
        raw,
        'unknown',
        (body) => {
          const type = (body as { type?: unknown } | null)?.type;
          return knownGenericType(body) ?? (typeof type === 'string' ? type : 'unknown');
        },
        async (env, body) => {
          const given = (body as { type?: unknown } | null)?.type;
          // a type Kehu does not know (yet) is acknowledged; a body without one is a broken envelope
          if (typeof given === 'string' && !knownGenericType(body))
            return { outcome: 'ignored', detail: { code: 'topic_unsupported', params: { topic: given } } };
          const parsed = GenericEnvelope.safeParse(body);
          if (!parsed.success) throw new PayloadInvalid(issuesOf(parsed.error));
          return handleGeneric(env, parsed.data);
        },
      );
    },
  };
}
