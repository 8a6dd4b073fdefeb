/** Payloads of the profile events this module emits (each also carries the event's customerId). */
export type CustomerCreatedEvent = { customerId: string; source: string | null; touchpointId: string | null };
/** `fields` names what changed, never the values (subscribers read the profile if they need them). */
export type CustomerUpdatedEvent = { customerId: string; fields: string[] };
export type CustomerDeletedEvent = { customerId: string; dependents: Record<string, number> };

export const customerEventTypes = {
  created: 'customer.created',
  updated: 'customer.updated',
  deleted: 'customer.deleted',
} as const;
