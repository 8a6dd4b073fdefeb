import { DomainError } from '../../platform/http/errors.ts';
import type { RuleIssue } from './domain/rule.ts';
import './segments.messages.ts';

export type SegmentsErrorCode =
  | 'SEGMENT_RULE_INVALID'
  | 'SEGMENT_RULE_REQUIRED'
  | 'SEGMENT_NOT_STATIC'
  | 'SEGMENT_NOT_DYNAMIC'
  | 'SEGMENT_KIND_FIXED'
  | 'SEGMENT_IN_USE'
  | 'SEGMENT_UPLOAD_EMPTY'
  | 'SEGMENT_UPLOAD_TOO_LARGE'
  | 'SEGMENT_BAD_CURSOR';

export const segmentsErrors = {
  /** 422 `validation_failed` listing each problem with its path inside the rule (`rules.or[2].and[0].value`). */
  ruleInvalid: (issues: readonly RuleIssue[]) =>
    new DomainError(
      'invalid',
      'SEGMENT_RULE_INVALID',
      { count: issues.length },
      undefined,
      issues.map((i) => ({ field: i.field, code: i.code, params: i.params })),
    ),
  ruleRequired: () => new DomainError('invalid', 'SEGMENT_RULE_REQUIRED', {}, 'rules'),
  notStatic: () => new DomainError('conflict', 'SEGMENT_NOT_STATIC'),
  notDynamic: () => new DomainError('conflict', 'SEGMENT_NOT_DYNAMIC'),
  kindFixed: () => new DomainError('invalid', 'SEGMENT_KIND_FIXED', {}, 'kind'),
  inUse: (names: string) => new DomainError('conflict', 'SEGMENT_IN_USE', { names }),
  uploadEmpty: () => new DomainError('invalid', 'SEGMENT_UPLOAD_EMPTY', {}, 'text'),
  badCursor: () => new DomainError('invalid', 'SEGMENT_BAD_CURSOR', {}, 'cursor'),
  uploadTooLarge: (max: number) => new DomainError('invalid', 'SEGMENT_UPLOAD_TOO_LARGE', { max }, 'text'),
};
