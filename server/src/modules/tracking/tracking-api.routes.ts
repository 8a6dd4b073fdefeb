import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { sendDomainError } from '../../platform/http/http.plugin.ts';
import { isDomainError, type DomainError } from '../../platform/http/errors.ts';
import type { Limiter } from './domain/limiter.ts';
import { limits, messageTypes, type MessageType } from './domain/messages.ts';
import type { IngestService } from './ingest.service.ts';
import type { SourceAuth, SourcesService } from './sources.service.ts';
import { trackingErrors } from './tracking.errors.ts';

const gunzipAsync = promisify(gunzip);

/** Compressed or not, nothing larger is read into memory (Segment's own limit is 500 KB decoded). */
const RAW_BODY_LIMIT = 1024 * 1024;

export const TrackResponse = z.object({
  success: z.literal(true),
  /** Stored now. */
  accepted: z.number().int(),
  /** Seen before (same messageId from this source within the de-duplication window): not stored twice. */
  duplicates: z.number().int(),
  /** Refused one by one, by position in the batch; the others were stored. */
  refused: z.array(
    z.object({
      index: z.number().int(),
      messageId: z.string().nullable(),
      type: z.string().nullable(),
      field: z.string(),
      code: z.string(),
      message: z.string(),
    }),
  ),
});
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The write key as the HTTP Basic user name (Segment's way; the password is empty). */
function basicUser(header: string | undefined): string | null {
  if (!header || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon >= 0 ? decoded.slice(0, colon) : decoded;
  return user || null;
}

async function decode(body: Buffer | undefined, encoding: string | undefined, limit: number): Promise<string> {
  const raw = body ?? Buffer.alloc(0);
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  let bytes: Buffer;
  if (enc === 'gzip' || enc === 'x-gzip') {
    try {
      // a gzip bomb stops at the limit instead of filling memory
      bytes = await gunzipAsync(raw, { maxOutputLength: limit + 1 });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw trackingErrors.bodyTooLarge(limit);
      throw trackingErrors.badEncoding(enc);
    }
  } else if (enc === 'identity' || enc === '') {
    bytes = raw;
  } else {
    throw trackingErrors.badEncoding(enc.slice(0, 40));
  }
  if (bytes.length > limit) throw trackingErrors.bodyTooLarge(limit);
  return bytes.toString('utf8');
}

type Endpoint = { type?: MessageType; batch: boolean; historical?: boolean };

/**
 * The Segment-compatible HTTP Tracking API at the root (`/v1/track` …), where existing SDKs post.
 * These routes are public in the RBAC sense: they authenticate with a source's write key (HTTP
 * Basic user name or `writeKey` in the body) instead of a session, because SDKs in browsers,
 * apps and servers know nothing else. Bodies are parsed here, not by Fastify, to accept gzip and
 * any content type (browsers' sendBeacon posts text/plain) and to answer with Segment's limits.
 */
export function trackingApiRoutes(deps: {
  sources: SourcesService;
  ingest: IngestService;
  limiter: Limiter;
  now: () => Date;
}): FastifyPluginAsync {
  const { sources, ingest, limiter, now } = deps;

  async function handle(request: FastifyRequest, reply: FastifyReply, endpoint: Endpoint) {
    const receivedAt = now();
    const basicKey = basicUser(request.headers.authorization);
    const limit = endpoint.batch ? limits.batchBytes : limits.messageBytes;
    let source: SourceAuth | null = basicKey ? await sources.authenticate(basicKey) : null;
    const refuseWhole = async (err: DomainError, field: string, code: string) => {
      if (source) await ingest.refuseRequest(source, receivedAt, field, code);
      return err;
    };

    let text: string;
    try {
      text = await decode(request.body as Buffer | undefined, request.headers['content-encoding'], limit);
    } catch (err) {
      if (isDomainError(err)) {
        throw await refuseWhole(
          err,
          err.code === 'TRACKING_BODY_TOO_LARGE' ? '(request)' : 'Content-Encoding',
          err.code.toLowerCase(),
        );
      }
      throw err;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      const reason = err instanceof Error ? err.message.slice(0, 200) : 'unreadable';
      throw await refuseWhole(trackingErrors.malformedJson(reason), '(request)', 'malformed_json');
    }
    if (!isObject(body))
      throw await refuseWhole(
        trackingErrors.malformedJson('the body must be a JSON object'),
        '(request)',
        'malformed_json',
      );
    if (!source) source = await sources.authenticate(typeof body.writeKey === 'string' ? body.writeKey : null);

    let messages: unknown[];
    if (endpoint.batch) {
      if (!Array.isArray(body.batch))
        throw await refuseWhole(trackingErrors.batchNotArray(), 'batch', 'batch_not_array');
      if (body.batch.length > limits.batchMessages) {
        throw await refuseWhole(
          trackingErrors.batchTooMany(body.batch.length, limits.batchMessages),
          'batch',
          'batch_too_many',
        );
      }
      messages = body.batch;
    } else {
      messages = [body];
    }

    const admission = limiter.admit(source.id, source.rateLimit, messages.length);
    if (!admission.ok) {
      throw admission.reason === 'overloaded'
        ? trackingErrors.overloaded(admission.retryAfterSeconds)
        : trackingErrors.rateLimited(admission.retryAfterSeconds);
    }
    try {
      const result = await ingest.ingest(source, messages, {
        type: endpoint.type,
        receivedAt,
        sentAt: endpoint.batch ? body.sentAt : undefined,
        historical: endpoint.historical,
      });
      // a single message that was refused is the request that failed
      if (!endpoint.batch && result.refused[0]) {
        const r = result.refused[0];
        throw trackingErrors.eventRefused({ code: r.code as never, field: r.field, message: r.message });
      }
      return reply.status(200).send({ success: true as const, ...result });
    } finally {
      admission.release();
    }
  }

  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: RAW_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );
    // Any website may send (Segment's API allows every origin); no cookies are read here.
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/v1/')) return;
      // SDKs send no Accept-Language: their developers read English (a header still picks Chinese)
      if (!request.headers['accept-language']) request.locale = 'en';
      void reply.header('access-control-allow-origin', '*');
      void reply.header('cross-origin-resource-policy', 'cross-origin');
    });
    app.setErrorHandler((err: FastifyError, request, reply) => {
      // Segment answers 400 for a request that is too large
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return sendDomainError(request, reply, trackingErrors.bodyTooLarge(limits.batchBytes));
      }
      throw err;
    });

    app.options(
      '/v1/*',
      { config: { access: 'public' }, schema: { hide: true, response: { 204: z.null() } } },
      async (_request, reply) =>
        reply
          .status(204)
          .header('access-control-allow-methods', 'POST, OPTIONS')
          .header('access-control-allow-headers', 'Content-Type, Authorization, Content-Encoding')
          .header('access-control-max-age', '86400')
          .send(null),
    );

    const tags = ['tracking'];
    for (const type of messageTypes) {
      app.post(
        `/v1/${type}`,
        {
          config: { access: 'public' },
          schema: {
            tags,
            summary: `Segment-compatible ${type} (write key as HTTP Basic user name or writeKey in the body; gzip accepted)`,
            response: { 200: TrackResponse, ...errors },
          },
        },
        (request, reply) => handle(request, reply, { type, batch: false }),
      );
    }
    app.post(
      '/v1/batch',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary:
            'Segment-compatible batch: up to 2,500 messages and 500 KB; each message is accepted or refused on its own',
          response: { 200: TrackResponse, ...errors },
        },
      },
      (request, reply) => handle(request, reply, { batch: true }),
    );
    // analytics.js (the browser SDK) posts to one-letter paths: /v1/t, /v1/p … and /v1/b for a batch
    const short: Record<string, MessageType> = {
      t: 'track',
      i: 'identify',
      p: 'page',
      s: 'screen',
      g: 'group',
      a: 'alias',
    };
    for (const [letter, type] of Object.entries(short)) {
      app.post(
        `/v1/${letter}`,
        {
          config: { access: 'public' },
          schema: { tags, summary: `analytics.js’s path for ${type}`, response: { 200: TrackResponse, ...errors } },
        },
        (request, reply) => handle(request, reply, { type, batch: false }),
      );
    }
    app.post(
      '/v1/b',
      {
        config: { access: 'public' },
        schema: { tags, summary: 'analytics.js’s path for a batch', response: { 200: TrackResponse, ...errors } },
      },
      (request, reply) => handle(request, reply, { batch: true }),
    );
    app.post(
      '/v1/import',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Historical data in batch form: timestamps are kept as sent (no clock-skew correction)',
          response: { 200: TrackResponse, ...errors },
        },
      },
      (request, reply) => handle(request, reply, { batch: true, historical: true }),
    );
  };
}
