import type { Queryable } from '../../platform/db/db.ts';
import type { MessageType } from './domain/messages.ts';
import type { TraitRule } from './domain/traits.ts';

/**
 * SQL for events (partitioned), event_message_ids, anonymous_profiles, tracking_visits,
 * tracking_refusals and tracking_settings, and nothing else. The write path is a handful of
 * set-based statements per batch, whatever its size.
 */

export type NewEvent = {
  customerId: string | null;
  anonymousId: string | null;
  userId: string | null;
  type: MessageType;
  event: string | null;
  url: string | null;
  properties: string;
  context: string;
  timestamp: Date;
  messageId: string;
};

export type EventRow = {
  id: string;
  source_id: string;
  customer_id: string | null;
  anonymous_id: string | null;
  user_id: string | null;
  type: MessageType;
  event: string | null;
  url: string | null;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  timestamp: Date;
  received_at: Date;
  message_id: string;
};

export type RefusalRow = {
  id: string;
  received_at: Date;
  type: string | null;
  message_id: string | null;
  event: string | null;
  field: string | null;
  reason: string;
};

export type AnonymousRow = { anonymous_id: string; customer_id: string | null; user_id: string | null };

export type AnonymousSeen = {
  anonymousId: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  count: number;
  traits: Record<string, unknown>;
};

export type TrackingSettingsRow = { trait_mapping: TraitRule[]; on_match: 'skip' | 'fillEmpty' | 'overwrite' };

const eventColumns = `id::text as id, source_id, customer_id, anonymous_id, user_id, type, event, url, properties, context,
  "timestamp", received_at, message_id`;

/** `events_y2026m11` for November 2026: built from numbers only, so it is safe as an identifier. */
export function partitionName(year: number, month: number): string {
  return `events_y${year}m${String(month).padStart(2, '0')}`;
}

export const eventsRepository = {
  /** The ids among `ids` the source sent before (a read: the claim in the batch's transaction decides). */
  async knownMessageIds(q: Queryable, sourceId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await q.query<{ message_id: string }>(
      'select message_id from event_message_ids where source_id = $1 and message_id = any($2::text[])',
      [sourceId, [...ids]],
    );
    return new Set(rows.map((r) => r.message_id));
  },

  /**
   * One multi-row insert for the whole batch, de-duplicated in the same statement: it claims
   * the messageIds (sorted, so two batches sharing ids lock them in the same order; a
   * concurrent claim of the same id waits for the other transaction, then counts as seen) and
   * inserts only the rows whose id it claimed. Returns the messageIds stored.
   */
  async insertEvents(
    q: Queryable,
    sourceId: string,
    receivedAt: Date,
    rows: readonly NewEvent[],
  ): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const stored = await q.query<{ message_id: string }>(
      `with v as (
         select * from unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[],
                              $10::jsonb[], $11::timestamptz[], $12::text[])
           as v(customer_id, anonymous_id, user_id, type, event, url, properties, context, ts, message_id)
       ), claimed as (
         insert into event_message_ids (source_id, message_id, received_at)
         select $1, v.message_id, $2 from v order by v.message_id
         on conflict do nothing returning message_id
       )
       insert into events (source_id, customer_id, anonymous_id, user_id, type, event, url, properties, context,
                           "timestamp", received_at, message_id)
       select $1, v.customer_id, v.anonymous_id, v.user_id, v.type, v.event, v.url, v.properties, v.context, v.ts, $2,
              v.message_id
         from v join claimed c on c.message_id = v.message_id
       returning message_id`,
      [
        sourceId,
        receivedAt,
        rows.map((r) => r.customerId),
        rows.map((r) => r.anonymousId),
        rows.map((r) => r.userId),
        rows.map((r) => r.type),
        rows.map((r) => r.event),
        rows.map((r) => r.url),
        rows.map((r) => r.properties),
        rows.map((r) => r.context),
        rows.map((r) => r.timestamp.toISOString()),
        rows.map((r) => r.messageId),
      ],
    );
    return new Set(stored.map((r) => r.message_id));
  },

  async findAnonymous(q: Queryable, ids: readonly string[]): Promise<Map<string, AnonymousRow>> {
    if (ids.length === 0) return new Map();
    const rows = await q.query<AnonymousRow>(
      'select anonymous_id, customer_id, user_id from anonymous_profiles where anonymous_id = any($1::text[])',
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.anonymous_id, r]));
  },

  /**
   * Records that devices were seen (first/last time, how often, anonymous traits) in one
   * statement, in id order: it also locks them, so two batches sharing devices take the locks in
   * the same order and cannot deadlock. Returns each device's tie as it is now.
   */
  async upsertAnonymous(
    q: Queryable,
    sourceId: string,
    rows: readonly AnonymousSeen[],
  ): Promise<Map<string, AnonymousRow>> {
    if (rows.length === 0) return new Map();
    const sorted = [...rows].sort((a, b) => (a.anonymousId < b.anonymousId ? -1 : 1));
    const out = await q.query<AnonymousRow>(
      `insert into anonymous_profiles (anonymous_id, first_source_id, first_seen_at, last_seen_at, event_count, traits)
       select v.a, $1, v.f, v.l, v.n, v.t
         from unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::int[], $6::jsonb[]) as v(a, f, l, n, t)
       on conflict (anonymous_id) do update set
         first_seen_at = least(anonymous_profiles.first_seen_at, excluded.first_seen_at),
         last_seen_at = greatest(anonymous_profiles.last_seen_at, excluded.last_seen_at),
         event_count = anonymous_profiles.event_count + excluded.event_count,
         traits = anonymous_profiles.traits || excluded.traits
       returning anonymous_id, customer_id, user_id`,
      [
        sourceId,
        sorted.map((r) => r.anonymousId),
        sorted.map((r) => r.firstSeenAt.toISOString()),
        sorted.map((r) => r.lastSeenAt.toISOString()),
        sorted.map((r) => r.count),
        sorted.map((r) => JSON.stringify(r.traits)),
      ],
    );
    return new Map(out.map((r) => [r.anonymous_id, r]));
  },

  /**
   * Ties devices not yet tied to anyone to their customer and moves their earlier events to
   * that customer, in one statement. A device already tied to someone stays with them (history
   * is never re-assigned; duplicate review deals with shared devices). Returns what was moved.
   */
  async stitch(
    q: Queryable,
    pairs: readonly { anonymousId: string; customerId: string; userId: string | null }[],
    at: Date,
  ): Promise<
    {
      anonymous_id: string;
      customer_id: string;
      events: number;
      /** The moved track events, latest 100 (the timeline gets a row for each). */
      tracked: { event: string; at: string; ref: string }[];
    }[]
  > {
    if (pairs.length === 0) return [];
    const sorted = [...pairs].sort((a, b) => (a.anonymousId < b.anonymousId ? -1 : 1));
    return q.query(
      `with s as (
         update anonymous_profiles p set customer_id = v.c, user_id = coalesce(v.u, p.user_id), stitched_at = $4
           from unnest($1::text[], $2::uuid[], $3::text[]) as v(a, c, u)
          where p.anonymous_id = v.a and p.customer_id is null
          returning p.anonymous_id, p.customer_id
       ), e as (
         update events ev set customer_id = s.customer_id
           from s
          where ev.anonymous_id = s.anonymous_id and ev.customer_id is null
          returning ev.anonymous_id, ev.type, ev.event, ev."timestamp", ev.message_id
       )
       select s.anonymous_id, s.customer_id, (select count(*) from e where e.anonymous_id = s.anonymous_id)::int as events,
              (select coalesce(jsonb_agg(jsonb_build_object('event', t.event, 'at', t."timestamp", 'ref', t.message_id)), '[]')
                 from (select * from e where e.anonymous_id = s.anonymous_id and e.type = 'track'
                        order by e."timestamp" desc limit 100) t) as tracked
         from s`,
      [sorted.map((p) => p.anonymousId), sorted.map((p) => p.customerId), sorted.map((p) => p.userId), at],
    );
  },

  /** The first view of each (customer, source, day); returns the pairs that were new. */
  async claimVisits(
    q: Queryable,
    sourceId: string,
    rows: readonly { customerId: string; day: string }[],
  ): Promise<{ customer_id: string; day: string }[]> {
    if (rows.length === 0) return [];
    const sorted = [...rows].sort((a, b) => (a.customerId + a.day < b.customerId + b.day ? -1 : 1));
    return q.query(
      `insert into tracking_visits (customer_id, source_id, day)
       select v.c, $1, v.d from unnest($2::uuid[], $3::date[]) as v(c, d)
       on conflict do nothing returning customer_id, day::text as day`,
      [sourceId, sorted.map((r) => r.customerId), sorted.map((r) => r.day)],
    );
  },

  async insertRefusals(
    q: Queryable,
    sourceId: string,
    at: Date,
    rows: readonly {
      type: string | null;
      messageId: string | null;
      event: string | null;
      field: string;
      reason: string;
    }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await q.query(
      `insert into tracking_refusals (source_id, received_at, type, message_id, event, field, reason)
       select $1, $2, v.t, v.m, v.e, v.f, v.r from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         as v(t, m, e, f, r)`,
      [
        sourceId,
        at,
        rows.map((r) => r.type),
        rows.map((r) => r.messageId),
        rows.map((r) => r.event),
        rows.map((r) => r.field),
        rows.map((r) => r.reason),
      ],
    );
  },

  // ── reading ─────────────────────────────────────────────────────────────────────────────

  async latestOfSource(q: Queryable, sourceId: string, limit: number): Promise<EventRow[]> {
    return q.query<EventRow>(
      `select ${eventColumns} from events where source_id = $1 order by received_at desc, id desc limit $2`,
      [sourceId, limit],
    );
  },

  async latestRefusals(q: Queryable, sourceId: string, limit: number): Promise<RefusalRow[]> {
    return q.query<RefusalRow>(
      `select id::text as id, received_at, type, message_id, event, field, reason from tracking_refusals
        where source_id = $1 order by received_at desc, id desc limit $2`,
      [sourceId, limit],
    );
  },

  /** Per source: when it last sent an event, and how many in the last 24 hours (counted up to `cap`). */
  async sourceActivity(
    q: Queryable,
    sourceIds: readonly string[],
    since: Date,
    cap: number,
  ): Promise<Map<string, { last: Date | null; recent: number }>> {
    if (sourceIds.length === 0) return new Map();
    const rows = await q.query<{ id: string; last: Date | null; recent: number }>(
      `select s.id,
              (select max(e.received_at) from events e where e.source_id = s.id) as last,
              (select count(*) from (select 1 from events e where e.source_id = s.id and e.received_at >= $2 limit $3) c)::int
                as recent
         from unnest($1::uuid[]) as s(id)`,
      [[...sourceIds], since, cap],
    );
    return new Map(rows.map((r) => [r.id, { last: r.last, recent: r.recent }]));
  },

  async listEvents(
    q: Queryable,
    f: {
      customerId?: string;
      anonymousId?: string;
      sourceId?: string;
      type?: string;
      event?: string;
      before?: { timestamp: Date; id: string };
      limit: number;
    },
  ): Promise<EventRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.customerId) add('customer_id = ?', f.customerId);
    if (f.anonymousId) add('anonymous_id = ?', f.anonymousId);
    if (f.sourceId) add('source_id = ?', f.sourceId);
    if (f.type) add('type = ?', f.type);
    if (f.event) add('event = ?', f.event);
    if (f.before) {
      params.push(f.before.timestamp, f.before.id);
      where.push(`("timestamp", id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    params.push(f.limit);
    return q.query<EventRow>(
      `select ${eventColumns} from events ${where.length ? `where ${where.join(' and ')}` : ''}
        order by "timestamp" desc, id desc limit $${params.length}`,
      params,
    );
  },

  /** How often a customer did an event since a time (the shape segments will ask). */
  async countEvents(q: Queryable, customerId: string, event: string, since: Date): Promise<number> {
    const [row] = await q.query<{ n: number }>(
      `select count(*)::int as n from events where customer_id = $1 and event = $2 and "timestamp" >= $3`,
      [customerId, event, since],
    );
    return row?.n ?? 0;
  },

  // ── the customer's rows (deleting a customer) ─────────────────────────────────────────

  async countForCustomer(q: Queryable, customerId: string): Promise<number> {
    const [row] = await q.query<{ n: number }>('select count(*)::int as n from events where customer_id = $1', [
      customerId,
    ]);
    return row?.n ?? 0;
  },

  async deleteForCustomer(q: Queryable, customerId: string): Promise<void> {
    await q.query('delete from events where customer_id = $1', [customerId]);
    await q.query('delete from anonymous_profiles where customer_id = $1', [customerId]);
    await q.query('delete from tracking_visits where customer_id = $1', [customerId]);
  },

  /**
   * A merge: the customer's events and devices go to the survivor. Returns what moved, as
   * `e:<event id>` and `d:<anonymousId>`, so an undo moves back exactly those. Visit markers of
   * the merged customer are dropped (they only say "first view of the day").
   */
  async moveToCustomer(q: Queryable, fromId: string, toId: string): Promise<string[]> {
    const events = await q.query<{ id: string }>(
      'update events set customer_id = $2 where customer_id = $1 returning id::text as id',
      [fromId, toId],
    );
    const devices = await q.query<{ anonymous_id: string }>(
      'update anonymous_profiles set customer_id = $2 where customer_id = $1 returning anonymous_id',
      [fromId, toId],
    );
    await q.query('delete from tracking_visits where customer_id = $1', [fromId]);
    return [...events.map((e) => `e:${e.id}`), ...devices.map((d) => `d:${d.anonymous_id}`)];
  },

  /** Undoing a merge: the rows `moveToCustomer` moved go back (found through the survivor's index). */
  async restoreToCustomer(q: Queryable, toId: string, fromId: string, ids: readonly string[]): Promise<void> {
    const events = ids.filter((i) => i.startsWith('e:')).map((i) => i.slice(2));
    const devices = ids.filter((i) => i.startsWith('d:')).map((i) => i.slice(2));
    if (events.length) {
      await q.query('update events set customer_id = $2 where customer_id = $1 and id = any($3::bigint[])', [
        toId,
        fromId,
        events,
      ]);
    }
    if (devices.length) {
      await q.query(
        'update anonymous_profiles set customer_id = $2 where customer_id = $1 and anonymous_id = any($3::text[])',
        [toId, fromId, devices],
      );
    }
  },

  // ── settings ──────────────────────────────────────────────────────────────────────────

  async findSettings(q: Queryable): Promise<TrackingSettingsRow | null> {
    const rows = await q.query<TrackingSettingsRow>(
      'select trait_mapping, on_match from tracking_settings where id = 1',
    );
    return rows[0] ?? null;
  },

  async saveSettings(q: Queryable, s: { traitMapping: TraitRule[]; onMatch: string }, at: Date): Promise<void> {
    await q.query(
      `insert into tracking_settings (id, trait_mapping, on_match, updated_at) values (1, $1, $2, $3)
       on conflict (id) do update set trait_mapping = excluded.trait_mapping, on_match = excluded.on_match,
         updated_at = excluded.updated_at`,
      [JSON.stringify(s.traitMapping), s.onMatch, at],
    );
  },

  // ── maintenance ───────────────────────────────────────────────────────────────────────

  async existingPartitions(q: Queryable): Promise<Set<string>> {
    const rows = await q.query<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'events'::regclass`,
    );
    return new Set(rows.map((r) => r.name));
  },

  async createMonthPartition(q: Queryable, year: number, month: number): Promise<void> {
    const from = `${year}-${String(month).padStart(2, '0')}-01`;
    const next = month === 12 ? { y: year + 1, m: 1 } : { y: year, m: month + 1 };
    const to = `${next.y}-${String(next.m).padStart(2, '0')}-01`;
    await q.exec(
      `CREATE TABLE IF NOT EXISTS ${partitionName(year, month)} PARTITION OF events
         FOR VALUES FROM ('${from} 00:00:00+00') TO ('${to} 00:00:00+00')`,
    );
  },

  /** Deletes up to `limit` rows older than `before` from a pruned table; returns how many. */
  async pruneMessageIds(q: Queryable, before: Date, limit: number): Promise<number> {
    const [row] = await q.query<{ n: number }>(
      `with d as (delete from event_message_ids where ctid = any(array(
         select ctid from event_message_ids where received_at < $1 limit $2)) returning 1)
       select count(*)::int as n from d`,
      [before, limit],
    );
    return row?.n ?? 0;
  },

  async pruneRefusals(q: Queryable, before: Date): Promise<void> {
    await q.query('delete from tracking_refusals where received_at < $1', [before]);
  },

  async pruneVisits(q: Queryable, beforeDay: string): Promise<void> {
    await q.query('delete from tracking_visits where day < $1::date', [beforeDay]);
  },
};
