import { z } from 'zod';
import { Money } from '../../platform/http/schemas.ts';
import { customerListErrors } from './customer-list.errors.ts';
import type { SegmentFilter } from './customers.face.ts';
import { normaliseEmail, normaliseMobile } from './identities.ts';
import { INITIALS_MARK, isCjk } from './name-search.ts';
import { scoreCodes, scoreColumns } from './score-codes.ts';

/**
 * The customer list's filter and sort compiler: a validated filter, a sort and a cursor become
 * ONE parameterised query that returns customer ids in order. Every piece of SQL text comes from
 * this file; user input only ever travels as a parameter. Each sort follows an index (see
 * customers.tables.ts) and pages by key on (sort key, id), so the last page costs what the first does.
 */

// ── the filter as the API accepts it (GET query string, or an export's JSON body) ─────────
export const customerSorts = [
  '-createdAt',
  'createdAt',
  '-lastOrderAt',
  'lastOrderAt',
  '-totalSpent',
  'totalSpent',
  '-orderCount',
  'orderCount',
] as const;
export type CustomerSort = (typeof customerSorts)[number];

const IsoDate = z.iso.date();
const AttributeKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'invalid_attribute_key');
const AttributeScalar = z.union([z.string().max(200), z.number()]);
const AttributeRange = z.strictObject({
  min: z.union([z.number(), IsoDate]).optional(),
  max: z.union([z.number(), IsoDate]).optional(),
});
export const AttributeFilters = z
  .record(AttributeKey, z.union([AttributeScalar, z.array(AttributeScalar).min(1).max(50), AttributeRange]))
  .refine((r) => Object.keys(r).length <= 20, 'too_many_attribute_filters');
export type AttributeFilters = z.infer<typeof AttributeFilters>;

function parseJson(s: string, ctx: z.RefinementCtx): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'invalid_json' });
    return z.NEVER;
  }
}
/** `attributes` in a query string: a JSON string. */
const AttributesQuery = z.string().max(4000).transform(parseJson).pipe(AttributeFilters);
/** `attributes` in a JSON body (exports): the object itself, or the same JSON string. */
const AttributesBody = z.preprocess(
  (v, ctx) => (typeof v === 'string' ? (v.length > 4000 ? v : parseJson(v, ctx)) : v),
  AttributeFilters,
);

const Text = z.string().trim().min(1).max(100);
const Tags = z
  .union([z.string().trim().min(1).max(30), z.array(z.string().trim().min(1).max(30)).max(20)])
  .transform((t) => (Array.isArray(t) ? t : [t]));
const Bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const Count = z.coerce.number().int().min(0).max(1_000_000_000);
const Age = z.coerce.number().int().min(0).max(150);
/** One value or several (`?grade=vip&grade=active`). */
const OneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item).min(1).max(20)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);
const ScoreValue = z.coerce.number().int().min(1).max(5);
const scoreFilterFields = {
  rfmClass: OneOrMany(z.enum(scoreCodes.rfmClass)).optional(),
  rfmSegment: OneOrMany(z.enum(scoreCodes.rfmSegment)).optional(),
  abcClass: OneOrMany(z.enum(scoreCodes.abcClass)).optional(),
  valueTier: OneOrMany(z.enum(scoreCodes.valueTier)).optional(),
  grade: OneOrMany(z.enum(scoreCodes.grade)).optional(),
  lifecycleStage: OneOrMany(z.enum(scoreCodes.lifecycleStage)).optional(),
  rScore: OneOrMany(ScoreValue).optional(),
  fScore: OneOrMany(ScoreValue).optional(),
};

/** The filters shared by the list, the count and exports (every field optional). */
export const CustomerFilterFields = {
  search: z.string().trim().max(100).optional(),
  gender: z.enum(['female', 'male', 'unknown']).optional(),
  ageMin: Age.optional(),
  ageMax: Age.optional(),
  province: Text.optional(),
  city: Text.optional(),
  source: Text.optional(),
  touchpointId: z.uuid().optional(),
  ownerId: z.uuid().optional(),
  tag: Tags.optional(),
  hasOrdered: Bool.optional(),
  spentMin: Money.optional(),
  spentMax: Money.optional(),
  orderCountMin: Count.optional(),
  orderCountMax: Count.optional(),
  lastOrderFrom: IsoDate.optional(),
  lastOrderTo: IsoDate.optional(),
  attributes: AttributesQuery.optional(),
  /** Current members of a segment (the segments module supplies the condition). */
  segmentId: z.uuid().optional(),
  /** Computed values (scoring): each any of the given codes or scores. */
  ...scoreFilterFields,
};
/** The filter as a query string carries it (GET /customers, /customers/count). */
export const CustomerFilter = z.strictObject(CustomerFilterFields);
/** The filter inside a JSON body (an export's `filters`). */
export const CustomerFilterBody = z.strictObject({ ...CustomerFilterFields, attributes: AttributesBody.optional() });
export type CustomerFilter = z.output<typeof CustomerFilter>;

// ── what the compiler needs to know besides the filter ─────────────────────────────────────
export type AttributeType = 'text' | 'number' | 'date' | 'choice' | 'multi_choice';

export type QueryEnv = {
  /** Today in the business time zone (YYYY-MM-DD): ages are counted from it. */
  today: string;
  /** The business time zone: date filters cover whole local days. */
  timeZone: string;
  /** The keyed blind index of an already-normalised mobile or email. */
  blindIndex(field: 'mobile' | 'email', normalised: string): string | null;
  /** Defined custom attributes by key (only needed when the filter names attributes). */
  attributeTypes: ReadonlyMap<string, AttributeType>;
  /** "Member of segment X" as SQL (registered by the segments module); no filter: no member. */
  segmentFilter?: SegmentFilter | null;
};

export type CompiledQuery = { text: string; params: unknown[] };

type SortSpec = {
  /** SQL of the sort key, exactly as its index is defined. */
  key: string;
  /** The tie-breaker, on the table whose index carries it. */
  id: string;
  cast: 'timestamptz' | 'numeric' | 'int';
  /** Drives the query from customer_stats (its index gives the order). */
  fromStats: boolean;
};

const LAST_ORDER = `coalesce(s.last_order_at, '-infinity'::timestamptz)`;

const sortSpecs: Record<string, SortSpec> = {
  createdAt: { key: 'c.created_at', id: 'c.id', cast: 'timestamptz', fromStats: false }, // customers_created_idx
  lastOrderAt: { key: LAST_ORDER, id: 's.customer_id', cast: 'timestamptz', fromStats: true }, // customer_stats_last_order_idx
  totalSpent: { key: 's.total_spent', id: 's.customer_id', cast: 'numeric', fromStats: true }, // customer_stats_spent_idx
  orderCount: { key: 's.order_count', id: 's.customer_id', cast: 'int', fromStats: true }, // customer_stats_count_idx
};

// ── cursor: base64url JSON of the last row's sort values ─────────────────────────────────
export type Cursor = { s: CustomerSort; k: string; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// timestamptz as PostgreSQL prints it (any DateStyle ISO offset), or ISO 8601; '-infinity' for never
const TIMESTAMP = /^(-infinity|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2}){0,2}|Z))$/;
const keyPatterns: Record<SortSpec['cast'], RegExp> = {
  timestamptz: TIMESTAMP,
  numeric: /^-?\d{1,14}(\.\d{1,2})?$/,
  int: /^-?\d{1,10}$/,
};

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** The cursor's values, checked against the sort they were made for; a bad cursor names `cursor`. */
export function decodeCursor(cursor: string, sort: CustomerSort): Cursor {
  let c: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw customerListErrors.badCursor();
  }
  const spec = sortSpecs[sort.replace(/^-/, '')];
  if (
    !c ||
    typeof c !== 'object' ||
    !('s' in c && 'k' in c && 'id' in c) ||
    c.s !== sort ||
    typeof c.k !== 'string' ||
    typeof c.id !== 'string' ||
    !UUID.test(c.id) ||
    !keyPatterns[spec.cast].test(c.k)
  ) {
    throw customerListErrors.badCursor();
  }
  return { s: sort, k: c.k, id: c.id };
}

// ── pieces ───────────────────────────────────────────────────────────────────────────────
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

/** `%`, `_` and `\` in user input match themselves, not "anything". */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

const pad = (n: number) => String(n).padStart(2, '0');
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * The latest birthday of someone who is at least `years` old on `today`. Someone born on
 * 29 February has their birthday on 1 March in other years, so the cut-off is 28 February then.
 */
export function birthdayCutoff(today: string, years: number): string {
  const [y, m, d] = today.split('-').map(Number);
  const year = y - years;
  const day = m === 2 && d === 29 && !isLeap(year) ? 28 : d;
  return `${String(year).padStart(4, '0')}-${pad(m)}-${pad(day)}`;
}

export type SearchKind = 'mobile' | 'email' | 'name';

/** What a search string is taken as: an exact mobile or email (blind index), or a name. */
export function classifySearch(search: string): { kind: SearchKind; value: string } {
  const mobile = /\d/.test(search) ? normaliseMobile(search) : null;
  if (mobile) return { kind: 'mobile', value: mobile };
  const email = search.includes('@') ? normaliseEmail(search) : null;
  if (email) return { kind: 'email', value: email };
  return { kind: 'name', value: search.normalize('NFKC').trim() };
}

/**
 * A name search that an index serves (see name-search.ts): CJK through `name_terms` (GIN):
 * one or two characters as a term, longer runs as all their adjacent pairs, re-checked with
 * LIKE; latin letters through the pinyin-initials terms (`~wxm`) and the trigram index. The
 * column is never wrapped in lower(): ILIKE keeps the trigram index usable.
 */
function nameCondition(q: string, p: Params): string {
  const chars = [...q];
  const like = escapeLike(q);
  if (chars.some(isCjk)) {
    const terms = new Set<string>();
    // each run of CJK characters: itself when 1–2 long, else its adjacent pairs
    let run: string[] = [];
    const flush = () => {
      if (run.length === 1 || run.length === 2) terms.add(run.join(''));
      for (let i = 0; i + 1 < run.length && run.length > 2; i++) terms.add(run[i] + run[i + 1]);
      run = [];
    };
    for (const ch of chars) {
      if (isCjk(ch)) run.push(ch);
      else flush();
    }
    flush();
    const termsCond = `c.name_terms @> ${p.add([...terms], 'text[]')}`;
    // 1–2 CJK characters and nothing else: the term is the whole question
    if (chars.length <= 2) return termsCond;
    return `(${termsCond} and c.name like ${p.add(`%${like}%`)})`;
  }
  const conds: string[] = [];
  if (/^[a-z]{1,4}$/i.test(q)) conds.push(`c.name_terms @> array[${p.add(INITIALS_MARK + q.toLowerCase())}]::text[]`);
  conds.push(`c.name ilike ${p.add(chars.length >= 3 ? `%${like}%` : `${like}%`)}`);
  return conds.length === 1 ? conds[0] : `(${conds.join(' or ')})`;
}

function searchCondition(search: string, env: QueryEnv, p: Params): string {
  const { kind, value } = classifySearch(search);
  // an external id (a POS member number, a shop's buyer id) may look like anything
  if (kind === 'name') {
    const name = nameCondition(value, p);
    return `(${name} or c.external_id = ${p.add(search)})`;
  }
  const bidx = env.blindIndex(kind, value);
  if (!bidx) return `(c.external_id = ${p.add(search)})`;
  const key = p.add(bidx);
  // a mobile or email of a record merged into someone is kept as their alias (aliases.ts): it finds
  // the survivor too (an uncorrelated lookup, so the plan stays index probes OR'ed together)
  const alias = `c.id = any(array(select a.customer_id from customer_aliases a where a.field = '${kind}' and a.lookup = ${key}))`;
  return `(c.${kind}_bidx = ${key} or ${alias} or c.external_id = ${p.add(search)})`;
}

function attributeConditions(filters: AttributeFilters, env: QueryEnv, p: Params): string[] {
  const out: string[] = [];
  for (const [key, f] of Object.entries(filters)) {
    const type = env.attributeTypes.get(key);
    if (!type) throw customerListErrors.unknownAttribute(key);
    const bad = () => customerListErrors.badAttributeFilter(key, type);
    // equality and choices: containment, which the jsonb_path_ops GIN index serves
    const contains = (v: string | number) => {
      if (type === 'number' ? typeof v !== 'number' : typeof v !== 'string') throw bad();
      if (type === 'date' && !IsoDate.safeParse(v).success) throw bad();
      const value = type === 'multi_choice' ? [v] : v;
      return `c.attributes @> ${p.add(JSON.stringify({ [key]: value }), 'jsonb')}`;
    };
    if (typeof f === 'string' || typeof f === 'number') {
      out.push(contains(f));
    } else if (Array.isArray(f)) {
      // any of the values
      out.push(`(${f.map(contains).join(' or ')})`);
    } else {
      if (f.min === undefined && f.max === undefined) throw bad();
      if (type === 'number') {
        if ((f.min !== undefined && typeof f.min !== 'number') || (f.max !== undefined && typeof f.max !== 'number'))
          throw bad();
        // guarded cast: a value of another JSON type never breaks the query
        const k = p.add(key);
        const v = `(case when jsonb_typeof(c.attributes -> ${k}) = 'number' then (c.attributes ->> ${k})::numeric end)`;
        if (f.min !== undefined) out.push(`${v} >= ${p.add(f.min, 'numeric')}`);
        if (f.max !== undefined) out.push(`${v} <= ${p.add(f.max, 'numeric')}`);
      } else if (type === 'date') {
        if ((f.min !== undefined && typeof f.min !== 'string') || (f.max !== undefined && typeof f.max !== 'string'))
          throw bad();
        // ISO dates order as text (byte order, whatever the collation)
        const k = p.add(key);
        const v = `(case when c.attributes ->> ${k} ~ '^\\d{4}-\\d{2}-\\d{2}$' then c.attributes ->> ${k} end) collate "C"`;
        if (f.min !== undefined) out.push(`${v} >= ${p.add(f.min)}`);
        if (f.max !== undefined) out.push(`${v} <= ${p.add(f.max)}`);
      } else {
        throw bad();
      }
    }
  }
  return out;
}

/** The WHERE conditions of a filter, and whether they read customer_stats. */
function whereOf(f: CustomerFilter, env: QueryEnv, p: Params): { conds: string[]; readsStats: boolean } {
  const conds: string[] = [];
  let readsStats = false;
  const stats = (cond: string) => {
    readsStats = true;
    conds.push(cond);
  };
  if (f.search) conds.push(searchCondition(f.search, env, p));
  if (f.gender) conds.push(`c.gender = ${p.add(f.gender)}`);
  // ages become birthday ranges (customers_birthday_idx), counted in the business time zone
  if (f.ageMin !== undefined) conds.push(`c.birthday <= ${p.add(birthdayCutoff(env.today, f.ageMin), 'date')}`);
  if (f.ageMax !== undefined) conds.push(`c.birthday > ${p.add(birthdayCutoff(env.today, f.ageMax + 1), 'date')}`);
  if (f.province) conds.push(`c.province = ${p.add(f.province)}`);
  if (f.city) conds.push(`c.city = ${p.add(f.city)}`);
  if (f.source) conds.push(`c.source = ${p.add(f.source)}`);
  if (f.touchpointId) conds.push(`c.touchpoint_id = ${p.add(f.touchpointId, 'uuid')}`);
  if (f.ownerId) conds.push(`c.owner_id = ${p.add(f.ownerId, 'uuid')}`);
  if (f.tag?.length) conds.push(`c.tags @> ${p.add([...new Set(f.tag)], 'text[]')}`);
  if (f.attributes) conds.push(...attributeConditions(f.attributes, env, p));
  if (f.segmentId)
    conds.push(env.segmentFilter ? env.segmentFilter(f.segmentId, (v, cast) => p.add(v, cast)) : 'false');
  for (const key of Object.keys(scoreColumns) as (keyof typeof scoreColumns)[]) {
    const values = f[key];
    if (values?.length) stats(`s.${scoreColumns[key]} = any(${p.add([...new Set(values)], 'text[]')})`);
  }
  if (f.rScore?.length) stats(`s.r_score = any(${p.add([...new Set(f.rScore)], 'smallint[]')})`);
  if (f.fScore?.length) stats(`s.f_score = any(${p.add([...new Set(f.fScore)], 'smallint[]')})`);
  if (f.hasOrdered !== undefined) stats(f.hasOrdered ? 's.order_count > 0' : 's.order_count = 0');
  if (f.spentMin !== undefined) stats(`s.total_spent >= ${p.add(f.spentMin, 'numeric')}`);
  if (f.spentMax !== undefined) stats(`s.total_spent <= ${p.add(f.spentMax, 'numeric')}`);
  if (f.orderCountMin !== undefined) stats(`s.order_count >= ${p.add(f.orderCountMin, 'int')}`);
  if (f.orderCountMax !== undefined) stats(`s.order_count <= ${p.add(f.orderCountMax, 'int')}`);
  // whole local days: [from 00:00, to+1 00:00) in the business time zone
  if (f.lastOrderFrom || f.lastOrderTo) {
    const tz = p.add(env.timeZone);
    if (f.lastOrderFrom) stats(`${LAST_ORDER} >= (${p.add(f.lastOrderFrom, 'date')}::timestamp at time zone ${tz})`);
    if (f.lastOrderTo)
      stats(`${LAST_ORDER} < ((${p.add(f.lastOrderTo, 'date')} + 1)::timestamp at time zone ${tz})
        and s.last_order_at is not null`);
  }
  return { conds, readsStats };
}

export type ListPlan = CompiledQuery & { sort: CustomerSort; limit: number };

/**
 * One page of ids: `select id, k` in sort order, `limit + 1` rows so the caller knows whether
 * another page follows. `k` is the sort key as text, for the next cursor.
 */
export function compileCustomerList(input: {
  filter: CustomerFilter;
  sort: CustomerSort;
  limit: number;
  cursor?: Cursor | null;
  env: QueryEnv;
  /**
   * Whole rows instead of ids: a select list over `c`, `s` and `tp` (touchpoints, joined when
   * given). Exports read each batch in this one query rather than ids and then a lookup by id.
   */
  rows?: { columns: string };
}): ListPlan {
  const p = new Params();
  const { conds } = whereOf(input.filter, input.env, p);
  const desc = input.sort.startsWith('-');
  const spec = sortSpecs[input.sort.replace(/^-/, '')];
  if (input.cursor) {
    if (input.cursor.s !== input.sort) throw customerListErrors.badCursor();
    // (key, id) past the last row, in the sort's direction: a range scan of the sort's index
    conds.push(
      `(${spec.key}, ${spec.id}) ${desc ? '<' : '>'} (${p.add(input.cursor.k, spec.cast)}, ${p.add(input.cursor.id, 'uuid')})`,
    );
  }
  const dir = desc ? 'desc' : 'asc';
  const from = `${
    spec.fromStats
      ? 'customer_stats s join customers c on c.id = s.customer_id'
      : 'customers c join customer_stats s on s.customer_id = c.id'
  }${input.rows ? ' left join touchpoints tp on tp.id = c.touchpoint_id' : ''}`;
  const select = input.rows ? input.rows.columns : 'c.id';
  const text = `select ${select}, (${spec.key})::text as k from ${from}
    ${conds.length ? `where ${conds.join('\n      and ')}` : ''}
    order by ${spec.key} ${dir}, ${spec.id} ${dir}
    limit ${p.add(input.limit + 1, 'int')}`;
  return { text, params: p.values, sort: input.sort, limit: input.limit };
}

/** How many customers match (the join to customer_stats only when a filter reads it). */
export function compileCustomerCount(input: { filter: CustomerFilter; env: QueryEnv }): CompiledQuery {
  const p = new Params();
  const { conds, readsStats } = whereOf(input.filter, input.env, p);
  const from = readsStats ? 'customers c join customer_stats s on s.customer_id = c.id' : 'customers c';
  return {
    text: `select count(*)::int as count from ${from} ${conds.length ? `where ${conds.join(' and ')}` : ''}`,
    params: p.values,
  };
}

/** The page's ids and the cursor of the page after it (null on the last page). */
export function pageOf(
  rows: { id: string; k: string }[],
  plan: Pick<ListPlan, 'sort' | 'limit'>,
): { ids: string[]; nextCursor: string | null } {
  const page = rows.slice(0, plan.limit);
  const last = page[page.length - 1];
  return {
    ids: page.map((r) => r.id),
    nextCursor: rows.length > plan.limit && last ? encodeCursor({ s: plan.sort, k: last.k, id: last.id }) : null,
  };
}
