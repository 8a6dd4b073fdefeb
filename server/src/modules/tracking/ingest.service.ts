import { randomUUID } from 'node:crypto';
import { pgErrorCode, type Tx } from '../../platform/db/db.ts';
import { isDomainError } from '../../platform/http/errors.ts';
import type {
  CollectedCustomer,
  CollectFailure,
  Collector,
  CollectResult,
  ExternalIdentity,
  NewActivity,
} from '../customers/index.ts';
import {
  isRefusal,
  parseMessage,
  storable,
  type MessageType,
  type Refusal,
  type TrackingMessage,
} from './domain/messages.ts';
import { mapTraits, maskedTraits } from './domain/traits.ts';
import { eventsRepository as repo, type BatchWritten, type DeviceSeen, type NewEvent } from './events.repository.ts';
import type { SourceAuth, TrackingSettings } from './sources.service.ts';
import type { TrackingContext } from './tracking.context.ts';

/** A message of the request that was not stored, by its position in the batch. */
export type RefusedMessage = {
  index: number;
  messageId: string | null;
  type: string | null;
  field: string;
  code: string;
  message: string;
};

export type IngestResult = {
  /** Messages stored now. */
  accepted: number;
  /** Messages whose messageId the source sent before (within the de-duplication window): answered, not stored again. */
  duplicates: number;
  refused: RefusedMessage[];
};

export type IngestOptions = {
  /** The endpoint's type (/v1/track …); batch items name their own. */
  type?: MessageType;
  receivedAt: Date;
  sentAt?: unknown;
  historical?: boolean;
};

/** The namespace of tracking userIds among a customer's identities. */
export const TRACKING_NAMESPACE = 'tracking';
const userIdentity = (value: string): ExternalIdentity => ({ kind: 'external', namespace: TRACKING_NAMESPACE, value });

type Item = { index: number; m: TrackingMessage; messageId: string };

const APPLIED_TTL_MS = 10 * 60 * 1000;
/** Last seen moves in steps of a minute: a customer clicking through pages locks their stats row once a minute, not per batch. */
const LAST_SEEN_STEP_MS = 60_000;

/** A row of a bulk resolve was refused: the run goes again one input at a time. */
class RunRefused extends Error {}
const isFailure = (r: CollectResult | CollectFailure): r is CollectFailure => 'error' in r;

/** PostgreSQL refusing a value (bad text, bad JSON, too long, a check): that row alone is refused. */
const dataErrors = new Set(['22P05', '22P02', '22021', '22001', '22003', '22007', '22008', '23514', '54000']);

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** A day (YYYY-MM-DD) in the business time zone. Formatters are kept: building one cost 5 % of a batch's CPU. */
function dayIn(timeZone: string, at: Date): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(at);
}

/**
 * The write path of the tracking API. A batch costs a fixed number of statements: one read
 * (replayed messageIds, devices), the userIds known, then one transaction of three statements
 * (devices, events and their de-duplication, and visits in one; timeline rows; last seen), and a
 * fourth when the batch ties devices to customers (their earlier events follow). Identifies and userIds seen for the first time add a transaction with one bulk resolve
 * per run of them (and a collector call per alias). The caller answers 2xx only after this
 * returns, i.e. after the commit.
 */
export function createIngestService(
  ctx: TrackingContext,
  deps: { settings(): Promise<TrackingSettings>; timeZone(): Promise<string> },
) {
  const { db, customers } = ctx;

  // analytics.js repeats identify with the same traits on every page: the same profile applied to
  // the same user a moment ago is not resolved again (bounded, forgotten after a few minutes)
  const recentlyApplied = new Map<string, { json: string; at: number }>();
  const remember = (key: string, json: string) => {
    if (recentlyApplied.size >= 50_000) recentlyApplied.clear();
    recentlyApplied.set(key, { json, at: performance.now() });
  };

  /**
   * A run of inputs through `resolveMany` in a savepoint, strictly: any row it refuses (a trait
   * the lenient path would have dropped, a value PostgreSQL refuses) rolls the run back and
   * returns null, and the caller resolves the run one input at a time, leniently, as before.
   * Valid input resolves alike either way; only bad input pays for the slow path.
   */
  async function resolveRun(
    tx: Tx,
    collector: Collector,
    inputs: readonly CollectedCustomer[],
  ): Promise<CollectResult[] | null> {
    if (inputs.length === 0) return [];
    try {
      return await tx.transaction(async (sp) => {
        const results = await collector.resolveMany(
          sp,
          inputs.map((i) => ({ ...i, lenient: false })),
        );
        if (results.some(isFailure)) throw new RunRefused();
        return results as CollectResult[];
      });
    } catch (err) {
      if (err instanceof RunRefused || isDomainError(err) || dataErrors.has(pgErrorCode(err) ?? '')) return null;
      throw err;
    }
  }

  return {
    /** A whole request refused for a known source (unreadable JSON, too large): the debugger shows it. */
    async refuseRequest(source: SourceAuth, at: Date, field: string, code: string): Promise<void> {
      await db.transaction((tx) =>
        repo.insertRefusals(tx, source.id, at, [{ type: null, messageId: null, event: null, field, reason: code }]),
      );
    },

    async ingest(source: SourceAuth, raws: readonly unknown[], opts: IngestOptions): Promise<IngestResult> {
      const refused: RefusedMessage[] = [];
      const refuse = (index: number, raw: unknown, r: Refusal, m?: TrackingMessage) => {
        const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
        refused.push({
          index,
          messageId: m?.messageId ?? (typeof o.messageId === 'string' ? o.messageId.slice(0, 200) : null),
          type: m?.type ?? opts.type ?? (typeof o.type === 'string' ? o.type.slice(0, 20) : null),
          field: r.field,
          code: r.code,
          message: r.message,
        });
      };

      // 1. every message on its own: size, types, ids, characters PostgreSQL would refuse
      let items: Item[] = [];
      const seenIds = new Set<string>();
      let duplicates = 0;
      raws.forEach((raw, index) => {
        const m = parseMessage(raw, { ...opts, type: opts.type });
        if (isRefusal(m)) return refuse(index, raw, m);
        const messageId = m.messageId ?? `kehu-${randomUUID()}`;
        if (seenIds.has(messageId)) {
          duplicates++;
          return;
        }
        seenIds.add(messageId);
        items.push({ index, m, messageId });
      });
      // 2. what is known already, outside any transaction (PGlite has one session). Two reads side
      //    by side (two connections of the pool on a server): the messageIds sent before and the
      //    devices named, with their ties (this module's tables, one statement); the userIds that
      //    are customers already (the customers module's). Replays known already are answered
      //    without touching anything; the claim in the batch's write is what counts.
      const anonIds = new Set<string>();
      const userIds = new Set<string>();
      for (const { m } of items) {
        if (m.anonymousId) anonIds.add(m.anonymousId);
        if (m.userId) userIds.add(m.userId);
        if (m.previousId) {
          anonIds.add(m.previousId);
          userIds.add(m.previousId);
        }
      }
      const [{ replayed, devices }, knownBefore] = await Promise.all([
        repo.lookup(
          db,
          source.id,
          items.filter((i) => i.m.messageId).map((i) => i.messageId),
          [...anonIds],
        ),
        customers.findByIdentities(db, 'external', TRACKING_NAMESPACE, [...userIds]),
      ]);
      if (replayed.size) {
        duplicates += items.filter((i) => replayed.has(i.messageId)).length;
        items = items.filter((i) => !replayed.has(i.messageId));
      }
      if (items.length === 0) {
        if (refused.length) await db.transaction((tx) => recordRefusals(tx, source, opts.receivedAt, refused, raws));
        return { accepted: 0, duplicates, refused };
      }
      const settings = await deps.settings();
      const timeZone = items.some(({ m }) => m.type === 'page' || m.type === 'screen') ? await deps.timeZone() : 'UTC';

      // 3. who each message is about. identify, alias and first-seen userIds go through the
      //    collector, all of a batch's in one transaction of their own, ordered by the customer
      //    they will lock: customers are never locked while the batch's events are written, so
      //    batches touching the same customers cannot deadlock on them. Runs of identifies and
      //    first-seen userIds are resolved together (`resolveMany`: a few statements for the run
      //    instead of several per customer); an alias needs what came before it, so it ends a run.
      //    A resolve is idempotent: one whose batch fails later is repeated when the sender retries.
      const refusedBeforeResolve = refused.length;
      let known = new Map(knownBefore);
      let dropped = new Set<number>();
      /** Devices to tie to a customer (applied in the batch's transaction, only if still untied then). */
      let ties = new Map<string, { customerId: string; userId: string | null }>();
      const applied: [string, string][] = [];
      const fail = (item: Item, r: Refusal) => {
        dropped.add(item.index);
        refuse(item.index, raws[item.index], r, item.m);
      };
      const deviceCustomer = (anon: string) => ties.get(anon)?.customerId ?? devices.get(anon)?.customer_id ?? null;
      const tieDevice = (anon: string | null, customerId: string, userId: string | null) => {
        if (!anon || deviceCustomer(anon)) return;
        ties.set(anon, { customerId, userId });
      };
      const base = { source: 'tracking', touchpointId: source.touchpointId, lenient: true } as const;
      const profiles = new Map<number, CollectedCustomer['profile']>();
      const profileOf = (item: Item) => {
        let p = profiles.get(item.index);
        if (!p) profiles.set(item.index, (p = mapTraits(item.m.traits, settings.traitMapping)));
        return p;
      };
      /** An identify that would change nothing: no mapped traits, or the same ones applied a moment ago. */
      const isNoop = (item: Item) => {
        const userId = item.m.userId as string;
        if (!knownBefore.has(userId)) return false;
        const profile = profileOf(item);
        if (Object.keys(profile).length === 0) return true;
        const last = recentlyApplied.get(`${source.id}|${userId}`);
        return !!last && last.json === JSON.stringify(profile) && performance.now() - last.at < APPLIED_TTL_MS;
      };
      const needsResolve = (item: Item) => {
        const { m } = item;
        if (m.type === 'identify' && m.userId) return !isNoop(item);
        if (m.type === 'alias') return true;
        return !!m.userId && !knownBefore.has(m.userId);
      };
      const lockKey = ({ m }: Item) =>
        (m.userId && knownBefore.get(m.userId)) ?? (m.previousId && knownBefore.get(m.previousId)) ?? `~${m.userId}`;
      const resolving = items.filter(needsResolve).sort((a, b) => (lockKey(a) < lockKey(b) ? -1 : 1));

      if (resolving.length) {
        // asked for per batch that needs it: it carries the current attribute definitions
        const collector = await customers.collector();
        for (let attempt = 1; ; attempt++) {
          try {
            await db.transaction(async (tx) => {
              refused.length = refusedBeforeResolve;
              known = new Map(knownBefore);
              dropped = new Set();
              ties = new Map();
              applied.length = 0;
              const resolve = async (item: Item, input: CollectedCustomer): Promise<string | null> => {
                try {
                  return (await collector.resolve(tx, input)).customerId;
                } catch (err) {
                  // the collector's savepoint was rolled back: the transaction goes on without this message
                  if (!isDomainError(err) && !dataErrors.has(pgErrorCode(err) ?? '')) throw err;
                  const reason = err instanceof Error ? err.message : 'error';
                  fail(item, {
                    code: 'unresolved',
                    field: 'userId',
                    message: `the customer could not be resolved (${reason})`,
                  });
                  return null;
                }
              };
              const bareInput = (item: Item, ids: ExternalIdentity[]): CollectedCustomer => ({
                ...base,
                profile: {},
                ids,
                onMatch: 'skip',
                at: item.m.timestamp,
                summary: { trackingSource: source.name },
              });
              const bare = (item: Item, ids: ExternalIdentity[]) => resolve(item, bareInput(item, ids));
              /** What a resolved identify or first-seen userId tells the rest of the batch. */
              const settle = (item: Item, customerId: string | null) => {
                const userId = item.m.userId as string;
                if (item.m.type === 'identify') {
                  // the identity's holder keeps the userId's events when the traits matched someone else
                  if (customerId && !known.has(userId)) known.set(userId, customerId);
                  if (customerId) applied.push([`${source.id}|${userId}`, JSON.stringify(profileOf(item))]);
                } else if (customerId) {
                  known.set(userId, customerId);
                }
              };

              let run: { item: Item; input: CollectedCustomer }[] = [];
              /** userIds an input of the run carries: a later first-seen event of one waits for its result. */
              let queued = new Set<string>();
              let waiting: Item[] = [];
              const flush = async () => {
                const chunk = run;
                run = [];
                queued = new Set();
                const results = await resolveRun(
                  tx,
                  collector,
                  chunk.map((c) => c.input),
                );
                for (const [i, c] of chunk.entries()) {
                  const r = results?.[i];
                  settle(c.item, r ? r.customerId : await oneOf(c.item, c.input));
                }
                // a first-seen userId whose identify in the run failed makes its customer itself
                const retry = waiting.filter((w) => !known.has(w.m.userId as string));
                waiting = [];
                for (const item of retry) add(item, bareInput(item, [userIdentity(item.m.userId as string)]));
              };
              const oneOf = async (item: Item, input: CollectedCustomer) => {
                if (item.m.type !== 'identify' && known.has(item.m.userId as string))
                  return known.get(item.m.userId as string)!;
                return resolve(item, input);
              };
              const add = (item: Item, input: CollectedCustomer) => {
                run.push({ item, input });
                queued.add(item.m.userId as string);
              };
              const flushAll = async () => {
                while (run.length) await flush();
              };

              for (const item of resolving) {
                const { m } = item;
                if (m.type === 'identify' && m.userId) {
                  add(item, {
                    ...base,
                    profile: profileOf(item),
                    ids: [userIdentity(m.userId)],
                    onMatch: settings.onMatch,
                    at: m.timestamp,
                    summary: { trackingSource: source.name },
                  });
                } else if (m.type === 'alias' && m.userId && m.previousId) {
                  await flushAll();
                  await alias(item, m.userId, m.previousId, bare);
                } else if (m.userId && !known.has(m.userId)) {
                  // a userId is a person the sender knows: the first event of one makes the customer
                  if (queued.has(m.userId)) waiting.push(item);
                  else add(item, bareInput(item, [userIdentity(m.userId)]));
                }
              }
              await flushAll();
            });
            break;
          } catch (err) {
            const code = pgErrorCode(err);
            if (attempt >= 4 || (code !== '40P01' && code !== '40001')) throw err;
            await new Promise((r) => setTimeout(r, 20 * attempt * Math.random()));
          }
        }
        for (const [key, json] of applied) remember(key, json);
      }

      /**
       * alias(previousId → userId), both ways: previousId may be a device (anonymousId) or an
       * older userId. Whichever side is known gives the customer; the other side joins it.
       * When both sides are different customers nothing is merged (duplicate review decides).
       */
      async function alias(
        item: Item,
        userId: string,
        previousId: string,
        bare: (item: Item, ids: ExternalIdentity[]) => Promise<string | null>,
      ) {
        const byUser = known.get(userId) ?? null;
        const device = devices.get(previousId);
        const tie = ties.get(previousId);
        const byPrevious = known.get(previousId) ?? tie?.customerId ?? device?.customer_id ?? null;
        let customerId: string | null = byUser;
        if (!customerId) {
          // the new userId joins the customer previousId belongs to (found by an id that customer
          // is known by: previousId itself, or the userId that tied the device), or a new one
          const ids = [userIdentity(userId)];
          const holder = known.has(previousId) ? previousId : (tie?.userId ?? device?.user_id ?? null);
          if (byPrevious && holder) ids.push(userIdentity(holder));
          customerId = await bare(item, ids);
          if (!customerId) return;
          known.set(userId, customerId);
        }
        if (!byPrevious || byPrevious === customerId) tieDevice(previousId, customerId, userId);
      }

      // devices seen with a known user are tied to them; traits of anonymous identify calls are kept
      const anonTraits = new Map<string, Record<string, unknown>>();
      for (const { m } of items) {
        if (m.type === 'identify' && !m.userId && m.anonymousId) {
          anonTraits.set(m.anonymousId, { ...anonTraits.get(m.anonymousId), ...m.traits });
        }
        const holder = m.userId ? known.get(m.userId) : undefined;
        if (holder && m.type !== 'alias') tieDevice(m.anonymousId, holder, m.userId);
      }
      const batch = items.filter((i) => !dropped.has(i.index));

      // 4. the batch's own transaction. A deadlock (rare now) is retried from the start; a value
      //    PostgreSQL refuses after all makes the batch go again one row per savepoint, so that
      //    row alone is refused: one bad event never fails its batch.
      const refusedBefore = refused.length;
      const duplicatesBefore = duplicates;
      let accepted = 0;
      let isolate = false;
      for (let attempt = 1; ; attempt++) {
        refused.length = refusedBefore;
        duplicates = duplicatesBefore;
        try {
          accepted = await db.transaction((tx) => writeBatch(tx, isolate));
          break;
        } catch (err) {
          const code = pgErrorCode(err) ?? '';
          if (!isolate && dataErrors.has(code)) {
            isolate = true;
            continue;
          }
          if (attempt >= 4 || (code !== '40P01' && code !== '40001')) throw err;
          await new Promise((r) => setTimeout(r, 20 * attempt * Math.random()));
        }
      }
      refused.sort((a, b) => a.index - b.index);
      return { accepted, duplicates, refused };

      async function writeBatch(tx: Tx, oneByOne: boolean): Promise<number> {
        const rows = batch;

        // devices: seen (first/last time, how often, anonymous traits), with the tie the batch gives them
        const seen = new Map<string, DeviceSeen>();
        const see = (anon: string, at: Date, count: number) => {
          const s = seen.get(anon);
          if (!s) {
            seen.set(anon, { anonymousId: anon, firstSeenAt: at, lastSeenAt: at, count, traits: {}, tie: null });
          } else {
            s.count += count;
            if (at < s.firstSeenAt) s.firstSeenAt = at;
            if (at > s.lastSeenAt) s.lastSeenAt = at;
          }
        };
        for (const { m } of rows) if (m.anonymousId) see(m.anonymousId, m.timestamp, 1);
        for (const [anon, tie] of ties) {
          see(anon, opts.receivedAt, 0);
          seen.get(anon)!.tie = tie;
        }
        for (const [anon, traits] of anonTraits) {
          const s = seen.get(anon);
          if (s) s.traits = maskedTraits(traits, settings.traitMapping);
        }

        const hasCustomer = (m: TrackingMessage) =>
          (!!m.userId && known.has(m.userId)) ||
          (!!m.anonymousId && (!!ties.get(m.anonymousId) || !!devices.get(m.anonymousId)?.customer_id));
        // the events: a message's customer is its userId's; otherwise its device's, as the write finds it
        const events = rows.map(({ m, messageId }) => {
          const properties = m.type === 'identify' ? maskedTraits(m.properties, settings.traitMapping) : m.properties;
          return {
            customerId: (m.userId ? known.get(m.userId) : null) ?? null,
            anonymousId: m.anonymousId,
            userId: m.userId,
            type: m.type,
            event: m.event,
            url: m.url,
            properties: JSON.stringify(properties),
            context: JSON.stringify(m.context),
            timestamp: m.timestamp,
            messageId,
            // the business day of a view of a customer (known by userId or device): their first view
            // of a day starts a visit. A device another batch ties meanwhile starts its visit next time.
            day: (m.type === 'page' || m.type === 'screen') && hasCustomer(m) ? dayIn(timeZone, m.timestamp) : null,
          };
        });
        const written = oneByOne
          ? await writeOneByOne(tx, [...seen.values()], events, rows)
          : await repo.writeBatch(tx, source.id, opts.receivedAt, [...seen.values()], events);
        const stored: { row: NewEvent & { day: string | null } }[] = [];
        for (const row of events) {
          if (written.stored.has(row.messageId))
            stored.push({ row: { ...row, customerId: written.stored.get(row.messageId)! } });
        }
        duplicates += rows.length - stored.length - (oneByOne ? rows.filter((i) => dropped.has(i.index)).length : 0);

        // the timeline: tracked events and groups one row each; page and screen views one row
        // per customer, source and day; a tied device one row saying how much history joined
        const activities: NewActivity[] = [];
        const activity = (customerId: string, at: Date, kind: string, summary: Record<string, unknown>, ref?: string) =>
          activities.push({
            customerId,
            at,
            kind,
            module: 'tracking',
            ref: ref ?? null,
            touchpointId: source.touchpointId,
            summary: { trackingSource: source.name, ...summary },
          });
        const views = new Map<string, NewEvent>();
        for (const { row } of stored) {
          if (!row.customerId) continue;
          if (row.type === 'track') {
            activity(row.customerId, row.timestamp, 'event.tracked', { event: row.event }, row.messageId);
          } else if (row.type === 'group') {
            const groupId = (JSON.parse(row.properties) as { groupId?: string }).groupId ?? null;
            activity(row.customerId, row.timestamp, 'group.joined', { groupId });
          } else if (row.day) {
            const key = `${row.customerId}|${row.day}`;
            const v = views.get(key);
            if (!v || row.timestamp < v.timestamp) views.set(key, row);
          }
        }
        for (const visit of written.visits) {
          const v = views.get(`${visit.customerId}|${visit.day}`);
          if (!v) continue;
          activity(visit.customerId, v.timestamp, 'visit.started', {
            type: v.type,
            page: v.type === 'page' ? (v.url ?? v.event) : v.event,
          });
        }
        for (const s of await repo.moveDeviceEvents(tx, written.tied)) {
          if (s.events > 0) activity(s.customerId, opts.receivedAt, 'anonymous.stitched', { events: s.events });
          // what the visitor did before they were known shows on the timeline like any tracked event
          for (const t of s.tracked) activity(s.customerId, new Date(t.at), 'event.tracked', { event: t.event }, t.ref);
        }
        await customers.recordActivities(tx, activities);
        await customers.touchLastSeenMany(
          tx,
          stored.flatMap(({ row }) => (row.customerId ? [{ customerId: row.customerId, at: row.timestamp }] : [])),
          LAST_SEEN_STEP_MS,
        );

        await recordRefusals(tx, source, opts.receivedAt, refused, raws);
        return stored.length;
      }

      /**
       * The batch as a whole was refused by PostgreSQL: the devices first, then each event in a
       * savepoint of its own, so only the rows it refuses are refused, and a refused row's
       * messageId stays unclaimed so a corrected retry is taken.
       */
      async function writeOneByOne(
        tx: Tx,
        seenDevices: DeviceSeen[],
        events: (NewEvent & { day: string | null })[],
        rows: Item[],
      ): Promise<BatchWritten> {
        const out = await repo.writeBatch(tx, source.id, opts.receivedAt, seenDevices, [], true);
        for (const [i, row] of events.entries()) {
          const customerId = row.customerId ?? (row.anonymousId ? (out.devices.get(row.anonymousId) ?? null) : null);
          try {
            const one = await tx.transaction((sp) =>
              repo.writeBatch(sp, source.id, opts.receivedAt, [], [{ ...row, customerId }]),
            );
            for (const [id, c] of one.stored) out.stored.set(id, c);
            out.visits.push(...one.visits);
          } catch (err) {
            const code = pgErrorCode(err);
            if (!dataErrors.has(code ?? '')) throw err;
            fail(rows[i], {
              code: 'invalid_characters',
              field: '(message)',
              message: `the database refused a value (${code})`,
            });
          }
        }
        return out;
      }
    },
  };

  async function recordRefusals(
    tx: Tx,
    source: SourceAuth,
    at: Date,
    refused: RefusedMessage[],
    raws: readonly unknown[],
  ): Promise<void> {
    const eventOf = (i: number) => {
      const raw = raws[i] as Record<string, unknown> | null;
      const e = raw && typeof raw === 'object' ? (raw.event ?? raw.name) : null;
      // only a short, storable excerpt: the debugger says which event, the payload stays with the sender
      return typeof e === 'string' ? storable(e).slice(0, 200) : null;
    };
    const clean = (s: string | null) => (s === null ? null : storable(s));
    await repo.insertRefusals(
      tx,
      source.id,
      at,
      refused.map((r) => ({
        type: clean(r.type),
        messageId: clean(r.messageId),
        event: eventOf(r.index),
        field: clean(r.field) ?? '',
        reason: r.code,
      })),
    );
  }
}

export type IngestService = ReturnType<typeof createIngestService>;
