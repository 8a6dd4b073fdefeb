import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors } from '../../platform/http/errors.ts';
import { errorResponses, PageQuery } from '../../platform/http/schemas.ts';
import { createCustomerExportService } from './customer-export.service.ts';
import { createCustomerListService } from './customer-list.service.ts';
import { CustomerFilterBody, CustomerFilterFields, customerSorts } from './customer-query.ts';
import { Customer } from './customer.dto.ts';
import type { CustomersContext } from './customers.context.ts';
import { TagName } from './tags.routes.ts';
import { maxTagsPerCustomer } from './tags.service.ts';

const Sort = z.enum(customerSorts);
export const ListCustomersQuery = z.strictObject({
  ...CustomerFilterFields,
  sort: Sort.default('-createdAt'),
  ...PageQuery,
});
export const CountCustomersQuery = z.strictObject(CustomerFilterFields);

const Ids = z.array(z.uuid()).min(1).max(1000);
export const BulkCustomersBody = z.discriminatedUnion('action', [
  z.strictObject({ ids: Ids, action: z.literal('addTags'), tags: z.array(TagName).min(1).max(maxTagsPerCustomer) }),
  z.strictObject({ ids: Ids, action: z.literal('removeTags'), tags: z.array(TagName).min(1).max(maxTagsPerCustomer) }),
  z.strictObject({ ids: Ids, action: z.literal('assignOwner'), ownerId: z.uuid().nullable() }),
]);

export const CreateExportBody = z.strictObject({
  format: z.enum(['csv', 'xlsx']),
  filters: CustomerFilterBody.extend({ sort: Sort.optional() }).default({}),
  columns: z.array(z.string().max(60)).min(1).max(100),
});
export const CustomerExportDto = z.object({
  id: z.string(),
  format: z.enum(['csv', 'xlsx']),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  rowCount: z.number().int(),
  totalRows: z.number().int().nullable(),
  progress: z.number().int().min(0).max(100),
  isMasked: z.boolean(),
  fileName: z.string().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  error: z.string().nullable(),
});
const IdParams = z.strictObject({ id: z.uuid() });

/** `attachment` with an ASCII fallback and the real (Chinese) name per RFC 5987/6266. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The customer list (search, filters, sorts, keyset pages), its count, bulk changes and
 * exports. GET /customers shares its URL with the profile routes' POST (another method).
 */
/** Filtering by a segment shows who is in it: that needs the right to see segments too. */
function checkSegmentAccess(request: FastifyRequest, segmentId: string | undefined): void {
  if (segmentId && !request.actor?.permissions.has('segments.view')) throw commonErrors.forbidden('segments.view');
}

export function customerListRoutes(ctx: CustomersContext): FastifyPluginAsync {
  const list = createCustomerListService(ctx);
  // defines the export job now: route factories run before the platform starts its workers
  const exports = createCustomerExportService(ctx);
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['customers'];

    app.get(
      '/customers',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'Customers: search (exact mobile/email/external id, or name), filters, sort, keyset pages',
          querystring: ListCustomersQuery,
          response: {
            200: z.object({ items: z.array(Customer), nextCursor: z.string().nullable() }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const { sort, limit, cursor, ...filter } = request.query;
        checkSegmentAccess(request, filter.segmentId);
        return list.list({ filter, sort, limit, cursor });
      },
    );

    app.get(
      '/customers/count',
      {
        config: { access: 'customers.view' },
        schema: {
          tags,
          summary: 'How many customers match the same filters as the list',
          querystring: CountCustomersQuery,
          response: { 200: z.object({ count: z.number().int() }), ...errorResponses },
        },
      },
      async (request) => {
        checkSegmentAccess(request, request.query.segmentId);
        return list.count(request.query);
      },
    );

    app.post(
      '/customers/bulk',
      {
        config: { access: 'customers.edit' },
        schema: {
          tags,
          summary: 'Add or remove tags, or assign an owner, for up to 1,000 customers at once',
          body: BulkCustomersBody,
          response: { 200: z.object({ affected: z.number().int() }), ...errorResponses },
        },
      },
      async (request) => list.bulk(request, request.body),
    );

    app.post(
      '/customers/exports',
      {
        config: { access: 'customers.export' },
        schema: {
          tags,
          summary: 'Export the filtered list to CSV or XLSX (a background job; masked unless you may reveal)',
          body: CreateExportBody,
          response: { 202: CustomerExportDto, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(202).send(await exports.create(request, request.body)),
    );

    app.get(
      '/customers/exports',
      {
        config: { access: 'customers.export' },
        schema: {
          tags,
          summary: 'Your exports, newest first (the latest 20 are kept)',
          response: { 200: z.object({ items: z.array(CustomerExportDto) }), ...errorResponses },
        },
      },
      async (request) => exports.list(request),
    );

    app.get(
      '/customers/exports/:id',
      {
        config: { access: 'customers.export' },
        schema: { tags, params: IdParams, response: { 200: CustomerExportDto, ...errorResponses } },
      },
      async (request) => exports.get(request, request.params.id),
    );

    app.get(
      '/customers/exports/:id/download',
      {
        config: { access: 'customers.export' },
        schema: {
          tags,
          summary: 'The export file (its requester only; audited)',
          params: IdParams,
          response: { 200: z.any().describe('the CSV or XLSX file'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const file = await exports.download(request, request.params.id);
        return reply
          .type(file.contentType)
          .header('content-length', String(file.size))
          .header('content-disposition', contentDisposition(file.fileName))
          .send(file.stream);
      },
    );
  };
}
