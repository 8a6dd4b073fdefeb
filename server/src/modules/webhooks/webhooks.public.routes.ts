import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { translateIssues } from '../../platform/http/validation.ts';
import { translator } from '../../platform/i18n/i18n.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import { PayloadInvalid, type Receiver } from './receive.service.ts';

const Answer = z.object({
  deliveryId: z.string(),
  /** `duplicate`: the order or refund was recorded before; `ignored`: nothing for Kehu in it (see the log). */
  outcome: z.enum(['processed', 'duplicate', 'ignored']),
  /** True when this webhook/delivery id was processed before and the answer comes from the log. */
  replay: z.boolean(),
});
const Params = z.strictObject({ id: z.string().max(100) });
const responses = { 200: Answer, ...errorResponses };

/**
 * The endpoints shops call, outside /api/v1. They are public routes (`access: 'public'`): a shop
 * has no Kehu session or API key. Each request is authenticated instead by an HMAC of its raw
 * body with the connection's secret, checked before anything is read or written.
 *
 * The HMAC covers the exact bytes sent, so in this plugin (and only here) every body is kept as
 * a Buffer instead of being parsed: the services verify it first and parse it afterwards.
 */
export function webhooksPublicRoutes(receiver: Receiver): FastifyPluginAsync {
  return async (plain) => {
    plain.removeAllContentTypeParsers();
    plain.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 5 * 1024 * 1024 }, (_request, body, done) =>
      done(null, body),
    );
    // a generic payload that does not fit: 422 naming each field, like the API's own validation
    plain.setErrorHandler((err, request, reply) => {
      if (!(err instanceof PayloadInvalid)) throw err;
      const t = translator(request.locale);
      const fields = translateIssues(err.issues, t);
      return reply.status(422).send({
        error: {
          code: 'validation_failed',
          message: fields[0]?.message ?? t('errors.VALIDATION_FAILED'),
          requestId: String(request.id),
          fields,
        },
      });
    });
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['webhooks'];
    const rawBody = (body: unknown) => (Buffer.isBuffer(body) ? body : Buffer.alloc(0));

    app.post(
      '/webhooks/shopify/:id',
      {
        config: { access: 'public', rateLimit: { max: 6000, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary:
            'Shopify webhooks (orders/create, orders/updated, orders/paid, orders/cancelled, refunds/create, customers/create), authenticated by X-Shopify-Hmac-Sha256',
          security: [],
          params: Params,
          response: responses,
        },
      },
      async (request) => receiver.shopify(request, request.params.id, rawBody(request.body)),
    );
    app.post(
      '/webhooks/generic/:id',
      {
        config: { access: 'public', rateLimit: { max: 6000, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary:
            'Signed JSON from any shop or POS: { type, data } with X-Kehu-Signature (t=…,v1=…) and X-Kehu-Delivery-Id',
          security: [],
          params: Params,
          response: responses,
        },
      },
      async (request) => receiver.generic(request, request.params.id, rawBody(request.body)),
    );
  };
}
