import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../platform/http/schemas.ts';
import { abcClasses } from './domain/abc.ts';
import { lifecycleStages } from './domain/lifecycle.ts';
import { rfmClasses, rfmSegments } from './domain/rfm.ts';
import type { ScoringService } from './scoring.service.ts';
import {
  AbcSettings,
  GradeSettings,
  grades,
  LifecycleSettings,
  RfmSettings,
  scoringModels,
  settingsSchemas,
  ValueTierSettings,
  valueTiers,
} from './scoring.settings.ts';

export const ScoringSettingsDto = z.object({
  rfm: RfmSettings,
  abc: AbcSettings,
  lifecycle: LifecycleSettings,
  valueTiers: ValueTierSettings,
  grades: GradeSettings,
});

const RecomputeDto = z.object({
  status: z.enum(['idle', 'queued', 'running', 'done', 'failed']),
  /** 0–1 */
  progress: z.number(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  error: z.string().nullable(),
});

const RfmMatrixDto = z.object({
  cells: z.array(
    z.object({ r: z.number().int(), f: z.number().int(), customers: z.number().int(), avgMonetary: z.string() }),
  ),
  classes: z.array(z.object({ code: z.enum(rfmClasses), customers: z.number().int(), revenue: z.string() })),
  segments: z.array(z.object({ code: z.enum(rfmSegments), customers: z.number().int(), revenue: z.string() })),
});

const AbcDto = z.object({
  classes: z.array(
    z.object({ class: z.enum(abcClasses), customers: z.number().int(), revenue: z.string(), share: z.number() }),
  ),
  /** The Pareto curve: revenue share of the top customer share, at most 101 points from (0, 0). */
  curve: z.array(z.object({ customerShare: z.number(), revenueShare: z.number() })),
});

const Count = <T extends readonly [string, ...string[]]>(values: T) =>
  z.array(z.object({ value: z.enum(values), customers: z.number().int() }));
const DistributionDto = z.object({
  valueTiers: Count(valueTiers),
  grades: Count(grades),
  lifecycle: Count(lifecycleStages),
});

const Stage = z.enum(lifecycleStages);
const FlowsDto = z.object({
  items: z.array(z.object({ month: z.string(), from: Stage, to: Stage, customers: z.number().int() })),
});
const LifecycleDto = z.object({
  items: z.array(z.object({ at: z.iso.datetime(), fromStage: Stage.nullable(), toStage: Stage })),
});

export function scoringRoutes(scoring: ScoringService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['scoring'];

    app.get(
      '/scoring/settings',
      {
        config: { access: 'scoring.view' },
        schema: {
          tags,
          summary: 'Settings of every scoring model (RFM, ABC, lifecycle, value tiers, grades), defaults filled in',
          response: { 200: ScoringSettingsDto, ...errorResponses },
        },
      },
      async () => scoring.getSettings(),
    );

    // one route per model, so each body is validated (and typed) by its own schema
    for (const model of scoringModels) {
      app.put(
        `/scoring/settings/${model}`,
        {
          config: { access: 'scoring.manage' },
          schema: {
            tags,
            summary: `Replace the ${model} settings (audited); they apply from the next recompute`,
            body: settingsSchemas[model],
            response: { 200: ScoringSettingsDto, ...errorResponses },
          },
        },
        async (request) => scoring.updateSettings(request, model, request.body),
      );
    }

    app.post(
      '/scoring/recompute',
      {
        config: { access: 'scoring.manage' },
        schema: {
          tags,
          summary:
            'Queue the bulk recompute of RFM, ABC, value tiers, grades and lifecycle stages (one queued at a time)',
          response: { 202: RecomputeDto, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(202).send(await scoring.requestRecompute(request)),
    );

    app.get(
      '/scoring/recompute',
      {
        config: { access: 'scoring.view' },
        schema: {
          tags,
          summary: 'State of the latest bulk recompute (idle when none ran yet)',
          response: { 200: RecomputeDto, ...errorResponses },
        },
      },
      async () => scoring.recomputeStatus(),
    );

    app.get(
      '/scoring/rfm/matrix',
      {
        config: { access: 'scoring.view' },
        schema: {
          tags,
          summary:
            'Customers and average window spend per R × F score cell; customers and revenue per RFM class and segment',
          response: { 200: RfmMatrixDto, ...errorResponses },
        },
      },
      async () => (await scoring.rfmMatrix()) as z.infer<typeof RfmMatrixDto>,
    );

    app.get(
      '/scoring/abc',
      {
        config: { access: 'scoring.view' },
        schema: { tags, summary: 'ABC classes and the Pareto curve', response: { 200: AbcDto, ...errorResponses } },
      },
      async () => (await scoring.abc()) as z.infer<typeof AbcDto>,
    );

    app.get(
      '/scoring/distribution',
      {
        config: { access: 'scoring.view' },
        schema: {
          tags,
          summary: 'Customers per value tier, grade and lifecycle stage',
          response: { 200: DistributionDto, ...errorResponses },
        },
      },
      async () => (await scoring.distribution()) as z.infer<typeof DistributionDto>,
    );

    app.get(
      '/scoring/lifecycle/flows',
      {
        config: { access: 'scoring.view' },
        schema: {
          tags,
          summary: 'Lifecycle transitions per month (business time zone), from stage → to stage',
          querystring: z.strictObject({ months: z.coerce.number().int().min(1).max(36).default(12) }),
          response: { 200: FlowsDto, ...errorResponses },
        },
      },
      async (request) => (await scoring.flows(request.query.months)) as z.infer<typeof FlowsDto>,
    );

    app.get(
      '/customers/:id/lifecycle',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: "A customer's lifecycle stage history, newest first",
          params: z.strictObject({ id: z.uuid() }),
          response: { 200: LifecycleDto, ...errorResponses },
        },
      },
      async (request) => (await scoring.customerLifecycle(request.params.id)) as z.infer<typeof LifecycleDto>,
    );
  };
}
