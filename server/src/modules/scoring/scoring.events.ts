/** Payloads of the events this module emits (each also carries the event's customerId). */
export type LifecycleChangedEvent = { customerId: string; fromStage: string | null; toStage: string; at: string };

export const scoringEventTypes = { lifecycleChanged: 'lifecycle.changed' } as const;
