/** Payloads of the identity-resolution events (each also carries the survivor as the event's customerId). */
export type CustomerMergedEvent = {
  survivorId: string;
  mergedId: string;
  mergeId: string;
  /** The automatic rule that merged them; null for a person's decision. */
  autoRule: string | null;
};
export type CustomerUnmergedEvent = { survivorId: string; mergedId: string; mergeId: string };

export const mergeEventTypes = {
  merged: 'customer.merged',
  unmerged: 'customer.unmerged',
} as const;
