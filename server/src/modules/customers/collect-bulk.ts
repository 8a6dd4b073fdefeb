import { randomUUID } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { DomainError } from '../../platform/http/errors.ts';
import type { CollectedCustomer, CollectFailure, CollectResult, Collector, ExternalIdentity } from './collect.face.ts';
import { bidxColumn, collectable, matchFields, type CollectorDeps, type MatchField } from './collect.ts';
import { customerEventTypes, type CustomerCreatedEvent } from './customers.events.ts';
import { violatedUniqueField, type CustomerColumns } from './customers.repository.ts';
import type { CustomerPatch } from './customers.service.ts';
import { blindIndexOf, identitySpecs, maskIdentity } from './identities.ts';
import { tagsRepository } from './tags.repository.ts';
import { findAliasHolders } from './merge.repository.ts';

/**
 * The collector for many customers at once (imports): the same outcome as calling `resolve`
 * for each input in order, in a fraction of the round trips. One query matches the whole chunk
 * by blind index, external id and identity; rows that match nobody are validated with the API's
 * rules and inserted together (customers, stats rows, identities, timeline rows); a row that
 * matches on "skip" is answered without writing. Everything else (a match to update, a row
 * sharing an identifier with an earlier row of the chunk, lenient input) goes through `resolve`
 * one at a time, after the rows before it are written, so the order of the chunk is kept.
 */

type Rules = Parameters<CollectorDeps['prepare']>[3];

/** Every column a new customer row may be given, with its type for `jsonb_to_recordset`. */
const insertColumns: [keyof CustomerColumns, string, string | null][] = [
  ['name', 'text', null],
  ['name_placeholder', 'boolean', 'false'],
  ['name_terms', 'text[]', `'{}'::text[]`],
  ['gender', 'text', `'unknown'`],
  ['birthday', 'date', null],
  ['occupation', 'text', null],
  ['income_band', 'text', null],
  ['education', 'text', null],
  ['country', 'text', `'CN'`],
  ['province', 'text', null],
  ['city', 'text', null],
  ['district', 'text', null],
  ['mobile_enc', 'text', null],
  ['mobile_bidx', 'text', null],
  ['email_enc', 'text', null],
  ['email_bidx', 'text', null],
  ['wechat_open_id_enc', 'text', null],
  ['wechat_open_id_bidx', 'text', null],
  ['wechat_union_id_enc', 'text', null],
  ['wechat_union_id_bidx', 'text', null],
  ['id_number_enc', 'text', null],
  ['id_number_bidx', 'text', null],
  ['address_enc', 'text', null],
  ['external_id', 'text', null],
  ['source', 'text', null],
  ['touchpoint_id', 'uuid', null],
  ['owner_id', 'uuid', null],
  ['tags', 'text[]', `'{}'::text[]`],
];

const isBlank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/** Thrown inside the chunk's savepoint when another writer took an identifier meanwhile. */
class Raced extends Error {}

type Keyed = {
  input: CollectedCustomer;
  profile: CustomerPatch;
  keys: Partial<Record<MatchField, { normalised: string; bidx: string }>>;
  externalId: string | null;
  ids: readonly ExternalIdentity[];
  /** Every identifier as one string, to notice two rows of a chunk naming the same person. */
  tokens: string[];
};

type Pending = {
  index: number;
  keyed: Keyed;
  id: string;
  at: Date;
  columns: CustomerColumns & { name: string };
  attributes: Record<string, unknown>;
  changed: string[];
};

export type BulkCollector = Pick<Collector, 'resolveMany' | 'matchMany' | 'check'>;

export function createBulkCollector(
  deps: CollectorDeps,
  rules: Rules,
  single: Pick<Collector, 'resolve'>,
): BulkCollector {
  const { ctx } = deps;
  const { crypto, events, now } = ctx;

  function keyed(input: CollectedCustomer | Pick<CollectedCustomer, 'profile' | 'ids'>): Keyed {
    const profile: CustomerPatch = Object.fromEntries(
      collectable.filter((f) => input.profile[f] !== undefined).map((f) => [f, input.profile[f]]),
    );
    const country = (profile.country ?? 'CN') as CountryCode;
    const keys: Keyed['keys'] = {};
    const tokens: string[] = [];
    for (const field of matchFields) {
      const raw = profile[field];
      if (isBlank(raw)) continue;
      const normalised = identitySpecs[field].normalise(String(raw), country);
      const bidx = normalised === null ? null : blindIndexOf(crypto, field, normalised);
      if (normalised === null || bidx === null) continue;
      keys[field] = { normalised, bidx };
      tokens.push(`${field}:${bidx}`);
    }
    const externalId = isBlank(profile.externalId) ? null : String(profile.externalId);
    if (externalId) tokens.push(`externalId:${externalId}`);
    const ids = input.ids ?? [];
    for (const i of ids) tokens.push(`id:${i.kind}:${i.namespace}:${i.value}`);
    return { input: input as CollectedCustomer, profile, keys, externalId, ids, tokens };
  }

  /** For each row, every customer its identifiers point at, strongest first (what `resolve` matches on). */
  async function candidatesMany(q: Queryable, rows: readonly Keyed[]): Promise<{ customerId: string; by: string }[][]> {
    const byField = new Map<string, string>();
    const params: unknown[] = [];
    const ors: string[] = [];
    for (const field of matchFields) {
      const values = [...new Set(rows.flatMap((r) => (r.keys[field] ? [r.keys[field].bidx] : [])))];
      if (!values.length) continue;
      params.push(values);
      ors.push(`${bidxColumn[field]} = any($${params.length}::text[])`);
    }
    const externalIds = [...new Set(rows.flatMap((r) => (r.externalId ? [r.externalId] : [])))];
    if (externalIds.length) {
      params.push(externalIds);
      ors.push(`external_id = any($${params.length}::text[])`);
    }
    if (ors.length) {
      const found = await q.query<Record<string, string | null> & { id: string }>(
        `select id, mobile_bidx, email_bidx, wechat_union_id_bidx, wechat_open_id_bidx, external_id
           from customers where ${ors.join(' or ')}`,
        params,
      );
      for (const row of found) {
        for (const field of matchFields) {
          const v = row[bidxColumn[field]];
          if (v) byField.set(`${field}:${v}`, row.id);
        }
        if (row.external_id) byField.set(`externalId:${row.external_id}`, row.id);
      }
      // identifiers kept from records merged into someone (merge.service.ts) lead to the survivor; the profile wins
      const aliases = await findAliasHolders(q, [
        ...matchFields.flatMap((field) =>
          [...new Set(rows.flatMap((r) => (r.keys[field] ? [r.keys[field].bidx] : [])))].map((lookup) => ({
            field,
            lookup,
          })),
        ),
        ...externalIds.map((lookup) => ({ field: 'externalId', lookup })),
      ]);
      for (const [key, customerId] of aliases) if (!byField.has(key)) byField.set(key, customerId);
    }
    const ids = rows.flatMap((r) => r.ids);
    if (ids.length) {
      const found = await q.query<{ customer_id: string; kind: string; namespace: string; value: string }>(
        `select customer_id, kind, namespace, value from customer_identities
          where (kind, namespace, value) in (select * from unnest($1::text[], $2::text[], $3::text[]))`,
        [ids.map((i) => i.kind), ids.map((i) => i.namespace), ids.map((i) => i.value)],
      );
      for (const r of found) byField.set(`id:${r.kind}:${r.namespace}:${r.value}`, r.customer_id);
    }
    return rows.map((r) => {
      const hits: { customerId: string; by: string }[] = [];
      for (const field of matchFields) {
        const key = r.keys[field];
        const id = key && byField.get(`${field}:${key.bidx}`);
        if (id) hits.push({ customerId: id, by: field });
      }
      const ext = r.externalId && byField.get(`externalId:${r.externalId}`);
      if (ext) hits.push({ customerId: ext, by: 'externalId' });
      for (const i of r.ids) {
        const id = byField.get(`id:${i.kind}:${i.namespace}:${i.value}`);
        if (id) hits.push({ customerId: id, by: `${i.kind}:${i.namespace}` });
      }
      return hits;
    });
  }

  /** The placeholder `resolve` names a customer with when no name is known. */
  function placeholderName(k: Keyed): string {
    if (k.keys.email) return k.keys.email.normalised.split('@')[0];
    if (k.keys.mobile) return maskIdentity('mobile', k.keys.mobile.normalised);
    if (k.keys.wechatUnionId ?? k.keys.wechatOpenId) return 'WeChat';
    return k.ids[0] ? `#${k.ids[0].value}` : '—';
  }

  /** Validates a row as a new customer; throws the API's 422 naming every field. */
  function prepareNew(k: Keyed, id: string) {
    const named = !isBlank(k.profile.name);
    const create: CustomerPatch = {
      ...k.profile,
      name: named ? k.profile.name : placeholderName(k),
      source: k.input.source,
      touchpointId: k.input.touchpointId ?? null,
    };
    const prepared = deps.prepare(id, create, null, rules);
    return {
      columns: { ...prepared.columns, name: prepared.columns.name ?? create.name!, name_placeholder: !named },
      attributes: prepared.attributes?.set ?? {},
      changed: prepared.changed.filter((f) => f !== 'source' && f !== 'touchpointId'),
    };
  }

  async function insertAll(tx: Tx, rows: readonly Pending[]): Promise<void> {
    const records = rows.map((p) => {
      const r: Record<string, unknown> = { id: p.id, attributes: p.attributes, at: p.at.toISOString() };
      for (const [column] of insertColumns) r[column] = p.columns[column] ?? null;
      return r;
    });
    const names = insertColumns.map(([c]) => c);
    const values = insertColumns.map(([c, , fallback]) => (fallback ? `coalesce(r.${c}, ${fallback})` : `r.${c}`));
    await tx.query(
      `insert into customers (id, ${names.join(', ')}, attributes, created_by, created_at, updated_at)
       select r.id, ${values.join(', ')}, coalesce(r.attributes, '{}'::jsonb), null, r.at, r.at
         from jsonb_to_recordset($1::jsonb) as r(id uuid, ${insertColumns.map(([c, type]) => `${c} ${type}`).join(', ')},
              attributes jsonb, at timestamptz)`,
      [JSON.stringify(records)],
    );
    await tx.query(
      `insert into customer_stats (customer_id, updated_at)
       select id, at from unnest($1::uuid[], $2::timestamptz[]) as r(id, at)`,
      [rows.map((p) => p.id), rows.map((p) => p.at)],
    );
    const tags = [...new Set(rows.flatMap((p) => p.columns.tags ?? []))];
    if (tags.length) await tagsRepository.register(tx, tags, rows[0].at);
    const links = rows.flatMap((p) =>
      p.keyed.ids.map((i) => ({ ...i, customerId: p.id, source: p.keyed.input.source })),
    );
    if (links.length) {
      const inserted = await tx.query<{ n: number }>(
        `with linked as (
           insert into customer_identities (customer_id, kind, namespace, value, source)
           select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
           on conflict (kind, namespace, value) do nothing returning 1)
         select count(*)::int as n from linked`,
        [
          links.map((l) => l.customerId),
          links.map((l) => l.kind),
          links.map((l) => l.namespace),
          links.map((l) => l.value),
          links.map((l) => l.source),
        ],
      );
      // an id linked by someone else after the match: that someone is the match (resolve finds them)
      if (inserted[0].n !== links.length) throw new Raced();
    }
    await tx.query(
      `insert into activities (customer_id, at, kind, module, touchpoint_id, summary)
       select customer_id, at, 'customer.created', 'customers', touchpoint_id, summary
         from unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::jsonb[]) as r(customer_id, at, touchpoint_id, summary)`,
      [
        rows.map((p) => p.id),
        rows.map((p) => p.at),
        rows.map((p) => p.keyed.input.touchpointId ?? null),
        rows.map((p) => JSON.stringify({ source: p.keyed.input.source, ...p.keyed.input.summary })),
      ],
    );
    await events.emitMany<CustomerCreatedEvent>(
      tx,
      rows.map((p) => ({
        type: customerEventTypes.created,
        customerId: p.id,
        payload: { customerId: p.id, source: p.keyed.input.source, touchpointId: p.keyed.input.touchpointId ?? null },
      })),
    );
  }

  const asFailure = (err: unknown): CollectFailure => {
    if (err instanceof DomainError && (err.kind === 'invalid' || err.kind === 'conflict')) return { error: err };
    throw err;
  };

  return {
    check(input) {
      try {
        prepareNew(keyed(input), randomUUID());
        return null;
      } catch (err) {
        if (err instanceof DomainError && err.kind === 'invalid') return err;
        throw err;
      }
    },

    async matchMany(q, inputs) {
      const rows = inputs.map(keyed);
      const hits = await candidatesMany(q, rows);
      return hits.map((h) => (h[0] ? { customerId: h[0].customerId, matchedBy: h[0].by } : null));
    },

    async resolveMany(tx, inputs) {
      const out: (CollectResult | CollectFailure)[] = new Array(inputs.length);
      const rows = inputs.map(keyed);
      const hits = await candidatesMany(tx, rows);
      const seen = new Set<string>();
      let pending: Pending[] = [];

      const one = async (index: number) => {
        try {
          out[index] = await single.resolve(tx, inputs[index]);
        } catch (err) {
          out[index] = asFailure(err);
        }
      };

      const flush = async () => {
        if (!pending.length) return;
        const batch = pending;
        pending = [];
        try {
          await tx.transaction((sp) => insertAll(sp, batch));
          for (const p of batch) {
            out[p.index] = {
              customerId: p.id,
              outcome: 'created',
              matchedBy: null,
              dropped: [],
              conflicts: [],
              changed: p.changed,
            };
          }
        } catch (err) {
          if (!(err instanceof Raced) && violatedUniqueField(err) === null) throw err;
          // someone else wrote one of these people meanwhile: one at a time, each matching afresh
          for (const p of batch) await one(p.index);
        }
      };

      for (let index = 0; index < rows.length; index++) {
        const row = rows[index];
        const input = row.input;
        const repeats = row.tokens.some((t) => seen.has(t));
        for (const t of row.tokens) seen.add(t);
        const found = hits[index];
        const distinct = new Set(found.map((h) => h.customerId));
        const idsHeld = row.ids.every((i) => found.some((h) => h.by === `${i.kind}:${i.namespace}`));

        if (!repeats && !input.lenient && found.length === 0) {
          const id = randomUUID();
          try {
            pending.push({ index, keyed: row, id, at: input.at ?? now(), ...prepareNew(row, id) });
          } catch (err) {
            out[index] = asFailure(err);
          }
        } else if (!repeats && input.onMatch === 'skip' && distinct.size === 1 && idsHeld) {
          out[index] = {
            customerId: found[0].customerId,
            outcome: 'skipped',
            matchedBy: found[0].by,
            dropped: [],
            conflicts: [],
            changed: [],
          };
        } else {
          await flush();
          await one(index);
        }
      }
      await flush();
      return out;
    },
  };
}
