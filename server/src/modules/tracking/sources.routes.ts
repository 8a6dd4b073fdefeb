import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, PageQuery } from '../../platform/http/schemas.ts';
import { messageTypes } from './domain/messages.ts';
import { defaultTraitMapping, TRAIT_PATTERN } from './domain/traits.ts';
import { sourceTypes } from './sources.repository.ts';
import type { SourcesService } from './sources.service.ts';

const Ref = z.object({ id: z.string(), name: z.string() });
const WriteKey = z.object({
  id: z.string(),
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  isActive: z.boolean(),
});
export const SourceDto = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(sourceTypes),
  touchpoint: Ref.nullable(),
  rateLimit: z.number().int(),
  status: z.enum(['active', 'disabled']),
  keys: z.array(WriteKey),
  lastEventAt: z.iso.datetime().nullable(),
  eventsLast24h: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
const SourceWithKey = SourceDto.extend({
  /** The new write key in full: shown this once, only its hash is kept. */
  writeKey: z.string(),
});

const Name = z.string().trim().min(1).max(100);
const RateLimit = z.number().int().min(1).max(1_000_000);
export const CreateSourceBody = z.strictObject({
  name: Name,
  type: z.enum(sourceTypes),
  touchpointId: z.uuid().nullable().optional(),
  rateLimit: RateLimit.optional(),
});
export const UpdateSourceBody = z.strictObject({
  name: Name.optional(),
  touchpointId: z.uuid().nullable().optional(),
  rateLimit: RateLimit.optional(),
  status: z.enum(['active', 'disabled']).optional(),
});
const RotateBody = z.strictObject({
  /** How long the current keys keep working (0: revoked at once). */
  graceHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 30)
    .optional(),
});
const IdParams = z.strictObject({ id: z.uuid() });
const KeyParams = z.strictObject({ id: z.uuid(), keyId: z.uuid() });

const DebuggerEntry = z.object({
  id: z.string(),
  status: z.enum(['accepted', 'refused']),
  receivedAt: z.iso.datetime(),
  timestamp: z.iso.datetime().nullable(),
  type: z.string().nullable(),
  event: z.string().nullable(),
  messageId: z.string().nullable(),
  userId: z.string().nullable(),
  anonymousId: z.string().nullable(),
  customerId: z.string().nullable(),
  url: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()).nullable(),
  context: z.record(z.string(), z.unknown()).nullable(),
  field: z.string().nullable(),
  reason: z.string().nullable(),
});
const DebuggerQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

const TraitRule = z.strictObject({
  trait: z.string().trim().max(210).regex(TRAIT_PATTERN, 'invalid_trait'),
  field: z.string().trim().min(1).max(60),
});
const Rule = z.object({ trait: z.string(), field: z.string() });
export const TrackingSettingsDto = z.object({
  traitMapping: z.array(Rule),
  onMatch: z.enum(['skip', 'fillEmpty', 'overwrite']),
  /** What a new installation starts with (the screen's "restore defaults"). */
  defaultTraitMapping: z.array(Rule),
});
export const TrackingSettingsBody = z.strictObject({
  traitMapping: z.array(TraitRule).max(100),
  onMatch: z.enum(['skip', 'fillEmpty', 'overwrite']),
});

const TrackedEvent = z.object({
  id: z.string(),
  sourceId: z.string(),
  customerId: z.string().nullable(),
  anonymousId: z.string().nullable(),
  userId: z.string().nullable(),
  type: z.string(),
  event: z.string().nullable(),
  url: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
  context: z.record(z.string(), z.unknown()),
  timestamp: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
  messageId: z.string(),
});
const ListEventsQuery = z
  .strictObject({
    customerId: z.uuid().optional(),
    anonymousId: z.string().trim().min(1).max(500).optional(),
    sourceId: z.uuid().optional(),
    type: z.enum(messageTypes).optional(),
    event: z.string().trim().min(1).max(500).optional(),
    ...PageQuery,
  })
  .refine((q) => q.customerId || q.anonymousId || q.sourceId, {
    message: 'customer_or_source_required',
    path: ['customerId'],
  });

/** Sources, their write keys and live debugger, the trait mapping, and reading events back. */
export function sourcesRoutes(sources: SourcesService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['tracking'];

    app.post(
      '/sources',
      {
        config: { access: 'ingest.create' },
        schema: {
          tags,
          summary: 'Create a tracking source; the answer carries its write key, shown this once',
          body: CreateSourceBody,
          response: { 201: SourceWithKey, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await sources.create(request, request.body)),
    );
    app.get(
      '/sources',
      {
        config: { access: 'ingest.view' },
        schema: {
          tags,
          summary: 'Tracking sources, newest first, with their keys (prefixes only) and last activity',
          response: { 200: z.object({ items: z.array(SourceDto) }), ...errorResponses },
        },
      },
      async () => ({ items: await sources.list() }),
    );
    app.get(
      '/sources/:id',
      {
        config: { access: 'ingest.view' },
        schema: {
          tags,
          summary: 'A tracking source',
          params: IdParams,
          response: { 200: SourceDto, ...errorResponses },
        },
      },
      async (request) => sources.get(request.params.id),
    );
    app.patch(
      '/sources/:id',
      {
        config: { access: 'ingest.edit' },
        schema: {
          tags,
          summary: 'Rename, re-attach to a touchpoint, change the rate limit, disable or enable',
          params: IdParams,
          body: UpdateSourceBody,
          response: { 200: SourceDto, ...errorResponses },
        },
      },
      async (request) => sources.update(request, request.params.id, request.body),
    );
    app.delete(
      '/sources/:id',
      {
        config: { access: 'ingest.delete' },
        schema: {
          tags,
          summary: 'Delete a source and its keys (its events stay with their customers)',
          params: IdParams,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await sources.remove(request, request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/sources/:id/keys/rotate',
      {
        config: { access: 'ingest.manage' },
        schema: {
          tags,
          summary: 'A new write key (shown once); the current keys keep working for graceHours (default 24)',
          params: IdParams,
          body: RotateBody,
          response: { 200: SourceWithKey, ...errorResponses },
        },
      },
      async (request) => sources.rotateKey(request, request.params.id, request.body.graceHours),
    );
    app.post(
      '/sources/:id/keys/:keyId/revoke',
      {
        config: { access: 'ingest.manage' },
        schema: {
          tags,
          summary: 'Revoke a write key at once',
          params: KeyParams,
          response: { 200: SourceDto, ...errorResponses },
        },
      },
      async (request) => sources.revokeKey(request, request.params.id, request.params.keyId),
    );
    app.get(
      '/sources/:id/debugger',
      {
        config: { access: 'ingest.view' },
        schema: {
          tags,
          summary: 'The latest events the source sent, accepted and refused (with the reason), newest first',
          params: IdParams,
          querystring: DebuggerQuery,
          response: { 200: z.object({ items: z.array(DebuggerEntry) }), ...errorResponses },
        },
      },
      async (request) => ({ items: await sources.debuggerFeed(request.params.id, request.query.limit) }),
    );

    app.get(
      '/tracking/settings',
      {
        config: { access: 'ingest.view' },
        schema: {
          tags,
          summary: 'How identify traits fill profile fields, and what a match may change',
          response: { 200: TrackingSettingsDto, ...errorResponses },
        },
      },
      async () => ({ ...(await sources.getSettings()), defaultTraitMapping }),
    );
    app.put(
      '/tracking/settings',
      {
        config: { access: 'ingest.manage' },
        schema: {
          tags,
          summary: 'Replace the trait mapping (rules in order; the first value for a field wins) and the match policy',
          body: TrackingSettingsBody,
          response: { 200: TrackingSettingsDto, ...errorResponses },
        },
      },
      async (request) => ({ ...(await sources.saveSettings(request, request.body)), defaultTraitMapping }),
    );

    app.get(
      '/events',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'Tracked events of a customer, a device (anonymousId) or a source, newest first, keyset-paged',
          querystring: ListEventsQuery,
          response: {
            200: z.object({ items: z.array(TrackedEvent), nextCursor: z.string().nullable() }),
            ...errorResponses,
          },
        },
      },
      async (request) => sources.listEvents(request.query),
    );
  };
}
