import type { Queryable } from '../../platform/db/db.ts';
import type { FieldEncryption } from '../../platform/crypto/encryption.service.ts';
import type { VerifiedIdentifier } from './customers.face.ts';
import { blindIndexOf, identitySpecs } from './identities.ts';
import type { ConsentStateRow } from './consents.repository.ts';

/** SQL for merges, their provenance, aliases and verified identifiers (merge.tables.ts). */

export type MergeRow = {
  id: string;
  survivor_id: string;
  merged_id: string;
  merged_name: string;
  merged_row: Record<string, unknown>;
  merged_stats: Record<string, unknown> | null;
  survivor_before: Record<string, unknown>;
  survivor_after: Record<string, unknown>;
  fields: Record<string, 'survivor' | 'merged'>;
  tags_added: string[];
  moved: Record<string, number>;
  extras: MergeExtras;
  auto_rule: string | null;
  merged_by: string | null;
  merged_at: Date;
  undone_at: Date | null;
  undone_by: string | null;
};

/** What an undo restores besides moved rows. */
export type MergeExtras = {
  /** Consent states as they were on each record. */
  survivorConsentState?: ConsentStateRow[];
  mergedConsentState?: ConsentStateRow[];
  /** The highest consent id when merged: rows above it were recorded on the survivor afterwards. */
  consentMaxId?: number;
  /** The merged record's verified identifiers. */
  mergedVerified?: { field: string; lookup: string; source: string; verified_at: string }[];
};

export type NewAlias = {
  id: string;
  customerId: string;
  field: string;
  lookup: string;
  valueEnc: string;
  mergeId: string;
};

export type AliasRow = { id: string; customer_id: string; field: string; lookup: string; value_enc: string };

/** Ids per chunk of customer_merge_moves (a customer with a million events moves in 100 rows). */
const MOVE_CHUNK = 10_000;

const mergeColumns = `id, survivor_id, merged_id, merged_name, merged_row, merged_stats, survivor_before, survivor_after,
  fields, tags_added, moved, extras, auto_rule, merged_by, merged_at, undone_at, undone_by`;

export const verifiedRepository = {
  /**
   * Marks a mobile or email of the customer verified (by its blind index): `value` when given and
   * the customer holds it (profile or alias), else the profile's current one. False when neither.
   */
  async mark(q: Queryable, v: VerifiedIdentifier, crypto: FieldEncryption): Promise<boolean> {
    const column = v.field === 'mobile' ? 'mobile_bidx' : 'email_bidx';
    let lookup: string | null = null;
    if (v.value !== undefined) {
      const normalised = identitySpecs[v.field].normalise(v.value);
      if (!normalised) return false;
      lookup = blindIndexOf(crypto, v.field, normalised);
    }
    const rows = await q.query(
      `insert into customer_verified_identifiers (customer_id, field, lookup, source, verified_at)
       select c.id, $2, coalesce($5, c.${column}), $3, $4 from customers c
        where c.id = $1
          and (($5::text is null and c.${column} is not null) or c.${column} = $5
               or exists (select 1 from customer_aliases a where a.customer_id = c.id and a.field = $2 and a.lookup = $5))
       on conflict (customer_id, field, lookup) do update set source = excluded.source, verified_at = excluded.verified_at
       returning 1`,
      [v.customerId, v.field, v.source.slice(0, 100), v.at, lookup],
    );
    return rows.length > 0;
  },

  /** Fields whose current value (profile or alias) is verified, per customer. */
  async verifiedFields(q: Queryable, ids: readonly string[]): Promise<Map<string, string[]>> {
    const rows = await q.query<{ customer_id: string; field: string }>(
      `select distinct v.customer_id, v.field from customer_verified_identifiers v
         join customers c on c.id = v.customer_id
        where v.customer_id = any($1::uuid[])
          and (v.lookup = case v.field when 'mobile' then c.mobile_bidx else c.email_bidx end
               or exists (select 1 from customer_aliases a
                           where a.customer_id = v.customer_id and a.field = v.field and a.lookup = v.lookup))`,
      [ids],
    );
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.customer_id, [...(out.get(r.customer_id) ?? []), r.field]);
    return out;
  },

  /** Verified (field, lookup) pairs each customer still holds (profile or alias). */
  async verifiedLookups(
    q: Queryable,
    ids: readonly string[],
  ): Promise<{ customer_id: string; field: string; lookup: string }[]> {
    return q.query(
      `select v.customer_id, v.field, v.lookup from customer_verified_identifiers v
         join customers c on c.id = v.customer_id
        where v.customer_id = any($1::uuid[])
          and (v.lookup = case v.field when 'mobile' then c.mobile_bidx else c.email_bidx end
               or exists (select 1 from customer_aliases a
                           where a.customer_id = v.customer_id and a.field = v.field and a.lookup = v.lookup))`,
      [ids],
    );
  },
};

/** The merge that took this record away (not undone), or null. */
async function activeMergeOf(q: Queryable, mergedId: string): Promise<{ id: string; survivor_id: string } | null> {
  const rows = await q.query<{ id: string; survivor_id: string }>(
    `select id, survivor_id from customer_merges where merged_id = $1 and undone_at is null
      order by merged_at desc limit 1`,
    [mergedId],
  );
  return rows[0] ?? null;
}

/** The customers module's own tables a merge moves row by row (names from code, never input). */
export type MovableTable = 'activities' | 'customer_identities' | 'customer_aliases' | 'customer_consents';
const movableIdType: Record<MovableTable, string> = {
  activities: 'bigint',
  customer_identities: 'uuid',
  customer_aliases: 'uuid',
  customer_consents: 'bigint',
};

export const mergeRepository = {
  /** Locks the customers (in id order, so two merges of the same pair wait instead of deadlocking); returns those that exist. */
  async lockCustomers(tx: Queryable, ids: readonly string[]): Promise<Set<string>> {
    const rows = await tx.query<{ id: string }>(
      'select id from customers where id = any($1::uuid[]) order by id for update',
      [[...ids].sort()],
    );
    return new Set(rows.map((r) => r.id));
  },

  /** The whole customers and customer_stats rows as JSON (tokens as stored), for the provenance. */
  async snapshot(
    q: Queryable,
    id: string,
  ): Promise<{ row: Record<string, unknown>; stats: Record<string, unknown> | null }> {
    const [r] = await q.query<{ row: Record<string, unknown>; stats: Record<string, unknown> | null }>(
      `select to_jsonb(c) as row, (select to_jsonb(s) from customer_stats s where s.customer_id = c.id) as stats
         from customers c where c.id = $1`,
      [id],
    );
    return r;
  },

  activeMergeOf,

  /** Where a merged record lives now: the end of its chain of merges (a survivor may have been merged since). */
  async mergedInto(q: Queryable, id: string): Promise<{ survivorId: string; mergeId: string } | null> {
    const first = await activeMergeOf(q, id);
    if (!first) return null;
    let survivorId = first.survivor_id;
    for (let hop = 0; hop < 20; hop++) {
      const next = await activeMergeOf(q, survivorId);
      if (!next) break;
      survivorId = next.survivor_id;
    }
    return { survivorId, mergeId: first.id };
  },

  /** How many rows of this module each record holds (the dry run's counts). */
  async counts(q: Queryable, id: string): Promise<Record<string, number>> {
    const [r] = await q.query<Record<string, number>>(
      `select (select count(*)::int from activities where customer_id = $1) as timeline,
              (select count(*)::int from customer_identities where customer_id = $1) as identities,
              (select count(*)::int from customer_aliases where customer_id = $1) as aliases,
              (select count(*)::int from customer_consents where customer_id = $1) as consents,
              (select count(*)::int from customer_verified_identifiers where customer_id = $1) as verified`,
      [id],
    );
    return r;
  },

  // ── moving this module's rows (each returns the moved ids; restore moves exactly those back) ──

  /** Moves every row of one of this module's tables from `from` to `to`; returns the moved ids. */
  async moveRows(tx: Queryable, table: MovableTable, from: string, to: string): Promise<string[]> {
    const rows = await tx.query<{ id: string }>(
      `update ${table} set customer_id = $2 where customer_id = $1 returning id::text as id`,
      [from, to],
    );
    return rows.map((r) => r.id);
  },
  /** Moves exactly `ids` back (rows added to the survivor since stay with it). */
  async restoreRows(
    tx: Queryable,
    table: MovableTable,
    to: string,
    from: string,
    ids: readonly string[],
  ): Promise<void> {
    await tx.query(
      `update ${table} set customer_id = $2 where customer_id = $1 and id = any($3::${movableIdType[table]}[])`,
      [to, from, ids],
    );
  },

  async consentState(q: Queryable, customerId: string): Promise<ConsentStateRow[]> {
    return q.query<ConsentStateRow>(
      `select purpose, channel, status, source, policy_version, at, consent_id
         from customer_consent_state where customer_id = $1 order by purpose, channel`,
      [customerId],
    );
  },

  async maxConsentId(q: Queryable): Promise<number> {
    const [r] = await q.query<{ n: string | null }>('select max(id)::text as n from customer_consents');
    return Number(r.n ?? 0);
  },

  /** Lays `from`'s current consents over `to`'s by the same rule new decisions follow (the later wins; pending never beats granted). */
  async mergeConsentState(tx: Queryable, from: string, to: string): Promise<void> {
    await tx.query(
      `insert into customer_consent_state
         (customer_id, purpose, channel, status, source, policy_version, at, consent_id, updated_at)
       select $2, purpose, channel, status, source, policy_version, at, consent_id, now()
         from customer_consent_state where customer_id = $1
       on conflict (customer_id, purpose, channel) do update set
         status = excluded.status, source = excluded.source, policy_version = excluded.policy_version,
         at = excluded.at, consent_id = excluded.consent_id, updated_at = now()
       where customer_consent_state.at <= excluded.at
         and not (excluded.status = 'pending' and customer_consent_state.status = 'granted')`,
      [from, to],
    );
  },

  /** Replaces a customer's consent state with `rows` (an undo puts back what was). */
  async setConsentState(tx: Queryable, customerId: string, rows: readonly ConsentStateRow[]): Promise<void> {
    await tx.query('delete from customer_consent_state where customer_id = $1', [customerId]);
    if (!rows.length) return;
    await tx.query(
      `insert into customer_consent_state
         (customer_id, purpose, channel, status, source, policy_version, at, consent_id, updated_at)
       select $1::uuid, *, now() from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::bigint[])`,
      [
        customerId,
        rows.map((r) => r.purpose),
        rows.map((r) => r.channel),
        rows.map((r) => r.status),
        rows.map((r) => r.source),
        rows.map((r) => r.policy_version),
        rows.map((r) => new Date(r.at).toISOString()),
        rows.map((r) => String(r.consent_id)),
      ],
    );
  },

  /** The customer's consent decisions above `afterId`, oldest first (recorded on the survivor after a merge). */
  async consentsAfter(q: Queryable, customerId: string, afterId: number) {
    return q.query<{
      id: string;
      customer_id: string;
      purpose: string;
      channel: string;
      status: 'granted' | 'withdrawn' | 'pending';
      source: string;
      policy_text: string | null;
      policy_version: string | null;
      evidence: Record<string, unknown>;
      actor_id: string | null;
      at: Date;
    }>(
      `select id::text as id, customer_id, purpose, channel, status, source, policy_text, policy_version, evidence, actor_id, at
         from customer_consents where customer_id = $1 and id > $2 order by at, id`,
      [customerId, afterId],
    );
  },

  async verifiedOf(q: Queryable, customerId: string) {
    return q.query<{ field: string; lookup: string; source: string; verified_at: string }>(
      `select field, lookup, source, verified_at::text as verified_at
         from customer_verified_identifiers where customer_id = $1 order by field, lookup`,
      [customerId],
    );
  },

  /** Moves verified identifiers the survivor does not have already; returns `field:lookup` of those moved. */
  async moveVerified(tx: Queryable, from: string, to: string): Promise<string[]> {
    const rows = await tx.query<{ k: string }>(
      `update customer_verified_identifiers v set customer_id = $2
        where v.customer_id = $1
          and not exists (select 1 from customer_verified_identifiers w
                           where w.customer_id = $2 and w.field = v.field and w.lookup = v.lookup)
        returning v.field || ':' || v.lookup as k`,
      [from, to],
    );
    return rows.map((r) => r.k);
  },
  async restoreVerified(
    tx: Queryable,
    to: string,
    from: string,
    moved: readonly string[],
    snapshot: MergeExtras['mergedVerified'],
  ): Promise<void> {
    await tx.query(
      `delete from customer_verified_identifiers where customer_id = $1 and field || ':' || lookup = any($2::text[])`,
      [to, moved],
    );
    if (!snapshot?.length) return;
    await tx.query(
      `insert into customer_verified_identifiers (customer_id, field, lookup, source, verified_at)
       select $1::uuid, * from unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[])
       on conflict do nothing`,
      [
        from,
        snapshot.map((v) => v.field),
        snapshot.map((v) => v.lookup),
        snapshot.map((v) => v.source),
        snapshot.map((v) => v.verified_at),
      ],
    );
  },

  // ── aliases ──

  async insertAliases(tx: Queryable, rows: readonly NewAlias[]): Promise<string[]> {
    if (!rows.length) return [];
    // an identifier already kept by someone else (one of them is a duplicate to review) stays only in the snapshot
    const inserted = await tx.query<{ id: string }>(
      `insert into customer_aliases (id, customer_id, field, lookup, value_enc, merge_id)
       select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[])
       on conflict do nothing returning id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.customerId),
        rows.map((r) => r.field),
        rows.map((r) => r.lookup),
        rows.map((r) => r.valueEnc),
        rows.map((r) => r.mergeId),
      ],
    );
    return inserted.map((r) => r.id);
  },

  async aliasesOf(q: Queryable, customerIds: readonly string[]): Promise<AliasRow[]> {
    return q.query<AliasRow>(
      `select id, customer_id, field, lookup, value_enc from customer_aliases
        where customer_id = any($1::uuid[]) order by field, created_at, id`,
      [customerIds],
    );
  },

  async deleteAliasesOfMerge(tx: Queryable, mergeId: string): Promise<void> {
    await tx.query('delete from customer_aliases where merge_id = $1', [mergeId]);
  },

  /** The customer holding an identifier on the profile or as an alias, other than `exceptId`. */
  async holderOf(q: Queryable, column: string, value: string, exceptId: string): Promise<string | null> {
    const rows = await q.query<{ id: string }>(`select id from customers where ${column} = $1 and id <> $2 limit 1`, [
      value,
      exceptId,
    ]);
    return rows[0]?.id ?? null;
  },

  // ── merges ──

  async insertMerge(
    tx: Queryable,
    m: Omit<MergeRow, 'undone_at' | 'undone_by'>,
    moves: Record<string, readonly string[]>,
  ): Promise<void> {
    await tx.query(
      `insert into customer_merges (${mergeColumns.replace(', undone_at, undone_by', '')})
       values ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb, $10::text[], $11::jsonb, $12::jsonb,
               $13, $14, $15)`,
      [
        m.id,
        m.survivor_id,
        m.merged_id,
        m.merged_name,
        JSON.stringify(m.merged_row),
        JSON.stringify(m.merged_stats),
        JSON.stringify(m.survivor_before),
        JSON.stringify(m.survivor_after),
        JSON.stringify(m.fields),
        m.tags_added,
        JSON.stringify(m.moved),
        JSON.stringify(m.extras),
        m.auto_rule,
        m.merged_by,
        m.merged_at,
      ],
    );
    const mergeIds: string[] = [];
    const names: string[] = [];
    const chunks: number[] = [];
    const lists: string[] = [];
    for (const [name, ids] of Object.entries(moves)) {
      for (let i = 0; i * MOVE_CHUNK < ids.length; i++) {
        mergeIds.push(m.id);
        names.push(name);
        chunks.push(i);
        // as a text literal of an array: unnest cannot take an array of arrays of different lengths
        lists.push(
          `{${ids
            .slice(i * MOVE_CHUNK, (i + 1) * MOVE_CHUNK)
            .map((id) => `"${id}"`)
            .join(',')}}`,
        );
      }
    }
    if (!names.length) return;
    await tx.query(
      `insert into customer_merge_moves (merge_id, dependent, chunk, row_ids)
       select m, d, c, r::text[] from unnest($1::uuid[], $2::text[], $3::int[], $4::text[]) as x(m, d, c, r)`,
      [mergeIds, names, chunks, lists],
    );
  },

  /** The moved ids of a merge per dependent. */
  async movesOf(q: Queryable, mergeId: string): Promise<Map<string, string[]>> {
    const rows = await q.query<{ dependent: string; row_ids: string[] }>(
      'select dependent, row_ids from customer_merge_moves where merge_id = $1 order by dependent, chunk',
      [mergeId],
    );
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.dependent, [...(out.get(r.dependent) ?? []), ...r.row_ids]);
    return out;
  },

  async findMerge(q: Queryable, id: string, lock = false): Promise<MergeRow | null> {
    const rows = await q.query<MergeRow>(
      `select ${mergeColumns} from customer_merges where id = $1 ${lock ? 'for update' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  },

  async listMerges(
    q: Queryable,
    f: { customerId?: string; after?: { at: Date; id: string }; limit: number },
  ): Promise<MergeRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (f.customerId) {
      params.push(f.customerId);
      where.push(`(survivor_id = $${params.length} or merged_id = $${params.length})`);
    }
    if (f.after) {
      params.push(f.after.at, f.after.id);
      where.push(`(merged_at, id) < ($${params.length - 1}, $${params.length}::uuid)`);
    }
    params.push(f.limit);
    return q.query<MergeRow>(
      `select ${mergeColumns} from customer_merges ${where.length ? `where ${where.join(' and ')}` : ''}
        order by merged_at desc, id desc limit $${params.length}`,
      params,
    );
  },

  async markUndone(tx: Queryable, id: string, by: string | null, at: Date): Promise<void> {
    await tx.query('update customer_merges set undone_at = $2, undone_by = $3 where id = $1', [id, at, by]);
  },

  /** Puts a merged record back exactly as the snapshot holds it (same id, so its identity tokens decrypt). */
  async restoreCustomer(
    tx: Queryable,
    row: Record<string, unknown>,
    stats: Record<string, unknown> | null,
  ): Promise<void> {
    await tx.query('insert into customers select * from jsonb_populate_record(null::customers, $1::jsonb)', [
      JSON.stringify(row),
    ]);
    if (stats) {
      await tx.query(
        'insert into customer_stats select * from jsonb_populate_record(null::customer_stats, $1::jsonb)',
        [JSON.stringify(stats)],
      );
    } else {
      await tx.query('insert into customer_stats (customer_id) values ($1)', [row.id]);
    }
  },

  /** True when the two disagree on a consent: one granted what the other withdrew (same purpose and channel). */
  async consentConflict(q: Queryable, a: string, b: string): Promise<boolean> {
    const rows = await q.query(
      `select 1 from customer_consent_state x
         join customer_consent_state y on y.purpose = x.purpose and y.channel = x.channel
        where x.customer_id = $1 and y.customer_id = $2
          and ((x.status = 'granted' and y.status = 'withdrawn') or (x.status = 'withdrawn' and y.status = 'granted'))
        limit 1`,
      [a, b],
    );
    return rows.length > 0;
  },

  /** The two ids, the one created first first (an automatic merge keeps the older record). */
  async byAge(q: Queryable, ids: readonly string[]): Promise<string[]> {
    const rows = await q.query<{ id: string }>(
      'select id from customers where id = any($1::uuid[]) order by created_at, id',
      [ids],
    );
    return rows.map((r) => r.id);
  },

  /** Raises the survivor's last-seen to the merged record's. */
  async raiseLastSeen(tx: Queryable, customerId: string, at: string | null): Promise<void> {
    if (!at) return;
    await tx.query(
      `update customer_stats set last_seen_at = greatest(last_seen_at, $2::timestamptz) where customer_id = $1`,
      [customerId, at],
    );
  },
};

export type AutoRuleSetting = { rule: string; enabled: boolean; verifiedOnly: boolean };

export const mergeSettingsRepository = {
  async get(q: Queryable): Promise<{ autoRules: AutoRuleSetting[]; updatedAt: Date | null; updatedBy: string | null }> {
    const rows = await q.query<{ auto_rules: AutoRuleSetting[]; updated_at: Date; updated_by: string | null }>(
      'select auto_rules, updated_at, updated_by from customer_merge_settings where id = 1',
    );
    const r = rows[0];
    return { autoRules: r?.auto_rules ?? [], updatedAt: r?.updated_at ?? null, updatedBy: r?.updated_by ?? null };
  },

  async put(tx: Queryable, autoRules: readonly AutoRuleSetting[], by: string | null, at: Date): Promise<void> {
    await tx.query(
      `insert into customer_merge_settings (id, auto_rules, updated_by, updated_at) values (1, $1::jsonb, $2, $3)
       on conflict (id) do update set auto_rules = excluded.auto_rules, updated_by = excluded.updated_by,
         updated_at = excluded.updated_at`,
      [JSON.stringify(autoRules), by, at],
    );
  },
};

/** Columns of `customers` an undo may write back from a snapshot (never the id). */
const COLUMN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Sets columns of a customer to the values in `values` (snapshot keys: to_jsonb of the customers row). */
export async function setCustomerColumns(
  tx: Queryable,
  id: string,
  values: Record<string, unknown>,
  at: Date,
): Promise<void> {
  const columns = Object.keys(values).filter((c) => c !== 'id' && c !== 'updated_at');
  for (const c of columns) if (!COLUMN.test(c)) throw new Error(`not a column: ${c}`);
  if (!columns.length) return;
  await tx.query(
    `update customers c set ${columns.map((col) => `${col} = r.${col}`).join(', ')}, updated_at = $3
       from jsonb_populate_record(null::customers, $2::jsonb) r where c.id = $1`,
    [id, JSON.stringify(values), at],
  );
}

/**
 * Who holds these identifiers as an alias (kept from a merged record): `field:lookup` → customer.
 * Collectors ask after the profile columns, so data about a merged person reaches the survivor.
 */
export async function findAliasHolders(
  q: Queryable,
  keys: readonly { field: string; lookup: string }[],
): Promise<Map<string, string>> {
  if (!keys.length) return new Map();
  const rows = await q.query<{ field: string; lookup: string; customer_id: string }>(
    `select a.field, a.lookup, a.customer_id from customer_aliases a
      where (a.field, a.lookup) in (select * from unnest($1::text[], $2::text[])) and a.field <> 'idNumber'`,
    [keys.map((k) => k.field), keys.map((k) => k.lookup)],
  );
  return new Map(rows.map((r) => [`${r.field}:${r.lookup}`, r.customer_id]));
}
