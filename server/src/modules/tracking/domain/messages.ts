/**
 * The Segment HTTP Tracking API's message rules, as pure functions: what a message must hold,
 * how big it may be, which strings PostgreSQL would refuse, and the clock-skew correction.
 * Each message is judged on its own, so one bad event never fails its batch.
 */

export const messageTypes = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof messageTypes)[number];

/** Segment's limits: 32 KB per message, 500 KB and 2,500 messages per batch request. */
export const limits = {
  messageBytes: 32 * 1024,
  batchBytes: 500 * 1024,
  batchMessages: 2500,
  idLength: 500,
  nameLength: 500,
  messageIdLength: 200,
} as const;

/** Why a message was refused: a stable code (the debugger translates it), the field, and English words for logs and SDKs. */
export type Refusal = { code: RefusalCode; field: string; message: string };
export type RefusalCode =
  | 'not_an_object'
  | 'unknown_type'
  | 'missing_identity'
  | 'required'
  | 'invalid_type'
  | 'too_long'
  | 'too_large'
  | 'invalid_characters'
  | 'invalid_timestamp'
  | 'unresolved';

/** A message that passed every rule, normalised for storage. */
export type TrackingMessage = {
  type: MessageType;
  messageId: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** track: the event; page/screen: the name; null otherwise. */
  event: string | null;
  /** Page URL (properties.url, else context.page.url) for "visited a page containing …". */
  url: string | null;
  /** traits for identify and group, properties otherwise; group and alias ids ride along. */
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
  groupId: string | null;
  previousId: string | null;
  timestamp: Date;
  /** The message's size in bytes as received (JSON). */
  bytes: number;
};

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const refuse = (code: RefusalCode, field: string, message: string): Refusal => ({ code, field, message });

// A lone UTF-16 surrogate (valid in JS strings, refused by PostgreSQL's text and jsonb) or NUL.
// eslint-disable-next-line no-control-regex -- NUL is exactly the character PostgreSQL refuses
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** The text with what PostgreSQL refuses replaced by U+FFFD (for the debugger's short excerpts). */
export const storable = (s: string): string => s.replace(UNSTORABLE_ALL, '\uFFFD');

/** The path of the first string (key or value) PostgreSQL cannot store, or null. */
export function findUnstorable(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path || '(message)' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findUnstorable(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return null;
  }
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      if (UNSTORABLE.test(k)) return p;
      const hit = findUnstorable(v, p);
      if (hit) return hit;
    }
  }
  return null;
}

/** Segment sends ids as strings; numbers are accepted and kept as their decimal text. */
function idOf(m: Obj, field: string): string | null | Refusal {
  const v = m[field];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return refuse('invalid_type', field, `${field} must be a string`);
  const s = v.trim();
  if (!s) return null;
  if (s.length > limits.idLength) return refuse('too_long', field, `${field} is longer than ${limits.idLength}`);
  return s;
}

function textOf(m: Obj, field: string, max: number): string | null | Refusal {
  const v = m[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') return refuse('invalid_type', field, `${field} must be a string`);
  if (v.length > max) return refuse('too_long', field, `${field} is longer than ${max}`);
  return v;
}

function objectOf(m: Obj, field: string): Obj | Refusal {
  const v = m[field];
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return refuse('invalid_type', field, `${field} must be an object`);
  return v;
}

function dateOf(v: unknown, field: string): Date | null | Refusal {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' && !(v instanceof Date))
    return refuse('invalid_type', field, `${field} must be an ISO 8601 date string`);
  const d = new Date(v);
  // years outside 0001–9999 would not round-trip through timestamptz
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999) {
    return refuse('invalid_timestamp', field, `${field} is not a valid ISO 8601 date`);
  }
  return d;
}

const isRefusal = (v: unknown): v is Refusal =>
  isObject(v) && typeof v.code === 'string' && typeof v.field === 'string' && typeof v.message === 'string';

/**
 * Segment's clock-skew correction: the device's clock may be off, but the gap between when it
 * stamped the event and when it sent it is right, so timestamp = receivedAt − (sentAt − timestamp).
 * Without `sentAt` the device's timestamp is taken as it is; without either, the time received.
 */
export function correctedTimestamp(receivedAt: Date, timestamp: Date | null, sentAt: Date | null): Date {
  if (!timestamp) return receivedAt;
  if (!sentAt) return timestamp;
  return new Date(receivedAt.getTime() - (sentAt.getTime() - timestamp.getTime()));
}

function pageUrl(properties: Obj, context: Obj): string | null {
  const fromProps = properties.url;
  if (typeof fromProps === 'string' && fromProps) return fromProps.slice(0, 2000);
  const page = context.page;
  if (isObject(page) && typeof page.url === 'string' && page.url) return page.url.slice(0, 2000);
  return null;
}

export type ParseOptions = {
  /** The endpoint's type (/v1/track); a batch item names its own. */
  type?: MessageType;
  receivedAt: Date;
  /** The batch's `sentAt` when the message has none. */
  sentAt?: unknown;
  /** /v1/import: historical data, timestamps taken as sent (no skew correction). */
  historical?: boolean;
  /** The message's size as received, when the caller measured it. */
  bytes?: number;
};

/** Checks one message against the rules; a refusal names the field and the reason. */
export function parseMessage(raw: unknown, opts: ParseOptions): TrackingMessage | Refusal {
  if (!isObject(raw)) return refuse('not_an_object', '(message)', 'each message must be a JSON object');
  const bytes = opts.bytes ?? Buffer.byteLength(JSON.stringify(raw));
  if (bytes > limits.messageBytes) {
    return refuse('too_large', '(message)', `message is ${bytes} bytes; the limit is ${limits.messageBytes}`);
  }
  const bad = findUnstorable(raw);
  if (bad) return refuse('invalid_characters', bad, `${bad} holds a NUL character or a lone UTF-16 surrogate`);

  const type = opts.type ?? raw.type;
  if (typeof type !== 'string' || !(messageTypes as readonly string[]).includes(type)) {
    return raw.type === undefined && !opts.type
      ? refuse('required', 'type', 'type is required')
      : refuse('unknown_type', 'type', `type must be one of ${messageTypes.join(', ')}`);
  }
  const t = type as MessageType;

  const userId = idOf(raw, 'userId');
  if (isRefusal(userId)) return userId;
  const anonymousId = idOf(raw, 'anonymousId');
  if (isRefusal(anonymousId)) return anonymousId;
  if (!userId && !anonymousId && t !== 'alias') {
    return refuse('missing_identity', 'userId', 'userId or anonymousId is required');
  }
  const messageId = textOf(raw, 'messageId', limits.messageIdLength);
  if (isRefusal(messageId)) return messageId;

  const context = objectOf(raw, 'context');
  if (isRefusal(context)) return context;
  const properties = objectOf(raw, 'properties');
  if (isRefusal(properties)) return properties;
  const traits = objectOf(raw, 'traits');
  if (isRefusal(traits)) return traits;
  const integrations = objectOf(raw, 'integrations');
  if (isRefusal(integrations)) return integrations;

  let event: string | null = null;
  let groupId: string | null = null;
  let previousId: string | null = null;
  switch (t) {
    case 'track': {
      const e = textOf(raw, 'event', limits.nameLength);
      if (isRefusal(e)) return e;
      if (!e || !e.trim()) return refuse('required', 'event', 'event is required for track');
      event = e.trim();
      break;
    }
    case 'page':
    case 'screen': {
      const n = textOf(raw, 'name', limits.nameLength);
      if (isRefusal(n)) return n;
      event = n?.trim() || null;
      break;
    }
    case 'group': {
      const g = idOf(raw, 'groupId');
      if (isRefusal(g)) return g;
      if (!g) return refuse('required', 'groupId', 'groupId is required for group');
      groupId = g;
      break;
    }
    case 'alias': {
      const p = idOf(raw, 'previousId');
      if (isRefusal(p)) return p;
      if (!p) return refuse('required', 'previousId', 'previousId is required for alias');
      if (!userId) return refuse('required', 'userId', 'userId is required for alias');
      previousId = p;
      break;
    }
    case 'identify':
      break;
  }

  const timestamp = dateOf(raw.timestamp, 'timestamp');
  if (isRefusal(timestamp)) return timestamp;
  const sentAt = dateOf(raw.sentAt ?? opts.sentAt, 'sentAt');
  if (isRefusal(sentAt)) return sentAt;
  const at = opts.historical ? (timestamp ?? opts.receivedAt) : correctedTimestamp(opts.receivedAt, timestamp, sentAt);

  // identify and group carry traits (Segment also accepts them under context.traits)
  const ctxTraits = isObject(context.traits) ? context.traits : {};
  const allTraits = t === 'identify' || t === 'group' ? { ...ctxTraits, ...traits } : traits;
  const stored: Obj =
    t === 'identify'
      ? allTraits
      : t === 'group'
        ? { groupId, traits: allTraits }
        : t === 'alias'
          ? { previousId }
          : properties;

  return {
    type: t,
    messageId,
    userId,
    anonymousId,
    event,
    url: t === 'page' ? pageUrl(properties, context) : null,
    properties: stored,
    traits: allTraits,
    context,
    groupId,
    previousId,
    timestamp: at,
    bytes,
  };
}

export { isRefusal };
