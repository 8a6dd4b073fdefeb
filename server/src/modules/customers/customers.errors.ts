import { DomainError } from '../../platform/http/errors.ts';
import type { IdentityField } from './identities.ts';
import './customers.messages.ts';

/** Error codes of profiles and custom attributes (timeline, tags, touchpoints: timeline.errors.ts). */
export type CustomersErrorCode =
  | 'CUSTOMER_NOT_FOUND'
  | 'CUSTOMER_DUPLICATE'
  | 'CUSTOMER_HAS_DEPENDENTS'
  | 'CUSTOMER_INVALID_MOBILE'
  | 'CUSTOMER_INVALID_EMAIL'
  | 'CUSTOMER_INVALID_WECHAT_ID'
  | 'CUSTOMER_INVALID_ID_NUMBER'
  | 'CUSTOMER_INVALID_ADDRESS'
  | 'CUSTOMER_BIRTHDAY_IN_FUTURE'
  | 'CUSTOMER_UNKNOWN_PROVINCE'
  | 'CUSTOMER_UNKNOWN_CITY'
  | 'CUSTOMER_UNKNOWN_DISTRICT'
  | 'CUSTOMER_ATTRIBUTE_UNKNOWN'
  | 'CUSTOMER_ATTRIBUTE_REQUIRED'
  | 'CUSTOMER_ATTRIBUTE_INVALID_TEXT'
  | 'CUSTOMER_ATTRIBUTE_INVALID_NUMBER'
  | 'CUSTOMER_ATTRIBUTE_INVALID_DATE'
  | 'CUSTOMER_ATTRIBUTE_INVALID_CHOICE'
  | 'CUSTOMER_ATTRIBUTE_NOT_FOUND'
  | 'CUSTOMER_ATTRIBUTE_KEY_TAKEN'
  | 'CUSTOMER_ATTRIBUTE_OPTIONS_REQUIRED'
  | 'CUSTOMER_ATTRIBUTE_OPTION_DUPLICATE';

/** The profile fields that can collide with another customer's (each has a unique index). */
export type UniqueField = 'mobile' | 'email' | 'wechatOpenId' | 'wechatUnionId' | 'externalId';

/** Messages of field errors name no `{{field}}`, so several can be reported at once, each translated. */
export const customersErrors = {
  notFound: () => new DomainError('not_found', 'CUSTOMER_NOT_FOUND'),
  /** The stored token does not decrypt (damaged, moved to another row, or its key is gone). */
  identityUnreadable: (field: IdentityField) =>
    new DomainError('conflict', 'CUSTOMER_IDENTITY_UNREADABLE', { field }, field),
  /**
   * Another customer already has this value. Who it is (`customerId`, `name`) is told only to
   * callers who may view customers; the rest learn that the value is taken.
   */
  duplicate: (field: UniqueField, existing: { id: string; name: string } | null) =>
    existing
      ? new DomainError(
          'conflict',
          'CUSTOMER_DUPLICATE',
          { field, name: existing.name, context: 'named' },
          field,
        ).withDetails({ field, customerId: existing.id, name: existing.name })
      : new DomainError('conflict', 'CUSTOMER_DUPLICATE', { field }, field).withDetails({ field }),
  /** `list` is the counts in the reader's language ("3 orders"); details carry them by dependent name. */
  hasDependents: (list: string, counts: Record<string, number>) =>
    new DomainError('conflict', 'CUSTOMER_HAS_DEPENDENTS', { list }).withDetails(counts),
  invalidIdentity: (field: IdentityField) => {
    switch (field) {
      case 'mobile':
        return new DomainError('invalid', 'CUSTOMER_INVALID_MOBILE', {}, field);
      case 'email':
        return new DomainError('invalid', 'CUSTOMER_INVALID_EMAIL', {}, field);
      case 'wechatOpenId':
      case 'wechatUnionId':
        return new DomainError('invalid', 'CUSTOMER_INVALID_WECHAT_ID', {}, field);
      case 'idNumber':
        return new DomainError('invalid', 'CUSTOMER_INVALID_ID_NUMBER', {}, field);
      case 'address':
        return new DomainError('invalid', 'CUSTOMER_INVALID_ADDRESS', {}, field);
    }
  },
  birthdayInFuture: () => new DomainError('invalid', 'CUSTOMER_BIRTHDAY_IN_FUTURE', {}, 'birthday'),
  unknownRegion: (field: 'province' | 'city' | 'district', value: string) => {
    switch (field) {
      case 'province':
        return new DomainError('invalid', 'CUSTOMER_UNKNOWN_PROVINCE', { value }, field);
      case 'city':
        return new DomainError('invalid', 'CUSTOMER_UNKNOWN_CITY', { value }, field);
      case 'district':
        return new DomainError('invalid', 'CUSTOMER_UNKNOWN_DISTRICT', { value }, field);
    }
  },

  // ── custom attribute values (field `attributes.<key>`) ──
  attributeUnknown: (key: string) =>
    new DomainError('invalid', 'CUSTOMER_ATTRIBUTE_UNKNOWN', { key }, `attributes.${key}`),
  attributeRequired: (key: string, label: string) =>
    new DomainError('invalid', 'CUSTOMER_ATTRIBUTE_REQUIRED', { label }, `attributes.${key}`),
  attributeInvalidText: (key: string, label: string, max: number) =>
    new DomainError('invalid', 'CUSTOMER_ATTRIBUTE_INVALID_TEXT', { label, max }, `attributes.${key}`),
  attributeInvalidNumber: (key: string, label: string) =>
    new DomainError('invalid', 'CUSTOMER_ATTRIBUTE_INVALID_NUMBER', { label }, `attributes.${key}`),
  attributeInvalidDate: (key: string, label: string) =>
    new DomainError('invalid', 'CUSTOMER_ATTRIBUTE_INVALID_DATE', { label }, `attributes.${key}`),
  attributeInvalidChoice: (key: string, label: string, value: string) =>
    new DomainError('invalid', 'CUSTOMER_ATTRIBUTE_INVALID_CHOICE', { label, value }, `attributes.${key}`),

  // ── attribute definitions ──
  attributeNotFound: () => new DomainError('not_found', 'CUSTOMER_ATTRIBUTE_NOT_FOUND'),
  attributeKeyTaken: (key: string) => new DomainError('conflict', 'CUSTOMER_ATTRIBUTE_KEY_TAKEN', { key }, 'key'),
  attributeOptionsRequired: () => new DomainError('invalid', 'CUSTOMER_ATTRIBUTE_OPTIONS_REQUIRED', {}, 'options'),
  attributeOptionDuplicate: (value: string) =>
    new DomainError('invalid', 'CUSTOMER_ATTRIBUTE_OPTION_DUPLICATE', { value }, 'options'),
} satisfies Record<string, (...args: never[]) => DomainError>;

/**
 * Several field problems as one 422: the first is the message, all are listed in `fields`
 * (each translated on its own).
 */
export function fieldErrors(problems: DomainError[]): DomainError {
  const [first, ...rest] = problems;
  if (rest.length === 0) return first;
  return new DomainError(
    first.kind,
    first.code,
    first.params,
    first.field,
    rest.map((p) => ({ field: p.field ?? '', code: p.code, params: p.params })),
  );
}
