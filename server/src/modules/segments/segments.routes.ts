import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../platform/http/schemas.ts';
import { SegmentRuleBody } from './domain/rule.ts';
import { defineSegmentJobs } from './segment-refresh.ts';
import type { SegmentsContext } from './segments.context.ts';
import { createSegmentsService } from './segments.service.ts';

const Kind = z.enum(['dynamic', 'static']);
export const SegmentDto = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  kind: Kind,
  rules: z.unknown().describe('The rule (format v1, docs/api/segment-rules.md), or null'),
  memberCount: z.number().int(),
  refreshedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  refresh: z
    .object({ status: z.enum(['queued', 'running', 'done', 'failed']), progress: z.number().min(0).max(1) })
    .optional(),
});
const FieldDto = z.object({
  key: z.string(),
  group: z.enum(['profile', 'tags', 'attributes', 'orders', 'events', 'scores', 'segments']),
  label: z.string(),
  type: z.enum(['number', 'money', 'date', 'text', 'enum', 'tags', 'bool', 'segment']),
  ops: z.array(z.string()),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  windowed: z.boolean(),
  args: z
    .array(
      z.object({
        name: z.string(),
        type: z.enum(['products', 'categories', 'stores', 'event', 'text']),
        label: z.string(),
      }),
    )
    .optional(),
});
const SampleCustomer = z.object({
  id: z.string(),
  name: z.string(),
  mobile: z.string().nullable().describe('Always masked'),
  city: z.string().nullable(),
  totalSpent: z.string(),
  lastOrderAt: z.iso.datetime().nullable(),
});
const Name = z.string().trim().min(1).max(100);
const Description = z.string().trim().max(500).nullable();
const CreateSegmentBody = z.strictObject({
  name: Name,
  description: Description.optional(),
  kind: Kind,
  rules: SegmentRuleBody.nullable().optional(),
});
const UpdateSegmentBody = z.strictObject({
  name: Name.optional(),
  description: Description.optional(),
  kind: Kind.optional(),
  rules: SegmentRuleBody.optional(),
});
const PreviewBody = z.strictObject({ rules: SegmentRuleBody });
const IdParams = z.strictObject({ id: z.uuid() });
const MembersBody = z.strictObject({ customerIds: z.array(z.uuid()).min(1).max(1000) });
const UploadBody = z.union([z.string().max(5_000_000), z.strictObject({ text: z.string().max(5_000_000) })]);
const ChangesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

/** Segments: rule catalogue, live preview, CRUD, refresh, static members, history and sizes. */
export function segmentsRoutes(ctx: SegmentsContext): FastifyPluginAsync {
  // defines the jobs now: route factories run before the platform starts its workers
  defineSegmentJobs(ctx);
  const service = createSegmentsService(ctx);
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['segments'];

    app.get(
      '/segments/fields',
      {
        config: { access: 'segments.view' },
        schema: {
          tags,
          summary: 'The fields a rule may use, with their types, operators, options and arguments',
          response: { 200: z.object({ fields: z.array(FieldDto) }), ...errorResponses },
        },
      },
      async (request) => service.fields(request),
    );

    app.post(
      '/segments/preview',
      {
        config: { access: 'segments.view' },
        schema: {
          tags,
          summary: 'Live count and a sample of up to 10 customers (masked) for a rule',
          body: PreviewBody,
          response: {
            200: z.object({ count: z.number().int(), sample: z.array(SampleCustomer), tookMs: z.number().int() }),
            ...errorResponses,
          },
        },
      },
      async (request) => service.preview(request.body.rules),
    );

    app.get(
      '/segments',
      {
        config: { access: 'segments.view' },
        schema: { tags, response: { 200: z.object({ items: z.array(SegmentDto) }), ...errorResponses } },
      },
      async () => service.list(),
    );

    app.post(
      '/segments',
      {
        config: { access: 'segments.create' },
        schema: {
          tags,
          summary: 'A dynamic segment (rules required) or a static one (from a rule’s snapshot, or empty)',
          body: CreateSegmentBody,
          response: { 201: SegmentDto, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await service.create(request, request.body)),
    );

    app.get(
      '/segments/:id',
      {
        config: { access: 'segments.view' },
        schema: { tags, params: IdParams, response: { 200: SegmentDto, ...errorResponses } },
      },
      async (request) => service.get(request.params.id),
    );

    app.patch(
      '/segments/:id',
      {
        config: { access: 'segments.edit' },
        schema: { tags, params: IdParams, body: UpdateSegmentBody, response: { 200: SegmentDto, ...errorResponses } },
      },
      async (request) => service.update(request, request.params.id, request.body),
    );

    app.delete(
      '/segments/:id',
      {
        config: { access: 'segments.delete' },
        schema: { tags, params: IdParams, response: { 204: z.null(), ...errorResponses } },
      },
      async (request, reply) => {
        await service.delete(request, request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/segments/:id/refresh',
      {
        config: { access: 'segments.edit' },
        schema: {
          tags,
          summary: 'Recompute a dynamic segment in the background (progress in GET /segments/{id} .refresh)',
          params: IdParams,
          response: { 202: SegmentDto, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(202).send(await service.refresh(request.params.id)),
    );

    const MembersResult = z.object({ affected: z.number().int(), memberCount: z.number().int() });
    app.post(
      '/segments/:id/members',
      {
        config: { access: 'segments.edit' },
        schema: { tags, params: IdParams, body: MembersBody, response: { 200: MembersResult, ...errorResponses } },
      },
      async (request) => service.changeMembers(request, request.params.id, 'add', request.body.customerIds),
    );

    app.delete(
      '/segments/:id/members',
      {
        config: { access: 'segments.edit' },
        schema: { tags, params: IdParams, body: MembersBody, response: { 200: MembersResult, ...errorResponses } },
      },
      async (request) => service.changeMembers(request, request.params.id, 'remove', request.body.customerIds),
    );

    app.post(
      '/segments/:id/members/upload',
      {
        config: { access: 'segments.edit' },
        bodyLimit: 6 * 1024 * 1024,
        schema: {
          tags,
          summary: 'Add customers by a list: one mobile, email or customer id per line (text/plain, or JSON { text })',
          params: IdParams,
          body: UploadBody,
          response: {
            200: z.object({
              matched: z.number().int(),
              unmatched: z.number().int(),
              added: z.number().int(),
              unmatchedLines: z.array(z.string()).describe('The first 100 lines that matched no customer'),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) =>
        service.upload(request, request.params.id, typeof request.body === 'string' ? request.body : request.body.text),
    );

    app.get(
      '/segments/:id/changes',
      {
        config: { access: 'segments.view' },
        schema: {
          tags,
          summary: 'Entries and exits, newest first',
          params: IdParams,
          querystring: ChangesQuery,
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  customerId: z.string(),
                  customerName: z.string().nullable(),
                  at: z.iso.datetime(),
                  kind: z.enum(['entered', 'exited']),
                }),
              ),
              nextCursor: z.string().nullable(),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => service.changes(request.params.id, request.query),
    );

    app.get(
      '/segments/:id/sizes',
      {
        config: { access: 'segments.view' },
        schema: {
          tags,
          summary: 'Size per business day (oldest first)',
          params: IdParams,
          response: {
            200: z.object({ items: z.array(z.object({ day: z.string(), size: z.number().int() })) }),
            ...errorResponses,
          },
        },
      },
      async (request) => service.sizes(request.params.id),
    );

    app.get(
      '/customers/:id/segments',
      {
        config: { access: 'segments.view' },
        schema: {
          tags,
          summary: 'The segments a customer is currently in',
          params: IdParams,
          response: {
            200: z.object({
              items: z.array(z.object({ id: z.string(), name: z.string(), kind: Kind, enteredAt: z.iso.datetime() })),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => service.segmentsOf(request.params.id),
    );
  };
}
