import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { CustomersContext } from './customers.context.ts';
import { regionsRoutes } from './regions.ts';
import { createTouchpointsService, touchpointTypes } from './touchpoints.service.ts';

const TouchpointType = z.enum(touchpointTypes);
const Channel = z.enum(['online', 'offline']);
export const Touchpoint = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  type: z.string(),
  channel: Channel,
  province: z.string().nullable(),
  city: z.string().nullable(),
  isActive: z.boolean(),
  customerCount: z.number().int(),
  activityCount30d: z.number().int(),
  createdAt: z.iso.datetime(),
});

const Code = z
  .string()
  .trim()
  .refine((v) => /^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/.test(v), 'invalid_touchpoint_code');
const Region = z.string().trim().min(1).max(50);
const CreateTouchpointBody = z.strictObject({
  code: Code,
  name: z.string().trim().min(1).max(100),
  type: TouchpointType,
  province: Region.nullable().optional(),
  city: Region.nullable().optional(),
  isActive: z.boolean().optional(),
});
const UpdateTouchpointBody = CreateTouchpointBody.partial();
const ListQuery = z.strictObject({
  type: TouchpointType.optional(),
  channel: Channel.optional(),
  isActive: z.enum(['true', 'false']).optional(),
});
const IdParams = z.strictObject({ id: z.uuid() });
const ActivityQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(30) });
const ActivitySeries = z.object({
  days: z.array(z.object({ date: z.iso.date(), count: z.number().int() })),
  byKind: z.array(z.object({ kind: z.string(), count: z.number().int() })),
});

/** The touchpoint registry and its activity; also the region tree (reference data). */
export function touchpointsRoutes(ctx: CustomersContext): FastifyPluginAsync {
  const service = createTouchpointsService(ctx);
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['touchpoints'];
    app.get(
      '/touchpoints',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'Touchpoints with customers and last-30-day activity counted',
          querystring: ListQuery,
          response: { 200: z.object({ items: z.array(Touchpoint) }), ...errorResponses },
        },
      },
      async (request) => {
        const { isActive, ...rest } = request.query;
        return service.list({ ...rest, isActive: isActive === undefined ? undefined : isActive === 'true' });
      },
    );
    app.post(
      '/touchpoints',
      {
        config: { access: 'customers.manage' },
        schema: {
          tags,
          summary: 'Register a touchpoint (the channel follows from the type)',
          body: CreateTouchpointBody,
          response: { 201: Touchpoint, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await service.create(request, request.body)),
    );
    app.get(
      '/touchpoints/:id',
      {
        config: { access: 'customers.view' },
        schema: { tags, params: IdParams, response: { 200: Touchpoint, ...errorResponses } },
      },
      async (request) => service.get(request.params.id),
    );
    app.patch(
      '/touchpoints/:id',
      {
        config: { access: 'customers.manage' },
        schema: {
          tags,
          summary: 'Change a touchpoint; isActive: false retires it',
          params: IdParams,
          body: UpdateTouchpointBody,
          response: { 200: Touchpoint, ...errorResponses },
        },
      },
      async (request) => service.update(request, request.params.id, request.body),
    );
    app.get(
      '/touchpoints/:id/activity',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'Timeline activity at a touchpoint per day (business time zone) and by kind',
          params: IdParams,
          querystring: ActivityQuery,
          response: { 200: ActivitySeries, ...errorResponses },
        },
      },
      async (request) => service.activity(request.params.id, request.query.days),
    );
    await app.register(regionsRoutes());
  };
}
