import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { CustomersContext } from './customers.context.ts';
import { createTagsService, maxTagsPerCustomer } from './tags.service.ts';

/** A tag name: 1–30 characters, no control characters. */
export const TagName = z
  .string()
  .trim()
  .min(1)
  .max(30)
  .refine((v) => /^[^\p{Cc}]+$/u.test(v), 'invalid_tag');
const TagColor = z
  .string()
  .refine(
    (v) => /^(#[0-9a-fA-F]{6}|magenta|red|volcano|orange|gold|lime|green|cyan|blue|geekblue|purple)$/.test(v),
    'invalid_color',
  );
const Tag = z.object({ name: z.string(), color: z.string().nullable(), customerCount: z.number().int() });
const TagChangeBody = z.strictObject({
  add: z.array(TagName).max(maxTagsPerCustomer).optional(),
  remove: z.array(TagName).max(maxTagsPerCustomer).optional(),
});
const CreateTagBody = z.strictObject({ name: TagName, color: TagColor.nullable().optional() });
const CustomerParams = z.strictObject({ id: z.uuid() });
const TagParams = z.strictObject({ name: z.string().min(1).max(30) });

/** Tags on one customer, and the business's tag vocabulary. */
export function tagsRoutes(ctx: CustomersContext): FastifyPluginAsync {
  const service = createTagsService(ctx);
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['customers'];
    app.post(
      '/customers/:id/tags',
      {
        config: { access: 'customers.edit' },
        schema: {
          tags,
          summary: 'Add and/or remove tags on a customer (idempotent; each change is on the timeline)',
          params: CustomerParams,
          body: TagChangeBody,
          response: { 200: z.object({ tags: z.array(z.string()) }), ...errorResponses },
        },
      },
      async (request) => service.change(request, request.params.id, request.body),
    );
    app.get(
      '/customer-tags',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'The tag vocabulary with how many customers carry each tag',
          response: { 200: z.object({ items: z.array(Tag) }), ...errorResponses },
        },
      },
      async () => service.list(),
    );
    app.post(
      '/customer-tags',
      {
        config: { access: 'customers.manage' },
        schema: {
          tags,
          summary: 'Add a tag to the vocabulary',
          body: CreateTagBody,
          response: { 201: Tag, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await service.create(request, request.body)),
    );
    app.delete(
      '/customer-tags/:name',
      {
        config: { access: 'customers.manage' },
        schema: {
          tags,
          summary: 'Delete a tag: removes it from every customer carrying it',
          params: TagParams,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await service.delete(request, request.params.name);
        return reply.status(204).send(null);
      },
    );
  };
}
