import { DomainError } from '../../platform/http/errors.ts';
import './webhooks.messages.ts';

export type WebhooksErrorCode =
  | 'WEBHOOKS_SIGNATURE_INVALID'
  | 'WEBHOOKS_SIGNATURE_EXPIRED'
  | 'WEBHOOKS_SHOP_MISMATCH'
  | 'WEBHOOKS_HEADER_MISSING'
  | 'WEBHOOKS_MALFORMED_JSON'
  | 'WEBHOOKS_NO_ORDER_ID'
  | 'WEBHOOKS_BAD_DATE'
  | 'WEBHOOKS_BAD_AMOUNT'
  | 'WEBHOOKS_TOO_MANY_ITEMS'
  | 'WEBHOOKS_NO_REFUND_ID'
  | 'WEBHOOKS_UNKNOWN_TOUCHPOINT'
  | 'WEBHOOKS_UNKNOWN_STORE'
  | 'WEBHOOKS_ORDER_UNKNOWN'
  | 'WEBHOOKS_SOURCE_RESERVED'
  | 'WEBHOOKS_SECRET_NOT_ROTATABLE'
  | 'WEBHOOKS_SECRET_FOR_SHOPIFY_ONLY'
  | 'WEBHOOKS_SECRET_UNREADABLE';

export const webhooksErrors = {
  signatureInvalid: (header: string) => new DomainError('unauthenticated', 'WEBHOOKS_SIGNATURE_INVALID', { header }),
  signatureExpired: (toleranceSeconds: number) =>
    new DomainError('unauthenticated', 'WEBHOOKS_SIGNATURE_EXPIRED', { minutes: toleranceSeconds / 60 }),
  shopMismatch: () => new DomainError('unauthenticated', 'WEBHOOKS_SHOP_MISMATCH'),
  headerMissing: (header: string) => new DomainError('bad_request', 'WEBHOOKS_HEADER_MISSING', { header }),
  malformedJson: () => new DomainError('bad_request', 'WEBHOOKS_MALFORMED_JSON'),
  noOrderId: () => new DomainError('invalid', 'WEBHOOKS_NO_ORDER_ID', {}, 'id'),
  badDate: (field: string) => new DomainError('invalid', 'WEBHOOKS_BAD_DATE', { path: field }, field),
  badAmount: (field: string) => new DomainError('invalid', 'WEBHOOKS_BAD_AMOUNT', { path: field }, field),
  tooManyItems: (max: number) => new DomainError('invalid', 'WEBHOOKS_TOO_MANY_ITEMS', { max }, 'line_items'),
  noRefundId: () => new DomainError('invalid', 'WEBHOOKS_NO_REFUND_ID', {}, 'id'),
  unknownTouchpoint: () => new DomainError('invalid', 'WEBHOOKS_UNKNOWN_TOUCHPOINT', {}, 'touchpointId'),
  unknownStore: (code: string) => new DomainError('invalid', 'WEBHOOKS_UNKNOWN_STORE', { code }, 'data.storeCode'),
  orderUnknown: (externalId: string) =>
    new DomainError('invalid', 'WEBHOOKS_ORDER_UNKNOWN', { externalId }, 'data.externalId'),
  sourceReserved: () => new DomainError('invalid', 'WEBHOOKS_SOURCE_RESERVED', {}, 'source'),
  secretNotRotatable: () => new DomainError('conflict', 'WEBHOOKS_SECRET_NOT_ROTATABLE'),
  secretForShopifyOnly: () => new DomainError('invalid', 'WEBHOOKS_SECRET_FOR_SHOPIFY_ONLY', {}, 'secret'),
  secretUnreadable: () => new DomainError('unavailable', 'WEBHOOKS_SECRET_UNREADABLE'),
} satisfies Record<string, (...args: never[]) => DomainError>;
