/**
 * One error type for every module. The kind decides the HTTP status (in one table, here); the
 * code names a translation `errors.<CODE>` rendered with `params` in the reader's language.
 */
export type ErrorKind =
  | 'invalid'
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable';

export const statusOfKind: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  invalid: 422,
  rate_limited: 429,
  unavailable: 503,
};

export type ErrorParams = Record<string, string | number | boolean | null | undefined>;

export class DomainError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly params: ErrorParams;
  readonly field?: string;
  /** Extra per-field problems (each translated like the main one). */
  readonly fields?: { field: string; code: string; params?: ErrorParams }[];
  /** Machine-readable facts the client may act on (the id of a duplicate), sent as `error.details`. */
  details?: ErrorParams;

  constructor(
    kind: ErrorKind,
    code: string,
    params: ErrorParams = {},
    field?: string,
    fields?: { field: string; code: string; params?: ErrorParams }[],
  ) {
    super(code);
    this.name = 'DomainError';
    this.kind = kind;
    this.code = code;
    this.params = params;
    this.field = field;
    this.fields = fields;
  }

  withDetails(details: ErrorParams): this {
    this.details = details;
    return this;
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}

/** Errors every module may throw. */
export const commonErrors = {
  notFound: (entity: string) => new DomainError('not_found', 'NOT_FOUND', { entity }),
  unauthenticated: () => new DomainError('unauthenticated', 'UNAUTHENTICATED'),
  forbidden: (permission?: string) => new DomainError('forbidden', 'FORBIDDEN', { permission }),
  csrf: () => new DomainError('forbidden', 'CSRF_TOKEN_INVALID'),
  duplicate: (field: string) => new DomainError('conflict', 'DUPLICATE_VALUE', { field }, field),
  referenceMissing: (field: string) => new DomainError('invalid', 'REFERENCE_NOT_FOUND', { field }, field),
  rateLimited: (retryAfterSeconds: number) => new DomainError('rate_limited', 'RATE_LIMITED', { retryAfterSeconds }),
};
