import createClient from 'openapi-fetch';
import type { paths } from './schema';

export type FieldError = { field: string; code: string; message: string };

/** Every failed API call becomes one of these; `message` is already in the reader's language. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId?: string;
  readonly fields: FieldError[];
  /** Facts the client may act on, for some codes (a duplicate's id). */
  readonly details: Record<string, string | number | boolean | null>;

  constructor(
    status: number,
    code: string,
    message: string,
    requestId?: string,
    fields: FieldError[] = [],
    details: Record<string, string | number | boolean | null> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.fields = fields;
    this.details = details;
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

type ClientState = {
  language: string;
  csrfToken: string | null;
  /** Asks the user for their password again; resolves true when re-authenticated. */
  reauth: (() => Promise<boolean>) | null;
  onUnauthenticated: (() => void) | null;
};

const state: ClientState = { language: 'zh-CN', csrfToken: null, reauth: null, onUnauthenticated: null };

export function setApiLanguage(language: string) {
  state.language = language;
}
export function setCsrfToken(token: string | null) {
  state.csrfToken = token;
}
export function setReauthHandler(handler: ClientState['reauth']) {
  state.reauth = handler;
}
export function setUnauthenticatedHandler(handler: ClientState['onUnauthenticated']) {
  state.onUnauthenticated = handler;
}

function applyHeaders(headers: Headers, method: string) {
  headers.set('Accept-Language', state.language);
  if (method !== 'GET' && method !== 'HEAD' && state.csrfToken) headers.set('x-csrf-token', state.csrfToken);
}

/** The typed client: paths and shapes come from the server's OpenAPI document (schema.d.ts). */
export const client = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
client.use({
  onRequest({ request }) {
    applyHeaders(request.headers, request.method);
    return request;
  },
});

type ErrorBody = {
  error?: {
    code?: string;
    message?: string;
    requestId?: string;
    fields?: FieldError[];
    details?: Record<string, string | number | boolean | null>;
  };
};

function toApiError(status: number, body: unknown): ApiError {
  const e = (body as ErrorBody | undefined)?.error;
  if (e?.code) return new ApiError(status, e.code, e.message ?? e.code, e.requestId, e.fields ?? [], e.details ?? {});
  return new ApiError(status, status === 0 ? 'network_error' : `http_${status}`, `HTTP ${status}`);
}

type FetchResult<T> = { data?: T; error?: unknown; response: Response };

/**
 * Runs one API call and returns its data or throws an ApiError. When the server wants the
 * password again (`auth_reauth_required`), asks for it and retries the call once.
 */
export async function call<T>(fn: () => Promise<FetchResult<T>>, retried = false): Promise<T> {
  const res = await fn();
  if (res.response.ok) return res.data as T;
  const err = toApiError(res.response.status, res.error);
  if (err.code === 'auth_reauth_required' && state.reauth && !retried) {
    if (await state.reauth()) return call(fn, true);
  }
  if (err.status === 401 && state.onUnauthenticated) state.onUnauthenticated();
  throw err;
}

type Query = Record<string, string | number | boolean | null | undefined>;

/**
 * For routes the OpenAPI document does not describe yet (typed by hand at the call site).
 * Same headers, errors and re-authentication as the typed client.
 */
export function request<T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
  return call<T>(async () => {
    const url = new URL(path, window.location.origin);
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    }
    const headers = new Headers();
    applyHeaders(headers, method);
    if (opts.body !== undefined) headers.set('content-type', 'application/json');
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        credentials: 'same-origin',
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch {
      response = new Response(null, { status: 599 });
    }
    const text = response.status === 204 ? '' : await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return response.ok ? { data: parsed as T, response } : { error: parsed, response };
  });
}
