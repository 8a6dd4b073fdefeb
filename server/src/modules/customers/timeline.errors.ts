import { DomainError } from '../../platform/http/errors.ts';
import './timeline.messages.ts';

/** Error codes of the timeline, notes, tags and touchpoint registry (profiles have customers.errors.ts). */
export type TimelineErrorCode = 'CUSTOMER_TAGS_TOO_MANY' | 'CUSTOMER_TAG_ADD_AND_REMOVE' | 'TOUCHPOINT_REGION_UNKNOWN';

export const timelineErrors = {
  tagsTooMany: (max: number) => new DomainError('invalid', 'CUSTOMER_TAGS_TOO_MANY', { max }, 'add'),
  tagAddAndRemove: (tag: string) => new DomainError('invalid', 'CUSTOMER_TAG_ADD_AND_REMOVE', { tag }, 'remove'),
  regionUnknown: (field: 'province' | 'city') =>
    new DomainError('invalid', 'TOUCHPOINT_REGION_UNKNOWN', { field }, field),
} satisfies Record<string, (...args: never[]) => DomainError>;
