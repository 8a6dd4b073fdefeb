import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertCan, can } from '../../platform/auth/actor.ts';
import { commonErrors, type ErrorParams } from '../../platform/http/errors.ts';
import { translator, type Locale } from '../../platform/i18n/i18n.ts';
import type { OnMatch } from '../customers/index.ts';
import { MAX_COLUMNS, readRows } from './file-reader.ts';
import { createScanner, findUtf8Line, type ScanResult } from './file-scan.ts';
import { fileOf, RUN_JOB, VALIDATE_JOB } from './import-job.ts';
import type { ImportsContext } from './imports.context.ts';
import { importsErrors } from './imports.errors.ts';
import {
  importsRepository as repo,
  type ImportRow,
  type ImportStatus,
  type IssuePhase,
  type IssueRow,
} from './imports.repository.ts';
import { checkMapping, headerSignature, importKinds, suggestMapping, type ImportKind } from './mapping.ts';
import { escapeCell } from './row-values.ts';

export type ImportSettings = {
  kind: ImportKind;
  touchpointId?: string | null;
  onMatch: OnMatch;
  mapping: { columns: string[] };
};

export type ImportView = {
  id: string;
  kind: ImportKind | null;
  status: ImportStatus;
  fileName: string;
  format: 'csv' | 'xlsx';
  encoding: 'utf-8' | 'gb18030' | null;
  fileSize: number;
  headers: string[];
  /** The first data rows as uploaded; only for those who may import (they show personal data). */
  samples: string[][] | null;
  mapping: { columns: string[] } | null;
  touchpointId: string | null;
  onMatch: OnMatch;
  totalRows: number | null;
  progress: number;
  dryRun: { valid: number; invalid: number; matched: number };
  result: { processed: number; created: number; updated: number; unchanged: number; skipped: number; failed: number };
  error: { code: string; message: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export type ImportDetail = ImportView & {
  /** A mapping per kind: the one remembered for these headers, else one recognised from them. */
  suggestions: Record<ImportKind, { columns: string[]; remembered: boolean }>;
  /** The last finished import of the very same bytes, when there was one. */
  sameFileImportedAt: string | null;
};

export type IssueView = { line: number; cells: string[]; problems: { column: string | null; message: string }[] };

/** Statuses from which a dry run may start (again). */
const canValidate: ImportStatus[] = ['uploaded', 'validated', 'failed', 'done'];
/**
 * A job writes progress at least every chunk; one silent this long died with its worker (a
 * crash, a restart). pg-boss retries it only when it expires, so the user may start it again.
 */
const STALLED_MS = 10 * 60_000;

/**
 * Bulk import of customers and orders: upload (streamed to disk, checked while it streams), a
 * mapping, a dry run that checks every row, then the run. The two long steps are jobs
 * (import-job.ts); this file holds the requests.
 */
export function createImportsService(ctx: ImportsContext) {
  const { db, audit, now, customers } = ctx;
  const maxMb = Math.round(ctx.maxUploadBytes / (1 << 20));

  function toView(r: ImportRow, request: FastifyRequest): ImportView {
    const t = translator(request.locale);
    return {
      id: r.id,
      kind: r.kind,
      status: r.status,
      fileName: r.file_name,
      format: r.format,
      encoding: r.encoding,
      fileSize: r.file_size,
      headers: r.headers,
      samples: request.actor && can(request.actor, 'ingest.create') ? r.samples : null,
      mapping: r.mapping,
      touchpointId: r.touchpoint_id,
      onMatch: r.on_match,
      totalRows: r.total_rows,
      progress: r.status === 'done' || r.status === 'validated' ? 100 : r.progress,
      dryRun: { valid: r.valid_rows, invalid: r.invalid_rows, matched: r.matched_rows },
      result: {
        processed: r.position,
        created: r.created,
        updated: r.updated,
        unchanged: r.unchanged,
        skipped: r.skipped,
        failed: r.failed,
      },
      error: r.error
        ? {
            code: r.error.toLowerCase(),
            message: t(`errors.${r.error}`, { ...(r.error_params ?? {}), defaultValue: r.error }),
          }
        : null,
      createdAt: r.created_at.toISOString(),
      startedAt: r.started_at?.toISOString() ?? null,
      finishedAt: r.finished_at?.toISOString() ?? null,
    };
  }

  async function detail(r: ImportRow, request: FastifyRequest): Promise<ImportDetail> {
    const attributes = await customers.attributeDefinitions(db);
    const signature = headerSignature(r.headers);
    const suggestions = {} as ImportDetail['suggestions'];
    for (const kind of importKinds) {
      const remembered = await repo.findMapping(db, kind, signature);
      suggestions[kind] =
        remembered && remembered.columns.length === r.headers.length
          ? { columns: remembered.columns, remembered: true }
          : { columns: suggestMapping(kind, r.headers, kind === 'customers' ? attributes : []), remembered: false };
    }
    const same = await repo.findDoneWithHash(db, r.file_hash, r.id);
    return {
      ...toView(r, request),
      suggestions,
      sameFileImportedAt: same?.finished_at?.toISOString() ?? null,
    };
  }

  async function getRow(id: string): Promise<ImportRow> {
    const row = await repo.find(db, id);
    if (!row) throw commonErrors.notFound('import');
    return row;
  }

  /** Streams the body to disk through the scanner, stopping at the size limit. */
  async function store(body: Readable, path: string): Promise<ScanResult> {
    const scanner = createScanner();
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > ctx.maxUploadBytes) return cb(importsErrors.fileTooLarge(maxMb));
        scanner.update(chunk);
        cb(null, chunk);
      },
    });
    await pipeline(body, limit, createWriteStream(path));
    return scanner.finish();
  }

  /** The header and the first data rows; refuses what cannot be imported at all. */
  async function firstRows(path: string, format: 'csv' | 'xlsx', encoding: 'utf-8' | 'gb18030' | null) {
    let headers: string[] | null = null;
    const samples: string[][] = [];
    for await (const row of readRows({ path, format, encoding })) {
      if (!headers) {
        if (row.cells.length > MAX_COLUMNS) throw importsErrors.tooManyColumns(row.cells.length, MAX_COLUMNS);
        const cells = row.cells.map((c) => c.trim());
        while (cells.length && cells[cells.length - 1] === '') cells.pop();
        if (!cells.length) throw importsErrors.noHeader();
        headers = cells;
        continue;
      }
      samples.push(row.cells.slice(0, headers.length));
      if (samples.length >= 5) break;
    }
    if (!headers) throw importsErrors.fileEmpty();
    if (!samples.length) throw importsErrors.noRows();
    return { headers, samples };
  }

  async function translateIssues(locale: Locale, r: ImportRow, rows: IssueRow[]): Promise<IssueView[]> {
    const t = translator(locale);
    return rows.map((i) => ({
      line: i.line,
      cells: i.cells,
      problems: i.problems.map((p) => ({
        column: p.column === null ? null : (r.headers[p.column] ?? null),
        message: t(`errors.${p.code}`, { ...(p.params as ErrorParams), defaultValue: p.code }),
      })),
    }));
  }

  /** A CSV field: quoted when it must be, and never a formula a spreadsheet would run. */
  function csvField(value: string): string {
    const v = escapeCell(value);
    return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  }

  return {
    async upload(request: FastifyRequest, fileName: string | undefined, body: Readable): Promise<ImportDetail> {
      const actor = request.actor;
      assertCan(actor, 'ingest.create');
      const name = (fileName ?? '').trim();
      if (!name || name.length > 200) throw importsErrors.fileNameRequired();
      const id = randomUUID();
      await mkdir(ctx.dir, { recursive: true });
      const partial = `${fileOf(ctx, id)}.part`;
      let scan: ScanResult;
      try {
        scan = await store(body, partial);
        const s = scan.sniffed;
        if (s.kind === 'empty') throw importsErrors.fileEmpty();
        if (s.kind === 'xls') throw importsErrors.fileXls();
        if (s.kind === 'utf16') throw importsErrors.fileUtf16();
        if (s.kind === 'binary') throw importsErrors.fileBinary();
        if (s.kind === 'text' && s.firstInvalidLine !== null) {
          // a BOM promises UTF-8: any line that is not is the other half of a mix
          const utf8Line = s.hasBom ? 1 : await findUtf8Line(partial);
          if (utf8Line !== null) throw importsErrors.mixedEncoding(s.firstInvalidLine, utf8Line);
        }
      } catch (err) {
        await rm(partial, { force: true });
        throw err;
      }
      const format = scan.sniffed.kind === 'xlsx' ? 'xlsx' : 'csv';
      const encoding = scan.sniffed.kind === 'text' ? scan.sniffed.encoding : null;
      let first: Awaited<ReturnType<typeof firstRows>>;
      try {
        first = await firstRows(partial, format, encoding);
      } catch (err) {
        await rm(partial, { force: true });
        throw err;
      }
      await rename(partial, fileOf(ctx, id));
      const row = await repo.insert(db, {
        id,
        fileName: name,
        format,
        encoding,
        fileSize: scan.size,
        fileHash: scan.hash,
        headers: first.headers,
        samples: first.samples,
        locale: request.locale,
        createdBy: actor!.userId,
        at: now(),
      });
      await audit.recordRequest(request, {
        action: 'import.uploaded',
        entityType: 'import',
        entityId: id,
        details: { fileName: name, format, encoding, size: scan.size, columns: first.headers.length },
      });
      return detail(row, request);
    },

    async list(
      request: FastifyRequest,
      q: { limit: number; cursor?: string },
    ): Promise<{ items: ImportView[]; nextCursor: string | null }> {
      let after: { at: Date; id: string } | null = null;
      if (q.cursor) {
        const [at, id] = Buffer.from(q.cursor, 'base64url').toString().split('|');
        if (!id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id))
          throw commonErrors.referenceMissing('cursor');
        after = { at: new Date(at), id };
      }
      const rows = await repo.list(db, q.limit + 1, after);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => toView(r, request)),
        nextCursor:
          rows.length > q.limit && last
            ? Buffer.from(`${last.created_at.toISOString()}|${last.id}`).toString('base64url')
            : null,
      };
    },

    async get(request: FastifyRequest, id: string): Promise<ImportDetail> {
      return detail(await getRow(id), request);
    },

    /** Saves kind, touchpoint, policy and mapping (remembered for these headers) and checks every row in the background. */
    async dryRun(request: FastifyRequest, id: string, input: ImportSettings): Promise<ImportDetail> {
      const actor = request.actor;
      assertCan(actor, 'ingest.create');
      const row = await getRow(id);
      const may = (r: ImportRow) =>
        canValidate.includes(r.status) ||
        (r.status === 'validating' && now().getTime() - r.updated_at.getTime() > STALLED_MS);
      if (!may(row)) throw importsErrors.wrongStatus(translator(request.locale)(`importStatus.${row.status}`));
      const t = translator(request.locale);
      const attributes = input.kind === 'customers' ? await customers.attributeDefinitions(db) : [];
      checkMapping(input.kind, row.headers, input.mapping.columns, attributes, (target) =>
        t(`importTargets.${target}`, {
          defaultValue: attributes.find((a) => `attributes.${a.key}` === target)?.label ?? target,
        }),
      );
      if (input.touchpointId && !(await customers.findTouchpoint(db, { id: input.touchpointId }))) {
        throw commonErrors.referenceMissing('touchpointId');
      }
      const at = now();
      await db.transaction(async (tx) => {
        const locked = await repo.lock(tx, id);
        if (!locked) throw commonErrors.notFound('import');
        if (!may(locked)) throw importsErrors.wrongStatus(t(`importStatus.${locked.status}`));
        await repo.clearIssues(tx, id, 'dry');
        await repo.clearIssues(tx, id, 'run');
        await repo.update(
          tx,
          id,
          {
            kind: input.kind,
            status: 'validating',
            mapping: { columns: input.mapping.columns },
            touchpointId: input.touchpointId ?? null,
            onMatch: input.onMatch,
            locale: request.locale,
            totalRows: null,
            progress: 0,
            validRows: 0,
            invalidRows: 0,
            matchedRows: 0,
            position: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            skipped: 0,
            failed: 0,
            error: null,
            errorParams: null,
            startedAt: null,
            finishedAt: null,
          },
          at,
        );
        await repo.saveMapping(tx, input.kind, headerSignature(row.headers), input.mapping, actor!.userId, at);
        await ctx.jobs.send(VALIDATE_JOB, { importId: id }, { tx });
      });
      return detail(await getRow(id), request);
    },

    /**
     * Writes what the dry run checked, with its settings, in the background. A failed run picks
     * up after its last committed chunk.
     */
    async run(request: FastifyRequest, id: string): Promise<ImportDetail> {
      assertCan(request.actor, 'ingest.create');
      const t = translator(request.locale);
      const at = now();
      await db.transaction(async (tx) => {
        const row = await repo.lock(tx, id);
        if (!row) throw commonErrors.notFound('import');
        const stalled = row.status === 'running' && at.getTime() - row.updated_at.getTime() > STALLED_MS;
        const resume = (row.status === 'failed' && row.started_at !== null) || stalled;
        if (row.status !== 'validated' && !resume) throw importsErrors.wrongStatus(t(`importStatus.${row.status}`));
        await repo.update(
          tx,
          id,
          {
            status: 'running',
            error: null,
            errorParams: null,
            finishedAt: null,
            ...(resume ? {} : { startedAt: at, progress: 0 }),
          },
          at,
        );
        await ctx.jobs.send(RUN_JOB, { importId: id }, { tx });
        await audit.recordRequest(
          request,
          {
            action: resume ? 'import.resumed' : 'import.started',
            entityType: 'import',
            entityId: id,
            details: { kind: row.kind, rows: row.total_rows, onMatch: row.on_match, touchpointId: row.touchpoint_id },
          },
          tx,
        );
      });
      return detail(await getRow(id), request);
    },

    async issues(
      request: FastifyRequest,
      id: string,
      q: { phase: IssuePhase; limit: number; after?: number },
    ): Promise<{ items: IssueView[]; nextAfter: number | null }> {
      assertCan(request.actor, 'ingest.create');
      const row = await getRow(id);
      const rows = await repo.issues(db, id, q.phase, q.limit + 1, q.after ?? 0);
      const page = rows.slice(0, q.limit);
      return {
        items: await translateIssues(request.locale, row, page),
        nextAfter: rows.length > q.limit ? page[page.length - 1].line : null,
      };
    },

    /**
     * The bad rows as CSV (UTF-8 with a BOM, which Excel needs to read Chinese): the file's own
     * columns as uploaded, then line, column and reason in the reader's language. Cells that
     * would be formulas are escaped. Audited: it holds the uploaded personal data.
     */
    async downloadIssues(
      request: FastifyRequest,
      id: string,
      phase: IssuePhase,
    ): Promise<{ stream: Readable; fileName: string }> {
      assertCan(request.actor, 'ingest.create');
      const row = await getRow(id);
      const t = translator(request.locale);
      await audit.recordRequest(request, {
        action: 'import.issues_downloaded',
        entityType: 'import',
        entityId: id,
        details: { phase, rows: phase === 'dry' ? row.invalid_rows : row.failed },
      });
      const locale = request.locale;
      const header = [...row.headers, t('importFile.line'), t('importFile.column'), t('importFile.reason')];
      async function* lines() {
        yield `\ufeff${header.map(csvField).join(',')}\r\n`;
        let after = 0;
        for (;;) {
          const batch = await repo.issues(db, id, phase, 1000, after);
          if (!batch.length) return;
          for (const issue of await translateIssues(locale, row, batch)) {
            const cells = row.headers.map((_, i) => issue.cells[i] ?? '');
            const columns = [...new Set(issue.problems.map((p) => p.column).filter((c): c is string => !!c))];
            const reasons = issue.problems.map((p) => (p.column ? `${p.column}: ${p.message}` : p.message));
            yield `${[...cells, String(issue.line), columns.join(t('importFile.separator')), reasons.join(t('importFile.separator'))].map(csvField).join(',')}\r\n`;
          }
          after = batch[batch.length - 1].line;
        }
      }
      const base = row.file_name.replace(/\.(csv|xlsx)$/i, '');
      return { stream: Readable.from(lines()), fileName: `${base}-${t('importFile.fileName')}.csv` };
    },

    async delete(request: FastifyRequest, id: string): Promise<void> {
      assertCan(request.actor, 'ingest.delete');
      const t = translator(request.locale);
      await db.transaction(async (tx) => {
        const row = await repo.lock(tx, id);
        if (!row) throw commonErrors.notFound('import');
        if (row.status === 'validating' || row.status === 'running')
          throw importsErrors.wrongStatus(t(`importStatus.${row.status}`));
        await repo.delete(tx, id);
        await audit.recordRequest(
          request,
          { action: 'import.deleted', entityType: 'import', entityId: id, details: { fileName: row.file_name } },
          tx,
        );
      });
      await rm(fileOf(ctx, id), { force: true });
    },
  };
}

export type ImportsService = ReturnType<typeof createImportsService>;
