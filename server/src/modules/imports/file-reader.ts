import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { FileFormat, TextEncoding } from './file-scan.ts';
import { DomainError } from '../../platform/http/errors.ts';
import { importsErrors } from './imports.errors.ts';

/**
 * Rows of an uploaded file, one at a time, never the whole file in memory: CSV through a
 * decoder and csv-parse, XLSX (the first sheet) through ExcelJS's streaming reader. Every cell
 * is text as the file holds it; formulas are never evaluated (a formula cell gives its cached
 * result, or its formula as text when it has none). `line` is the row number a spreadsheet
 * shows (the header is row 1).
 */
export type SheetRow = { line: number; cells: string[] };
export type FileSource = { path: string; format: FileFormat; encoding: TextEncoding | null };

/** More columns than any export we know of has; a file with more is refused before reading on. */
export const MAX_COLUMNS = 500;
/** One CSV record (a runaway quote swallows the rest of the file into one). */
const MAX_RECORD_BYTES = 1 << 20;

function decoderFor(encoding: TextEncoding): Transform {
  if (encoding === 'gb18030') return iconv.decodeStream('gb18030') as unknown as Transform;
  // the scan found every byte valid UTF-8; the BOM, if any, is dropped here
  const decoder = new TextDecoder('utf-8');
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      cb(null, decoder.decode(chunk, { stream: true }));
    },
    flush(cb) {
      cb(null, decoder.decode());
    },
  });
}

/** Comma, semicolon or tab: whichever the header line has most of outside quotes. */
async function detectDelimiter(source: FileSource): Promise<string> {
  const stream = createReadStream(source.path, { start: 0, end: 64 * 1024 - 1 });
  let text = '';
  for await (const chunk of stream.pipe(decoderFor(source.encoding ?? 'utf-8'))) text += String(chunk);
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  const [best, n] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return n > 0 ? best : ',';
}

type CsvError = Error & { code?: string; lines?: number };

/** Passes bytes through, telling how many went by (progress of a file read from disk). */
function counter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
}

async function* csvRows(source: FileSource, onBytes: (n: number) => void): AsyncGenerator<SheetRow> {
  const delimiter = await detectDelimiter(source);
  const parser = createReadStream(source.path)
    .pipe(counter(onBytes))
    .pipe(decoderFor(source.encoding ?? 'utf-8'))
    .pipe(
      parse({
        delimiter,
        bom: true,
        info: true,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
        max_record_size: MAX_RECORD_BYTES,
      }),
    );
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { records: number; empty_lines: number };
    }>) {
      yield { line: info.records + info.empty_lines, cells: record };
    }
  } catch (err) {
    const e = err as CsvError;
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') throw importsErrors.quoteNotClosed(e.lines ?? 0);
    if (e.code === 'CSV_MAX_RECORD_SIZE') throw importsErrors.recordTooLarge(e.lines ?? 0);
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) throw importsErrors.unreadable(e.lines ?? 0);
    throw err;
  }
}

/**
 * A date cell as the wall time it shows (ExcelJS hands it over as that time in UTC): a date at
 * midnight, else `YYYY-MM-DD HH:mm:ss`, read later in the business time zone.
 */
function dateText(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** A cell of ExcelJS as text. Formulas are data here: never evaluated, their cached result if any. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return (v.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
    if ('formula' in v || 'sharedFormula' in v) {
      const result = v.result;
      if (result !== undefined && result !== null && !(typeof result === 'object' && 'error' in result))
        return cellText(result);
      return `=${String(v.formula ?? v.sharedFormula ?? '')}`;
    }
    if ('text' in v) return cellText(v.text);
    if ('error' in v) return '';
  }
  return String(value);
}

async function* xlsxRows(source: FileSource, onBytes: (n: number) => void): AsyncGenerator<SheetRow> {
  const input = createReadStream(source.path).pipe(counter(onBytes));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as unknown[];
        if (values.length - 1 > MAX_COLUMNS) {
          yield { line: row.number, cells: new Array<string>(values.length - 1).fill('') };
          continue;
        }
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
        if (cells.every((c) => c.trim() === '')) continue;
        yield { line: row.number, cells };
      }
      return; // the first sheet only
    }
  } catch (err) {
    // the zip or its XML is broken (ExcelJS and unzipper throw plain errors: FILE_ENDED, …)
    if (err instanceof DomainError) throw err;
    throw importsErrors.unreadableXlsx();
  }
}

/** `onBytes` hears how many bytes of the file have been read, for a progress bar. */
export function readRows(source: FileSource, onBytes: (n: number) => void = () => undefined): AsyncGenerator<SheetRow> {
  return source.format === 'csv' ? csvRows(source, onBytes) : xlsxRows(source, onBytes);
}
