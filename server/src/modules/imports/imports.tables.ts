import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) =>
  timestamp(name, { withTimezone: true })
    .notNull()
    .default(sql`now()`);

/**
 * One uploaded file and what became of it: the dry run's counts, the run's counts and how far
 * the run has committed (`position`, the last data row written), so a run that stops half way
 * resumes after its last committed chunk.
 */
export const imports = pgTable(
  'imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** customers | orders; null until chosen. */
    kind: text('kind'),
    /** uploaded | validating | validated | running | done | failed */
    status: text('status').notNull().default('uploaded'),
    fileName: text('file_name').notNull(),
    /** csv | xlsx */
    format: text('format').notNull(),
    /** utf-8 | gb18030 (csv only) */
    encoding: text('encoding'),
    fileSize: bigint('file_size', { mode: 'number' }).notNull(),
    /** SHA-256 of the bytes: the same file uploaded again is recognised. */
    fileHash: text('file_hash').notNull(),
    headers: text('headers').array().notNull(),
    /** Up to five data rows as uploaded, to show beside the mapping. */
    samples: jsonb('samples').notNull(),
    /** { column index → target } plus options, as the dry run used it. */
    mapping: jsonb('mapping'),
    touchpointId: uuid('touchpoint_id'),
    /** skip | fillEmpty | overwrite */
    onMatch: text('on_match').notNull().default('fillEmpty'),
    /** The language of the reasons written into the bad-rows file. */
    locale: text('locale').notNull(),
    totalRows: integer('total_rows'),
    /** 0–100 of the dry run or run under way, for the progress bar. */
    progress: integer('progress').notNull().default(0),
    /** Dry run: rows that would be written, rows refused, rows that match a customer already in Kehu. */
    validRows: integer('valid_rows').notNull().default(0),
    invalidRows: integer('invalid_rows').notNull().default(0),
    matchedRows: integer('matched_rows').notNull().default(0),
    /** Run: data rows committed so far (the resume point) and the outcome counts. */
    position: integer('position').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** An error code (never a message: a driver error may quote a value). */
    error: text('error'),
    errorParams: jsonb('error_params'),
    createdBy: uuid('created_by').notNull(),
    createdAt: at('created_at'),
    updatedAt: at('updated_at'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('imports_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('imports_file_hash_idx').on(t.fileHash),
  ],
);

/**
 * The rows a dry run (`phase` dry) or a run (`phase` run) refused, with their cells as uploaded
 * so the bad-rows file can be corrected and uploaded again. Deleted with the import.
 */
export const importIssues = pgTable(
  'import_issues',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    phase: text('phase').notNull(),
    /** The row's number in the file as a spreadsheet shows it (the header is row 1). */
    line: integer('line').notNull(),
    /** [{ column, field, code, params }] */
    problems: jsonb('problems').notNull(),
    cells: text('cells').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.phase, t.line] })],
);

/** Mappings remembered per import kind and header row, so the same export maps itself next time. */
export const importMappings = pgTable(
  'import_mappings',
  {
    kind: text('kind').notNull(),
    /** SHA-256 of the normalised header names in order. */
    signature: text('signature').notNull(),
    mapping: jsonb('mapping').notNull(),
    updatedBy: uuid('updated_by').notNull(),
    updatedAt: at('updated_at'),
  },
  (t) => [primaryKey({ columns: [t.kind, t.signature] })],
);
