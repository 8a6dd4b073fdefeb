import { DomainError } from '../../platform/http/errors.ts';
import './merge.messages.ts';

/** Error codes of duplicate review, merges and their undo. */
export type MergeErrorCode =
  | 'CUSTOMER_MERGE_SAME'
  | 'CUSTOMER_MERGE_UNKNOWN_FIELD'
  | 'CUSTOMER_MERGE_INVALID_SIDE'
  | 'CUSTOMER_MERGE_CUSTOMER_NOT_FOUND'
  | 'CUSTOMER_ALREADY_MERGED'
  | 'CUSTOMER_MERGED'
  | 'CUSTOMER_MERGE_UNSUPPORTED'
  | 'CUSTOMER_MERGE_NOT_FOUND'
  | 'CUSTOMER_MERGE_ALREADY_UNDONE'
  | 'CUSTOMER_MERGE_UNDO_SURVIVOR_GONE'
  | 'CUSTOMER_MERGE_UNDO_LATER_MERGE'
  | 'CUSTOMER_MERGE_UNDO_CONFLICT'
  | 'CUSTOMER_DUPLICATE_PAIR_NOT_FOUND'
  | 'CUSTOMER_DUPLICATE_PAIR_DECIDED'
  | 'CUSTOMER_DUPLICATE_COMPARE_SAME';

export const mergeErrors = {
  same: () => new DomainError('invalid', 'CUSTOMER_MERGE_SAME', {}, 'mergedId'),
  /** `field` names the request field (`survivorId`, `mergedId`). */
  customerNotFound: (field: 'survivorId' | 'mergedId' | 'a' | 'b') =>
    new DomainError('not_found', 'CUSTOMER_MERGE_CUSTOMER_NOT_FOUND', { field }, field),
  /** The record was merged into another customer (which may itself have been merged since: `mergedInto` is the last). */
  alreadyMerged: (field: string, mergedInto: string, mergeId: string) =>
    new DomainError('conflict', 'CUSTOMER_ALREADY_MERGED', { field }, field).withDetails({ mergedInto, mergeId }),
  /** GET /customers/{id} of a merged record: a 404 with the customer it now lives in. */
  merged: (mergedInto: string, mergeId: string) =>
    new DomainError('not_found', 'CUSTOMER_MERGED').withDetails({ mergedInto, mergeId }),
  /** Another module holds rows for the record and cannot move them (it registered no moveFor). */
  unsupported: (list: string) => new DomainError('conflict', 'CUSTOMER_MERGE_UNSUPPORTED', { list }),
  notFound: () => new DomainError('not_found', 'CUSTOMER_MERGE_NOT_FOUND'),
  alreadyUndone: () => new DomainError('conflict', 'CUSTOMER_MERGE_ALREADY_UNDONE'),
  survivorGone: () => new DomainError('conflict', 'CUSTOMER_MERGE_UNDO_SURVIVOR_GONE'),
  laterMerge: (mergeId: string) =>
    new DomainError('conflict', 'CUSTOMER_MERGE_UNDO_LATER_MERGE').withDetails({ mergeId }),
  /** An identifier of the merged record now belongs to another customer. */
  undoConflict: (field: string, customerId: string | null) =>
    new DomainError('conflict', 'CUSTOMER_MERGE_UNDO_CONFLICT', { field }, field).withDetails({ field, customerId }),
  pairNotFound: () => new DomainError('not_found', 'CUSTOMER_DUPLICATE_PAIR_NOT_FOUND'),
  pairDecided: (status: string) => new DomainError('conflict', 'CUSTOMER_DUPLICATE_PAIR_DECIDED', { status }),
  compareSame: () => new DomainError('invalid', 'CUSTOMER_DUPLICATE_COMPARE_SAME', {}, 'b'),
} satisfies Record<string, (...args: never[]) => DomainError>;
