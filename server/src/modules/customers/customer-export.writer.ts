import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Cell } from './customer-export.columns.ts';

/**
 * Streaming file writers: rows go to disk as they come, so memory stays flat however many
 * rows an export has. `write` resolves once the rows are handed on (waiting out backpressure).
 */
export type ExportWriter = {
  write(rows: Cell[][]): Promise<void>;
  close(): Promise<void>;
  /** Stops and leaves the partial file to the caller to delete. */
  abort(): Promise<void>;
};

// A cell a spreadsheet would run as a formula (=HYPERLINK(…), +cmd|…, @SUM(…)) is kept as text.
// Phone numbers and masked values (+86 138****1234) and negative numbers stay as they are.
const FORMULA = /^[=@\t\r]|^[+-].*[^0-9\s*.+-]/s;
export function neutraliseFormula(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

/** CSV in UTF-8 with a byte-order mark, which Excel needs to read Chinese correctly. */
export function createCsvWriter(path: string, headers: string[]): ExportWriter {
  const csv = stringify({ bom: true, record_delimiter: '\r\n' });
  const file = createWriteStream(path);
  csv.pipe(file);
  const done = finished(file);
  const put = async (row: (string | number | null)[]) => {
    const cells = row.map((v) => (typeof v === 'string' ? neutraliseFormula(v) : v === null ? '' : v));
    if (!csv.write(cells)) await once(csv, 'drain');
  };
  let header: Promise<void> | null = put(headers);
  return {
    async write(rows) {
      if (header) {
        await header;
        header = null;
      }
      for (const r of rows) await put(r);
    },
    async close() {
      if (header) await header;
      csv.end();
      await done;
    },
    async abort() {
      csv.destroy();
      file.destroy();
      await done.catch(() => undefined);
    },
  };
}

/**
 * exceljs 4.4's worksheet stream hands its chunks to the zip's input without heeding
 * backpressure, so a fast producer piles the whole sheet up in memory (exceljs issue #2916).
 * Waiting for that input to drain after each batch keeps memory flat.
 */
async function drained(sheet: ExcelJS.Worksheet): Promise<void> {
  // the pipe is a readable-stream v2 PassThrough: its state is `_writableState`
  type Pipe = Writable & { _writableState?: { needDrain?: boolean } };
  const pipes = (sheet as unknown as { _stream?: { pipes?: Pipe[] } })._stream?.pipes ?? [];
  for (const pipe of pipes) if (pipe._writableState?.needDrain) await once(pipe, 'drain');
}

/** XLSX through exceljs's streaming WorkbookWriter: each row is committed (written) as it comes. */
export function createXlsxWriter(path: string, sheetName: string, headers: string[], numeric: boolean[]): ExportWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow(headers).commit();
  return {
    async write(rows) {
      for (const r of rows) {
        // money and counts as numbers (sums work); everything else as text, never as a formula
        sheet.addRow(r.map((v, i) => (v === null ? null : numeric[i] ? v : String(v)))).commit();
      }
      await drained(sheet);
    },
    async close() {
      sheet.commit();
      await workbook.commit();
    },
    async abort() {
      try {
        sheet.commit();
        await workbook.commit();
      } catch {
        // the partial file is deleted by the caller
      }
    },
  };
}
