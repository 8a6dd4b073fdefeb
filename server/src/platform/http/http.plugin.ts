import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { localeFromHeader, translator, type Locale } from '../i18n/i18n.ts';
import { DomainError, isDomainError, statusOfKind, type ErrorParams } from './errors.ts';
import { translateIssues, type FieldError } from './validation.ts';

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- declaration merging needs an interface
  interface FastifyRequest {
    /** The reader's language: the signed-in user's setting, else Accept-Language. */
    locale: Locale;
  }
}

export type ErrorBody = {
  error: { code: string; message: string; requestId: string; fields?: FieldError[]; details?: ErrorParams };
};

function body(
  request: FastifyRequest,
  code: string,
  message: string,
  fields?: FieldError[],
  details?: ErrorParams,
): ErrorBody {
  return {
    error: {
      code,
      message,
      requestId: String(request.id),
      ...(fields?.length ? { fields } : {}),
      ...(details ? { details } : {}),
    },
  };
}

/** A domain error as the API answers it (status and body), in the reader's language. */
export function domainErrorBody(request: FastifyRequest, err: DomainError): { status: number; body: ErrorBody } {
  const t = translator(request.locale);
  const params = { ...err.params } as Record<string, unknown>;
  if (typeof params.field === 'string') params.field = t(`fields.${params.field}`, { defaultValue: params.field });
  if (typeof params.entity === 'string')
    params.entity = t(`entities.${params.entity}`, { defaultValue: params.entity });
  const message = t(`errors.${err.code}`, params);
  const fields: FieldError[] = [];
  if (err.field) fields.push({ field: err.field, code: err.code.toLowerCase(), message });
  for (const f of err.fields ?? []) {
    fields.push({ field: f.field, code: f.code.toLowerCase(), message: t(`errors.${f.code}`, { ...f.params }) });
  }
  const code = err.fields?.length ? 'validation_failed' : err.code.toLowerCase();
  return { status: statusOfKind[err.kind], body: body(request, code, message, fields, err.details) };
}

export function sendDomainError(request: FastifyRequest, reply: FastifyReply, err: DomainError) {
  if (err.kind === 'rate_limited' && typeof err.params.retryAfterSeconds === 'number') {
    void reply.header('retry-after', String(err.params.retryAfterSeconds));
  }
  const { status, body: sent } = domainErrorBody(request, err);
  return reply.status(status).send(sent);
}

/**
 * Request ids, the reader's language, and the one error handler: validation problems become
 * field errors, domain errors their kind's status, anything else a 500 that leaks nothing but
 * the request id (the log has the rest).
 */
export const httpPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('locale', 'zh-CN');
  app.addHook('onRequest', async (request, reply) => {
    request.locale = localeFromHeader(request.headers['accept-language']);
    void reply.header('x-request-id', request.id);
    // API answers may carry personal data: never into a shared or browser cache.
    if (request.url.startsWith('/api/v1/')) void reply.header('cache-control', 'no-store');
  });

  // The access log: one line per request with who, what and how it went; never the query string.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.routeOptions.url ?? request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        actorId: request.actor?.userId ?? null,
      },
      'request',
    );
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const t = translator(request.locale);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const prefix = err.validationContext === 'body' ? '' : (err.validationContext ?? '');
      const fields = translateIssues(
        err.validation,
        t,
        prefix === 'querystring' ? '' : prefix === 'params' ? '' : prefix,
      );
      return reply
        .status(422)
        .send(body(request, 'validation_failed', fields[0]?.message ?? t('errors.VALIDATION_FAILED'), fields));
    }
    if (isDomainError(err)) return sendDomainError(request, reply, err);
    if (err.statusCode === 429) {
      const retry = Number(reply.getHeader('retry-after') ?? 60);
      return sendDomainError(
        request,
        reply,
        new DomainError('rate_limited', 'RATE_LIMITED', { retryAfterSeconds: retry }),
      );
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send(body(request, 'payload_too_large', t('errors.PAYLOAD_TOO_LARGE')));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // Malformed JSON, wrong content type and the like: say what, never how.
      const reason =
        err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported content type' : err.message.slice(0, 200);
      return reply.status(400).send(body(request, 'bad_request', t('errors.BAD_REQUEST', { reason })));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(body(request, 'internal', t('errors.INTERNAL', { requestId: request.id })));
  });

  app.setNotFoundHandler((request, reply) => {
    const t = translator(request.locale);
    const url = request.url.split('?')[0];
    return reply
      .status(404)
      .send(body(request, 'route_not_found', t('errors.ROUTE_NOT_FOUND', { method: request.method, url })));
  });
});
