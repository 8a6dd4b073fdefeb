import { DomainError } from '../../platform/http/errors.ts';
import './customer-list.messages.ts';

export type CustomerListErrorCode =
  | 'CUSTOMER_LIST_BAD_CURSOR'
  | 'CUSTOMER_LIST_UNKNOWN_ATTRIBUTE'
  | 'CUSTOMER_LIST_BAD_ATTRIBUTE_FILTER'
  | 'CUSTOMER_BULK_TOO_MANY_TAGS'
  | 'CUSTOMER_EXPORT_UNKNOWN_COLUMN'
  | 'CUSTOMER_EXPORT_NOT_READY';

export const customerListErrors = {
  badCursor: () => new DomainError('invalid', 'CUSTOMER_LIST_BAD_CURSOR', {}, 'cursor'),
  unknownAttribute: (key: string) =>
    new DomainError('invalid', 'CUSTOMER_LIST_UNKNOWN_ATTRIBUTE', { key }, `attributes.${key}`),
  badAttributeFilter: (key: string, type: string) =>
    new DomainError('invalid', 'CUSTOMER_LIST_BAD_ATTRIBUTE_FILTER', { key, type }, `attributes.${key}`),
  tooManyTags: (max: number, customerId: string) =>
    new DomainError('invalid', 'CUSTOMER_BULK_TOO_MANY_TAGS', { max, customerId }, 'tags'),
  unknownColumn: (column: string, index: number) =>
    new DomainError('invalid', 'CUSTOMER_EXPORT_UNKNOWN_COLUMN', { column }, `columns.${index}`),
  exportNotReady: (status: string) => new DomainError('conflict', 'CUSTOMER_EXPORT_NOT_READY', { status }),
} satisfies Record<string, (...args: never[]) => DomainError>;
