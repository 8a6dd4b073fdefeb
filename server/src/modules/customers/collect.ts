import { randomUUID } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { DomainError } from '../../platform/http/errors.ts';
import type { CollectedCustomer, CollectResult, Collector, ExternalIdentity } from './collect.face.ts';
import { customerEventTypes, type CustomerCreatedEvent, type CustomerUpdatedEvent } from './customers.events.ts';
import type { CustomersContext } from './customers.context.ts';
import {
  customersRepository as repo,
  violatedUniqueField,
  type AttributeDefinitionRow,
  type CustomerColumns,
  type CustomerRow,
} from './customers.repository.ts';
import type { CustomerPatch, PrepareKnown } from './customers.service.ts';
import type { AttributeChanges } from './attributes.service.ts';
import { blindIndexOf, identityFields, identitySpecs, maskIdentity, type IdentityField } from './identities.ts';
import { tagsRepository } from './tags.repository.ts';
import { findAliasHolders } from './merge.repository.ts';

/** Thrown inside the savepoint when another writer got there first; resolve() matches again. */
class Raced extends Error {}

type Rules = { today: string; definitions: AttributeDefinitionRow[] };
type Prepared = { columns: CustomerColumns; attributes: AttributeChanges | null; changed: string[] };

/** What the customers service lends the collector: its validation, so collected data obeys the API's rules. */
export type CollectorDeps = {
  ctx: CustomersContext;
  rules(): Promise<Rules>;
  prepare(id: string, input: CustomerPatch, current: CustomerRow | null, rules: Rules, known?: PrepareKnown): Prepared;
};

/** The identifiers a customer is matched by, strongest first. */
export const matchFields = ['mobile', 'email', 'wechatUnionId', 'wechatOpenId'] as const;
export type MatchField = (typeof matchFields)[number];
export const bidxColumn: Record<MatchField, string> = {
  mobile: 'mobile_bidx',
  email: 'email_bidx',
  wechatUnionId: 'wechat_union_id_bidx',
  wechatOpenId: 'wechat_open_id_bidx',
};

/** Profile fields a collector may write (the rest, such as the owner, belong to staff). */
export const collectable: (keyof CustomerPatch)[] = [
  'name',
  'gender',
  'birthday',
  'mobile',
  'email',
  'wechatOpenId',
  'wechatUnionId',
  'idNumber',
  'address',
  'country',
  'province',
  'city',
  'district',
  'occupation',
  'incomeBand',
  'education',
  'externalId',
  'tags',
  'attributes',
];

const isBlank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/** The API field names a validation error names (`attributes.size` included). */
function problemFields(err: DomainError): string[] {
  return [err.field, ...(err.fields ?? []).map((f) => f.field)].filter((f): f is string => !!f);
}

function withoutField(patch: CustomerPatch, field: string): CustomerPatch {
  const next = { ...patch };
  if (field.startsWith('attributes.') && next.attributes) {
    const attributes = { ...next.attributes };
    delete attributes[field.slice('attributes.'.length)];
    next.attributes = attributes;
  } else if (field === 'province' || field === 'city' || field === 'district') {
    // a region is checked as a whole: drop the part that failed and what hangs below it
    const order = ['province', 'city', 'district'] as const;
    for (const f of order.slice(order.indexOf(field))) delete next[f];
  } else {
    delete next[field as keyof CustomerPatch];
  }
  return next;
}

/** Normalised identifiers with their blind indexes, as matched on. */
export type MatchKeys = Partial<Record<MatchField, { normalised: string; bidx: string }>>;

/** A name when the collector knows none: the email's local part, a masked mobile, or the first id. */
export function placeholderName(keys: MatchKeys, ids: readonly ExternalIdentity[]): string {
  if (keys.email) return keys.email.normalised.split('@')[0];
  if (keys.mobile) return maskIdentity('mobile', keys.mobile.normalised);
  if (keys.wechatUnionId ?? keys.wechatOpenId) return 'WeChat';
  return ids[0] ? `#${ids[0].value}` : '—';
}

/** Whether the stored value counts as empty for "fill empty fields" (tags and attributes merge key by key). */
function isEmptyOn(current: CustomerRow, field: keyof CustomerPatch): boolean {
  if (field === 'name') return current.name_placeholder || current.name.trim() === '';
  if (field === 'gender') return current.gender === 'unknown';
  if (field === 'country') return false; // defaulted, never "empty"
  if ((identityFields as readonly string[]).includes(field)) {
    return current[`${identitySpecs[field as IdentityField].column}_enc` as keyof CustomerRow] === null;
  }
  const column = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) as keyof CustomerRow;
  return current[column] === null || current[column] === undefined;
}

/** The part of the collected profile to write on a matched customer. */
export function patchFor(current: CustomerRow, profile: CustomerPatch, input: CollectedCustomer): CustomerPatch {
  const patch: CustomerPatch = {};
  for (const field of collectable) {
    const value = profile[field];
    if (value === undefined || isBlank(value)) continue;
    if (field === 'tags') {
      const merged = [...new Set([...current.tags, ...(value as string[])])];
      if (merged.length !== current.tags.length) patch.tags = merged;
      continue;
    }
    if (field === 'attributes') {
      const attributes = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).filter(
          ([k, v]) => !isBlank(v) && (input.onMatch === 'overwrite' || current.attributes[k] === undefined),
        ),
      );
      if (Object.keys(attributes).length) patch.attributes = attributes;
      continue;
    }
    if (input.onMatch === 'overwrite' || isEmptyOn(current, field)) {
      (patch as Record<string, unknown>)[field] = value;
    }
  }
  // region parts travel together, or a city would be checked against the old province
  if (patch.city !== undefined || patch.district !== undefined) {
    patch.province ??= profile.province ?? current.province;
    patch.city ??= profile.city ?? current.city;
  }
  return patch;
}

/** One input at a time; collect-bulk.ts adds the chunked half of the Collector on top. */
export function createCollector(deps: CollectorDeps, rules: Rules): Pick<Collector, 'resolve' | 'match'> {
  const { ctx } = deps;
  const { crypto, face, events, now } = ctx;

  /** Normalised identifiers with their blind indexes; unusable ones are reported, not matched. */
  function keysOf(profile: CustomerPatch) {
    const country = (profile.country ?? 'CN') as CountryCode;
    const keys: MatchKeys = {};
    const invalid: MatchField[] = [];
    for (const field of matchFields) {
      const raw = profile[field];
      if (isBlank(raw)) continue;
      const normalised = identitySpecs[field].normalise(String(raw), country);
      const bidx = normalised === null ? null : blindIndexOf(crypto, field, normalised);
      if (normalised === null || bidx === null) invalid.push(field);
      else keys[field] = { normalised, bidx };
    }
    return { keys, invalid };
  }

  /** Every customer any of the identifiers points at, and by which identifier, strongest first. */
  async function candidates(
    q: Queryable,
    keys: ReturnType<typeof keysOf>['keys'],
    externalId: string | null,
    ids: readonly ExternalIdentity[],
  ): Promise<{ customerId: string; by: string }[]> {
    const found: { customerId: string; by: string }[] = [];
    const params: unknown[] = [];
    const ors: string[] = [];
    for (const field of matchFields) {
      const key = keys[field];
      if (!key) continue;
      params.push(key.bidx);
      ors.push(`${bidxColumn[field]} = $${params.length}`);
    }
    if (externalId) {
      params.push(externalId);
      ors.push(`external_id = $${params.length}`);
    }
    if (ors.length) {
      const rows = await q.query<Record<string, string | null> & { id: string }>(
        `select id, mobile_bidx, email_bidx, wechat_union_id_bidx, wechat_open_id_bidx, external_id
           from customers where ${ors.join(' or ')}`,
        params,
      );
      // identifiers kept from records merged into someone (merge.service.ts) lead to the survivor
      const aliases = await findAliasHolders(q, [
        ...matchFields.flatMap((field) => (keys[field] ? [{ field, lookup: keys[field].bidx }] : [])),
        ...(externalId ? [{ field: 'externalId', lookup: externalId }] : []),
      ]);
      for (const field of matchFields) {
        const hit = keys[field] && rows.find((r) => r[bidxColumn[field]] === keys[field]!.bidx);
        const alias = keys[field] && aliases.get(`${field}:${keys[field].bidx}`);
        if (hit) found.push({ customerId: hit.id, by: field });
        else if (alias) found.push({ customerId: alias, by: field });
      }
      const byExternal = externalId && rows.find((r) => r.external_id === externalId);
      const externalAlias = externalId && aliases.get(`externalId:${externalId}`);
      if (byExternal) found.push({ customerId: byExternal.id, by: 'externalId' });
      else if (externalAlias) found.push({ customerId: externalAlias, by: 'externalId' });
    }
    if (ids.length) {
      const rows = await q.query<{ customer_id: string; kind: string; namespace: string; value: string }>(
        `select customer_id, kind, namespace, value from customer_identities
          where (kind, namespace, value) in (select * from unnest($1::text[], $2::text[], $3::text[]))`,
        [ids.map((i) => i.kind), ids.map((i) => i.namespace), ids.map((i) => i.value)],
      );
      for (const id of ids) {
        const hit = rows.find((r) => r.kind === id.kind && r.namespace === id.namespace && r.value === id.value);
        if (hit) found.push({ customerId: hit.customer_id, by: `${id.kind}:${id.namespace}` });
      }
    }
    return found;
  }

  /**
   * Validates with the API's rules. Lenient: drops each failing field and tries again (each
   * round removes at least one field, so it ends); strict: the API's 422.
   */
  function prepareLenient(
    id: string,
    patch: CustomerPatch,
    current: CustomerRow | null,
    lenient: boolean,
    dropped: CollectResult['dropped'],
  ): Prepared {
    let next = patch;
    for (;;) {
      try {
        return deps.prepare(id, next, current, rules);
      } catch (err) {
        if (!lenient || !(err instanceof DomainError) || err.kind !== 'invalid') throw err;
        const fields = problemFields(err).filter((f) => f !== 'name');
        if (!fields.length) throw err;
        for (const field of fields) {
          dropped.push({ field, reason: err.fields?.find((f) => f.field === field)?.code ?? err.code });
          next = withoutField(next, field);
        }
      }
    }
  }

  /** Links `ids` to the customer; ids another customer holds are reported as conflicts. */
  async function linkIds(
    tx: Queryable,
    customerId: string,
    ids: readonly ExternalIdentity[],
    source: string,
  ): Promise<string[]> {
    if (!ids.length) return [];
    const inserted = await tx.query<{ kind: string; namespace: string; value: string }>(
      `insert into customer_identities (customer_id, kind, namespace, value, source)
       select $1, kind, namespace, value, $5 from unnest($2::text[], $3::text[], $4::text[]) as w(kind, namespace, value)
       on conflict (kind, namespace, value) do nothing
       returning kind, namespace, value`,
      [customerId, ids.map((i) => i.kind), ids.map((i) => i.namespace), ids.map((i) => i.value), source],
    );
    const taken = ids.filter(
      (i) => !inserted.some((r) => r.kind === i.kind && r.namespace === i.namespace && r.value === i.value),
    );
    if (!taken.length) return [];
    // a statement of its own: its snapshot sees a holder that committed while the insert waited
    const holders = await tx.query<{ customer_id: string }>(
      `select distinct customer_id from customer_identities
        where (kind, namespace, value) in (select * from unnest($2::text[], $3::text[], $4::text[])) and customer_id <> $1`,
      [customerId, taken.map((i) => i.kind), taken.map((i) => i.namespace), taken.map((i) => i.value)],
    );
    return holders.map((r) => r.customer_id);
  }

  /** Identities on the profile that belong to someone else are not written (unique), only reported. */
  function withoutHeldIdentities(
    patch: CustomerPatch,
    found: { customerId: string; by: string }[],
    customerId: string | null,
  ): { patch: CustomerPatch; conflicts: string[] } {
    const conflicts: string[] = [];
    let next = patch;
    for (const hit of found) {
      if (hit.customerId === customerId) continue;
      conflicts.push(hit.customerId);
      if ((matchFields as readonly string[]).includes(hit.by) || hit.by === 'externalId') {
        next = withoutField(next, hit.by);
      }
    }
    return { patch: next, conflicts: [...new Set(conflicts)] };
  }

  async function resolveOnce(tx: Tx, input: CollectedCustomer): Promise<CollectResult> {
    const at = input.at ?? now();
    const ids = input.ids ?? [];
    const dropped: CollectResult['dropped'] = [];
    let profile: CustomerPatch = Object.fromEntries(
      collectable.filter((f) => input.profile[f] !== undefined).map((f) => [f, input.profile[f]]),
    );
    const { keys, invalid } = keysOf(profile);
    for (const field of invalid) {
      if (!input.lenient) break; // prepare() names them in the 422
      dropped.push({ field, reason: 'invalidIdentity' });
      profile = withoutField(profile, field);
    }
    const externalId = isBlank(profile.externalId) ? null : String(profile.externalId);
    const found = await candidates(tx, keys, externalId, ids);
    const summary = { source: input.source, ...input.summary };

    const match = found[0];
    if (match) {
      const current = await repo.lockCustomer(tx, match.customerId);
      if (!current) throw new Raced('matched customer deleted in between');
      const conflicts = await linkIds(tx, current.id, ids, input.source);
      const base = { customerId: current.id, matchedBy: match.by, dropped, changed: [] as string[] };
      const held = withoutHeldIdentities(patchFor(current, profile, input), found, current.id);
      conflicts.push(...held.conflicts);
      const unique = [...new Set(conflicts)];
      if (input.onMatch === 'skip') return { ...base, outcome: 'skipped', conflicts: unique };
      const prepared = prepareLenient(current.id, held.patch, current, !!input.lenient, dropped);
      if (prepared.changed.length === 0) return { ...base, outcome: 'unchanged', conflicts: unique };
      if (prepared.columns.name !== undefined) prepared.columns.name_placeholder = false;
      await repo.updateCustomer(tx, current.id, prepared.columns, prepared.attributes, at);
      if (prepared.columns.tags?.length) await tagsRepository.register(tx, prepared.columns.tags, at);
      await face.recordActivity(tx, {
        customerId: current.id,
        at,
        kind: 'profile.updated',
        module: 'customers',
        touchpointId: input.touchpointId ?? null,
        summary: { ...summary, fields: prepared.changed },
      });
      await events.emit<CustomerUpdatedEvent>(tx, {
        type: customerEventTypes.updated,
        customerId: current.id,
        payload: { customerId: current.id, fields: prepared.changed },
      });
      return { ...base, outcome: 'updated', conflicts: unique, changed: prepared.changed };
    }

    const id = randomUUID();
    const named = !isBlank(profile.name);
    const create: CustomerPatch = {
      ...profile,
      name: named ? profile.name : placeholderName(keys, ids),
      source: input.source,
      touchpointId: input.touchpointId ?? null,
    };
    const prepared = prepareLenient(id, create, null, !!input.lenient, dropped);
    const columns = { ...prepared.columns, name_placeholder: !named };
    const name = columns.name ?? create.name!;
    await repo.insertCustomer(tx, id, { ...columns, name }, prepared.attributes?.set ?? {}, null, at);
    if (columns.tags?.length) await tagsRepository.register(tx, columns.tags, at);
    const conflicts = await linkIds(tx, id, ids, input.source);
    // an id already linked to someone was linked after we matched: that someone is the match
    if (conflicts.length) throw new Raced('identity linked concurrently');
    await face.recordActivity(tx, {
      customerId: id,
      at,
      kind: 'customer.created',
      module: 'customers',
      touchpointId: input.touchpointId ?? null,
      summary,
    });
    await events.emit<CustomerCreatedEvent>(tx, {
      type: customerEventTypes.created,
      customerId: id,
      payload: { customerId: id, source: input.source, touchpointId: input.touchpointId ?? null },
    });
    return {
      customerId: id,
      outcome: 'created',
      matchedBy: null,
      dropped,
      conflicts: [],
      changed: prepared.changed.filter((f) => f !== 'source' && f !== 'touchpointId'),
    };
  }

  return {
    async resolve(tx, input) {
      // A concurrent collector may create the same person between our match and our insert: the
      // unique index refuses the second, and matching again finds the first. Savepoints keep the
      // caller's transaction usable.
      for (let attempt = 0; ; attempt++) {
        try {
          return await tx.transaction((sp) => resolveOnce(sp, input));
        } catch (err) {
          const raced = err instanceof Raced || violatedUniqueField(err) !== null;
          if (!raced || attempt >= 2) throw err;
        }
      }
    },

    async match(q, input) {
      const profile = input.profile;
      const { keys } = keysOf(profile);
      const externalId = isBlank(profile.externalId) ? null : String(profile.externalId);
      const [first] = await candidates(q, keys, externalId, input.ids ?? []);
      return first ? { customerId: first.customerId, matchedBy: first.by } : null;
    },
  };
}
