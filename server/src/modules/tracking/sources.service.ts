import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth/actor.ts';
import { equalHashes, randomToken, sha256 } from '../../platform/auth/tokens.ts';
import { commonErrors } from '../../platform/http/errors.ts';
import type { MessageType } from './domain/messages.ts';
import type { OnMatch } from '../customers/index.ts';
import { defaultTraitMapping, isMappableField, type TraitRule } from './domain/traits.ts';
import { eventsRepository as events, type EventRow } from './events.repository.ts';
import {
  sourcesRepository as repo,
  type KeyLookup,
  type SourceRow,
  type SourceStatus,
  type SourceType,
  type WriteKeyRow,
} from './sources.repository.ts';
import type { TrackingContext } from './tracking.context.ts';
import { trackingErrors } from './tracking.errors.ts';

export type WriteKey = {
  id: string;
  /** The public part, to tell keys apart: `wk_ab12cd34`. */
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  isActive: boolean;
};

export type Source = {
  id: string;
  name: string;
  type: SourceType;
  touchpoint: { id: string; name: string } | null;
  rateLimit: number;
  status: SourceStatus;
  keys: WriteKey[];
  lastEventAt: string | null;
  /** Events received in the last 24 hours, counted up to 10,000 (`10000` reads "10,000+"). */
  eventsLast24h: number;
  createdAt: string;
  updatedAt: string;
};

export type DebuggerEntry = {
  id: string;
  status: 'accepted' | 'refused';
  receivedAt: string;
  timestamp: string | null;
  type: string | null;
  event: string | null;
  messageId: string | null;
  userId: string | null;
  anonymousId: string | null;
  customerId: string | null;
  url: string | null;
  properties: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
  field: string | null;
  reason: string | null;
};

export type TrackedEvent = {
  id: string;
  sourceId: string;
  customerId: string | null;
  anonymousId: string | null;
  userId: string | null;
  type: string;
  event: string | null;
  url: string | null;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  timestamp: string;
  receivedAt: string;
  messageId: string;
};

export type TrackingSettings = { traitMapping: TraitRule[]; onMatch: OnMatch };

/** What a tracking request knows about its source once the key checked out. */
export type SourceAuth = { id: string; name: string; touchpointId: string | null; rateLimit: number };

const KEY = /^wk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
const COUNT_CAP = 10_000;
/** How long a rotated-out key keeps working by default, so deployed SDKs can be updated. */
export const DEFAULT_ROTATION_GRACE_HOURS = 24;

function toWriteKey(k: WriteKeyRow, at: Date): WriteKey {
  const isActive = !k.revoked_at && (!k.expires_at || k.expires_at.getTime() > at.getTime());
  return {
    id: k.id,
    prefix: `wk_${k.prefix}`,
    createdAt: k.created_at.toISOString(),
    expiresAt: k.expires_at?.toISOString() ?? null,
    revokedAt: k.revoked_at?.toISOString() ?? null,
    isActive,
  };
}

export function toTrackedEvent(r: EventRow): TrackedEvent {
  return {
    id: r.id,
    sourceId: r.source_id,
    customerId: r.customer_id,
    anonymousId: r.anonymous_id,
    userId: r.user_id,
    type: r.type,
    event: r.event,
    url: r.url,
    properties: r.properties,
    context: r.context,
    timestamp: r.timestamp.toISOString(),
    receivedAt: r.received_at.toISOString(),
    messageId: r.message_id,
  };
}

/** Keyset cursor of the events list: the last row's (timestamp, id). */
function encodeCursor(timestamp: string, id: string): string {
  return Buffer.from(JSON.stringify([timestamp, id])).toString('base64url');
}
function decodeCursor(cursor: string): { timestamp: Date; id: string } | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string' && /^\d{1,19}$/.test(v[1])) {
      const timestamp = new Date(v[0]);
      if (!Number.isNaN(timestamp.getTime())) return { timestamp, id: v[1] };
    }
  } catch {
    // an unreadable cursor is reported below
  }
  return null;
}

export type SourcesService = ReturnType<typeof createSourcesService>;

export function createSourcesService(ctx: TrackingContext) {
  const { db, audit, now, customers, keys } = ctx;

  async function present(rows: SourceRow[]): Promise<Source[]> {
    const ids = rows.map((r) => r.id);
    const at = now();
    const [keyRows, activity, touchpoints] = await Promise.all([
      repo.keysOf(db, ids),
      events.sourceActivity(db, ids, new Date(at.getTime() - 24 * 3600 * 1000), COUNT_CAP),
      customers.touchpointsByIds(
        db,
        rows.flatMap((r) => (r.touchpoint_id ? [r.touchpoint_id] : [])),
      ),
    ]);
    return rows.map((r) => {
      const a = activity.get(r.id);
      return {
        id: r.id,
        name: r.name,
        type: r.type,
        touchpoint: r.touchpoint_id
          ? { id: r.touchpoint_id, name: touchpoints.get(r.touchpoint_id)?.name ?? '' }
          : null,
        rateLimit: r.rate_limit,
        status: r.status,
        keys: keyRows.filter((k) => k.source_id === r.id).map((k) => toWriteKey(k, at)),
        lastEventAt: a?.last?.toISOString() ?? null,
        eventsLast24h: a?.recent ?? 0,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      };
    });
  }

  async function get(id: string): Promise<Source> {
    const row = await repo.find(db, id);
    if (!row) throw commonErrors.notFound('source');
    const [source] = await present([row]);
    return source;
  }

  async function checkTouchpoint(touchpointId: string | null | undefined): Promise<void> {
    if (!touchpointId) return;
    if (!(await customers.findTouchpoint(db, { id: touchpointId }))) throw trackingErrors.unknownTouchpoint();
  }

  /** A new key for the source: the secret leaves this function once and is kept only as a hash. */
  function newKey(): { prefix: string; secret: string; token: string } {
    const prefix = randomBytes(4).toString('hex');
    const secret = randomToken(32);
    return { prefix, secret, token: `wk_${prefix}_${secret}` };
  }

  return {
    get,

    async list(): Promise<Source[]> {
      return present(await repo.list(db));
    },

    async create(
      request: FastifyRequest,
      input: { name: string; type: SourceType; touchpointId?: string | null; rateLimit?: number },
    ): Promise<Source & { writeKey: string }> {
      const actor = request.actor as Actor;
      await checkTouchpoint(input.touchpointId);
      const at = now();
      const key = newKey();
      const id = await db.transaction(async (tx) => {
        const sourceId = await repo.insert(tx, {
          name: input.name,
          type: input.type,
          touchpointId: input.touchpointId ?? null,
          rateLimit: input.rateLimit ?? 20000,
          createdBy: actor.userId,
          at,
        });
        await repo.insertKey(tx, { sourceId, prefix: key.prefix, secretHash: sha256(key.secret), at });
        await audit.recordRequest(
          request,
          {
            action: 'tracking_source.created',
            entityType: 'tracking_source',
            entityId: sourceId,
            details: { name: input.name, type: input.type, keyPrefix: `wk_${key.prefix}` },
          },
          tx,
        );
        return sourceId;
      });
      return { ...(await get(id)), writeKey: key.token };
    },

    async update(
      request: FastifyRequest,
      id: string,
      patch: { name?: string; touchpointId?: string | null; rateLimit?: number; status?: SourceStatus },
    ): Promise<Source> {
      await checkTouchpoint(patch.touchpointId);
      await db.transaction(async (tx) => {
        if (!(await repo.update(tx, id, patch, now()))) throw commonErrors.notFound('source');
        await audit.recordRequest(
          request,
          { action: 'tracking_source.updated', entityType: 'tracking_source', entityId: id, details: { ...patch } },
          tx,
        );
      });
      keys.clear();
      return get(id);
    },

    /** The source and its keys go; events it sent stay on their customers' timelines. */
    async remove(request: FastifyRequest, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        const row = await repo.find(tx, id);
        if (!row || !(await repo.remove(tx, id))) throw commonErrors.notFound('source');
        await audit.recordRequest(
          request,
          {
            action: 'tracking_source.deleted',
            entityType: 'tracking_source',
            entityId: id,
            details: { name: row.name },
          },
          tx,
        );
      });
      keys.clear();
    },

    /** A new key; the others keep working for `graceHours` (0: they stop now). */
    async rotateKey(
      request: FastifyRequest,
      id: string,
      graceHours = DEFAULT_ROTATION_GRACE_HOURS,
    ): Promise<Source & { writeKey: string }> {
      const at = now();
      const key = newKey();
      await db.transaction(async (tx) => {
        if (!(await repo.find(tx, id))) throw commonErrors.notFound('source');
        const keyId = await repo.insertKey(tx, {
          sourceId: id,
          prefix: key.prefix,
          secretHash: sha256(key.secret),
          at,
        });
        const expiresAt = new Date(at.getTime() + graceHours * 3600 * 1000);
        const expired = await repo.expireKeys(tx, id, keyId, expiresAt);
        await audit.recordRequest(
          request,
          {
            action: 'tracking_source.key_rotated',
            entityType: 'tracking_source',
            entityId: id,
            details: {
              keyPrefix: `wk_${key.prefix}`,
              previousKeys: expired,
              previousExpireAt: expiresAt.toISOString(),
            },
          },
          tx,
        );
      });
      keys.clear();
      return { ...(await get(id)), writeKey: key.token };
    },

    async revokeKey(request: FastifyRequest, id: string, keyId: string): Promise<Source> {
      await db.transaction(async (tx) => {
        const outcome = await repo.revokeKey(tx, id, keyId, now());
        if (!outcome) throw commonErrors.notFound('writeKey');
        if (outcome === 'revoked') {
          await audit.recordRequest(
            request,
            { action: 'tracking_source.key_revoked', entityType: 'tracking_source', entityId: id, details: { keyId } },
            tx,
          );
        }
      });
      keys.clear();
      return get(id);
    },

    /**
     * The source a write key belongs to. The key's public prefix finds the row; the secret's hash
     * is compared in constant time; results (good and bad) are cached for a few seconds.
     */
    async authenticate(writeKey: string | null): Promise<SourceAuth> {
      if (!writeKey) throw trackingErrors.writeKeyMissing();
      const m = KEY.exec(writeKey);
      if (!m) throw trackingErrors.writeKeyInvalid();
      const [, prefix, secret] = m;
      let found = keys.get(prefix);
      if (found === undefined) {
        found = await repo.lookupKey(db, prefix);
        keys.set(prefix, found);
      }
      const lookup: KeyLookup | null = found;
      if (!lookup || !equalHashes(lookup.secret_hash, sha256(secret))) throw trackingErrors.writeKeyInvalid();
      const at = now().getTime();
      if (lookup.revoked_at || (lookup.expires_at && lookup.expires_at.getTime() <= at)) {
        throw trackingErrors.writeKeyInvalid();
      }
      if (lookup.status !== 'active') throw trackingErrors.sourceDisabled();
      return {
        id: lookup.source_id,
        name: lookup.name,
        touchpointId: lookup.touchpoint_id,
        rateLimit: lookup.rate_limit,
      };
    },

    /** The latest events received (accepted and refused), newest first, for the live debugger. */
    async debuggerFeed(id: string, limit: number): Promise<DebuggerEntry[]> {
      if (!(await repo.find(db, id))) throw commonErrors.notFound('source');
      const [accepted, refused] = await Promise.all([
        events.latestOfSource(db, id, limit),
        events.latestRefusals(db, id, limit),
      ]);
      const entries: DebuggerEntry[] = [
        ...accepted.map((e) => ({
          id: `e${e.id}`,
          status: 'accepted' as const,
          receivedAt: e.received_at.toISOString(),
          timestamp: e.timestamp.toISOString(),
          type: e.type,
          event: e.event,
          messageId: e.message_id,
          userId: e.user_id,
          anonymousId: e.anonymous_id,
          customerId: e.customer_id,
          url: e.url,
          properties: e.properties,
          context: e.context,
          field: null,
          reason: null,
        })),
        ...refused.map((r) => ({
          id: `r${r.id}`,
          status: 'refused' as const,
          receivedAt: r.received_at.toISOString(),
          timestamp: null,
          type: r.type,
          event: r.event,
          messageId: r.message_id,
          userId: null,
          anonymousId: null,
          customerId: null,
          url: null,
          properties: null,
          context: null,
          field: r.field,
          reason: r.reason,
        })),
      ];
      entries.sort((a, b) =>
        a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : a.id < b.id ? 1 : -1,
      );
      return entries.slice(0, limit);
    },

    async listEvents(q: {
      customerId?: string;
      anonymousId?: string;
      sourceId?: string;
      type?: MessageType;
      event?: string;
      limit: number;
      cursor?: string;
    }): Promise<{ items: TrackedEvent[]; nextCursor: string | null }> {
      const before = q.cursor ? decodeCursor(q.cursor) : undefined;
      if (before === null) throw commonErrors.referenceMissing('cursor');
      const rows = await events.listEvents(db, { ...q, before, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit).map(toTrackedEvent);
      const last = page[page.length - 1];
      return { items: page, nextCursor: rows.length > q.limit && last ? encodeCursor(last.timestamp, last.id) : null };
    },

    async getSettings(): Promise<TrackingSettings> {
      const row = await events.findSettings(db);
      return row
        ? { traitMapping: row.trait_mapping, onMatch: row.on_match }
        : { traitMapping: defaultTraitMapping, onMatch: 'fillEmpty' };
    },

    async saveSettings(request: FastifyRequest, input: TrackingSettings): Promise<TrackingSettings> {
      input.traitMapping.forEach((rule, i) => {
        if (!isMappableField(rule.field)) throw trackingErrors.unknownField(i, rule.field);
      });
      await db.transaction(async (tx) => {
        await events.saveSettings(tx, input, now());
        await audit.recordRequest(
          request,
          {
            action: 'tracking_settings.updated',
            entityType: 'tracking_settings',
            details: { rules: input.traitMapping.length, onMatch: input.onMatch },
          },
          tx,
        );
      });
      return input;
    },
  };
}
