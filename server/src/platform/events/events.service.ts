import type { Db, Tx } from '../db/db.ts';
import type { Jobs } from '../jobs/jobs.service.ts';

export type DomainEvent<P = unknown> = {
  id: string;
  /** `<entity>.<past tense>`: order.created, customer.merged */
  type: string;
  payload: P;
  customerId: string | null;
  createdAt: Date;
};
export type NewEvent<P = unknown> = { type: string; payload: P; customerId?: string | null };

/**
 * Runs inside a transaction that also records the delivery: when the handler's own writes go
 * through `ctx.tx`, they and the "delivered" mark commit together, so a subscriber acting on the
 * database sees each event exactly once. Anything outside the database (mail, HTTP) should be a
 * job enqueued with `jobs.send(…, { tx: ctx.tx })`. On PGlite never use `db` here, only `ctx.tx`.
 */
export type EventHandler<P = unknown> = (event: DomainEvent<P>, ctx: { tx: Tx }) => Promise<void>;

export type DispatchResult = {
  delivered: string[];
  skipped: string[];
  failed: { subscriber: string; error: string }[];
};

export type Events = {
  /** Writes the event to the outbox in the caller's transaction; returns its id. */
  emit<P>(tx: Tx, event: NewEvent<P>): Promise<string>;
  /** Many events in one statement (a batch of orders); a dispatch job each only where someone subscribes. */
  emitMany<P>(tx: Tx, events: readonly NewEvent<P>[]): Promise<string[]>;
  /** Registers a subscriber (a stable name: deliveries are remembered by it) for one or more types. */
  subscribe<P = unknown>(name: string, types: string | string[], handler: EventHandler<P>): void;
  /** Delivers one event to every subscriber that has not had it yet (what the dispatch job runs). */
  dispatch(eventId: string): Promise<DispatchResult>;
};

export const DISPATCH_JOB = 'events.dispatch';
export const PRUNE_JOB = 'events.prune';
const TYPE = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/;

type Subscriber = { name: string; types: Set<string>; handler: EventHandler<unknown> };
type OutboxRow = { id: string; type: string; payload: unknown; customer_id: string | null; created_at: Date };

/**
 * Domain events through a transactional outbox. `emit` inserts the event and, in the same
 * transaction, a dispatch job; the job delivers it to each subscriber at least once, recording
 * each (subscriber, event) so a redelivery skips those already served. A failing subscriber makes
 * the job retry (with backoff) without touching the others.
 */
export function createEvents(deps: { db: Db; jobs: Jobs; log?: { warn(obj: object, msg: string): void } }): Events {
  const { db, jobs } = deps;
  const subscribers = new Map<string, Subscriber>();

  const interested = (type: string) => [...subscribers.values()].filter((s) => s.types.has(type));

  const events: Events = {
    async emit(tx, event) {
      if (!TYPE.test(event.type)) throw new Error(`bad event type ${event.type}`);
      const nobody = interested(event.type).length === 0;
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO outbox (type, payload, customer_id, dispatched_at) VALUES ($1, $2, $3, ${nobody ? 'now()' : 'NULL'})
         RETURNING id`,
        [event.type, JSON.stringify(event.payload ?? null), event.customerId ?? null],
      );
      if (!nobody) await jobs.send(DISPATCH_JOB, { eventId: row.id }, { tx });
      return row.id;
    },

    async emitMany(tx, list) {
      if (list.length === 0) return [];
      for (const e of list) if (!TYPE.test(e.type)) throw new Error(`bad event type ${e.type}`);
      const wanted = list.map((e) => interested(e.type).length > 0);
      const rows = await tx.query<{ id: string; pending: boolean }>(
        `INSERT INTO outbox (type, payload, customer_id, dispatched_at)
         SELECT type, payload, customer_id, CASE WHEN wanted THEN NULL ELSE now() END
           FROM unnest($1::text[], $2::jsonb[], $3::uuid[], $4::boolean[]) WITH ORDINALITY AS e(type, payload, customer_id, wanted, n)
          ORDER BY n
         RETURNING id, dispatched_at IS NULL AS pending`,
        [
          list.map((e) => e.type),
          list.map((e) => JSON.stringify(e.payload ?? null)),
          list.map((e) => e.customerId ?? null),
          wanted,
        ],
      );
      for (const row of rows) if (row.pending) await jobs.send(DISPATCH_JOB, { eventId: row.id }, { tx });
      return rows.map((r) => r.id);
    },

    subscribe(name, types, handler) {
      if (!/^[a-z][a-z0-9._-]{0,99}$/.test(name)) throw new Error(`bad subscriber name ${name}`);
      if (subscribers.has(name)) throw new Error(`subscriber ${name} registered twice`);
      const list = Array.isArray(types) ? types : [types];
      for (const t of list) if (!TYPE.test(t)) throw new Error(`bad event type ${t}`);
      subscribers.set(name, { name, types: new Set(list), handler: handler as EventHandler<unknown> });
    },

    async dispatch(eventId) {
      const result: DispatchResult = { delivered: [], skipped: [], failed: [] };
      const [row] = await db.query<OutboxRow>(
        'SELECT id, type, payload, customer_id, created_at FROM outbox WHERE id = $1',
        [eventId],
      );
      if (!row) return result;
      const event: DomainEvent = {
        id: row.id,
        type: row.type,
        payload: row.payload,
        customerId: row.customer_id,
        createdAt: row.created_at,
      };
      for (const s of interested(event.type)) {
        try {
          const ran = await db.transaction(async (tx) => {
            // A concurrent dispatcher inserting the same pair waits here until we commit, then skips.
            const claimed = await tx.query(
              `INSERT INTO event_deliveries (subscriber, event_id) VALUES ($1, $2)
               ON CONFLICT DO NOTHING RETURNING event_id`,
              [s.name, event.id],
            );
            if (!claimed.length) return false;
            await s.handler(event, { tx });
            return true;
          });
          (ran ? result.delivered : result.skipped).push(s.name);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          deps.log?.warn(
            { subscriber: s.name, eventId: event.id, type: event.type, err: message },
            'event delivery failed',
          );
          result.failed.push({ subscriber: s.name, error: message });
        }
      }
      if (result.failed.length) {
        throw new Error(result.failed.map((f) => `${f.subscriber}: ${f.error}`).join('; '));
      }
      await db.query('UPDATE outbox SET dispatched_at = now() WHERE id = $1 AND dispatched_at IS NULL', [event.id]);
      return result;
    },
  };

  jobs.define<{ eventId: string }>(DISPATCH_JOB, async ({ eventId }) => events.dispatch(eventId), {
    retryLimit: 10,
    retryDelay: 5,
    retryBackoff: true,
  });

  // Delivered events are kept 30 days for inspection, then removed with their delivery records.
  jobs.define(PRUNE_JOB, async () => {
    await db.query(
      `DELETE FROM event_deliveries d USING outbox o
       WHERE d.event_id = o.id AND o.dispatched_at < now() - interval '30 days'`,
    );
    await db.query(`DELETE FROM outbox WHERE dispatched_at < now() - interval '30 days'`);
  });
  jobs.schedule(PRUNE_JOB, '30 3 * * *').catch((err: Error) => deps.log?.warn({ err: err.message }, 'schedule failed'));

  return events;
}
