import { randomUUID } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import type { Queryable, Tx } from '../../platform/db/db.ts';
import { DomainError } from '../../platform/http/errors.ts';
import type { CollectedCustomer, CollectFailure, CollectResult, Collector, ExternalIdentity } from './collect.face.ts';
import {
  bidxColumn,
  collectable,
  matchFields,
  patchFor,
  placeholderName,
  type CollectorDeps,
  type MatchKeys,
} from './collect.ts';
import { customerEventTypes, type CustomerCreatedEvent, type CustomerUpdatedEvent } from './customers.events.ts';
import {
  customersRepository as repo,
  violatedUniqueField,
  type CustomerColumns,
  type CustomerRow,
} from './customers.repository.ts';
import type { CustomerPatch, PrepareKnown } from './customers.service.ts';
import { blindIndexOf, identitySpecs } from './identities.ts';
import { tagsRepository } from './tags.repository.ts';
import { findAliasHolders } from './merge.repository.ts';

/**
 * The collector for many customers at once (imports): the same outcome as calling `resolve`
 * for each input in order, in a fraction of the round trips. One query matches the whole chunk
 * by blind index, external id and identity; rows that match nobody are validated with the API's
 * rules and inserted together (customers, stats rows, identities, timeline rows); a row that
 * matches on "skip" is answered without writing; a row that matches one customer nobody else
 * in the chunk matches is checked against that customer (locked and read with the others in one
 * query) and written with one UPDATE for all of them. Everything else (a row sharing an
 * identifier with an earlier row of the chunk, several customers matched, lenient input) goes
 * through `resolve` one at a time, after the rows before it are written, so the order of the
 * chunk is kept. Each identifier is normalised and indexed once per input (remembered for
 * `check` then `matchMany` in a dry run), and a check encrypts nothing.
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

/** What a matched customer's change may set: any column `prepare` hands back. */
const updateColumns = insertColumns;

const isBlank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/** Thrown inside the chunk's savepoint when another writer took an identifier meanwhile. */
class Raced extends Error {}

type Keyed = {
  input: CollectedCustomer;
  profile: CustomerPatch;
  country: string;
  keys: MatchKeys;
  /** The keys as `prepare` takes them, so it does not parse the phone again. */
  known: NonNullable<PrepareKnown['identities']>;
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

/** A matched customer's change, written with the others of the chunk in one UPDATE. */
type PendingUpdate = {
  index: number;
  keyed: Keyed;
  id: string;
  matchedBy: string;
  at: Date;
  columns: CustomerColumns;
  attributes: { set: Record<string, unknown>; unset: string[] } | null;
  changed: string[];
};

export type BulkCollector = Pick<Collector, 'resolveMany' | 'matchMany' | 'check' | 'warm'>;

export function createBulkCollector(
  deps: CollectorDeps,
  rules: Rules,
  single: Pick<Collector, 'resolve'>,
): BulkCollector {
  const { ctx } = deps;
  const { crypto, events, face, now } = ctx;

  /** Inputs already keyed (a dry run checks each row, then matches the chunk): parsed once. */
  const memo = new WeakMap<object, Keyed>();

  function keyed(input: CollectedCustomer | Pick<CollectedCustomer, 'profile' | 'ids'>): Keyed {
    const done = memo.get(input);
    if (done) return done;
    const profile: CustomerPatch = {};
    for (const f of collectable)
      if (input.profile[f] !== undefined) (profile as Record<string, unknown>)[f] = input.profile[f];
    const country = profile.country ?? 'CN';
    const keys: Keyed['keys'] = {};
    const known: Keyed['known'] = {};
    const tokens: string[] = [];
    for (const field of matchFields) {
      const raw = profile[field];
      if (isBlank(raw)) continue;
      const normalised = identitySpecs[field].normalise(String(raw), country as CountryCode);
      const bidx = normalised === null ? null : blindIndexOf(crypto, field, normalised);
      if (normalised === null || bidx === null) continue;
      keys[field] = { normalised, bidx };
      if (typeof raw === 'string') known[field] = { raw, country, normalised, bidx };
      tokens.push(`${field}:${bidx}`);
    }
    const externalId = isBlank(profile.externalId) ? null : String(profile.externalId);
    if (externalId) tokens.push(`externalId:${externalId}`);
    const ids = input.ids ?? [];
    for (const i of ids) tokens.push(`id:${i.kind}:${i.namespace}:${i.value}`);
    const k: Keyed = { input: input as CollectedCustomer, profile, country, keys, known, externalId, ids, tokens };
    memo.set(input, k);
    return k;
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

  /** `warm`'s work: each input prepared as a new customer under an id of its own, or its 422. */
  const speculated = new WeakMap<object, { id: string; prepared: Prepared } | { id: string; error: DomainError }>();

  /** Validates a row as a new customer; throws the API's 422 naming every field. */
  function prepareNew(k: Keyed, id: string, checkOnly = false) {
    const named = !isBlank(k.profile.name);
    const create: CustomerPatch = {
      ...k.profile,
      name: named ? k.profile.name : placeholderName(k.keys, k.ids),
      source: k.input.source,
      touchpointId: k.input.touchpointId ?? null,
    };
    const prepared = deps.prepare(id, create, null, rules, { identities: k.known, checkOnly });
    return {
      columns: { ...prepared.columns, name: prepared.columns.name ?? create.name!, name_placeholder: !named },
      attributes: prepared.attributes?.set ?? {},
      changed: prepared.changed.filter((f) => f !== 'source' && f !== 'touchpointId'),
    };
  }

  type Prepared = ReturnType<typeof prepareNew>;

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

  /** The matched customers' changes: one UPDATE (each row sets only its own columns), the timeline, the events. */
  async function updateAll(tx: Tx, rows: readonly PendingUpdate[]): Promise<void> {
    const records = rows.map((p) => {
      const cols = Object.keys(p.columns).filter((c) => p.columns[c as keyof CustomerColumns] !== undefined);
      // a column added to the table (customers.repository's writable list) must be added here too
      const unknown = cols.find((c) => !updateColumns.some(([known]) => known === c));
      if (unknown) throw new Error(`not a column the bulk update writes: ${unknown}`);
      const r: Record<string, unknown> = {
        id: p.id,
        cols,
        unset: p.attributes?.unset ?? null,
        attrs: p.attributes?.set ?? null,
        at: p.at.toISOString(),
      };
      for (const [column] of updateColumns) r[column] = p.columns[column] ?? null;
      return r;
    });
    const sets = updateColumns.map(([c]) => `${c} = case when '${c}' = any(r.cols) then r.${c} else c.${c} end`);
    const updated = await tx.query<{ id: string }>(
      `update customers c set ${sets.join(', ')},
         attributes = case when r.unset is null then c.attributes else (c.attributes - r.unset) || r.attrs end,
         updated_at = r.at
         from jsonb_to_recordset($1::jsonb) as r(id uuid, cols text[], unset text[], attrs jsonb, at timestamptz,
              ${updateColumns.map(([c, type]) => `${c} ${type}`).join(', ')})
        where c.id = r.id
        returning c.id`,
      [JSON.stringify(records)],
    );
    if (updated.length !== rows.length) throw new Raced(); // deleted in between (we hold the locks: never)
    const tags = [...new Set(rows.flatMap((p) => p.columns.tags ?? []))];
    if (tags.length) await tagsRepository.register(tx, tags, rows[0].at);
    await face.recordActivities(
      tx,
      rows.map((p) => ({
        customerId: p.id,
        at: p.at,
        kind: 'profile.updated',
        module: 'customers',
        touchpointId: p.keyed.input.touchpointId ?? null,
        summary: { source: p.keyed.input.source, ...p.keyed.input.summary, fields: p.changed },
      })),
    );
    await events.emitMany<CustomerUpdatedEvent>(
      tx,
      rows.map((p) => ({
        type: customerEventTypes.updated,
        customerId: p.id,
        payload: { customerId: p.id, fields: p.changed },
      })),
    );
  }

  /** The matched customers, locked for the rest of the transaction (in id order: two chunks never deadlock). */
  async function lockMany(tx: Tx, ids: readonly string[]): Promise<Map<string, CustomerRow>> {
    if (!ids.length) return new Map();
    await tx.query('select 1 from customers where id = any($1::uuid[]) order by id for update', [[...ids].sort()]);
    return new Map((await repo.loadCustomers(tx, ids)).map((r) => [r.id, r]));
  }

  const asFailure = (err: unknown): CollectFailure => {
    if (err instanceof DomainError && (err.kind === 'invalid' || err.kind === 'conflict')) return { error: err };
    throw err;
  };

  return {
    warm(inputs, { asNew = true } = {}) {
      for (const input of inputs) {
        const k = keyed(input);
        if (!asNew || input.lenient || speculated.has(input)) continue;
        const id = randomUUID();
        try {
          speculated.set(input, { id, prepared: prepareNew(k, id) });
        } catch (err) {
          if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err;
          speculated.set(input, { id, error: err });
        }
      }
    },

    check(input) {
      const warmed = speculated.get(input);
      if (warmed) return 'error' in warmed ? warmed.error : null;
      try {
        prepareNew(keyed(input), randomUUID(), true);
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

      // who each row would write on its own: a customer matched by one row only can be updated in bulk
      const matchedBy = new Map<string, number>();
      for (const found of hits)
        for (const id of new Set(found.map((h) => h.customerId))) matchedBy.set(id, (matchedBy.get(id) ?? 0) + 1);
      const seen = new Set<string>();
      const plan = rows.map((row, index) => {
        const repeats = row.tokens.some((t) => seen.has(t));
        for (const t of row.tokens) seen.add(t);
        const found = hits[index];
        const distinct = new Set(found.map((h) => h.customerId));
        // every id is someone's already (`resolve` would link it otherwise), and that someone is the match
        const idsHeld = row.ids.every((i) => found.some((h) => h.by === `${i.kind}:${i.namespace}`));
        if (repeats || row.input.lenient) return 'one' as const;
        if (found.length === 0) return 'new' as const;
        if (distinct.size !== 1 || !idsHeld) return 'one' as const;
        if (row.input.onMatch === 'skip') return 'skip' as const;
        return matchedBy.get(found[0].customerId) === 1 ? ('update' as const) : ('one' as const);
      });
      const current = await lockMany(
        tx,
        rows.flatMap((_, i) => (plan[i] === 'update' ? [hits[i][0].customerId] : [])),
      );

      let pending: Pending[] = [];
      let updates: PendingUpdate[] = [];

      const one = async (index: number) => {
        try {
          out[index] = await single.resolve(tx, inputs[index]);
        } catch (err) {
          out[index] = asFailure(err);
        }
      };

      const flush = async () => {
        if (!pending.length && !updates.length) return;
        const [created, changed] = [pending, updates];
        pending = [];
        updates = [];
        try {
          await tx.transaction(async (sp) => {
            if (created.length) await insertAll(sp, created);
            if (changed.length) await updateAll(sp, changed);
          });
          for (const p of created) {
            out[p.index] = {
              customerId: p.id,
              outcome: 'created',
              matchedBy: null,
              dropped: [],
              conflicts: [],
              changed: p.changed,
            };
          }
          for (const p of changed) {
            out[p.index] = {
              customerId: p.id,
              outcome: 'updated',
              matchedBy: p.matchedBy,
              dropped: [],
              conflicts: [],
              changed: p.changed,
            };
          }
        } catch (err) {
          if (!(err instanceof Raced) && violatedUniqueField(err) === null) throw err;
          // someone else wrote one of these people meanwhile: one at a time, each matching afresh
          for (const index of [...created, ...changed].map((p) => p.index).sort((a, b) => a - b)) await one(index);
        }
      };

      for (let index = 0; index < rows.length; index++) {
        const row = rows[index];
        const input = row.input;
        const found = hits[index];
        const step = plan[index];
        const locked = step === 'update' ? current.get(found[0].customerId) : undefined;

        if (step === 'new') {
          const warmed = speculated.get(input);
          speculated.delete(input);
          if (warmed && 'error' in warmed) out[index] = asFailure(warmed.error);
          else {
            const id = warmed?.id ?? randomUUID();
            try {
              pending.push({
                index,
                keyed: row,
                id,
                at: input.at ?? now(),
                ...(warmed?.prepared ?? prepareNew(row, id)),
              });
            } catch (err) {
              out[index] = asFailure(err);
            }
          }
        } else if (step === 'skip') {
          out[index] = {
            customerId: found[0].customerId,
            outcome: 'skipped',
            matchedBy: found[0].by,
            dropped: [],
            conflicts: [],
            changed: [],
          };
        } else if (locked) {
          // what `resolve` does with a match, minus the writes: fill or overwrite, checked with the API's rules
          const base = { customerId: locked.id, matchedBy: found[0].by, dropped: [], conflicts: [] };
          try {
            const patch = patchFor(locked, row.profile, input);
            const prepared = deps.prepare(locked.id, patch, locked, rules, { identities: row.known });
            if (prepared.changed.length === 0) out[index] = { ...base, outcome: 'unchanged', changed: [] };
            else {
              if (prepared.columns.name !== undefined) prepared.columns.name_placeholder = false;
              updates.push({
                index,
                keyed: row,
                id: locked.id,
                matchedBy: found[0].by,
                at: input.at ?? now(),
                columns: prepared.columns,
                attributes: prepared.attributes,
                changed: prepared.changed,
              });
            }
          } catch (err) {
            out[index] = asFailure(err);
          }
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
