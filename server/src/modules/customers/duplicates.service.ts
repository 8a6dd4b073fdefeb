import type { FastifyRequest } from 'fastify';
import { assertCan } from '../../platform/auth/actor.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import type { CollectFailure, CollectResult, Collector } from './collect.face.ts';
import { toCustomers, type Customer } from './customer.dto.ts';
import type { CustomersContext } from './customers.context.ts';
import { loadCustomers, type CustomerRow } from './customers.repository.ts';
import {
  duplicatesRepository as repo,
  type FoundPair,
  type IdNumberRow,
  type PairRow,
  type UpsertedPair,
} from './duplicates.repository.ts';
import { rescannableRules, type DuplicateRule } from './duplicates.rules.ts';
import { openAlias } from './aliases.ts';
import { identityFields, maskIdentity, openIdentity, type IdentityField } from './identities.ts';
import { mergeErrors } from './merge.errors.ts';
import { mergeRepository, verifiedRepository } from './merge.repository.ts';
import { encColumn } from './customer.dto.ts';

export const FIND_DUPLICATES_JOB = 'customers.find-duplicates';
export const CHECK_DUPLICATES_JOB = 'customers.check-duplicates';
export const AUTO_MERGE_JOB = 'customers.auto-merge';

/** Hash buckets of the full scan (a power of two): each is one short transaction with its own GROUP BYs. */
const SCAN_BUCKETS = 16;
/** Customers per round of the queue drain. */
const DRAIN_BATCH = 1000;
/** An ID number shared by more records than this is test data, not a person. */
const ID_NUMBER_GROUP_MAX = 10;

export type DuplicatePair = {
  id: string;
  rules: DuplicateRule[];
  score: number;
  status: 'open' | 'merged' | 'dismissed';
  autoRefusal: string | null;
  detectedAt: string;
  decidedAt: string | null;
  decidedBy: { id: string; name: string } | null;
  customers: [Customer, Customer];
};

export type CompareSide = {
  customer: Customer;
  /** Identifiers kept from earlier merges (masked unless revealed). */
  aliases: { field: string; value: string }[];
  /** Fields whose current value the customer proved to control. */
  verified: string[];
  /** Rows this record holds per table (what a merge would move). */
  counts: Record<string, number>;
};

export type Comparison = {
  pair: Omit<DuplicatePair, 'customers'> | null;
  sides: [CompareSide, CompareSide];
  revealed: boolean;
};

type Cursor = { score: number; id: string };
const encodeCursor = (c: Cursor) => Buffer.from(`${c.score}|${c.id}`).toString('base64url');
function decodeCursor(v: string | undefined): Cursor | undefined {
  if (!v) return undefined;
  const [score, id] = Buffer.from(v, 'base64url').toString().split('|');
  return /^\d{1,3}$/.test(score ?? '') && /^[0-9a-f-]{36}$/.test(id ?? '') ? { score: Number(score), id } : undefined;
}

export type DuplicatesService = ReturnType<typeof createDuplicatesService>;

/**
 * Duplicate detection and review. Detection runs the rules set-based: for a few customers right
 * after a change (staff edits in their transaction; collectors through a queue drained by a job,
 * so ingestion only notes ids), and over everyone in a nightly job, bucket by bucket.
 */
export function createDuplicatesService(ctx: CustomersContext) {
  const { db, crypto, audit, jobs, now } = ctx;

  /** Pairs of customers sharing an ID number, compared decrypted (the blind index is truncated). */
  function idNumberPairs(rows: readonly IdNumberRow[]): FoundPair[] {
    const groups = new Map<string, Set<string>>();
    for (const r of rows) {
      let value: string;
      try {
        value =
          r.src === 'profile'
            ? openIdentity(crypto, 'idNumber', r.enc, r.customer_id)
            : openAlias(crypto, r.row_id, r.enc);
      } catch {
        continue; // an unreadable token proves nothing
      }
      const key = `${r.bidx}\u0000${value}`;
      const group = groups.get(key) ?? new Set<string>();
      group.add(r.customer_id);
      groups.set(key, group);
    }
    const pairs: FoundPair[] = [];
    for (const group of groups.values()) {
      if (group.size < 2 || group.size > ID_NUMBER_GROUP_MAX) continue;
      const ids = [...group].sort();
      for (let i = 0; i < ids.length; i++) {
        for (let j = i + 1; j < ids.length; j++) pairs.push({ a: ids[i], b: ids[j], rule: 'idNumber' });
      }
    }
    return pairs;
  }

  /** Every rule for these customers, in the caller's transaction; returns the pairs touched. */
  async function detectFor(q: Queryable, ids: readonly string[], at = now()): Promise<UpsertedPair[]> {
    if (!ids.length) return [];
    const identifier = repo.identifierRuleFor(ids);
    const names = repo.nameRulesFor(ids);
    return [
      ...(await repo.upsertFound(q, identifier.sql, identifier.params, at)),
      ...(await repo.upsertFound(q, names.sql, names.params, at)),
      ...(await repo.upsertPairs(q, idNumberPairs(await repo.idNumbersFor(q, ids)), at)),
    ];
  }

  /** The whole customer base, one hash bucket per transaction; open pairs not found again are dropped. */
  async function scanAll(progress: (percent: number) => Promise<void>): Promise<{ pairs: number; pruned: number }> {
    const startedAt = await repo.scanStart(db, now());
    let pairs = 0;
    const identifier = repo.identifierRuleAll();
    pairs += (await db.transaction((tx) => repo.upsertFound(tx, identifier.sql, identifier.params, startedAt))).length;
    for (let bucket = 0; bucket < SCAN_BUCKETS; bucket++) {
      pairs += await db.transaction(async (tx) => {
        const names = repo.nameRulesInBucket(SCAN_BUCKETS, bucket);
        const byName = await repo.upsertFound(tx, names.sql, names.params, startedAt);
        const rows = await repo.idNumbersInBucket(tx, SCAN_BUCKETS, bucket);
        const byIdNumber = await repo.upsertPairs(tx, idNumberPairs(rows), startedAt);
        return byName.length + byIdNumber.length;
      });
      await progress(((bucket + 1) / SCAN_BUCKETS) * 95);
    }
    const pruned = await repo.prune(db, startedAt, rescannableRules);
    return { pairs, pruned };
  }

  /** Checks what collectors queued, a batch per transaction, until the queue is empty. */
  async function drainQueue(): Promise<{ customers: number }> {
    let customers = 0;
    for (;;) {
      const n = await db.transaction(async (tx) => {
        const ids = await repo.dequeue(tx, DRAIN_BATCH);
        await detectFor(tx, ids);
        return ids.length;
      });
      customers += n;
      if (n < DRAIN_BATCH) return { customers };
    }
  }

  /**
   * What collectors report: who they created or changed (queued for the rules) and customers
   * one record pointed at together (a `collected` pair, recorded at once).
   */
  async function afterCollect(tx: Tx, results: readonly (CollectResult | CollectFailure)[]): Promise<void> {
    const done = results.filter((r): r is CollectResult => 'customerId' in r);
    const changed = done.filter((r) => r.outcome === 'created' || r.outcome === 'updated').map((r) => r.customerId);
    const pairs: FoundPair[] = done.flatMap((r) =>
      r.conflicts.filter((c) => c !== r.customerId).map((c) => ({ a: r.customerId, b: c, rule: 'collected' as const })),
    );
    if (pairs.length) await repo.upsertPairs(tx, pairs, now());
    if (changed.length) {
      await repo.enqueue(tx, changed);
      // one queued drain at a time (queue policy `short`); a burst of writes shares it
      await jobs.send(CHECK_DUPLICATES_JOB, null, { tx, startAfter: 2 });
    }
  }

  async function toPairs(rows: readonly PairRow[]): Promise<DuplicatePair[]> {
    const ids = [...new Set(rows.flatMap((r) => [r.customer_a, r.customer_b]))];
    const customerRows = await loadCustomers(db, ids);
    const customers = new Map((await toCustomers(ctx, customerRows)).map((c) => [c.id, c]));
    const deciders = [...new Set(rows.map((r) => r.decided_by).filter((id): id is string => !!id))];
    const names = deciders.length ? await ctx.userNames(deciders) : new Map<string, string>();
    return rows
      .filter((r) => customers.has(r.customer_a) && customers.has(r.customer_b))
      .map((r) => ({
        ...pairView(r, names),
        customers: [customers.get(r.customer_a)!, customers.get(r.customer_b)!],
      }));
  }

  function pairView(r: PairRow, names: Map<string, string>): Omit<DuplicatePair, 'customers'> {
    return {
      id: r.id,
      rules: r.rules as DuplicateRule[],
      score: r.score,
      status: r.status,
      autoRefusal: r.auto_refusal,
      detectedAt: r.detected_at.toISOString(),
      decidedAt: r.decided_at?.toISOString() ?? null,
      decidedBy: r.decided_by ? { id: r.decided_by, name: names.get(r.decided_by) ?? '' } : null,
    };
  }

  /** The customer's identities in clear (for a holder of customers.reveal); unreadable ones as null. */
  function clearIdentities(row: CustomerRow): Partial<Record<IdentityField, string | null>> {
    const out: Partial<Record<IdentityField, string | null>> = {};
    for (const field of identityFields) {
      const enc = row[encColumn(field)];
      if (!enc) continue;
      try {
        out[field] = openIdentity(crypto, field, enc, row.id);
      } catch {
        out[field] = null;
      }
    }
    return out;
  }

  async function get(id: string): Promise<DuplicatePair> {
    const row = await repo.find(db, id);
    const [pair] = row ? await toPairs([row]) : [];
    if (!pair) throw mergeErrors.pairNotFound();
    return pair;
  }

  /** A staff create or edit: the rules at once, in its transaction; a new pair may be one a rule merges. */
  async function afterStaffChange(tx: Tx, ids: readonly string[]): Promise<void> {
    const pairs = await detectFor(tx, ids);
    if (pairs.some((p) => p.status === 'open')) await jobs.send(AUTO_MERGE_JOB, null, { tx });
  }

  return {
    detectFor,
    afterStaffChange,
    scanAll,
    drainQueue,
    afterCollect,

    /** The collector with duplicate checks after every write (customers.service hands it out). */
    watch(collector: Collector): Collector {
      return {
        ...collector,
        async resolve(tx, input) {
          const result = await collector.resolve(tx, input);
          await afterCollect(tx, [result]);
          return result;
        },
        async resolveMany(tx, inputs) {
          const results = await collector.resolveMany(tx, inputs);
          await afterCollect(tx, results);
          return results;
        },
      };
    },

    async list(q: {
      status: 'open' | 'dismissed';
      rule?: DuplicateRule;
      minScore?: number;
      customerId?: string;
      limit: number;
      cursor?: string;
    }): Promise<{ items: DuplicatePair[]; nextCursor: string | null; counts: { open: number; dismissed: number } }> {
      const rows = await repo.list(db, { ...q, after: decodeCursor(q.cursor), limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: await toPairs(page),
        nextCursor: rows.length > q.limit && last ? encodeCursor({ score: last.score, id: last.id }) : null,
        counts: await repo.counts(db),
      };
    },

    /** Two customers side by side; `reveal` (customers.reveal, audited) shows identities in clear. */
    async compare(request: FastifyRequest, a: string, b: string, reveal: boolean): Promise<Comparison> {
      assertCan(request.actor, 'customers.view');
      if (reveal) assertCan(request.actor, 'customers.reveal');
      if (a === b) throw mergeErrors.compareSame();
      const rows = await loadCustomers(db, [a, b]);
      for (const [field, id] of [
        ['a', a],
        ['b', b],
      ] as const) {
        if (rows.some((r) => r.id === id)) continue;
        const merge = await mergeRepository.activeMergeOf(db, id);
        throw merge
          ? mergeErrors.alreadyMerged(field, merge.survivor_id, merge.id)
          : mergeErrors.customerNotFound(field);
      }
      const customers = await toCustomers(ctx, rows);
      const [aliases, verified, pair] = await Promise.all([
        mergeRepository.aliasesOf(db, [a, b]),
        verifiedRepository.verifiedFields(db, [a, b]),
        repo.findPair(db, a, b),
      ]);
      const sides = [] as CompareSide[];
      for (const [i, row] of rows.entries()) {
        const counts = await mergeRepository.counts(db, row.id);
        for (const d of ctx.face.dependents()) counts[d.name] = await d.countFor(db, row.id);
        const customer = reveal ? { ...customers[i], ...clearIdentities(row) } : customers[i];
        sides.push({
          customer: customer as Customer,
          aliases: aliases
            .filter((x) => x.customer_id === row.id)
            .map((x) => {
              let value: string;
              try {
                value = openAlias(crypto, x.id, x.value_enc);
              } catch {
                return { field: x.field, value: '****' };
              }
              const masked = x.field === 'externalId' ? value : maskIdentity(x.field as IdentityField, value);
              return { field: x.field, value: reveal ? value : masked };
            }),
          verified: verified.get(row.id) ?? [],
          counts,
        });
      }
      if (reveal) {
        for (const row of rows) {
          await audit.recordRequest(request, {
            action: 'customer.revealed',
            entityType: 'customer',
            entityId: row.id,
            details: { fields: Object.keys(clearIdentities(row)), context: 'merge-compare' },
          });
        }
      }
      const deciders = pair?.decided_by ? await ctx.userNames([pair.decided_by]) : new Map<string, string>();
      return {
        pair: pair ? pairView(pair, deciders) : null,
        sides: sides as [CompareSide, CompareSide],
        revealed: reveal,
      };
    },

    /** "Not the same person": remembered until either record's identifiers change. */
    async dismiss(request: FastifyRequest, id: string): Promise<DuplicatePair> {
      const actor = request.actor;
      assertCan(actor, 'customers.edit');
      await db.transaction(async (tx) => {
        const pair = await repo.find(tx, id, true);
        if (!pair) throw mergeErrors.pairNotFound();
        if (pair.status !== 'open') throw mergeErrors.pairDecided(pair.status);
        await repo.dismiss(tx, id, actor.userId, now());
        await audit.recordRequest(
          request,
          {
            action: 'customer.duplicate_dismissed',
            entityType: 'customer',
            entityId: pair.customer_a,
            details: { pairId: id, customers: [pair.customer_a, pair.customer_b], rules: pair.rules },
          },
          tx,
        );
      });
      return get(id);
    },

    /** Takes back a "not the same person" decision. */
    async reopen(request: FastifyRequest, id: string): Promise<DuplicatePair> {
      const actor = request.actor;
      assertCan(actor, 'customers.edit');
      await db.transaction(async (tx) => {
        const pair = await repo.find(tx, id, true);
        if (!pair) throw mergeErrors.pairNotFound();
        if (pair.status !== 'dismissed') throw mergeErrors.pairDecided(pair.status);
        await repo.reopen(tx, id);
        await audit.recordRequest(
          request,
          {
            action: 'customer.duplicate_reopened',
            entityType: 'customer',
            entityId: pair.customer_a,
            details: { pairId: id },
          },
          tx,
        );
      });
      return get(id);
    },

    get,

    /** Queues a scan of every customer (the nightly run does the same). */
    async requestScan(request: FastifyRequest): Promise<{ jobId: string }> {
      assertCan(request.actor, 'customers.edit');
      const jobId = await jobs.send(FIND_DUPLICATES_JOB, null);
      if (!jobId) throw new Error('the duplicate scan was not queued');
      await audit.recordRequest(request, { action: 'customer.duplicate_scan_requested', details: { jobId } });
      return { jobId };
    },
  };
}
