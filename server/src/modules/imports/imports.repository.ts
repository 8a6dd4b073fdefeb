import type { Queryable } from '../../platform/db/db.ts';
import type { ErrorParams } from '../../platform/http/errors.ts';
import type { RowProblem } from './row-mapper.ts';

/** SQL for `imports`, `import_issues` and `import_mappings`, and nothing else. */

export type ImportStatus = 'uploaded' | 'validating' | 'validated' | 'running' | 'done' | 'failed';
export type IssuePhase = 'dry' | 'run';

/** What the dry run validated with, and the run repeats. */
export type ImportMapping = { columns: string[] };

export type ImportRow = {
  id: string;
  kind: 'customers' | 'orders' | null;
  status: ImportStatus;
  file_name: string;
  format: 'csv' | 'xlsx';
  encoding: 'utf-8' | 'gb18030' | null;
  file_size: number;
  file_hash: string;
  headers: string[];
  samples: string[][];
  mapping: ImportMapping | null;
  touchpoint_id: string | null;
  on_match: 'skip' | 'fillEmpty' | 'overwrite';
  locale: string;
  total_rows: number | null;
  progress: number;
  valid_rows: number;
  invalid_rows: number;
  matched_rows: number;
  position: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  error: string | null;
  error_params: ErrorParams | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
};

export type IssueRow = { line: number; problems: RowProblem[]; cells: string[] };

const columns = `id, kind, status, file_name, format, encoding, file_size::float8 as file_size, file_hash, headers,
  samples, mapping, touchpoint_id, on_match, locale, total_rows, progress, valid_rows, invalid_rows, matched_rows, position,
  created, updated, unchanged, skipped, failed, error, error_params, created_by, created_at, updated_at, started_at,
  finished_at`;

const settable = {
  kind: 'kind',
  status: 'status',
  mapping: 'mapping',
  touchpointId: 'touchpoint_id',
  onMatch: 'on_match',
  locale: 'locale',
  totalRows: 'total_rows',
  progress: 'progress',
  validRows: 'valid_rows',
  invalidRows: 'invalid_rows',
  matchedRows: 'matched_rows',
  position: 'position',
  created: 'created',
  updated: 'updated',
  unchanged: 'unchanged',
  skipped: 'skipped',
  failed: 'failed',
  error: 'error',
  errorParams: 'error_params',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
} as const;
export type ImportChanges = Partial<Record<keyof typeof settable, unknown>>;
const jsonColumns = new Set(['mapping', 'error_params']);

export type Counts = { created: number; updated: number; unchanged: number; skipped: number; failed: number };

export const importsRepository = {
  async insert(
    q: Queryable,
    r: {
      id: string;
      fileName: string;
      format: 'csv' | 'xlsx';
      encoding: string | null;
      fileSize: number;
      fileHash: string;
      headers: string[];
      samples: string[][];
      locale: string;
      createdBy: string;
      at: Date;
    },
  ): Promise<ImportRow> {
    const [row] = await q.query<ImportRow>(
      `insert into imports (id, file_name, format, encoding, file_size, file_hash, headers, samples, locale, created_by,
         created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7::text[], $8::jsonb, $9, $10, $11, $11) returning ${columns}`,
      [
        r.id,
        r.fileName,
        r.format,
        r.encoding,
        r.fileSize,
        r.fileHash,
        r.headers,
        JSON.stringify(r.samples),
        r.locale,
        r.createdBy,
        r.at,
      ],
    );
    return row;
  },

  async find(q: Queryable, id: string): Promise<ImportRow | null> {
    const rows = await q.query<ImportRow>(`select ${columns} from imports where id = $1`, [id]);
    return rows[0] ?? null;
  },

  /** The row locked for this transaction (status changes serialise on it). */
  async lock(q: Queryable, id: string): Promise<ImportRow | null> {
    const rows = await q.query<ImportRow>(`select ${columns} from imports where id = $1 for update`, [id]);
    return rows[0] ?? null;
  },

  /** Newest first, keyset by (created_at, id). */
  async list(q: Queryable, limit: number, after: { at: Date; id: string } | null): Promise<ImportRow[]> {
    return q.query<ImportRow>(
      `select ${columns} from imports
        where ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
        order by created_at desc, id desc limit $1`,
      [limit, after?.at ?? null, after?.id ?? null],
    );
  },

  /** An earlier import of the same bytes that ran to the end, if any. */
  async findDoneWithHash(q: Queryable, hash: string, exceptId: string): Promise<ImportRow | null> {
    const rows = await q.query<ImportRow>(
      `select ${columns} from imports where file_hash = $1 and id <> $2 and status = 'done'
        order by finished_at desc limit 1`,
      [hash, exceptId],
    );
    return rows[0] ?? null;
  },

  /** Returns false when the import is gone (deleted meanwhile). */
  async update(q: Queryable, id: string, set: ImportChanges, at: Date): Promise<boolean> {
    const keys = (Object.keys(set) as (keyof typeof settable)[]).filter((k) => k in settable);
    const params: unknown[] = keys.map((k) => {
      const v = set[k];
      return jsonColumns.has(settable[k]) && v !== null && v !== undefined ? JSON.stringify(v) : v;
    });
    const sets = keys.map((k, i) => `${settable[k]} = $${i + 1}`);
    params.push(at, id);
    const rows = await q.query(
      `update imports set ${[...sets, `updated_at = $${params.length - 1}`].join(', ')} where id = $${params.length}
       returning id`,
      params,
    );
    return rows.length > 0;
  },

  /**
   * A committed chunk: the resume point moves from `from` to `to` and the counts grow, in the
   * chunk's transaction. False when the position is no longer `from`: another worker (a retry
   * of a job thought dead) got there first, and this one must stop.
   */
  async advance(q: Queryable, id: string, from: number, to: number, add: Counts, at: Date): Promise<boolean> {
    const rows = await q.query(
      `update imports set position = $3, created = created + $4, updated = updated + $5, unchanged = unchanged + $6,
         skipped = skipped + $7, failed = failed + $8, updated_at = $9
       where id = $1 and position = $2 and status = 'running' returning id`,
      [id, from, to, add.created, add.updated, add.unchanged, add.skipped, add.failed, at],
    );
    return rows.length > 0;
  },

  /** A dry run's chunk: its bad rows and the counts so far. */
  async advanceDry(
    q: Queryable,
    id: string,
    add: { valid: number; invalid: number; matched: number; total: number },
    at: Date,
  ): Promise<void> {
    await q.query(
      `update imports set valid_rows = valid_rows + $2, invalid_rows = invalid_rows + $3,
         matched_rows = matched_rows + $4, total_rows = coalesce(total_rows, 0) + $5, updated_at = $6
       where id = $1`,
      [id, add.valid, add.invalid, add.matched, add.total, at],
    );
  },

  async delete(q: Queryable, id: string): Promise<boolean> {
    const rows = await q.query('delete from imports where id = $1 returning id', [id]);
    return rows.length > 0;
  },

  // ── bad rows ──

  async insertIssues(q: Queryable, importId: string, phase: IssuePhase, issues: readonly IssueRow[]): Promise<void> {
    if (!issues.length) return;
    await q.query(
      `insert into import_issues (import_id, phase, line, problems, cells)
       select $1, $2, r.line, r.problems, r.cells
         from jsonb_to_recordset($3::jsonb) as r(line int, problems jsonb, cells text[])
       on conflict (import_id, phase, line) do nothing`,
      [importId, phase, JSON.stringify(issues)],
    );
  },

  async clearIssues(q: Queryable, importId: string, phase: IssuePhase): Promise<void> {
    await q.query('delete from import_issues where import_id = $1 and phase = $2', [importId, phase]);
  },

  /** Bad rows in file order after `afterLine`. */
  async issues(
    q: Queryable,
    importId: string,
    phase: IssuePhase,
    limit: number,
    afterLine: number,
  ): Promise<IssueRow[]> {
    return q.query<IssueRow>(
      `select line, problems, cells from import_issues where import_id = $1 and phase = $2 and line > $3
        order by line limit $4`,
      [importId, phase, afterLine, limit],
    );
  },

  // ── remembered mappings ──

  async findMapping(q: Queryable, kind: string, signature: string): Promise<ImportMapping | null> {
    const rows = await q.query<{ mapping: ImportMapping }>(
      'select mapping from import_mappings where kind = $1 and signature = $2',
      [kind, signature],
    );
    return rows[0]?.mapping ?? null;
  },

  async saveMapping(
    q: Queryable,
    kind: string,
    signature: string,
    mapping: ImportMapping,
    userId: string,
    at: Date,
  ): Promise<void> {
    await q.query(
      `insert into import_mappings (kind, signature, mapping, updated_by, updated_at) values ($1, $2, $3::jsonb, $4, $5)
       on conflict (kind, signature) do update set mapping = excluded.mapping, updated_by = excluded.updated_by,
         updated_at = excluded.updated_at`,
      [kind, signature, JSON.stringify(mapping), userId, at],
    );
  },
};
