import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, PageQuery } from '../../platform/http/schemas.ts';
import { Customer } from './customer.dto.ts';
import type { CustomersContext } from './customers.context.ts';
import { duplicateRules } from './duplicates.rules.ts';
import type { DuplicatesService } from './duplicates.service.ts';
import { AutoRule, type AutoMerge } from './merge-auto.ts';
import { aliasFields, mergeFields } from './merge.plan.ts';
import type { MergeService } from './merge.service.ts';

const Side = z.enum(['survivor', 'merged']);
const UserRef = z.object({ id: z.string(), name: z.string() });
const Rule = z.enum(duplicateRules);
const Status = z.enum(['open', 'merged', 'dismissed']);

const PairBase = {
  id: z.string(),
  rules: z.array(Rule),
  score: z.number().int(),
  status: Status,
  /** Why an automatic rule that matched did not merge it. */
  autoRefusal: z.string().nullable(),
  detectedAt: z.iso.datetime(),
  decidedAt: z.iso.datetime().nullable(),
  decidedBy: UserRef.nullable(),
};
export const DuplicatePairDto = z.object({
  ...PairBase,
  customers: z.array(Customer).describe('The two customers, a then b'),
});

const ListQuery = z.strictObject({
  status: z.enum(['open', 'dismissed']).default('open'),
  rule: Rule.optional(),
  minScore: z.coerce.number().int().min(0).max(100).optional(),
  customerId: z.uuid().optional(),
  ...PageQuery,
});

const CompareQuery = z.strictObject({
  a: z.uuid(),
  b: z.uuid(),
  reveal: z.enum(['true', 'false']).optional().describe('Identities in clear (customers.reveal; audited)'),
});
const CompareSideDto = z.object({
  customer: Customer,
  aliases: z.array(z.object({ field: z.string(), value: z.string() })),
  verified: z.array(z.string()),
  counts: z.record(z.string(), z.number().int()),
});

export const MergeBody = z.strictObject({
  survivorId: z.uuid(),
  mergedId: z.uuid(),
  /** Per field, whose value survives: one of `mergeFields` or `attributes.<key>`. Absent fields keep the survivor’s value, or take the merged one’s where the survivor has none. */
  fields: z.record(z.string().max(60), Side).optional(),
  dryRun: z.boolean().optional(),
});

const MergeViewDto = z.object({
  id: z.string(),
  survivor: z.object({ id: z.string(), name: z.string().nullable() }),
  merged: z.object({ id: z.string(), name: z.string() }),
  fields: z.record(z.string(), Side),
  moved: z.record(z.string(), z.number().int()),
  tagsAdded: z.array(z.string()),
  autoRule: z.string().nullable(),
  mergedBy: UserRef.nullable(),
  mergedAt: z.iso.datetime(),
  undoneAt: z.iso.datetime().nullable(),
  undoneBy: UserRef.nullable(),
});
const MergePreviewDto = z.object({
  dryRun: z.literal(true),
  customer: Customer,
  fields: z.record(z.string(), Side),
  moves: z.record(z.string(), z.number().int()),
  aliases: z.array(z.enum(aliasFields)),
  tagsAdded: z.array(z.string()),
  blockers: z.array(z.string()),
});
const MergeDoneDto = z.object({ dryRun: z.literal(false), merge: MergeViewDto, customer: Customer });

const SettingsDto = z.object({
  autoRules: z.array(AutoRule),
  updatedAt: z.iso.datetime().nullable(),
  updatedBy: UserRef.nullable(),
});
const SettingsBody = z.strictObject({ autoRules: z.array(AutoRule).max(10) });
const IdParams = z.strictObject({ id: z.uuid() });

/** Duplicate review, merges and their undo, and the automatic merge rules. */
export function mergeRoutes(
  _ctx: CustomersContext,
  deps: { duplicates: DuplicatesService; merges: MergeService; auto: AutoMerge },
): FastifyPluginAsync {
  const { duplicates, merges, auto } = deps;
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['customer-merge'];

    app.get(
      '/customers/duplicates',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'Possible duplicates, best score first, with the rules that found them',
          querystring: ListQuery,
          response: {
            200: z.object({
              items: z.array(DuplicatePairDto),
              nextCursor: z.string().nullable(),
              counts: z.object({ open: z.number().int(), dismissed: z.number().int() }),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => duplicates.list(request.query),
    );
    app.get(
      '/customers/duplicates/compare',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'Two customers side by side (identities masked unless reveal=true), with what each holds',
          querystring: CompareQuery,
          response: {
            200: z.object({
              pair: z.object(PairBase).nullable(),
              sides: z.array(CompareSideDto),
              revealed: z.boolean(),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => duplicates.compare(request, request.query.a, request.query.b, request.query.reveal === 'true'),
    );
    app.post(
      '/customers/duplicates/scan',
      {
        config: { access: 'customers.edit' },
        schema: {
          tags,
          summary: 'Queue a scan of every customer for duplicates (also runs nightly)',
          response: { 202: z.object({ jobId: z.string() }), ...errorResponses },
        },
      },
      async (request, reply) => reply.status(202).send(await duplicates.requestScan(request)),
    );
    app.post(
      '/customers/duplicates/:id/dismiss',
      {
        config: { access: 'customers.edit' },
        schema: {
          tags,
          summary: 'Not the same person: not proposed again unless either record’s identifiers change',
          params: IdParams,
          response: { 200: DuplicatePairDto, ...errorResponses },
        },
      },
      async (request) => duplicates.dismiss(request, request.params.id),
    );
    app.post(
      '/customers/duplicates/:id/reopen',
      {
        config: { access: 'customers.edit' },
        schema: {
          tags,
          summary: 'Take back a “not the same person” decision',
          params: IdParams,
          response: { 200: DuplicatePairDto, ...errorResponses },
        },
      },
      async (request) => duplicates.reopen(request, request.params.id),
    );

    app.post(
      '/customers/merge',
      {
        config: { access: 'customers.edit' },
        schema: {
          tags,
          summary: `Merge mergedId into survivorId (dryRun: the outcome without writing). Fields: ${mergeFields.join(', ')}, attributes.<key>`,
          body: MergeBody,
          response: { 200: z.union([MergePreviewDto, MergeDoneDto]), ...errorResponses },
        },
      },
      async (request) => merges.merge(request, request.body),
    );
    app.get(
      '/customers/merges',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'Merges, newest first (customerId: those a customer took part in)',
          querystring: z.strictObject({ customerId: z.uuid().optional(), ...PageQuery }),
          response: {
            200: z.object({ items: z.array(MergeViewDto), nextCursor: z.string().nullable() }),
            ...errorResponses,
          },
        },
      },
      async (request) => merges.list(request.query),
    );
    app.get(
      '/customers/merges/:id',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'One merge with its provenance',
          params: IdParams,
          response: { 200: MergeViewDto, ...errorResponses },
        },
      },
      async (request) => merges.get(request.params.id),
    );
    app.post(
      '/customers/merges/:id/undo',
      {
        config: { access: 'customers.edit' },
        schema: {
          tags,
          summary: 'Undo a merge: the merged customer back with its values, exactly the moved rows back',
          params: IdParams,
          response: {
            200: z.object({
              merge: MergeViewDto,
              kept: z.array(z.string()).describe('Survivor fields changed since the merge, left as they are'),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => merges.undo(request, request.params.id),
    );

    app.get(
      '/customers/merge-settings',
      {
        config: { access: 'customers.view' },
        schema: { tags, summary: 'Automatic merge rules', response: { 200: SettingsDto, ...errorResponses } },
      },
      async () => auto.settings(),
    );
    app.put(
      '/customers/merge-settings',
      {
        config: { access: 'customers.manage' },
        schema: {
          tags,
          summary: 'Turn automatic merge rules on or off (all off by default)',
          body: SettingsBody,
          response: { 200: SettingsDto, ...errorResponses },
        },
      },
      async (request) => auto.update(request, request.body.autoRules),
    );
  };
}
