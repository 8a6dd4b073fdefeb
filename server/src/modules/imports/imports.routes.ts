import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { ErrorBody, errorResponses, PageQuery } from '../../platform/http/schemas.ts';
import type { ImportsContext } from './imports.context.ts';
import { importKinds } from './mapping.ts';
import { createImportsService } from './imports.service.ts';
import { defineImportJobs } from './import-job.ts';

const Status = z.enum(['uploaded', 'validating', 'validated', 'running', 'done', 'failed']);
const Kind = z.enum(importKinds);
const OnMatch = z.enum(['skip', 'fillEmpty', 'overwrite']);

export const ImportDto = z.object({
  id: z.string(),
  kind: Kind.nullable(),
  status: Status,
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.enum(['utf-8', 'gb18030']).nullable(),
  fileSize: z.number().int(),
  headers: z.array(z.string()),
  samples: z.array(z.array(z.string())).nullable(),
  mapping: z.object({ columns: z.array(z.string()) }).nullable(),
  touchpointId: z.string().nullable(),
  onMatch: OnMatch,
  totalRows: z.number().int().nullable(),
  progress: z.number().int().min(0).max(100),
  dryRun: z.object({ valid: z.number().int(), invalid: z.number().int(), matched: z.number().int() }),
  result: z.object({
    processed: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
  }),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});
const Suggestion = z.object({ columns: z.array(z.string()), remembered: z.boolean() });
export const ImportDetailDto = ImportDto.extend({
  suggestions: z.object({ customers: Suggestion, orders: Suggestion }),
  sameFileImportedAt: z.iso.datetime().nullable(),
});
export const ImportSettingsBody = z.strictObject({
  kind: Kind,
  touchpointId: z.uuid().nullable().optional(),
  onMatch: OnMatch.default('fillEmpty'),
  mapping: z.strictObject({ columns: z.array(z.string().max(60)).max(500) }),
});
const IssueDto = z.object({
  line: z.number().int(),
  cells: z.array(z.string()),
  problems: z.array(z.object({ column: z.string().nullable(), message: z.string() })),
});
const IdParams = z.strictObject({ id: z.uuid() });
const Phase = z.enum(['dry', 'run']);
const UploadQuery = z.strictObject({ fileName: z.string().max(200).optional() });

/** `attachment` with an ASCII fallback and the real (Chinese) name per RFC 5987/6266. */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Bulk import of customers and orders from CSV/XLSX: upload, dry run, run, bad rows, history. */
export function importsRoutes(ctx: ImportsContext): FastifyPluginAsync {
  // defines the jobs now: route factories run before the platform starts its workers
  defineImportJobs(ctx);
  const service = createImportsService(ctx);
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['imports'];

    // The upload is the file itself as the body (any content type), streamed to disk: no
    // multipart, no buffering, a size limit of its own instead of the JSON body limit.
    await app.register(async (raw) => {
      raw.removeAllContentTypeParsers();
      raw.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
      raw.withTypeProvider<ZodTypeProvider>().post(
        '/imports',
        {
          config: { access: 'ingest.create' },
          bodyLimit: ctx.maxUploadBytes,
          schema: {
            tags,
            summary: 'Upload a CSV (UTF-8 or GBK/GB18030) or XLSX file as the request body; answers with its columns',
            querystring: UploadQuery,
            response: { 201: ImportDetailDto, 413: ErrorBody, ...errorResponses },
          },
        },
        async (request, reply) => {
          // no body at all reaches no parser: an empty stream, refused as an empty file
          const body = request.body instanceof Readable ? request.body : Readable.from([]);
          return reply.status(201).send(await service.upload(request, request.query.fileName, body));
        },
      );
    });

    app.get(
      '/imports',
      {
        config: { access: 'ingest.view' },
        schema: {
          tags,
          summary: 'Imports, newest first',
          querystring: z.strictObject(PageQuery),
          response: {
            200: z.object({ items: z.array(ImportDto), nextCursor: z.string().nullable() }),
            ...errorResponses,
          },
        },
      },
      async (request) => service.list(request, request.query),
    );

    app.get(
      '/imports/:id',
      {
        config: { access: 'ingest.view' },
        schema: { tags, params: IdParams, response: { 200: ImportDetailDto, ...errorResponses } },
      },
      async (request) => service.get(request, request.params.id),
    );

    app.post(
      '/imports/:id/dry-run',
      {
        config: { access: 'ingest.create' },
        schema: {
          tags,
          summary: 'Choose kind, touchpoint, match policy and mapping, and check every row without writing (a job)',
          params: IdParams,
          body: ImportSettingsBody,
          response: { 202: ImportDetailDto, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(202).send(await service.dryRun(request, request.params.id, request.body)),
    );

    app.post(
      '/imports/:id/run',
      {
        config: { access: 'ingest.create' },
        schema: {
          tags,
          summary: 'Import what the dry run checked (a job); on a failed run, resume after its last committed chunk',
          params: IdParams,
          response: { 202: ImportDetailDto, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(202).send(await service.run(request, request.params.id)),
    );

    app.get(
      '/imports/:id/issues',
      {
        config: { access: 'ingest.create' },
        schema: {
          tags,
          summary: 'The bad rows of the dry run (`phase=dry`) or of the run (`phase=run`), in file order',
          params: IdParams,
          querystring: z.strictObject({
            phase: Phase.default('dry'),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            after: z.coerce.number().int().min(0).optional(),
          }),
          response: {
            200: z.object({ items: z.array(IssueDto), nextAfter: z.number().int().nullable() }),
            ...errorResponses,
          },
        },
      },
      async (request) => service.issues(request, request.params.id, request.query),
    );

    app.get(
      '/imports/:id/issues.csv',
      {
        config: { access: 'ingest.create' },
        schema: {
          tags,
          summary: 'The bad rows as CSV: the file’s columns, then line, column and reason (audited)',
          params: IdParams,
          querystring: z.strictObject({ phase: Phase.default('dry') }),
          response: { 200: z.any().describe('CSV, UTF-8 with BOM'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const file = await service.downloadIssues(request, request.params.id, request.query.phase);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', contentDisposition(file.fileName))
          .send(file.stream);
      },
    );

    app.delete(
      '/imports/:id',
      {
        config: { access: 'ingest.delete' },
        schema: { tags, params: IdParams, response: { 204: z.null(), ...errorResponses } },
      },
      async (request, reply) => {
        await service.delete(request, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
