import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit.service.ts';
import { commonErrors, DomainError } from '../http/errors.ts';
import type { Jobs } from './jobs.service.ts';

const JobStateSchema = z.enum(['created', 'retry', 'active', 'completed', 'cancelled', 'failed']);

export const JobListQuery = z.strictObject({
  state: JobStateSchema.optional(),
  name: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export const JobDto = z.object({
  id: z.string(),
  name: z.string(),
  state: JobStateSchema,
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
  retryCount: z.number().int(),
  progress: z.number().int().min(0).max(100).optional(),
  error: z.string().optional(),
});
export const JobPageDto = z.object({
  items: z.array(JobDto),
  counts: z.object({
    created: z.number().int(),
    active: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    retry: z.number().int(),
  }),
  nextCursor: z.string().nullable(),
});
export const ScheduleListDto = z.object({
  items: z.array(
    z.object({ name: z.string(), cron: z.string(), timeZone: z.string(), nextRunAt: z.iso.datetime().nullable() }),
  ),
});
const JobIdParams = z.strictObject({ id: z.uuid() });
export const RetriedJobDto = z.object({ id: z.string(), name: z.string(), state: z.literal('retry') });

/** The administrators' view of background work: what ran, failed, is waiting, and what is scheduled. */
export function jobsRoutes(deps: { jobs: Jobs; audit: AuditLog }): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.get(
      '/jobs',
      {
        config: { access: 'settings.view' },
        schema: {
          tags: ['platform'],
          summary: 'Background jobs, newest first, with counts per state',
          querystring: JobListQuery,
          response: { 200: JobPageDto },
        },
      },
      async (request) => deps.jobs.list(request.query),
    );

    api.get(
      '/jobs/schedules',
      {
        config: { access: 'settings.view' },
        schema: {
          tags: ['platform'],
          summary: 'Cron schedules with their time zone and next run',
          response: { 200: ScheduleListDto },
        },
      },
      async () => ({ items: await deps.jobs.listSchedules() }),
    );

    api.post(
      '/jobs/:id/retry',
      {
        config: { access: 'settings.manage' },
        schema: {
          tags: ['platform'],
          summary: 'Put a failed job back in the queue',
          params: JobIdParams,
          response: { 200: RetriedJobDto },
        },
      },
      async (request) => {
        const { id } = request.params;
        const r = await deps.jobs.retry(id);
        if (r.outcome === 'not_found') throw commonErrors.notFound('job');
        if (r.outcome === 'not_failed') throw new DomainError('conflict', 'JOB_NOT_RETRYABLE', { state: r.state });
        await deps.audit.recordRequest(request, {
          action: 'job.retried',
          entityType: 'job',
          entityId: id,
          details: { name: r.name },
        });
        return { id, name: r.name, state: 'retry' as const };
      },
    );
  };
}
