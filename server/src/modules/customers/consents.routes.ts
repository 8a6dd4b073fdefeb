import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { CustomersContext } from './customers.context.ts';
import { consentChannels, consentPurposes, consentStatuses, createConsentsService } from './consents.service.ts';

const Purpose = z.enum(consentPurposes);
const Channel = z.enum(consentChannels);
const Status = z.enum(consentStatuses);

export const ConsentStateDto = z.object({
  purpose: z.string(),
  channel: z.string(),
  status: Status,
  source: z.string(),
  policyVersion: z.string().nullable(),
  at: z.iso.datetime(),
});
export const ConsentRecordDto = ConsentStateDto.extend({
  id: z.string(),
  policyText: z.string().nullable(),
  evidence: z.record(z.string(), z.unknown()),
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
});
const CustomerConsentsDto = z.object({
  current: z.array(ConsentStateDto).describe('The latest decision per purpose and channel'),
  history: z.array(ConsentRecordDto).describe('Every decision, newest first (the latest 200)'),
});

const CustomerParams = z.strictObject({ id: z.uuid() });
const RecordConsentBody = z.strictObject({
  purpose: Purpose,
  channel: Channel,
  granted: z.boolean().describe('false records a withdrawal'),
  policyText: z.string().trim().max(10_000).nullable().optional().describe('Required for a grant'),
  policyVersion: z.string().trim().max(50).nullable().optional(),
});

/** A customer's consents (current state and history), and staff recording one. */
export function consentsRoutes(ctx: CustomersContext): FastifyPluginAsync {
  const consents = createConsentsService(ctx);
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['customers'];
    app.get(
      '/customers/:id/consents',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'A customer’s current consent per purpose and channel, with the history behind it',
          params: CustomerParams,
          response: { 200: CustomerConsentsDto, ...errorResponses },
        },
      },
      async (request) => consents.list(request.params.id),
    );
    app.post(
      '/customers/:id/consents',
      {
        config: { access: 'customers.edit' },
        schema: {
          tags,
          summary: 'Record a consent the customer gave or withdrew (audited, on the timeline)',
          params: CustomerParams,
          body: RecordConsentBody,
          response: { 201: CustomerConsentsDto, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await consents.record(request, request.params.id, request.body)),
    );
  };
}
