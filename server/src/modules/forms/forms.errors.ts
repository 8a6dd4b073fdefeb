import { DomainError } from '../../platform/http/errors.ts';
import './forms.messages.ts';

export type FormsErrorCode =
  | 'FORM_NOT_FOUND'
  | 'FORM_CLOSED'
  | 'FORM_SLUG_TAKEN'
  | 'FORM_HAS_SUBMISSIONS'
  | 'FORM_FIELD_DUPLICATE'
  | 'FORM_ATTRIBUTE_UNKNOWN'
  | 'FORM_ATTRIBUTE_REQUIRED_MISSING'
  | 'FORM_NEEDS_IDENTIFIER'
  | 'FORM_DOUBLE_OPT_IN_NEEDS_EMAIL'
  | 'FORM_CONSENT_ID_DUPLICATE'
  | 'FORM_CONSENT_DUPLICATE'
  | 'FORM_FIELD_REQUIRED'
  | 'FORM_FIELD_INVALID'
  | 'FORM_FIELD_TOO_LONG'
  | 'FORM_IDENTIFIER_REQUIRED'
  | 'FORM_CONSENT_REQUIRED'
  | 'FORM_CONFIRM_LINK_INVALID'
  | 'FORM_CONFIRM_LINK_EXPIRED';

/** One problem with a submission, before it becomes part of a 422 (translated in the form's language). */
export type AnswerProblem = { field: string; code: FormsErrorCode | string; params?: Record<string, string | number> };

export const formsErrors = {
  notFound: () => new DomainError('not_found', 'FORM_NOT_FOUND'),
  closed: () => new DomainError('conflict', 'FORM_CLOSED'),
  slugTaken: (slug: string) => new DomainError('conflict', 'FORM_SLUG_TAKEN', { slug }, 'slug'),
  hasSubmissions: (count: number) => new DomainError('conflict', 'FORM_HAS_SUBMISSIONS', { count }),
  confirmLinkInvalid: () => new DomainError('invalid', 'FORM_CONFIRM_LINK_INVALID'),
  confirmLinkExpired: () => new DomainError('invalid', 'FORM_CONFIRM_LINK_EXPIRED'),
} satisfies Record<string, (...args: never[]) => DomainError>;

/** Several problems as one 422: the first is the message, every one is listed under `fields`. */
export function problemsError(problems: AnswerProblem[]): DomainError {
  const [first, ...rest] = problems;
  return new DomainError(
    'invalid',
    first.code,
    first.params ?? {},
    first.field,
    rest.map((p) => ({ field: p.field, code: p.code, params: p.params })),
  );
}
