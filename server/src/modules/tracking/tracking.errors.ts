import { DomainError } from '../../platform/http/errors.ts';
import type { Refusal } from './domain/messages.ts';
import './tracking.messages.ts';

export type TrackingErrorCode =
  | 'TRACKING_UNKNOWN_TOUCHPOINT'
  | 'TRACKING_UNKNOWN_FIELD'
  | 'TRACKING_WRITE_KEY_MISSING'
  | 'TRACKING_WRITE_KEY_INVALID'
  | 'TRACKING_SOURCE_DISABLED'
  | 'TRACKING_MALFORMED_JSON'
  | 'TRACKING_BAD_ENCODING'
  | 'TRACKING_BODY_TOO_LARGE'
  | 'TRACKING_BATCH_TOO_MANY'
  | 'TRACKING_BATCH_NOT_ARRAY'
  | 'TRACKING_EVENT_REFUSED'
  | 'TRACKING_OVERLOADED'
  | 'TRACKING_RATE_LIMITED';

/**
 * Management API errors are 4xx DomainErrors in the caller's language. The tracking API answers
 * like Segment's: 400 for a request it cannot read, 401 for a bad key, 429 with Retry-After when
 * it must slow a sender down; each names the field and the reason.
 */
export const trackingErrors = {
  unknownTouchpoint: () => new DomainError('invalid', 'TRACKING_UNKNOWN_TOUCHPOINT', {}, 'touchpointId'),
  unknownField: (index: number, field: string) =>
    new DomainError('invalid', 'TRACKING_UNKNOWN_FIELD', { field }, `traitMapping.${index}.field`),
  writeKeyMissing: () => new DomainError('unauthenticated', 'TRACKING_WRITE_KEY_MISSING', {}, 'writeKey'),
  writeKeyInvalid: () => new DomainError('unauthenticated', 'TRACKING_WRITE_KEY_INVALID', {}, 'writeKey'),
  sourceDisabled: () => new DomainError('forbidden', 'TRACKING_SOURCE_DISABLED', {}, 'writeKey'),
  malformedJson: (reason: string) => new DomainError('bad_request', 'TRACKING_MALFORMED_JSON', { reason }),
  badEncoding: (encoding: string) =>
    new DomainError('bad_request', 'TRACKING_BAD_ENCODING', { encoding }, 'Content-Encoding'),
  bodyTooLarge: (limit: number) => new DomainError('bad_request', 'TRACKING_BODY_TOO_LARGE', { limit }),
  batchTooMany: (count: number, limit: number) =>
    new DomainError('bad_request', 'TRACKING_BATCH_TOO_MANY', { count, limit }, 'batch'),
  batchNotArray: () => new DomainError('bad_request', 'TRACKING_BATCH_NOT_ARRAY', {}, 'batch'),
  eventRefused: (r: Refusal) =>
    new DomainError('bad_request', 'TRACKING_EVENT_REFUSED', { reason: r.message }, r.field).withDetails({
      reason: r.code,
    }),
  overloaded: (retryAfterSeconds: number) =>
    new DomainError('rate_limited', 'TRACKING_OVERLOADED', { retryAfterSeconds }),
  rateLimited: (retryAfterSeconds: number) =>
    new DomainError('rate_limited', 'TRACKING_RATE_LIMITED', { retryAfterSeconds }),
} satisfies Record<string, (...args: never[]) => DomainError>;
