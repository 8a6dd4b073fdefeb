import { sql, type SQL } from 'drizzle-orm';
import { addDays, birthdayCutoff, firstOfLastDays, resolveDate, windowDays } from './dates.ts';
import type { DateOp, FieldCatalogue, FieldDef, NumOp, Op, TextOp } from './fields.ts';
import type { Condition, RelativeDate, RuleNode, SegmentRule } from './rule.ts';

/**
 * Compiles a VALIDATED rule (rule.ts) into one parameterised SQL predicate over `c` (customers)
 * and `s` (customer_stats, left-joined on s.customer_id = c.id). SQL text comes only from this
 * file and the catalogue; every value of the rule travels as a parameter.
 *
 * Every condition is two-valued (`coalesce(…, false)`), so NOT is plain negation: a condition on
 * a missing value is false, and its negative form (neq, notIn, hasNone, notSet) is true there.
 * Aggregates (orders, events) are semi-joins on narrow per-customer tables the planner can hash:
 * `c.id in (select customer_id … group by customer_id having …)`; when the comparison holds for a
 * customer with no rows at all ("at most 2 orders"), the complement is taken instead
 * (`c.id not in (… having not …)`), so those customers are counted too.
 */

export type CompileEnv = {
  fields: FieldCatalogue;
  /** Today in the business time zone (YYYY-MM-DD): windows and ages count from it. */
  today: string;
  timeZone: string;
};

/** Orders that count (neither cancelled nor fully refunded), as order_days counts them. */
const COUNTED = sql`o.status in ('paid', 'partially_refunded')`;

const negated: Partial<Record<Op, Op>> = { neq: 'eq', notIn: 'in', hasNone: 'hasAny', notSet: 'isSet' };

export function compileSegmentRule(rule: SegmentRule, env: CompileEnv): SQL {
  return compileNode(rule, env);
}

function compileNode(n: RuleNode, env: CompileEnv): SQL {
  if ('and' in n)
    return n.and.length
      ? sql`(${sql.join(
          n.and.map((c) => compileNode(c, env)),
          sql` and `,
        )})`
      : sql`true`;
  if ('or' in n && n.or.length > 1) return compileOr(n.or, env);
  if ('or' in n)
    return n.or.length
      ? sql`(${sql.join(
          n.or.map((c) => compileNode(c, env)),
          sql` or `,
        )})`
      : sql`false`;
  if ('not' in n) return sql`(not ${compileNode(n.not, env)})`;
  const def = env.fields.get(n.field);
  if (!def) throw new Error(`unvalidated rule: unknown field ${n.field}`);
  const positive = negated[n.op];
  if (positive) return sql`(not coalesce(${condition(def, { ...n, op: positive }, env)}, false))`;
  return sql`coalesce(${condition(def, n, env)}, false)`;
}

/** Does `x op value` hold for x = 0 (a customer without any rows)? */
export function holdsAtZero(op: Op, value: unknown): boolean {
  const v = Array.isArray(value) ? value.map(Number) : Number(value);
  switch (op as NumOp) {
    case 'eq':
      return v === 0;
    case 'gt':
      return 0 > (v as number);
    case 'gte':
      return 0 >= (v as number);
    case 'lt':
      return 0 < (v as number);
    case 'lte':
      return 0 <= (v as number);
    case 'between': {
      const [a, b] = v as number[];
      return a <= 0 && 0 <= b;
    }
  }
}

function numCmp(expr: SQL, op: Op, value: unknown): SQL {
  const p = (v: unknown) => sql`${String(v)}::numeric`;
  switch (op as NumOp) {
    case 'eq':
      return sql`${expr} = ${p(value)}`;
    case 'gt':
      return sql`${expr} > ${p(value)}`;
    case 'gte':
      return sql`${expr} >= ${p(value)}`;
    case 'lt':
      return sql`${expr} < ${p(value)}`;
    case 'lte':
      return sql`${expr} <= ${p(value)}`;
    case 'between': {
      const [a, b] = value as unknown[];
      return sql`${expr} between ${p(a)} and ${p(b)}`;
    }
  }
}

/** The start of a business day as an instant. */
function dayStart(day: string, env: CompileEnv): SQL {
  return sql`(${day}::date::timestamp at time zone ${env.timeZone})`;
}

/** Date operators over a timestamptz (`ts`) or a YYYY-MM-DD text (`day`) expression. */
function dateCond(kind: 'ts' | 'day', expr: SQL, op: Op, value: unknown, env: CompileEnv): SQL {
  const d = (v: unknown) => resolveDate(v as RelativeDate, env.today);
  const atLeast = (day: string) => (kind === 'ts' ? sql`${expr} >= ${dayStart(day, env)}` : sql`${expr} >= ${day}`);
  const before = (day: string) => (kind === 'ts' ? sql`${expr} < ${dayStart(day, env)}` : sql`${expr} < ${day}`);
  switch (op as DateOp) {
    case 'eq':
      return sql`(${atLeast(d(value))} and ${before(addDays(d(value), 1))})`;
    case 'before':
      return before(d(value));
    case 'after':
      return atLeast(addDays(d(value), 1));
    case 'between': {
      const [a, b] = value as RelativeDate[];
      return sql`(${atLeast(d(a))} and ${before(addDays(d(b), 1))})`;
    }
    case 'withinLastDays':
      return atLeast(firstOfLastDays(env.today, value as number));
    case 'moreThanDaysAgo':
      return before(firstOfLastDays(env.today, value as number));
    case 'isSet':
      return sql`${expr} is not null`;
  }
}

function textCond(expr: SQL, op: Op, value: unknown, cast: 'text' | 'uuid' = 'text'): SQL {
  switch (op as TextOp) {
    case 'eq':
      return sql`${expr} = ${value}`;
    case 'in':
      return cast === 'uuid'
        ? sql`${expr} = any(${sql.param(value)}::uuid[])`
        : sql`${expr} = any(${sql.param(value)}::text[])`;
    case 'contains':
      return sql`strpos(${expr}, ${value}) > 0`;
    case 'startsWith':
      return sql`starts_with(${expr}, ${value})`;
    case 'isSet':
      return cast === 'uuid' ? sql`${expr} is not null` : sql`(${expr} is not null and ${expr} <> '')`;
  }
}

/** Age as birthday ranges (the birthday index serves them), counted on today in the business zone. */
function ageCond(op: Op, value: unknown, env: CompileEnv): SQL {
  const gte = (n: number) => sql`c.birthday <= ${birthdayCutoff(env.today, n)}::date`;
  const lte = (n: number) => sql`c.birthday > ${birthdayCutoff(env.today, n + 1)}::date`;
  const n = value as number;
  // ages are whole years: a fractional bound rounds to the ages it admits
  switch (op as NumOp) {
    case 'eq':
      return Number.isInteger(n) ? sql`(${gte(n)} and ${lte(n)})` : sql`false`;
    case 'gt':
      return gte(Math.floor(n) + 1);
    case 'gte':
      return gte(Math.ceil(n));
    case 'lt':
      return lte(Math.ceil(n) - 1);
    case 'lte':
      return lte(Math.floor(n));
    case 'between': {
      const [a, b] = value as number[];
      return sql`(${gte(Math.ceil(a))} and ${lte(Math.floor(b))})`;
    }
  }
}

/**
 * "How many rows does the customer have in `from … where …`" compared with a number, as a
 * semi-join (or its complement when customers without rows match too).
 */
function timesCond(select: (having: SQL) => SQL, agg: SQL, op: Op, value: unknown): SQL {
  const cmp = numCmp(agg, op, value);
  return holdsAtZero(op, value) ? sql`c.id not in (${select(sql`not (${cmp})`)})` : sql`c.id in (${select(cmp)})`;
}

function windowOn(column: SQL, c: Condition, env: CompileEnv): SQL {
  const { from, to } = windowDays(c.window, env.today);
  const parts: SQL[] = [];
  if (from) parts.push(sql`${column} >= ${dayStart(from, env)}`);
  if (to) parts.push(sql`${column} < ${dayStart(addDays(to, 1), env)}`);
  return parts.length ? sql` and ${sql.join(parts, sql` and `)}` : sql``;
}

function orderAggregate(measure: 'count' | 'total' | 'average', c: Condition, env: CompileEnv): SQL {
  const { from, to } = windowDays(c.window, env.today);
  if (!from && !to) {
    // all history: the per-customer stats row
    const count = sql`coalesce(s.order_count, 0)`;
    const total = sql`coalesce(s.total_spent, 0)`;
    if (measure === 'count') return numCmp(count, c.op, c.value);
    if (measure === 'total') return numCmp(total, c.op, c.value);
    return sql`(${count} > 0 and ${averageCmp(total, count, c)})`;
  }
  const where: SQL[] = [];
  if (from) where.push(sql`day >= ${from}::date`);
  if (to) where.push(sql`day <= ${to}::date`);
  const select = (having: SQL) =>
    sql`select customer_id from order_days where ${sql.join(where, sql` and `)} group by customer_id having ${having}`;
  if (measure === 'count') return timesCond(select, sql`sum(order_count)`, c.op, c.value);
  if (measure === 'total') return timesCond(select, sql`sum(amount)`, c.op, c.value);
  // an average needs an order: never true without one
  return sql`c.id in (${select(sql`sum(order_count) > 0 and ${averageCmp(sql`sum(amount)`, sql`sum(order_count)`, c)}`)})`;
}

/**
 * A windowed order aggregate that selects only customers with rows (its semi-join form): the
 * HAVING condition over order_days, and the window's key. Null for every other condition.
 */
function semiJoinHaving(n: RuleNode, env: CompileEnv): { window: string; having: SQL; where: SQL } | null {
  if (!('field' in n)) return null;
  const src = env.fields.get(n.field)?.source;
  if (src?.kind !== 'orderAggregate' || negated[n.op]) return null;
  const { from, to } = windowDays(n.window, env.today);
  if (!from && !to) return null;
  if (src.measure !== 'average' && holdsAtZero(n.op, n.value)) return null;
  const where: SQL[] = [];
  if (from) where.push(sql`day >= ${from}::date`);
  if (to) where.push(sql`day <= ${to}::date`);
  const having =
    src.measure === 'count'
      ? numCmp(sql`sum(order_count)`, n.op, n.value)
      : src.measure === 'total'
        ? numCmp(sql`sum(amount)`, n.op, n.value)
        : sql`sum(order_count) > 0 and ${averageCmp(sql`sum(amount)`, sql`sum(order_count)`, n)}`;
  return { window: `${from}|${to}`, having: sql`(${having})`, where: sql.join(where, sql` and `) };
}

/**
 * OR of children. Windowed order aggregates over the same window share one pass over order_days:
 * `c.id in (… having A) or c.id in (… having B)` is `c.id in (… having A or B)`.
 */
function compileOr(children: RuleNode[], env: CompileEnv): SQL {
  const parts: SQL[] = [];
  const byWindow = new Map<string, { where: SQL; having: SQL[] }>();
  for (const child of children) {
    const h = semiJoinHaving(child, env);
    if (!h) {
      parts.push(compileNode(child, env));
      continue;
    }
    const group = byWindow.get(h.window) ?? { where: h.where, having: [] };
    group.having.push(h.having);
    byWindow.set(h.window, group);
  }
  for (const g of byWindow.values())
    parts.push(sql`c.id in (select customer_id from order_days where ${g.where}
      group by customer_id having ${sql.join(g.having, sql` or `)})`);
  return sql`(${sql.join(parts, sql` or `)})`;
}

/** average ⋚ t as total ⋚ t × count: exact, no division. */
function averageCmp(total: SQL, count: SQL, c: Condition): SQL {
  const times = (v: unknown) => sql`${String(v)}::numeric * ${count}`;
  switch (c.op as NumOp) {
    case 'eq':
      return sql`${total} = ${times(c.value)}`;
    case 'gt':
      return sql`${total} > ${times(c.value)}`;
    case 'gte':
      return sql`${total} >= ${times(c.value)}`;
    case 'lt':
      return sql`${total} < ${times(c.value)}`;
    case 'lte':
      return sql`${total} <= ${times(c.value)}`;
    case 'between': {
      const [a, b] = c.value as unknown[];
      return sql`(${total} >= ${times(a)} and ${total} <= ${times(b)})`;
    }
  }
}

function orderTimes(by: 'product' | 'category' | 'store' | 'channel', c: Condition, env: CompileEnv): SQL {
  const args = c.args ?? {};
  const window = windowOn(sql`o.placed_at`, c, env);
  if (by === 'store' || by === 'channel') {
    const match =
      by === 'store'
        ? sql`o.store_id = any(${sql.param(args.storeIds)}::uuid[])`
        : sql`o.source = any(${sql.param(args.sources)}::text[])`;
    const select = (having: SQL) =>
      sql`select o.customer_id from orders o where ${match} and ${COUNTED}${window} group by o.customer_id having ${having}`;
    return timesCond(select, sql`count(*)`, c.op, c.value);
  }
  const match =
    by === 'product'
      ? sql`oi.product_id = any(${sql.param(args.productIds)}::uuid[])`
      : sql`oi.product_id in (select p.id from products p where p.category_id = any(${sql.param(args.categoryIds)}::uuid[]))`;
  const select = (having: SQL) =>
    sql`select o.customer_id from order_items oi join orders o on o.id = oi.order_id
        where ${match} and ${COUNTED}${window} group by o.customer_id having ${having}`;
  return timesCond(select, sql`count(distinct o.id)`, c.op, c.value);
}

function eventTimes(by: 'event' | 'page', c: Condition, env: CompileEnv): SQL {
  const args = c.args ?? {};
  const match =
    by === 'event' ? sql`e.event = ${args.event}` : sql`e.type = 'page' and strpos(e.url, ${args.urlContains}) > 0`;
  const window = windowOn(sql`e.timestamp`, c, env);
  const select = (having: SQL) =>
    sql`select e.customer_id from events e where e.customer_id is not null and ${match}${window}
        group by e.customer_id having ${having}`;
  return timesCond(select, sql`count(*)`, c.op, c.value);
}

function attributeCond(key: string, type: string, c: Condition, env: CompileEnv): SQL {
  const typed = (jsonType: string) =>
    sql`(case when jsonb_typeof(c.attributes -> ${key}) = ${jsonType} then c.attributes ->> ${key} end)`;
  switch (type) {
    case 'number':
      return numCmp(sql`${typed('number')}::numeric`, c.op, c.value);
    case 'date':
      // ISO dates order as text (byte order, whatever the collation); other strings are no date
      return dateCond(
        'day',
        sql`(case when c.attributes ->> ${key} ~ '^\\d{4}-\\d{2}-\\d{2}$' then ${typed('string')} end) collate "C"`,
        c.op,
        c.value,
        env,
      );
    case 'multi_choice': {
      const arr = sql`jsonb_typeof(c.attributes -> ${key}) = 'array'`;
      if (c.op === 'hasAll') return sql`(${arr} and c.attributes -> ${key} ?& ${sql.param(c.value)}::text[])`;
      return sql`(${arr} and c.attributes -> ${key} ?| ${sql.param(c.value)}::text[])`;
    }
    default:
      return textCond(typed('string'), c.op, c.value);
  }
}

function condition(def: FieldDef, c: Condition, env: CompileEnv): SQL {
  const src = def.source;
  switch (src.kind) {
    case 'column': {
      const col = sql.raw(`c.${src.column}`);
      if (src.column === 'created_at') return dateCond('ts', col, c.op, c.value, env);
      return textCond(col, c.op, c.value, def.idValues ? 'uuid' : 'text');
    }
    case 'age':
      return ageCond(c.op, c.value, env);
    case 'birthdayPart':
      return numCmp(sql.raw(`extract(${src.part} from c.birthday)`), c.op, c.value);
    case 'tags':
      return c.op === 'hasAll'
        ? sql`c.tags @> ${sql.param(c.value)}::text[]`
        : sql`c.tags && ${sql.param(c.value)}::text[]`;
    case 'attribute':
      return attributeCond(src.key, src.attributeType, c, env);
    case 'consent': {
      const states = c.value as string[];
      const given = states.filter((v) => v !== 'none');
      const parts: SQL[] = [];
      if (given.length)
        parts.push(sql`c.id in (select customer_id from customer_consent_state
          where purpose = ${src.purpose} and channel = ${src.channel} and status = any(${sql.param(given)}::text[]))`);
      if (states.includes('none'))
        parts.push(sql`c.id not in (select customer_id from customer_consent_state
          where purpose = ${src.purpose} and channel = ${src.channel})`);
      return sql`(${sql.join(parts, sql` or `)})`;
    }
    case 'stats': {
      const col = sql.raw(`s.${src.column}`);
      if (def.type === 'date') return dateCond('ts', col, c.op, c.value, env);
      if (def.type === 'number') return numCmp(col, c.op, c.value);
      return textCond(col, c.op, c.value);
    }
    case 'orderAggregate':
      return orderAggregate(src.measure, c, env);
    case 'orderTimes':
      return orderTimes(src.by, c, env);
    case 'eventTimes':
      return eventTimes(src.by, c, env);
    case 'notDoneSince': {
      const since = resolveDate(c.value as RelativeDate, env.today);
      return sql`c.id not in (select e.customer_id from events e where e.customer_id is not null
        and e.event = ${c.args?.event} and e.timestamp >= ${dayStart(since, env)})`;
    }
    case 'memberOf':
      return sql`c.id in (select m.customer_id from segment_members m where m.segment_id = any(${sql.param(c.value)}::uuid[]))`;
  }
}

/** `from` clause the predicate expects (`c` and `s`). */
export const ruleFrom = sql`customers c left join customer_stats s on s.customer_id = c.id`;
