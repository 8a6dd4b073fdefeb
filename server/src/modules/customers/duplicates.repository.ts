import type { Queryable } from '../../platform/db/db.ts';
import {
  aliasMatchFields,
  nameBirthdayGroupMax,
  pairFingerprintSql,
  ruleScores,
  type DuplicateRule,
} from './duplicates.rules.ts';

/**
 * SQL for duplicate pairs and their detection. Every rule is one set-based statement over the
 * customers table (GROUP BY on the rule's keys, or a join through an index); nothing compares
 * customers pair by pair in JavaScript.
 */

export type Evidence = { field: string; lookup: string };
export type FoundPair = { a: string; b: string; rule: DuplicateRule; evidence?: Evidence | null };
export type UpsertedPair = { id: string; status: 'open' | 'merged' | 'dismissed'; rules: string[] };

export type PairRow = {
  id: string;
  customer_a: string;
  customer_b: string;
  rules: string[];
  score: number;
  status: 'open' | 'merged' | 'dismissed';
  evidence: { identifiers?: Evidence[] };
  auto_refusal: string | null;
  detected_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  merge_id: string | null;
};

/** One row per source of an ID number (profile or alias), for comparing them decrypted. */
export type IdNumberRow = { bidx: string; customer_id: string; row_id: string; src: 'profile' | 'alias'; enc: string };

const pairColumns = `d.id, d.customer_a, d.customer_b, d.rules, d.score, d.status, d.evidence, d.auto_refusal,
  d.detected_at, d.decided_at, d.decided_by, d.merge_id`;

const scoresJson = JSON.stringify(ruleScores);

/** Pairs within groups of `ids` and their `cities` (arrays of the same length), each pair once: x before y in the group. */
const groupPairs = (groups: string, rule: string) =>
  `select x.id, y.id, ${rule}, null::jsonb from ${groups} g
     cross join lateral unnest(g.ids, g.cities) with ordinality as x(id, city, i)
     cross join lateral unnest(g.ids, g.cities) with ordinality as y(id, city, i)
    where x.i < y.i`;

const idNumberSources = `
  select id_number_bidx as bidx, id as customer_id, id::text as row_id, 'profile' as src, id_number_enc as enc
    from customers where id_number_bidx is not null and id_number_enc is not null
  union all
  select lookup, customer_id, id::text, 'alias', value_enc from customer_aliases where field = 'idNumber'`;

export const duplicatesRepository = {
  /**
   * Records pairs found by `foundSql` (columns a, b, rule, evidence; its parameters are
   * `params`): a new pair is open; a known one gains the rule; a dismissed one is reopened only
   * when its fingerprint (both records' identifiers) differs from the one stored with the
   * decision. Pairs with a missing customer are skipped. Returns the pairs that are open now.
   */
  async upsertFound(q: Queryable, foundSql: string, params: unknown[], at: Date): Promise<UpsertedPair[]> {
    const n = params.length;
    const reopen = `customer_duplicates.status = 'dismissed' and customer_duplicates.fingerprint is distinct from excluded.fingerprint`;
    return q.query<UpsertedPair>(
      `with found(a, b, rule, evidence) as (${foundSql}),
       pairs as (
         select least(a, b) as a, greatest(a, b) as b, rule, evidence from found where a <> b
       ),
       grouped as (
         select a, b, array_agg(distinct rule order by rule) as rules,
                max(($${n + 2}::jsonb ->> rule)::int) as score,
                jsonb_build_object('identifiers', coalesce(jsonb_agg(distinct evidence) filter (where evidence is not null), '[]'::jsonb)) as evidence
           from pairs group by a, b
       ),
       ready as (
         select g.*, case when d.status = 'dismissed' then ${pairFingerprintSql} end as fingerprint
           from grouped g
           join customers ca on ca.id = g.a
           join customers cb on cb.id = g.b
           left join customer_duplicates d on d.customer_a = g.a and d.customer_b = g.b
       )
       insert into customer_duplicates
         (customer_a, customer_b, rules, score, evidence, status, fingerprint, detected_at, seen_at)
       select a, b, rules, score, evidence, 'open', fingerprint, $${n + 1}, $${n + 1} from ready
       on conflict (customer_a, customer_b) do update set
         rules = array(select distinct r from unnest(customer_duplicates.rules || excluded.rules) as r order by r),
         score = greatest(customer_duplicates.score, excluded.score),
         evidence = case when jsonb_array_length(excluded.evidence -> 'identifiers') > 0
                         then excluded.evidence else customer_duplicates.evidence end,
         seen_at = excluded.seen_at,
         status = case when ${reopen} then 'open' else customer_duplicates.status end,
         decided_at = case when ${reopen} then null else customer_duplicates.decided_at end,
         decided_by = case when ${reopen} then null else customer_duplicates.decided_by end,
         auto_refusal = case when ${reopen} or not (customer_duplicates.rules @> excluded.rules) then null
                             else customer_duplicates.auto_refusal end,
         fingerprint = case when ${reopen} then null else customer_duplicates.fingerprint end
       returning id, status, rules`,
      [...params, at, scoresJson],
    );
  },

  /** Pairs found in JavaScript (ID numbers, the collector's conflicts). */
  async upsertPairs(q: Queryable, pairs: readonly FoundPair[], at: Date): Promise<UpsertedPair[]> {
    if (!pairs.length) return [];
    return this.upsertFound(
      q,
      'select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[])',
      [
        pairs.map((p) => p.a),
        pairs.map((p) => p.b),
        pairs.map((p) => p.rule),
        pairs.map((p) => (p.evidence ? JSON.stringify(p.evidence) : null)),
      ],
      at,
    );
  },

  // ── full scan: one bucket of the name hash at a time ──

  /** Name rules over the customers whose name hashes into `bucket` of `buckets` (a power of two). */
  nameRulesInBucket(buckets: number, bucket: number): { sql: string; params: unknown[] } {
    const bday = `(select array_agg(id order by id) as ids, array_agg(city order by id) as cities from customers
                    where birthday is not null and (hashtext(name) & $1) = $2
                    group by name, birthday having count(*) between 2 and $3)`;
    return {
      sql: groupPairs(bday, `case when x.city = y.city then 'nameBirthdayCity' else 'nameBirthday' end`),
      params: [buckets - 1, bucket, nameBirthdayGroupMax],
    };
  },

  /** Every profile identifier that another customer kept as an alias. */
  identifierRuleAll(): { sql: string; params: unknown[] } {
    return {
      sql: aliasMatchFields
        .map(
          ({ field, column }) =>
            `select c.id, a.customer_id, 'identifier', jsonb_build_object('field', a.field, 'lookup', a.lookup)
               from customer_aliases a join customers c on c.${column} = a.lookup
              where a.field = '${field}' and c.id <> a.customer_id`,
        )
        .join(' union all '),
      params: [],
    };
  },

  /** ID numbers sharing a (truncated) blind index with another customer's, in `bucket` of `buckets`. */
  async idNumbersInBucket(q: Queryable, buckets: number, bucket: number): Promise<IdNumberRow[]> {
    return q.query<IdNumberRow>(
      `select bidx, customer_id, row_id, src, enc from (
         select s.*, count(*) over (partition by s.bidx) as n from (${idNumberSources}) s
          where (hashtext(s.bidx) & $1) = $2) t
        where n > 1`,
      [buckets - 1, bucket],
    );
  },

  // ── incremental: the rules for a set of customers ──

  nameRulesFor(ids: readonly string[]): { sql: string; params: unknown[] } {
    return {
      sql: `with me as (select id, name, birthday, city from customers where id = any($1::uuid[])),
            bday as (
              select me.id as me_id, me.city as me_city, o.id, o.city, count(*) over (partition by me.id) as n
                from me cross join lateral (
                  select id, city from customers o
                   where o.name = me.name and o.birthday = me.birthday and o.id <> me.id limit $2) o
               where me.birthday is not null)
            select me_id, id, case when me_city = city then 'nameBirthdayCity' else 'nameBirthday' end, null::jsonb
              from bday where n < $2`,
      params: [ids, nameBirthdayGroupMax],
    };
  },

  identifierRuleFor(ids: readonly string[]): { sql: string; params: unknown[] } {
    const parts = aliasMatchFields.flatMap(({ field, column }) => [
      `select c.id, a.customer_id, 'identifier', jsonb_build_object('field', a.field, 'lookup', a.lookup)
         from customers c join customer_aliases a on a.field = '${field}' and a.lookup = c.${column}
        where c.id = any($1::uuid[]) and a.customer_id <> c.id`,
      `select c.id, a.customer_id, 'identifier', jsonb_build_object('field', a.field, 'lookup', a.lookup)
         from customer_aliases a join customers c on c.${column} = a.lookup
        where a.field = '${field}' and a.customer_id = any($1::uuid[]) and c.id <> a.customer_id`,
    ]);
    return { sql: parts.join(' union all '), params: [ids] };
  },

  async idNumbersFor(q: Queryable, ids: readonly string[]): Promise<IdNumberRow[]> {
    return q.query<IdNumberRow>(
      `with keys as (
         select id_number_bidx as b from customers where id = any($1::uuid[]) and id_number_bidx is not null
         union select lookup from customer_aliases where customer_id = any($1::uuid[]) and field = 'idNumber')
       select bidx, customer_id, row_id, src, enc from (${idNumberSources}) s where s.bidx in (select b from keys)`,
      [ids],
    );
  },

  // ── the queue of customers written by collectors ──

  async enqueue(q: Queryable, ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await q.query(
      `insert into customer_duplicate_queue (customer_id)
       select distinct unnest($1::uuid[]) on conflict (customer_id) do nothing`,
      [ids],
    );
  },

  /** Takes up to `limit` queued ids (skipping those another worker holds). */
  async dequeue(tx: Queryable, limit: number): Promise<string[]> {
    const rows = await tx.query<{ customer_id: string }>(
      `delete from customer_duplicate_queue where customer_id in (
         select customer_id from customer_duplicate_queue order by queued_at limit $1 for update skip locked)
       returning customer_id`,
      [limit],
    );
    return rows.map((r) => r.customer_id);
  },

  // ── the review list and decisions ──

  async list(
    q: Queryable,
    f: {
      status: 'open' | 'dismissed';
      rule?: string;
      minScore?: number;
      customerId?: string;
      after?: { score: number; id: string };
      limit: number;
    },
  ): Promise<PairRow[]> {
    const params: unknown[] = [f.status];
    const where = ['d.status = $1'];
    if (f.rule) {
      params.push(f.rule);
      where.push(`$${params.length} = any(d.rules)`);
    }
    if (f.minScore !== undefined) {
      params.push(f.minScore);
      where.push(`d.score >= $${params.length}`);
    }
    if (f.customerId) {
      params.push(f.customerId);
      where.push(`(d.customer_a = $${params.length} or d.customer_b = $${params.length})`);
    }
    if (f.after) {
      params.push(f.after.score, f.after.id);
      where.push(`(d.score, d.id) < ($${params.length - 1}, $${params.length}::uuid)`);
    }
    params.push(f.limit);
    return q.query<PairRow>(
      `select ${pairColumns} from customer_duplicates d
        where ${where.join(' and ')}
          and exists (select 1 from customers c where c.id = d.customer_a)
          and exists (select 1 from customers c where c.id = d.customer_b)
        order by d.score desc, d.id desc limit $${params.length}`,
      params,
    );
  },

  async counts(q: Queryable): Promise<{ open: number; dismissed: number }> {
    const rows = await q.query<{ status: string; n: number }>(
      `select d.status, count(*)::int as n from customer_duplicates d
        where d.status in ('open', 'dismissed')
          and exists (select 1 from customers c where c.id = d.customer_a)
          and exists (select 1 from customers c where c.id = d.customer_b)
        group by d.status`,
    );
    return {
      open: rows.find((r) => r.status === 'open')?.n ?? 0,
      dismissed: rows.find((r) => r.status === 'dismissed')?.n ?? 0,
    };
  },

  async find(q: Queryable, id: string, lock = false): Promise<PairRow | null> {
    const rows = await q.query<PairRow>(
      `select ${pairColumns} from customer_duplicates d where d.id = $1 ${lock ? 'for update' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  },

  async findPair(q: Queryable, x: string, y: string): Promise<PairRow | null> {
    const [a, b] = x < y ? [x, y] : [y, x];
    const rows = await q.query<PairRow>(
      `select ${pairColumns} from customer_duplicates d where d.customer_a = $1 and d.customer_b = $2`,
      [a, b],
    );
    return rows[0] ?? null;
  },

  /** "Not the same person": remembered with both records' current fingerprint. */
  async dismiss(tx: Queryable, id: string, by: string | null, at: Date): Promise<void> {
    await tx.query(
      `update customer_duplicates d set status = 'dismissed', decided_at = $2, decided_by = $3,
              fingerprint = ${pairFingerprintSql}
         from customers ca, customers cb
        where d.id = $1 and ca.id = d.customer_a and cb.id = d.customer_b`,
      [id, at, by],
    );
  },

  async reopen(tx: Queryable, id: string): Promise<void> {
    await tx.query(
      `update customer_duplicates set status = 'open', decided_at = null, decided_by = null, fingerprint = null,
              merge_id = null, auto_refusal = null
        where id = $1`,
      [id],
    );
  },

  /** The reviewed pair of a merge, if there was one, is marked merged. */
  async markMerged(tx: Queryable, x: string, y: string, mergeId: string, by: string | null, at: Date): Promise<void> {
    const [a, b] = x < y ? [x, y] : [y, x];
    await tx.query(
      `update customer_duplicates set status = 'merged', decided_at = $5, decided_by = $4, merge_id = $3
        where customer_a = $1 and customer_b = $2`,
      [a, b, mergeId, by, at],
    );
  },

  /** After an undo, the pair is open again (with its rules: a person decides anew). */
  async unmarkMerged(tx: Queryable, mergeId: string): Promise<void> {
    await tx.query(
      `update customer_duplicates set status = 'open', decided_at = null, decided_by = null, merge_id = null
        where merge_id = $1 and status = 'merged'`,
      [mergeId],
    );
  },

  async setAutoRefusal(q: Queryable, id: string, refusal: string): Promise<void> {
    await q.query('update customer_duplicates set auto_refusal = $2 where id = $1', [id, refusal]);
  },

  /** Open pairs an automatic rule may merge, best first. */
  async autoCandidates(q: Queryable, rules: readonly string[], limit: number): Promise<PairRow[]> {
    return q.query<PairRow>(
      `select ${pairColumns} from customer_duplicates d
        where d.status = 'open' and d.auto_refusal is null and d.rules && $1::text[]
          and exists (select 1 from customers c where c.id = d.customer_a)
          and exists (select 1 from customers c where c.id = d.customer_b)
        order by d.score desc, d.detected_at, d.id limit $2`,
      [rules, limit],
    );
  },

  /**
   * When a full scan starts: later than every pair's `seen_at`, so the pairs it does not find
   * again are told apart even when the clock has not moved (or moved back).
   */
  async scanStart(q: Queryable, at: Date): Promise<Date> {
    const [r] = await q.query<{ t: Date }>(
      `select greatest($1::timestamptz, max(seen_at) + interval '1 millisecond') as t from customer_duplicates`,
      [at],
    );
    return r.t;
  },

  /**
   * After a full scan: open pairs it did not find again are gone (a name was corrected), unless
   * only the collector can find them; pairs of deleted customers are dropped unless the customer
   * was merged (an undo brings it back with its pairs).
   */
  async prune(q: Queryable, scanStartedAt: Date, rescannable: readonly string[]): Promise<number> {
    const stale = await q.query(
      `delete from customer_duplicates where status = 'open' and seen_at < $1 and rules <@ $2::text[] returning 1`,
      [scanStartedAt, rescannable],
    );
    const orphans = await q.query(
      `delete from customer_duplicates d
        where d.status <> 'merged'
          and (not exists (select 1 from customers c where c.id = d.customer_a)
               or not exists (select 1 from customers c where c.id = d.customer_b))
          and not exists (select 1 from customer_merges m
                           where m.undone_at is null and m.merged_id in (d.customer_a, d.customer_b))
        returning 1`,
    );
    return stale.length + orphans.length;
  },
};
