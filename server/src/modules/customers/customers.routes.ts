import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../platform/http/schemas.ts';
import { AttributeDefinition, AttributeOption, attributeTypes, createAttributesService } from './attributes.service.ts';
import { AttributeValue, Customer, Gender } from './customer.dto.ts';
import type { CustomersContext } from './customers.context.ts';
import { createCustomersService } from './customers.service.ts';
import { identityFields } from './identities.ts';

/**
 * Formats are checked by the service (it knows the customer's country for mobiles and reports
 * every problem at once); here only types and lengths.
 */
const Text = (max: number) => z.string().trim().max(max).nullable().optional();
const Tag = z.string().trim().min(1).max(30);

const profileFields = {
  gender: Gender.optional(),
  birthday: z.iso.date().nullable().optional(),
  mobile: Text(50),
  email: Text(254),
  wechatOpenId: Text(64),
  wechatUnionId: Text(64),
  idNumber: Text(30),
  address: Text(200),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'invalid_country')
    .transform((v) => v.toUpperCase())
    .optional(),
  province: Text(50),
  city: Text(50),
  district: Text(50),
  occupation: Text(100),
  incomeBand: Text(50),
  education: Text(50),
  source: Text(50),
  touchpointId: z.uuid().nullable().optional(),
  ownerId: z.uuid().nullable().optional(),
  tags: z.array(Tag).max(50).optional(),
  /** Custom attributes by key; null clears one. Checked against the definitions by the service. */
  attributes: z.record(z.string().max(40), AttributeValue.nullable()).optional(),
  externalId: Text(100),
};
const Name = z.string().trim().min(1).max(100);
export const CreateCustomerBody = z.strictObject({ name: Name, ...profileFields });
export const UpdateCustomerBody = z.strictObject({ name: Name.optional(), ...profileFields });
const IdParams = z.strictObject({ id: z.uuid() });
const DeleteQuery = z.strictObject({ confirm: z.enum(['true', 'false']).optional() });
const IdentityField = z.enum(identityFields);
const RevealBody = z.strictObject({ field: IdentityField });

const AttributeKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'invalid_attribute_key')
  .describe('Immutable; values live under it in `attributes`');
export const CreateAttributeBody = z.strictObject({
  key: AttributeKey,
  label: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).nullable().optional(),
  type: z.enum(attributeTypes),
  options: z.array(AttributeOption).max(200).optional(),
  isRequired: z.boolean().optional(),
  sortOrder: z.number().int().min(0).max(1_000_000).optional(),
});
export const UpdateAttributeBody = CreateAttributeBody.omit({ key: true, type: true }).partial();

/** Profiles (create, read, change, delete, reveal) and custom attribute definitions. */
export function customersRoutes(ctx: CustomersContext): FastifyPluginAsync {
  const customers = createCustomersService(ctx);
  const attributes = createAttributesService(ctx);
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();

    let tags = ['customers'];
    app.post(
      '/customers',
      {
        config: { access: 'customers.create' },
        schema: {
          tags,
          summary: 'Create a customer (identities are encrypted; the answer shows them masked)',
          body: CreateCustomerBody,
          response: { 201: Customer, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await customers.create(request, request.body)),
    );
    app.get(
      '/customers/:id',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'A customer with aggregates and scores; identities masked',
          params: IdParams,
          response: { 200: Customer, ...errorResponses },
        },
      },
      async (request) => customers.get(request.params.id),
    );
    app.patch(
      '/customers/:id',
      {
        config: { access: 'customers.edit' },
        schema: {
          tags,
          summary: 'Change any subset of the profile; null clears a field (attributes: per key)',
          params: IdParams,
          body: UpdateCustomerBody,
          response: { 200: Customer, ...errorResponses },
        },
      },
      async (request) => customers.update(request, request.params.id, request.body),
    );
    app.delete(
      '/customers/:id',
      {
        config: { access: 'customers.delete' },
        schema: {
          tags,
          summary: 'Delete a customer; one with orders (or other records) needs confirm=true and loses them too',
          params: IdParams,
          querystring: DeleteQuery,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await customers.delete(request, request.params.id, request.query.confirm === 'true');
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/customers/:id/reveal',
      {
        config: { access: 'customers.reveal' },
        schema: {
          tags,
          summary: 'One identity in clear (audited)',
          params: IdParams,
          body: RevealBody,
          response: { 200: z.object({ field: IdentityField, value: z.string().nullable() }), ...errorResponses },
        },
      },
      async (request) => customers.reveal(request, request.params.id, request.body.field),
    );

    tags = ['customer-attributes'];
    app.get(
      '/customer-attributes',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'Custom attribute definitions, in form order',
          response: { 200: z.object({ items: z.array(AttributeDefinition) }), ...errorResponses },
        },
      },
      async () => ({ items: await attributes.list() }),
    );
    app.post(
      '/customer-attributes',
      {
        config: { access: 'customers.manage' },
        schema: {
          tags,
          summary: 'Define a custom attribute',
          body: CreateAttributeBody,
          response: { 201: AttributeDefinition, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await attributes.create(request, request.body)),
    );
    app.patch(
      '/customer-attributes/:id',
      {
        config: { access: 'customers.manage' },
        schema: {
          tags,
          summary: 'Change a definition (key and type are fixed)',
          params: IdParams,
          body: UpdateAttributeBody,
          response: { 200: AttributeDefinition, ...errorResponses },
        },
      },
      async (request) => attributes.update(request, request.params.id, request.body),
    );
    app.delete(
      '/customer-attributes/:id',
      {
        config: { access: 'customers.manage' },
        schema: {
          tags,
          summary: 'Delete a definition and every customer’s value for it',
          params: IdParams,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await attributes.delete(request, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
