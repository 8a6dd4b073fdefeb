import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { can } from '../../platform/auth/actor.ts';
import { commonErrors, DomainError, isDomainError } from '../../platform/http/errors.ts';
import { isLocale, translator, type Locale } from '../../platform/i18n/i18n.ts';
import type { JobContext } from '../../platform/jobs/jobs.service.ts';
import { createRowMapper, unknownColumn } from './customer-export.columns.ts';
import {
  customerExportRepository as repo,
  type ExportFormat,
  type ExportQuery,
  type ExportRow,
  type ExportStatus,
} from './customer-export.repository.ts';
import { createCsvWriter, createXlsxWriter, type ExportWriter } from './customer-export.writer.ts';
import { customerListErrors } from './customer-list.errors.ts';
import { customerListRepository } from './customer-list.repository.ts';
import { queryEnvFor } from './customer-list.service.ts';
import {
  compileCustomerCount,
  compileCustomerList,
  CustomerFilterBody,
  type Cursor,
  type CustomerFilter,
  type CustomerSort,
} from './customer-query.ts';
import { dateIn } from './customer.dto.ts';
import type { CustomersContext } from './customers.context.ts';
import { customerColumnsSql, type CustomerRow } from './customers.repository.ts';

export const EXPORT_JOB = 'customers.export';
/** Rows per keyset batch (one query each). */
const BATCH = 1000;
/** Exports kept per user; older ones (and their files) are deleted when a new one is asked for. */
export const EXPORTS_KEPT = 20;
const RETRY_LIMIT = 2;

export type CustomerExport = {
  id: string;
  format: ExportFormat;
  status: ExportStatus;
  rowCount: number;
  totalRows: number | null;
  progress: number;
  isMasked: boolean;
  fileName: string | null;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
};

export type CreateExportInput = {
  format: ExportFormat;
  filters: CustomerFilter & { sort?: CustomerSort };
  columns: string[];
};

export type ExportDownload = { stream: ReadStream; fileName: string; contentType: string; size: number };

const contentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function toExport(r: ExportRow): CustomerExport {
  const progress =
    r.status === 'done'
      ? 100
      : r.total_rows && r.total_rows > 0
        ? Math.min(99, Math.floor((r.row_count / r.total_rows) * 100))
        : 0;
  return {
    id: r.id,
    format: r.format,
    status: r.status,
    rowCount: r.row_count,
    totalRows: r.total_rows,
    progress,
    isMasked: r.is_masked,
    fileName: r.file_name,
    createdAt: r.created_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    error: r.error,
  };
}

/** The filters as the audit log may keep them: a search may be a mobile or a name, so only that there was one. */
function auditableFilters(filters: Record<string, unknown>): Record<string, unknown> {
  const { search, ...rest } = filters;
  return search ? { ...rest, search: '[redacted]' } : rest;
}

/** A DomainError about a filter field, renamed to where it sits in the export body (`filters.attributes.level`). */
function underFilters(err: unknown): unknown {
  if (!isDomainError(err) || !err.field) return err;
  return new DomainError(err.kind, err.code, err.params, `filters.${err.field}`, err.fields);
}

export type CustomerExportService = ReturnType<typeof createCustomerExportService>;

/**
 * Exports of the filtered customer list to CSV or XLSX. A request stores what to export and
 * queues `customers.export`; the job walks the list by keyset in batches through the same
 * query compiler, streaming rows into a file, so a million customers never sit in memory.
 * Identities are masked unless the requester held customers.reveal when asking.
 */
export function createCustomerExportService(ctx: CustomersContext) {
  const { db, audit, now } = ctx;
  const fileOf = (r: Pick<ExportRow, 'id' | 'format'>) => join(ctx.exportDir, `${r.id}.${r.format}`);

  async function run(exportId: string, job: JobContext): Promise<{ rows: number } | null> {
    const row = await repo.find(db, exportId);
    if (!row || row.status === 'done') return null;
    if (!(await repo.update(db, exportId, { status: 'running', rowCount: 0, error: null }))) return null;
    const locale: Locale = isLocale(row.query.locale) ? row.query.locale : 'zh-CN';
    const t = translator(locale);
    const filter = CustomerFilterBody.parse(row.query.filters);
    const sort = row.query.sort as CustomerSort;
    const definitions = await customerListRepository.attributeDefinitions(db);
    const env = await queryEnvFor(ctx, db, filter);
    const total = await customerListRepository.count(db, compileCustomerCount({ filter, env }));
    await repo.update(db, exportId, { totalRows: total });
    await job.progress(0);

    const ownerNames = new Map<string, string>();
    const mapper = createRowMapper({
      columns: row.columns,
      definitions,
      t,
      timeZone: env.timeZone,
      today: env.today,
      ownerNames,
      isMasked: row.is_masked,
      crypto: ctx.crypto,
    });
    await mkdir(ctx.exportDir, { recursive: true });
    const final = fileOf(row);
    const partial = `${final}.part`;
    const writer: ExportWriter =
      row.format === 'csv'
        ? createCsvWriter(partial, mapper.headers)
        : createXlsxWriter(partial, t('customerExport.sheetName'), mapper.headers, mapper.numeric);
    let written = 0;
    try {
      let cursor: Cursor | null = null;
      for (;;) {
        // the batch's whole rows in one query along the sort's index (not ids and then a lookup)
        const plan = compileCustomerList({
          filter,
          sort,
          limit: BATCH,
          cursor,
          env,
          rows: { columns: customerColumnsSql },
        });
        const page = await customerListRepository.page<CustomerRow>(db, plan);
        const customers = page.slice(0, BATCH);
        const owners = [...new Set(customers.map((c) => c.owner_id))].filter(
          (id): id is string => !!id && !ownerNames.has(id),
        );
        if (owners.length) for (const [id, name] of await ctx.userNames(owners)) ownerNames.set(id, name);
        await writer.write(customers.map(mapper.row));
        written += customers.length;
        if (!(await repo.update(db, exportId, { rowCount: written }))) throw new Error('export deleted');
        await job.progress(total ? Math.min(99, (written / total) * 100) : 99);
        if (page.length <= BATCH) break;
        const last = customers[customers.length - 1];
        cursor = { s: sort, k: last.k, id: last.id };
      }
      await writer.close();
      await rename(partial, final);
    } catch (err) {
      await writer.abort();
      await rm(partial, { force: true });
      throw err;
    }
    const fileName = `${t('customerExport.fileName')}-${dateIn(env.timeZone, row.created_at)}.${row.format}`;
    const stillThere = await repo.update(db, exportId, {
      status: 'done',
      rowCount: written,
      totalRows: written,
      fileName,
      finishedAt: now(),
    });
    if (!stillThere) await rm(final, { force: true });
    await job.progress(100);
    return { rows: written };
  }

  ctx.jobs.define<{ exportId: string }>(
    EXPORT_JOB,
    async ({ exportId }, job) => {
      try {
        return await run(exportId, job);
      } catch (err) {
        const last = job.retryCount >= RETRY_LIMIT;
        // a code, never the message: a driver error may quote a value
        const code = isDomainError(err) ? err.code : 'EXPORT_FAILED';
        await repo.update(db, exportId, {
          status: last ? 'failed' : 'queued',
          error: code,
          ...(last ? { finishedAt: now() } : {}),
        });
        throw err;
      }
    },
    // a retry starts the file again from the first row
    { retryLimit: RETRY_LIMIT, retryDelay: 10, expireInSeconds: 3 * 3600 },
  );

  async function findOwn(request: FastifyRequest, id: string): Promise<ExportRow> {
    const row = await repo.find(db, id);
    // another user's export does not exist, as far as this caller can tell
    if (!row || row.requested_by !== request.actor?.userId) throw commonErrors.notFound('customerExport');
    return row;
  }

  return {
    async create(request: FastifyRequest, input: CreateExportInput): Promise<CustomerExport> {
      const actor = request.actor;
      if (!actor) throw commonErrors.unauthenticated();
      const { sort = '-createdAt', ...filter } = input.filters;
      // exporting a segment's members also needs the right to see segments (audited as every export)
      if (filter.segmentId && !can(actor, 'segments.view')) throw commonErrors.forbidden('segments.view');
      const definitions = await customerListRepository.attributeDefinitions(db);
      const bad = unknownColumn(input.columns, definitions);
      if (bad >= 0) throw customerListErrors.unknownColumn(input.columns[bad], bad);
      try {
        // the same checks the list makes (attribute keys and types), now rather than in the job
        compileCustomerCount({ filter, env: await queryEnvFor(ctx, db, filter) });
      } catch (err) {
        throw underFilters(err);
      }
      const query: ExportQuery = { filters: filter as Record<string, unknown>, sort, locale: request.locale };
      const isMasked = !can(actor, 'customers.reveal');
      const { row, pruned } = await db.transaction(async (tx) => {
        const created = await repo.insert(tx, {
          id: randomUUID(),
          requestedBy: actor.userId,
          format: input.format,
          query,
          columns: [...new Set(input.columns)],
          isMasked,
          at: now(),
        });
        const old = await repo.prune(tx, actor.userId, EXPORTS_KEPT);
        await ctx.jobs.send(EXPORT_JOB, { exportId: created.id }, { tx });
        return { row: created, pruned: old };
      });
      for (const p of pruned) await rm(fileOf(p), { force: true });
      return toExport(row);
    },

    async list(request: FastifyRequest): Promise<{ items: CustomerExport[] }> {
      const userId = request.actor?.userId;
      if (!userId) throw commonErrors.unauthenticated();
      return { items: (await repo.listFor(db, userId, EXPORTS_KEPT)).map(toExport) };
    },

    async get(request: FastifyRequest, id: string): Promise<CustomerExport> {
      return toExport(await findOwn(request, id));
    },

    /** The file, to its requester only; each download is audited (what was exported, never the values). */
    async download(request: FastifyRequest, id: string): Promise<ExportDownload> {
      const row = await findOwn(request, id);
      if (row.status !== 'done' || !row.file_name) throw customerListErrors.exportNotReady(row.status);
      const path = fileOf(row);
      const size = await stat(path).then(
        (s) => s.size,
        () => null,
      );
      if (size === null) throw commonErrors.notFound('customerExport');
      await audit.recordRequest(request, {
        action: 'customer.exported',
        entityType: 'customer_export',
        entityId: row.id,
        details: {
          format: row.format,
          filters: auditableFilters(row.query.filters),
          sort: row.query.sort,
          columns: row.columns,
          rowCount: row.row_count,
          isMasked: row.is_masked,
        },
      });
      return { stream: createReadStream(path), fileName: row.file_name, contentType: contentTypes[row.format], size };
    },
  };
}
