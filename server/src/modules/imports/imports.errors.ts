import { DomainError } from '../../platform/http/errors.ts';
import './imports.messages.ts';

/** Codes of whole-file and request problems (answered as errors) and of row problems (listed per row). */
export type ImportsErrorCode =
  | 'IMPORT_FILE_EMPTY'
  | 'IMPORT_FILE_TOO_LARGE'
  | 'IMPORT_FILE_XLS'
  | 'IMPORT_FILE_UTF16'
  | 'IMPORT_FILE_BINARY'
  | 'IMPORT_FILE_NAME_REQUIRED'
  | 'IMPORT_MIXED_ENCODING'
  | 'IMPORT_TOO_MANY_COLUMNS'
  | 'IMPORT_NO_HEADER'
  | 'IMPORT_NO_ROWS'
  | 'IMPORT_QUOTE_NOT_CLOSED'
  | 'IMPORT_RECORD_TOO_LARGE'
  | 'IMPORT_UNREADABLE'
  | 'IMPORT_UNREADABLE_XLSX'
  | 'IMPORT_WRONG_STATUS'
  | 'IMPORT_MAPPING_LENGTH'
  | 'IMPORT_UNKNOWN_TARGET'
  | 'IMPORT_TARGET_TWICE'
  | 'IMPORT_TARGET_REQUIRED'
  | 'IMPORT_IDENTIFIER_REQUIRED'
  | 'IMPORT_ROW_TOO_MANY_CELLS'
  | 'IMPORT_ROW_NO_IDENTIFIER'
  | 'IMPORT_ROW_INVALID_GENDER'
  | 'IMPORT_ROW_INVALID_DATE'
  | 'IMPORT_ROW_INVALID_TIME'
  | 'IMPORT_ROW_INVALID_NUMBER'
  | 'IMPORT_ROW_INVALID_MONEY'
  | 'IMPORT_ROW_INVALID_QUANTITY'
  | 'IMPORT_ROW_INVALID_STATUS'
  | 'IMPORT_ROW_INVALID_COUNTRY'
  | 'IMPORT_ROW_TEXT_TOO_LONG'
  | 'IMPORT_ROW_REQUIRED'
  | 'IMPORT_ROW_UNKNOWN_STORE'
  | 'IMPORT_ROW_ORDER_NOT_ADJACENT'
  | 'IMPORT_ROW_ORDER_DIFFERS'
  | 'IMPORT_ROW_ORDER_INVALID'
  | 'IMPORT_ROW_SAME_ORDER_FAILED'
  /** A job's last attempt failed on something unexpected (the log has it). */
  | 'IMPORT_FAILED';

export const importsErrors = {
  fileEmpty: () => new DomainError('invalid', 'IMPORT_FILE_EMPTY', {}, 'file'),
  fileTooLarge: (maxMb: number) => new DomainError('payload_too_large', 'IMPORT_FILE_TOO_LARGE', { maxMb }, 'file'),
  fileXls: () => new DomainError('invalid', 'IMPORT_FILE_XLS', {}, 'file'),
  fileUtf16: () => new DomainError('invalid', 'IMPORT_FILE_UTF16', {}, 'file'),
  fileBinary: () => new DomainError('invalid', 'IMPORT_FILE_BINARY', {}, 'file'),
  fileNameRequired: () => new DomainError('invalid', 'IMPORT_FILE_NAME_REQUIRED', {}, 'fileName'),
  mixedEncoding: (gbkLine: number, utf8Line: number) =>
    new DomainError('invalid', 'IMPORT_MIXED_ENCODING', { gbkLine, utf8Line }, 'file'),
  tooManyColumns: (count: number, max: number) =>
    new DomainError('invalid', 'IMPORT_TOO_MANY_COLUMNS', { count, max }, 'file'),
  noHeader: () => new DomainError('invalid', 'IMPORT_NO_HEADER', {}, 'file'),
  noRows: () => new DomainError('invalid', 'IMPORT_NO_ROWS', {}, 'file'),
  quoteNotClosed: (line: number) => new DomainError('invalid', 'IMPORT_QUOTE_NOT_CLOSED', { line }, 'file'),
  recordTooLarge: (line: number) => new DomainError('invalid', 'IMPORT_RECORD_TOO_LARGE', { line }, 'file'),
  unreadable: (line: number) => new DomainError('invalid', 'IMPORT_UNREADABLE', { line }, 'file'),
  unreadableXlsx: () => new DomainError('invalid', 'IMPORT_UNREADABLE_XLSX', {}, 'file'),
  wrongStatus: (status: string) => new DomainError('conflict', 'IMPORT_WRONG_STATUS', { status }),
  mappingLength: (expected: number) =>
    new DomainError('invalid', 'IMPORT_MAPPING_LENGTH', { expected }, 'mapping.columns'),
  unknownTarget: (index: number, target: string) =>
    new DomainError('invalid', 'IMPORT_UNKNOWN_TARGET', { target }, `mapping.columns.${index}`),
  targetTwice: (index: number, target: string, header: string) =>
    new DomainError('invalid', 'IMPORT_TARGET_TWICE', { target, header }, `mapping.columns.${index}`),
  targetRequired: (target: string) => new DomainError('invalid', 'IMPORT_TARGET_REQUIRED', { target }, 'mapping'),
  identifierRequired: () => new DomainError('invalid', 'IMPORT_IDENTIFIER_REQUIRED', {}, 'mapping'),
} satisfies Record<string, (...args: never[]) => DomainError>;

/** Whether an error is about the file as a whole (the import stops) rather than about one row. */
export function isFileError(err: unknown): err is DomainError {
  return (
    err instanceof DomainError &&
    err.field === 'file' &&
    ['IMPORT_QUOTE_NOT_CLOSED', 'IMPORT_RECORD_TOO_LARGE', 'IMPORT_UNREADABLE', 'IMPORT_UNREADABLE_XLSX'].includes(
      err.code,
    )
  );
}
