import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, PageQuery } from '../../platform/http/schemas.ts';
import type { CustomersContext } from './customers.context.ts';
import { tagsRoutes } from './tags.routes.ts';
import { createTimelineService } from './timeline.service.ts';

export const Activity = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  kind: z.string(),
  module: z.string(),
  ref: z.string().nullable(),
  touchpoint: z.object({ id: z.string(), name: z.string() }).nullable(),
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
  summary: z.record(z.string(), z.unknown()),
});

const KindPrefix = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const TimelineQuery = z.strictObject({
  /** Comma-separated kind prefixes: `order,note` → order.*, note.* */
  kinds: z
    .string()
    .max(300)
    .transform((v) =>
      v
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    )
    .refine((ks) => ks.length <= 20 && ks.every((k) => KindPrefix.test(k)), 'invalid_kinds')
    .optional(),
  limit: PageQuery.limit,
  cursor: z
    .string()
    .refine((v) => /^[1-9]\d{0,17}$/.test(v), 'invalid_cursor')
    .optional(),
});
const CustomerParams = z.strictObject({ id: z.uuid() });
const NoteBody = z.strictObject({ text: z.string().trim().min(1).max(2000) });

/** The Customer 360's timeline and notes; tags (tags.routes.ts) ride along. */
export function timelineRoutes(ctx: CustomersContext): FastifyPluginAsync {
  const timeline = createTimelineService(ctx);
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['customers'];
    app.get(
      '/customers/:id/timeline',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'A customer’s timeline, newest first, optionally by kind prefix (kinds=order,note)',
          params: CustomerParams,
          querystring: TimelineQuery,
          response: {
            200: z.object({ items: z.array(Activity), nextCursor: z.string().nullable() }),
            ...errorResponses,
          },
        },
      },
      async (request) => timeline.list({ customerId: request.params.id, ...request.query }),
    );
    app.post(
      '/customers/:id/notes',
      {
        config: { access: 'customers.edit' },
        schema: {
          tags,
          summary: 'Add a note to a customer’s timeline',
          params: CustomerParams,
          body: NoteBody,
          response: { 201: Activity, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await timeline.addNote(request, request.params.id, request.body.text)),
    );
    await app.register(tagsRoutes(ctx));
  };
}
