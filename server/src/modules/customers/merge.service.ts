import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { assertCan } from '../../platform/auth/actor.ts';
import type { AuditEntry } from '../../platform/audit/audit.service.ts';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { translator, type Locale } from '../../platform/i18n/i18n.ts';
import { aliasLookup, sealAlias } from './aliases.ts';
import { consentsRepository } from './consents.repository.ts';
import { customerViewFor, encColumn, toCustomer, type Customer } from './customer.dto.ts';
import type { CustomersContext } from './customers.context.ts';
import { customersErrors, fieldErrors } from './customers.errors.ts';
import {
  customersRepository,
  violatedUniqueField,
  type CustomerColumns,
  type CustomerRow,
} from './customers.repository.ts';
import type { CustomerDependent } from './customers.face.ts';
import type { DuplicatesService } from './duplicates.service.ts';
import { duplicatesRepository } from './duplicates.repository.ts';
import { identityFields, identitySpecs, openIdentity, sealIdentity, type IdentityField } from './identities.ts';
import { mergeErrors } from './merge.errors.ts';
import { mergeEventTypes, type CustomerMergedEvent, type CustomerUnmergedEvent } from './merge.events.ts';
import {
  checkChoices,
  planMerge,
  type AliasField,
  type ClearIdentities,
  type MergePlan,
  type MergeSide,
} from './merge.plan.ts';
import {
  mergeRepository as repo,
  setCustomerColumns,
  type MergeExtras,
  type MergeRow,
  type NewAlias,
} from './merge.repository.ts';

export type MergeBody = {
  survivorId: string;
  mergedId: string;
  fields?: Record<string, MergeSide>;
  dryRun?: boolean;
};

export type MergeView = {
  id: string;
  survivor: { id: string; name: string | null };
  merged: { id: string; name: string };
  fields: Record<string, MergeSide>;
  moved: Record<string, number>;
  tagsAdded: string[];
  autoRule: string | null;
  mergedBy: { id: string; name: string } | null;
  mergedAt: string;
  undoneAt: string | null;
  undoneBy: { id: string; name: string } | null;
};

export type MergePreview = {
  dryRun: true;
  /** The survivor as it would be (identities masked). */
  customer: Customer;
  fields: Record<string, MergeSide>;
  /** Rows that would move to the survivor, per table. */
  moves: Record<string, number>;
  /** Identifier fields whose losing value would be kept as an alias. */
  aliases: AliasField[];
  tagsAdded: string[];
  /** Tables holding rows of the merged record that cannot be moved (the merge would be refused). */
  blockers: string[];
};
export type MergeDone = { dryRun: false; merge: MergeView; customer: Customer };

/** Who merges: a person (their request's audit trail) or an automatic rule. */
export type Merger = {
  userId: string | null;
  autoRule: string | null;
  locale: Locale;
  audit(entry: AuditEntry, tx: Queryable): Promise<void>;
};

/** The tables of this module a merge moves, by the name their ids are kept under. */
const internalMoves = ['timeline', 'identities', 'aliases', 'consents', 'verified'] as const;

/** A snapshot column's API field name (`wechat_open_id_enc` → `wechatOpenId`, `city` → `region`). */
const columnFields: Record<string, string> = {
  touchpoint_id: 'touchpoint',
  owner_id: 'owner',
  external_id: 'externalId',
  name_placeholder: 'name',
  country: 'region',
  province: 'region',
  city: 'region',
  district: 'region',
};
function fieldOfColumn(column: string): string {
  return (
    columnFields[column] ?? column.replace(/_(enc|bidx)$/, '').replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Money strings added without floats. */
function addMoney(a: string, b: string): string {
  const fen = (v: string) => {
    const [y, f = ''] = v.split('.');
    return BigInt(y) * 100n + BigInt((f + '00').slice(0, 2));
  };
  const sum = fen(a) + fen(b);
  return `${sum / 100n}.${String(sum % 100n).padStart(2, '0')}`;
}

export type MergeService = ReturnType<typeof createMergeService>;

/**
 * Merging two customers into one, in one transaction: every row of the merged record moves to
 * the survivor (this module's tables and every dependent's), the profile takes the chosen values,
 * identifiers that lose their place are kept as aliases, and the provenance needed to undo it
 * exactly is stored. docs/decisions/0011-merge.md.
 */
export function createMergeService(ctx: CustomersContext, duplicates: DuplicatesService) {
  const { db, crypto, events, face, now } = ctx;

  function clearOf(row: CustomerRow): ClearIdentities {
    const out: ClearIdentities = {};
    for (const field of identityFields) {
      const enc = row[encColumn(field)];
      if (!enc) continue;
      try {
        out[field] = openIdentity(crypto, field, enc, row.id);
      } catch {
        throw customersErrors.identityUnreadable(field);
      }
    }
    return out;
  }

  /** The survivor's identity columns for the plan, sealed for the survivor's row. */
  function sealedIdentities(plan: MergePlan, survivorId: string): CustomerColumns {
    const columns: Record<string, string | null> = {};
    for (const [field, value] of Object.entries(plan.identities) as [IdentityField, string | null][]) {
      const spec = identitySpecs[field];
      const sealed = value === null ? { enc: null, bidx: null } : sealIdentity(crypto, field, value, survivorId);
      columns[`${spec.column}_enc`] = sealed.enc;
      if (spec.indexBytes !== null) columns[`${spec.column}_bidx`] = sealed.bidx;
    }
    return columns as CustomerColumns;
  }

  /** Both records, or the 404/409 that says why not (a merged record names where it went). */
  async function loadPair(q: Queryable, body: MergeBody): Promise<{ survivor: CustomerRow; merged: CustomerRow }> {
    const found: Partial<Record<'survivorId' | 'mergedId', CustomerRow>> = {};
    for (const field of ['survivorId', 'mergedId'] as const) {
      const row = await customersRepository.findCustomer(q, body[field]);
      if (row) {
        found[field] = row;
        continue;
      }
      const merge = await repo.activeMergeOf(q, body[field]);
      throw merge ? mergeErrors.alreadyMerged(field, merge.survivor_id, merge.id) : mergeErrors.customerNotFound(field);
    }
    return { survivor: found.survivorId!, merged: found.mergedId! };
  }

  function plan(survivor: CustomerRow, merged: CustomerRow, choices: Record<string, MergeSide>): MergePlan {
    const input = { survivor, merged, identities: { survivor: clearOf(survivor), merged: clearOf(merged) }, choices };
    const problems = checkChoices(input);
    if (problems.length) throw fieldErrors(problems);
    return planMerge(input);
  }

  async function dependentCounts(q: Queryable, customerId: string) {
    const held: { dependent: CustomerDependent; count: number }[] = [];
    for (const dependent of face.dependents()) {
      const count = await dependent.countFor(q, customerId);
      if (count > 0) held.push({ dependent, count });
    }
    return held;
  }

  function blockersOf(held: { dependent: CustomerDependent; count: number }[]) {
    return held.filter((h) => !h.dependent.moveFor || !h.dependent.restoreFor);
  }

  /** The 409 naming what cannot move, in the reader's words ("3 个订单"). */
  function unsupported(locale: Locale, held: { name: string; count: number }[]) {
    const t = translator(locale);
    return mergeErrors.unsupported(
      held
        .map((h) => t(`customerDependents.${h.name}`, { count: h.count, defaultValue: `${h.name}: ${h.count}` }))
        .join(t('customerDependents.separator', { defaultValue: ', ' })),
    );
  }

  async function preview(body: MergeBody): Promise<MergePreview> {
    if (body.survivorId === body.mergedId) throw mergeErrors.same();
    const { survivor, merged } = await loadPair(db, body);
    const p = plan(survivor, merged, body.fields ?? {});
    const moves = await repo.counts(db, merged.id);
    const held = await dependentCounts(db, merged.id);
    for (const h of held) moves[h.dependent.name] = h.count;
    // the survivor as the merge would leave it; money and dates from both stats rows
    const row: CustomerRow = {
      ...survivor,
      ...(p.columns as Partial<CustomerRow>),
      ...(sealedIdentities(p, survivor.id) as Partial<CustomerRow>),
      tags: p.tags ?? survivor.tags,
      attributes: Object.fromEntries(
        Object.entries({ ...survivor.attributes, ...(p.attributes?.set ?? {}) }).filter(
          ([k]) => !p.attributes?.unset.includes(k),
        ),
      ) as CustomerRow['attributes'],
      touchpoint_name: p.fields.touchpoint === 'merged' ? merged.touchpoint_name : survivor.touchpoint_name,
      touchpoint_type: p.fields.touchpoint === 'merged' ? merged.touchpoint_type : survivor.touchpoint_type,
      order_count: survivor.order_count + merged.order_count,
      total_spent: addMoney(survivor.total_spent, merged.total_spent),
      first_order_at:
        [survivor.first_order_at, merged.first_order_at].filter((d): d is Date => !!d).sort((a, b) => +a - +b)[0] ??
        null,
      last_order_at:
        [survivor.last_order_at, merged.last_order_at].filter((d): d is Date => !!d).sort((a, b) => +b - +a)[0] ?? null,
      last_seen_at:
        [survivor.last_seen_at, merged.last_seen_at].filter((d): d is Date => !!d).sort((a, b) => +b - +a)[0] ?? null,
    };
    const count = row.order_count;
    const fen = Math.round(Number(row.total_spent) * 100);
    row.average_order_value = count > 0 ? (Math.round(fen / count) / 100).toFixed(2) : '0.00';
    return {
      dryRun: true,
      customer: toCustomer(row, await customerViewFor(ctx, [row])),
      fields: p.fields,
      moves,
      aliases: p.aliases.map((a) => a.field),
      tagsAdded: p.tagsAdded,
      blockers: blockersOf(held).map((h) => h.dependent.name),
    };
  }

  /** The merge itself, in one transaction; returns the merge's id. */
  async function perform(body: MergeBody, by: Merger): Promise<string> {
    if (body.survivorId === body.mergedId) throw mergeErrors.same();
    const at = now();
    const mergeId = randomUUID();
    const s = body.survivorId;
    const m = body.mergedId;
    return db.transaction(async (tx) => {
      await repo.lockCustomers(tx, [s, m]);
      const { survivor, merged } = await loadPair(tx, body);
      const p = plan(survivor, merged, body.fields ?? {});
      const held = await dependentCounts(tx, m);
      const blockers = blockersOf(held);
      if (blockers.length) {
        throw unsupported(
          by.locale,
          blockers.map((h) => ({ name: h.dependent.name, count: h.count })),
        );
      }

      const mergedSnapshot = await repo.snapshot(tx, m);
      const survivorBefore = (await repo.snapshot(tx, s)).row;
      const extras: MergeExtras = {
        survivorConsentState: await repo.consentState(tx, s),
        mergedConsentState: await repo.consentState(tx, m),
        consentMaxId: await repo.maxConsentId(tx),
        mergedVerified: await repo.verifiedOf(tx, m),
      };

      const moves: Record<string, string[]> = {
        timeline: await repo.moveRows(tx, 'activities', m, s),
        identities: await repo.moveRows(tx, 'customer_identities', m, s),
        aliases: await repo.moveRows(tx, 'customer_aliases', m, s),
        consents: await repo.moveRows(tx, 'customer_consents', m, s),
        verified: await repo.moveVerified(tx, m, s),
      };
      await repo.mergeConsentState(tx, m, s);
      for (const h of held) moves[h.dependent.name] = await h.dependent.moveFor!(tx, m, s);

      // the merged record goes first: the survivor may take its identifiers (unique columns)
      await customersRepository.deleteCustomer(tx, m);
      const columns: CustomerColumns = {
        ...p.columns,
        ...sealedIdentities(p, s),
        ...(p.tags ? { tags: p.tags } : {}),
      };
      if (Object.keys(columns).length || p.attributes) {
        await customersRepository.updateCustomer(tx, s, columns, p.attributes, at);
      }
      const aliases: NewAlias[] = p.aliases.map((a) => {
        const id = randomUUID();
        return {
          id,
          customerId: s,
          field: a.field,
          lookup: aliasLookup(crypto, a.field, a.value),
          valueEnc: sealAlias(crypto, id, a.value),
          mergeId,
        };
      });
      await repo.insertAliases(tx, aliases);
      await repo.raiseLastSeen(tx, s, (mergedSnapshot.stats?.last_seen_at as string | null) ?? null);

      const survivorAfter = (await repo.snapshot(tx, s)).row;
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const key of Object.keys(survivorAfter)) {
        if (key === 'updated_at' || same(survivorBefore[key], survivorAfter[key])) continue;
        before[key] = survivorBefore[key];
        after[key] = survivorAfter[key];
      }
      const moved = Object.fromEntries(Object.entries(moves).map(([k, ids]) => [k, ids.length]));
      await repo.insertMerge(
        tx,
        {
          id: mergeId,
          survivor_id: s,
          merged_id: m,
          merged_name: merged.name,
          merged_row: mergedSnapshot.row,
          merged_stats: mergedSnapshot.stats,
          survivor_before: before,
          survivor_after: after,
          fields: p.fields,
          tags_added: p.tagsAdded,
          moved,
          extras,
          auto_rule: by.autoRule,
          merged_by: by.userId,
          merged_at: at,
        },
        moves,
      );
      await duplicatesRepository.markMerged(tx, s, m, mergeId, by.userId, at);
      await face.recordActivity(tx, {
        customerId: s,
        at,
        kind: 'customer.merged',
        module: 'customers',
        ref: `merge:${mergeId}`,
        actorId: by.userId,
        summary: { mergeId, mergedId: m, mergedName: merged.name, autoRule: by.autoRule, moved },
      });
      await events.emit<CustomerMergedEvent>(tx, {
        type: mergeEventTypes.merged,
        customerId: s,
        payload: { survivorId: s, mergedId: m, mergeId, autoRule: by.autoRule },
      });
      await by.audit(
        {
          action: 'customer.merged',
          entityType: 'customer',
          entityId: s,
          details: { mergeId, mergedId: m, fields: p.fields, moved, autoRule: by.autoRule },
        },
        tx,
      );
      // the survivor's identifiers changed: it may now pair with someone else
      await duplicates.detectFor(tx, [s], at);
      return mergeId;
    });
  }

  /** The survivor's columns an undo writes back: those still as the merge left them (a later edit wins). */
  function undoColumns(merge: MergeRow, current: Record<string, unknown>) {
    const restore: Record<string, unknown> = {};
    const kept = new Set<string>();
    for (const [column, value] of Object.entries(merge.survivor_after)) {
      if (column === 'tags' || column === 'attributes' || column === 'name_terms') continue;
      if (same(current[column], value)) restore[column] = merge.survivor_before[column];
      else if (!column.endsWith('_bidx')) kept.add(fieldOfColumn(column));
    }
    if ('name' in restore) restore.name_terms = merge.survivor_before.name_terms ?? current.name_terms;
    if (merge.tags_added.length) {
      restore.tags = ((current.tags as string[]) ?? []).filter((t) => !merge.tags_added.includes(t));
    }
    if ('attributes' in merge.survivor_after) {
      const was = (merge.survivor_before.attributes ?? {}) as Record<string, unknown>;
      const set = (merge.survivor_after.attributes ?? {}) as Record<string, unknown>;
      const now = { ...((current.attributes ?? {}) as Record<string, unknown>) };
      for (const key of new Set([...Object.keys(was), ...Object.keys(set)])) {
        if (same(was[key], set[key])) continue;
        if (!same(now[key], set[key])) {
          kept.add(`attributes.${key}`);
          continue;
        }
        if (was[key] === undefined) delete now[key];
        else now[key] = was[key];
      }
      restore.attributes = now;
    }
    return { restore, kept: [...kept] };
  }

  async function view(rows: MergeRow[]): Promise<MergeView[]> {
    const userIds = [...new Set(rows.flatMap((r) => [r.merged_by, r.undone_by]).filter((id): id is string => !!id))];
    const users = userIds.length ? await ctx.userNames(userIds) : new Map<string, string>();
    const names = await face.namesOf(
      db,
      rows.map((r) => r.survivor_id),
    );
    const user = (id: string | null) => (id ? { id, name: users.get(id) ?? '' } : null);
    return rows.map((r) => ({
      id: r.id,
      survivor: { id: r.survivor_id, name: names.get(r.survivor_id) ?? null },
      merged: { id: r.merged_id, name: r.merged_name },
      fields: r.fields,
      moved: r.moved,
      tagsAdded: r.tags_added,
      autoRule: r.auto_rule,
      mergedBy: user(r.merged_by),
      mergedAt: r.merged_at.toISOString(),
      undoneAt: r.undone_at?.toISOString() ?? null,
      undoneBy: user(r.undone_by),
    }));
  }

  async function getView(id: string): Promise<MergeView> {
    const row = await repo.findMerge(db, id);
    if (!row) throw mergeErrors.notFound();
    return (await view([row]))[0];
  }

  async function getCustomer(id: string): Promise<Customer> {
    const row = await customersRepository.findCustomer(db, id);
    if (!row) throw customersErrors.notFound();
    return toCustomer(row, await customerViewFor(ctx, [row]));
  }

  /** Undo in one transaction: the merged record back with its values, exactly its moved rows back. */
  async function undo(
    tx: Tx,
    merge: MergeRow,
    by: { userId: string | null; audit(entry: AuditEntry, tx: Queryable): Promise<void> },
  ): Promise<string[]> {
    const at = now();
    const s = merge.survivor_id;
    const m = merge.merged_id;
    const present = await repo.lockCustomers(tx, [s, m]);
    if (!present.has(s)) {
      const later = await repo.activeMergeOf(tx, s);
      throw later ? mergeErrors.laterMerge(later.id) : mergeErrors.survivorGone();
    }
    if (present.has(m)) throw mergeErrors.alreadyUndone();
    const current = (await repo.snapshot(tx, s)).row;
    const { restore, kept } = undoColumns(merge, current);
    try {
      await tx.transaction(async (sp) => {
        await repo.deleteAliasesOfMerge(sp, merge.id);
        await setCustomerColumns(sp, s, restore, at);
        await repo.restoreCustomer(sp, merge.merged_row, merge.merged_stats);
      });
    } catch (err) {
      const field = violatedUniqueField(err);
      if (!field) throw err;
      throw mergeErrors.undoConflict(field, null);
    }

    const moves = await repo.movesOf(tx, merge.id);
    const ids = (name: string) => moves.get(name) ?? [];
    await repo.restoreRows(tx, 'activities', s, m, ids('timeline'));
    await repo.restoreRows(tx, 'customer_identities', s, m, ids('identities'));
    await repo.restoreRows(tx, 'customer_aliases', s, m, ids('aliases'));
    await repo.restoreRows(tx, 'customer_consents', s, m, ids('consents'));
    await repo.restoreVerified(tx, s, m, ids('verified'), merge.extras.mergedVerified);
    // consent states as they were, then what the survivor decided after the merge on top of its own
    await repo.setConsentState(tx, m, merge.extras.mergedConsentState ?? []);
    await repo.setConsentState(tx, s, merge.extras.survivorConsentState ?? []);
    for (const c of await repo.consentsAfter(tx, s, merge.extras.consentMaxId ?? 0)) {
      await consentsRepository.applyToState(tx, Number(c.id), c);
    }
    for (const [name, rowIds] of moves) {
      if ((internalMoves as readonly string[]).includes(name)) continue;
      const dependent = face.dependents().find((d) => d.name === name);
      // rows moved by a module that is not there any more cannot be put back: refuse rather than half-undo
      if (!dependent?.restoreFor) throw unsupported('en', [{ name, count: rowIds.length }]);
      await dependent.restoreFor(tx, s, m, rowIds);
    }

    await repo.markUndone(tx, merge.id, by.userId, at);
    await duplicatesRepository.unmarkMerged(tx, merge.id);
    await face.recordActivity(tx, {
      customerId: s,
      at,
      kind: 'customer.merge_undone',
      module: 'customers',
      ref: `merge:${merge.id}`,
      actorId: by.userId,
      summary: { mergeId: merge.id, mergedId: m, mergedName: merge.merged_name, kept },
    });
    await events.emit<CustomerUnmergedEvent>(tx, {
      type: mergeEventTypes.unmerged,
      customerId: s,
      payload: { survivorId: s, mergedId: m, mergeId: merge.id },
    });
    await by.audit(
      {
        action: 'customer.merge_undone',
        entityType: 'customer',
        entityId: s,
        details: { mergeId: merge.id, mergedId: m, kept },
      },
      tx,
    );
    await duplicates.detectFor(tx, [s, m], at);
    return kept;
  }

  const requestMerger = (request: FastifyRequest): Merger => ({
    userId: request.actor?.userId ?? null,
    autoRule: null,
    locale: request.locale,
    audit: (entry, tx) => ctx.audit.recordRequest(request, entry, tx),
  });

  return {
    perform,

    /** POST /customers/merge: a dry run shows the outcome; otherwise merges. */
    async merge(request: FastifyRequest, body: MergeBody): Promise<MergePreview | MergeDone> {
      assertCan(request.actor, 'customers.edit');
      if (body.dryRun) return preview(body);
      const mergeId = await perform(body, requestMerger(request));
      return { dryRun: false, merge: await getView(mergeId), customer: await getCustomer(body.survivorId) };
    },

    async undo(request: FastifyRequest, mergeId: string): Promise<{ merge: MergeView; kept: string[] }> {
      assertCan(request.actor, 'customers.edit');
      const merger = requestMerger(request);
      const kept = await db.transaction(async (tx) => {
        const merge = await repo.findMerge(tx, mergeId, true);
        if (!merge) throw mergeErrors.notFound();
        if (merge.undone_at) throw mergeErrors.alreadyUndone();
        return undo(tx, merge, merger);
      });
      return { merge: await getView(mergeId), kept };
    },

    get: getView,

    async list(q: {
      customerId?: string;
      limit: number;
      cursor?: string;
    }): Promise<{ items: MergeView[]; nextCursor: string | null }> {
      let after: { at: Date; id: string } | undefined;
      if (q.cursor) {
        const [at, id] = Buffer.from(q.cursor, 'base64url').toString().split('|');
        const date = new Date(at ?? '');
        if (!Number.isNaN(date.getTime()) && /^[0-9a-f-]{36}$/.test(id ?? '')) after = { at: date, id };
      }
      const rows = await repo.listMerges(db, { customerId: q.customerId, after, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: await view(page),
        nextCursor:
          rows.length > q.limit && last
            ? Buffer.from(`${last.merged_at.toISOString()}|${last.id}`).toString('base64url')
            : null,
      };
    },
  };
}
