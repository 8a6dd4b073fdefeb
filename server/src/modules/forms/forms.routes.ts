import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, isDomainError } from '../../platform/http/errors.ts';
import { errorResponses, PageQuery } from '../../platform/http/schemas.ts';
import type { FormsContext } from './forms.context.ts';
import {
  CreateFormBody,
  FieldOptions,
  FormDto,
  PublicSubmissionBody,
  PublicSubmissionResult,
  SubmissionPage,
  UpdateFormBody,
} from './forms.dto.ts';
import type { FormLimits } from './forms.limits.ts';
import { submissionBodyLimit } from './forms.limits.ts';
import { createFormsService } from './forms.service.ts';
import type { FormSubmissions } from './forms.submit.ts';

const IdParams = z.strictObject({ id: z.uuid() });
const SlugParams = z.strictObject({ slug: z.string().max(60) });
const SubmissionsQuery = z.strictObject({
  limit: PageQuery.limit,
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'invalid_cursor')
    .optional(),
  reveal: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: mobile, email and address in clear (needs customers.reveal; audited)'),
});

/** The form builder's API (/api/v1/forms) and the public JSON submission. */
export function formsRoutes(ctx: FormsContext, submissions: FormSubmissions, limits: FormLimits): FastifyPluginAsync {
  const forms = createFormsService(ctx);
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['forms'];

    app.get(
      '/forms',
      {
        config: { access: 'ingest.view' },
        schema: {
          tags,
          summary: 'Sign-up forms, newest first, with their submission counts',
          response: { 200: z.object({ items: z.array(FormDto) }), ...errorResponses },
        },
      },
      async () => ({ items: await forms.list() }),
    );
    app.get(
      '/forms/field-options',
      {
        config: { access: 'ingest.view' },
        schema: {
          tags,
          summary: 'What a form may ask for: profile fields, custom attributes, consent purposes and channels',
          response: { 200: FieldOptions, ...errorResponses },
        },
      },
      async () => forms.fieldOptions(),
    );
    app.post(
      '/forms',
      {
        config: { access: 'ingest.create' },
        schema: {
          tags,
          summary: 'Create a form (a draft unless status is given)',
          body: CreateFormBody,
          response: { 201: FormDto, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await forms.create(request, request.body)),
    );
    app.get(
      '/forms/:id',
      {
        config: { access: 'ingest.view' },
        schema: { tags, summary: 'One form', params: IdParams, response: { 200: FormDto, ...errorResponses } },
      },
      async (request) => forms.get(request.params.id),
    );
    app.patch(
      '/forms/:id',
      {
        config: { access: 'ingest.edit' },
        schema: {
          tags,
          summary: 'Change a form; status published/closed opens or closes the public page',
          params: IdParams,
          body: UpdateFormBody,
          response: { 200: FormDto, ...errorResponses },
        },
      },
      async (request) => forms.update(request, request.params.id, request.body),
    );
    app.delete(
      '/forms/:id',
      {
        config: { access: 'ingest.delete' },
        schema: {
          tags,
          summary: 'Delete a form nobody has submitted (one with submissions can only be closed)',
          params: IdParams,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await forms.delete(request, request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/forms/:id/submissions',
      {
        config: { access: 'ingest.view' },
        schema: {
          tags,
          summary: 'A form’s submissions, newest first; personal data masked unless reveal=true',
          params: IdParams,
          querystring: SubmissionsQuery,
          response: { 200: SubmissionPage, ...errorResponses },
        },
      },
      async (request) => forms.submissions(request, request.params.id, request.query),
    );

    // Public: anyone may submit a published form (that is what a sign-up form is for). It
    // defends itself with the honeypot, the rate limits and the size limit instead of a login.
    app.post(
      '/public/forms/:slug/submissions',
      {
        config: { access: 'public' },
        bodyLimit: submissionBodyLimit,
        onRequest: async (request) => {
          const check = await limits(app as unknown as FastifyInstance, request);
          if (!check.ok) {
            throw new DomainError('rate_limited', 'RATE_LIMITED', { retryAfterSeconds: check.retryAfterSeconds });
          }
        },
        schema: {
          tags,
          summary: 'Submit a published form as JSON (field errors come in the form’s language)',
          security: [],
          params: SlugParams,
          body: PublicSubmissionBody,
          response: { 201: PublicSubmissionResult, 429: errorResponses[409], ...errorResponses },
        },
      },
      async (request, reply) => {
        const form = await submissions.publishedForm(request.params.slug);
        const body = request.body;
        const locale = body.locale ?? form.language;
        try {
          const result = await submissions.submit(
            form,
            { fields: body.fields, consents: body.consents ?? [], honeypot: body.website },
            locale,
            { ip: request.ip, userAgent: request.headers['user-agent'] },
          );
          return reply.status(201).send(result);
        } catch (err) {
          // the visitor reads the form's language, whatever their browser says
          if (isDomainError(err)) request.locale = locale;
          throw err;
        }
      },
    );
  };
}
