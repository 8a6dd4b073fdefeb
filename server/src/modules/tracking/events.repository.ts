import type { Queryable } from '../../platform/db/db.ts';
import type { MessageType } from './domain/messages.ts';
import type { TraitRule } from './domain/traits.ts';

/**
 * SQL for events (partitioned), event_message_ids, anonymous_profiles, tracking_visits,
 * tracking_refusals and tracking_settings, and nothing else. The write path is a few statements
 * per batch, whatever its size: one read before the customers are resolved, one write, and one
 * more when the batch ties devices to customers (their earlier events follow).
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

/** A device seen in a batch, and the customer to tie it to (when the batch ties it). */
export type DeviceSeen = AnonymousSeen & { tie: { customerId: string; userId: string | null } | null };

/** A device tied by a batch and what moved with it: its earlier events, the track events among them (latest 100). */
export type Moved = {
  anonymousId: string;
  customerId: string;
  events: number;
  tracked: { event: string; at: string; ref: string }[];
};

export type BatchWritten = {
  /** The events stored (their messageIds were new), with the customer each was written with. */
  stored: Map<string, string | null>;
  /** Each device seen, with its customer as it is after the batch (when asked for). */
  devices: Map<string, string | null>;
  /** The (customer, day) pairs whose first view of the day this batch holds. */
  visits: { customerId: string; day: string }[];
  /** The devices this batch tied to a customer: their earlier events follow (`moveDeviceEvents`). */
  tied: { anonymousId: string; customerId: string }[];
};

export type TrackingSettingsRow = { trait_mapping: TraitRule[]; on_match: 'skip' | 'fillEmpty' | 'overwrite' };

const eventColumns = `id::text as id, source_id, customer_id, anonymous_id, user_id, type, event, url, properties, context,
  "timestamp", received_at, message_id`;

/** `events_y2026m11` for November 2026: built from numbers only, so it is safe as an identifier. */
export function partitionName(year: number, month: number): string {
  return `events_y${year}m${String(month).padStart(2, '0')}`;
}

export const eventsRepository = {
  /**
   * What a batch needs to know before it resolves anyone, in one read: the messageIds among
   * `messageIds` the source sent before (the claim in `writeBatch` decides; this only spares
   * replays the work) and the devices among `anonymousIds` with their tie as it is now.
   */
  async lookup(
    q: Queryable,
    sourceId: string,
    messageIds: readonly string[],
    anonymousIds: readonly string[],
  ): Promise<{ replayed: Set<string>; devices: Map<string, AnonymousRow> }> {
    const replayed = new Set<string>();
    const devices = new Map<string, AnonymousRow>();
    if (messageIds.length === 0 && anonymousIds.length === 0) return { replayed, devices };
    const rows = await q.query<{ k: 'm' | 'a'; id: string; customer_id: string | null; user_id: string | null }>(
      `select 'm' as k, message_id as id, null::uuid as customer_id, null::text as user_id
         from event_message_ids where source_id = $1 and message_id = any($2::text[])
       union all
       select 'a', anonymous_id, customer_id, user_id from anonymous_profiles where anonymous_id = any($3::text[])`,
      [sourceId, [...new Set(messageIds)], [...new Set(anonymousIds)]],
    );
    for (const r of rows) {
      if (r.k === 'm') replayed.add(r.id);
      else devices.set(r.id, { anonymous_id: r.id, customer_id: r.customer_id, user_id: r.user_id });
    }
    return { replayed, devices };
  },

  /**
   * A batch's write to this module's tables in one statement (one round trip):
   * - the devices seen (first/last time, how often, anonymous traits), upserted in id order, which
   *   also locks them, so two batches sharing devices lock alike and cannot deadlock; a device
   *   given a tie (`customerId`) takes it only if it is still untied now (history is never
   *   re-assigned from one customer to another; `moveDeviceEvents` moves its earlier events);
   * - the events, claiming their messageIds in the same statement (the de-duplication: sorted, so
   *   two batches sharing ids lock them in the same order; a concurrent claim of the same id
   *   waits for the other transaction, then counts as seen); an event without a customer of its
   *   own takes its device's, as the device is after this batch's tie;
   * - the first view of each (customer, source, day) among the stored page and screen events.
   * Returns the events stored with their customer, the visits that were new and the devices tied
   * now (and, when asked, each device's customer).
   */
  async writeBatch(
    q: Queryable,
    sourceId: string,
    receivedAt: Date,
    devices: readonly DeviceSeen[],
    rows: readonly (NewEvent & { day: string | null })[],
    /** Also return each device's customer after the write (`devices`; empty otherwise). */
    withDevices = false,
  ): Promise<BatchWritten> {
    const out: BatchWritten = { stored: new Map(), devices: new Map(), visits: [], tied: [] };
    if (devices.length === 0 && rows.length === 0) return out;
    const sorted = [...devices].sort((a, b) => (a.anonymousId < b.anonymousId ? -1 : 1));
    const result = await q.query<{ k: 'e' | 'd' | 'v' | 't'; a: string; b: string | null }>(
      `with d as (
         select * from unnest($3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[], $7::jsonb[], $8::uuid[], $9::text[])
           as d(a, f, l, n, t, c, u)
       ), dev as (
         insert into anonymous_profiles as p (anonymous_id, first_source_id, first_seen_at, last_seen_at, event_count, traits,
                                              customer_id, user_id, stitched_at)
         select d.a, $1, d.f, d.l, d.n, d.t, d.c, case when d.c is not null then d.u end,
                case when d.c is not null then $2::timestamptz end
           from d order by d.a
         on conflict (anonymous_id) do update set
           first_seen_at = least(p.first_seen_at, excluded.first_seen_at),
           last_seen_at = greatest(p.last_seen_at, excluded.last_seen_at),
           event_count = p.event_count + excluded.event_count,
           traits = p.traits || excluded.traits,
           customer_id = coalesce(p.customer_id, excluded.customer_id),
           user_id = case when p.customer_id is null and excluded.customer_id is not null
                          then coalesce(excluded.user_id, p.user_id) else p.user_id end,
           stitched_at = case when p.customer_id is null and excluded.customer_id is not null
                              then excluded.stitched_at else p.stitched_at end
         returning p.anonymous_id, p.customer_id, p.xmax = 0 as is_new
       ), v as (
         select * from unnest($10::uuid[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::jsonb[],
                              $17::jsonb[], $18::timestamptz[], $19::text[], $20::date[])
           as v(customer_id, anonymous_id, user_id, type, event, url, properties, context, ts, message_id, day)
       ), claimed as (
         insert into event_message_ids (source_id, message_id, received_at)
         select $1, v.message_id, $2 from v order by v.message_id
         on conflict do nothing returning message_id
       ), ins as (
         insert into events (source_id, customer_id, anonymous_id, user_id, type, event, url, properties, context,
                             "timestamp", received_at, message_id)
         select $1, coalesce(v.customer_id, dev.customer_id), v.anonymous_id, v.user_id, v.type, v.event, v.url,
                v.properties, v.context, v.ts, $2, v.message_id
           from v join claimed c on c.message_id = v.message_id left join dev on dev.anonymous_id = v.anonymous_id
         returning message_id, customer_id
       ), vis as (
         insert into tracking_visits (customer_id, source_id, day)
         select distinct i.customer_id, $1::uuid, v.day from ins i join v on v.message_id = i.message_id
          where v.day is not null and i.customer_id is not null
          order by 1, 3
         on conflict do nothing returning customer_id, day
       )
       select 'e' as k, i.message_id as a, i.customer_id::text as b from ins i
       union all
       select 'd', dev.anonymous_id, dev.customer_id::text from dev where $21
       union all
       select 'v', vis.customer_id::text, vis.day::text from vis
       union all
       -- a device holding its tie's customer now was tied by this batch (it only ties devices untied
       -- when it looked; if another batch tied it to the same customer meanwhile, nothing is left to
       -- move). One this statement created (xmax 0: no other writer held it) has no earlier events.
       select 't', dev.anonymous_id, dev.customer_id::text
         from dev join d on d.a = dev.anonymous_id where d.c is not null and dev.customer_id = d.c and not dev.is_new`,
      [
        sourceId,
        receivedAt,
        sorted.map((r) => r.anonymousId),
        sorted.map((r) => r.firstSeenAt.toISOString()),
        sorted.map((r) => r.lastSeenAt.toISOString()),
        sorted.map((r) => r.count),
        sorted.map((r) => JSON.stringify(r.traits)),
        sorted.map((r) => r.tie?.customerId ?? null),
        sorted.map((r) => r.tie?.userId ?? null),
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
        rows.map((r) => r.day),
        withDevices,
      ],
    );
    for (const r of result) {
      if (r.k === 'e') out.stored.set(r.a, r.b);
      else if (r.k === 'd') out.devices.set(r.a, r.b);
      else if (r.k === 'v') out.visits.push({ customerId: r.a, day: r.b! });
      else out.tied.push({ anonymousId: r.a, customerId: r.b! });
    }
    return out;
  },

  /**
   * The earlier events of devices a batch tied move to their customer. A statement of its own,
   * after `writeBatch` locked the devices: its snapshot holds every event another batch wrote for
   * them before that lock (a single statement's snapshot would predate them). Returns what moved.
   */
  async moveDeviceEvents(q: Queryable, tied: readonly { anonymousId: string; customerId: string }[]): Promise<Moved[]> {
    if (tied.length === 0) return [];
    const rows = await q.query<{
      anonymous_id: string;
      customer_id: string;
      events: number;
      tracked: Moved['tracked'];
    }>(
      `with e as (
         update events ev set customer_id = v.c
           from unnest($1::text[], $2::uuid[]) as v(a, c)
          where ev.anonymous_id = v.a and ev.customer_id is null
          returning ev.anonymous_id, ev.customer_id, ev.type, ev.event, ev."timestamp", ev.message_id
       ), m as (
         select e.*, row_number() over (partition by e.anonymous_id, e.type order by e."timestamp" desc) as r from e
       )
       select m.anonymous_id, m.customer_id, count(*)::int as events,
              coalesce(jsonb_agg(jsonb_build_object('event', m.event, 'at', m."timestamp", 'ref', m.message_id)
                                 order by m."timestamp" desc) filter (where m.type = 'track' and m.r <= 100), '[]') as tracked
         from m group by m.anonymous_id, m.customer_id`,
      [tied.map((t) => t.anonymousId), tied.map((t) => t.customerId)],
    );
    return rows.map((r) => ({
      anonymousId: r.anonymous_id,
      customerId: r.customer_id,
      events: r.events,
      tracked: r.tracked,
    }));
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
