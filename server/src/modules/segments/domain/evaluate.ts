import { ageOn, dayIn, firstOfLastDays, resolveDate, windowDays } from './dates.ts';
import type { AttributeType, DateOp, FieldCatalogue, FieldDef, NumOp, Op, TextOp } from './fields.ts';
import type { Condition, RelativeDate, RuleNode, SegmentRule } from './rule.ts';

/**
 * A straightforward in-memory reading of a rule, written from the rule format's definition and
 * not from the compiler: the property test (compile.property.test.ts) checks that the SQL the
 * compiler produces selects exactly the customers this selects. Money is in fen (integers).
 */

export type EvalCustomer = {
  id: string;
  gender: string;
  birthday: string | null;
  profile: Partial<
    Record<
      'occupation' | 'income_band' | 'education' | 'country' | 'province' | 'city' | 'district' | 'source',
      string | null
    >
  >;
  touchpointId: string | null;
  ownerId: string | null;
  createdAt: Date;
  tags: string[];
  attributes: Record<string, unknown>;
  /** customer_stats; null when the customer has no stats row. */
  stats: {
    orderCount: number;
    totalFen: number;
    firstOrderAt: Date | null;
    lastOrderAt: Date | null;
    scores: Partial<Record<string, string | number | null>>;
  } | null;
  consents: { purpose: string; channel: string; status: string }[];
};

export type EvalData = {
  customers: EvalCustomer[];
  orderDays: { customerId: string; day: string; orderCount: number; amountFen: number }[];
  orders: { id: string; customerId: string; storeId: string | null; source: string; status: string; placedAt: Date }[];
  orderItems: { orderId: string; productId: string }[];
  products: { id: string; categoryId: string | null }[];
  events: { customerId: string | null; event: string | null; type: string; url: string | null; timestamp: Date }[];
  segmentMembers: { segmentId: string; customerId: string }[];
};

export type EvalEnv = { fields: FieldCatalogue; today: string; timeZone: string };

const fen = (v: unknown) => Math.round(Number(v) * 100);

function numTest(x: number, op: Op, value: unknown, scale: (v: unknown) => number = Number): boolean {
  switch (op as NumOp) {
    case 'eq':
      return x === scale(value);
    case 'gt':
      return x > scale(value);
    case 'gte':
      return x >= scale(value);
    case 'lt':
      return x < scale(value);
    case 'lte':
      return x <= scale(value);
    case 'between': {
      const [a, b] = value as unknown[];
      return x >= scale(a) && x <= scale(b);
    }
  }
}

/** Date operators on a business day (YYYY-MM-DD); null is false. */
function dayTest(day: string | null, op: Op, value: unknown, today: string): boolean {
  if (op === 'isSet') return day !== null;
  if (day === null) return false;
  const d = (v: unknown) => resolveDate(v as RelativeDate, today);
  switch (op as Exclude<DateOp, 'isSet'>) {
    case 'eq':
      return day === d(value);
    case 'before':
      return day < d(value);
    case 'after':
      return day > d(value);
    case 'between': {
      const [a, b] = value as RelativeDate[];
      return day >= d(a) && day <= d(b);
    }
    case 'withinLastDays':
      return day >= firstOfLastDays(today, value as number);
    case 'moreThanDaysAgo':
      return day < firstOfLastDays(today, value as number);
  }
}

function textTest(x: string | null | undefined, op: Op, value: unknown): boolean {
  if (op === 'isSet') return x !== null && x !== undefined && x !== '';
  if (x === null || x === undefined) return false;
  switch (op as Exclude<TextOp, 'isSet'>) {
    case 'eq':
      return x === value;
    case 'in':
      return (value as string[]).includes(x);
    case 'contains':
      return x.includes(value as string);
    case 'startsWith':
      return x.startsWith(value as string);
  }
}

function inWindow(at: Date, c: Condition, env: EvalEnv): boolean {
  const { from, to } = windowDays(c.window, env.today);
  const day = dayIn(env.timeZone, at);
  return (!from || day >= from) && (!to || day <= to);
}

const positiveOf: Partial<Record<Op, Op>> = { neq: 'eq', notIn: 'in', hasNone: 'hasAny', notSet: 'isSet' };

export function evaluateRule(rule: SegmentRule, data: EvalData, env: EvalEnv): Set<string> {
  const out = new Set<string>();
  for (const cust of data.customers) if (evalNode(rule, cust, data, env)) out.add(cust.id);
  return out;
}

function evalNode(n: RuleNode, cust: EvalCustomer, data: EvalData, env: EvalEnv): boolean {
  if ('and' in n) return n.and.every((x) => evalNode(x, cust, data, env));
  if ('or' in n) return n.or.some((x) => evalNode(x, cust, data, env));
  if ('not' in n) return !evalNode(n.not, cust, data, env);
  const def = env.fields.get(n.field)!;
  const positive = positiveOf[n.op];
  if (positive) return !evalCondition(def, { ...n, op: positive }, cust, data, env);
  return evalCondition(def, n, cust, data, env);
}

const COUNTED = new Set(['paid', 'partially_refunded']);

function evalCondition(def: FieldDef, c: Condition, cust: EvalCustomer, data: EvalData, env: EvalEnv): boolean {
  const src = def.source;
  const orderCountIf = (pred: (o: EvalData['orders'][number]) => boolean) =>
    data.orders.filter(
      (o) => o.customerId === cust.id && COUNTED.has(o.status) && inWindow(o.placedAt, c, env) && pred(o),
    ).length;
  switch (src.kind) {
    case 'column': {
      if (src.column === 'created_at') return dayTest(dayIn(env.timeZone, cust.createdAt), c.op, c.value, env.today);
      const x =
        src.column === 'gender'
          ? cust.gender
          : src.column === 'touchpoint_id'
            ? cust.touchpointId
            : src.column === 'owner_id'
              ? cust.ownerId
              : cust.profile[src.column];
      return textTest(x, c.op, c.value);
    }
    case 'age':
      return cust.birthday !== null && numTest(ageOn(cust.birthday, env.today), c.op, c.value);
    case 'birthdayPart': {
      if (!cust.birthday) return false;
      const [, m, d] = cust.birthday.split('-').map(Number);
      return numTest(src.part === 'month' ? m : d, c.op, c.value);
    }
    case 'tags': {
      const want = c.value as string[];
      return c.op === 'hasAll' ? want.every((t) => cust.tags.includes(t)) : want.some((t) => cust.tags.includes(t));
    }
    case 'attribute':
      return attributeTest(cust.attributes[src.key], src.attributeType, c, env.today);
    case 'consent': {
      const row = cust.consents.find((x) => x.purpose === src.purpose && x.channel === src.channel);
      return (c.value as string[]).includes(row ? row.status : 'none');
    }
    case 'stats': {
      const s = cust.stats;
      if (def.type === 'date') {
        const at = src.column === 'last_order_at' ? s?.lastOrderAt : s?.firstOrderAt;
        return dayTest(at ? dayIn(env.timeZone, at) : null, c.op, c.value, env.today);
      }
      const x = s?.scores[src.column] ?? null;
      if (def.type === 'number') return typeof x === 'number' && numTest(x, c.op, c.value);
      return textTest(typeof x === 'string' ? x : null, c.op, c.value);
    }
    case 'orderAggregate': {
      const { from, to } = windowDays(c.window, env.today);
      let count: number;
      let total: number;
      if (!from && !to) {
        count = cust.stats?.orderCount ?? 0;
        total = cust.stats?.totalFen ?? 0;
      } else {
        const days = data.orderDays.filter(
          (d) => d.customerId === cust.id && (!from || d.day >= from) && (!to || d.day <= to),
        );
        count = days.reduce((a, d) => a + d.orderCount, 0);
        total = days.reduce((a, d) => a + d.amountFen, 0);
      }
      if (src.measure === 'count') return numTest(count, c.op, c.value);
      if (src.measure === 'total') return numTest(total, c.op, c.value, fen);
      // total ⋚ t × count (what "average ⋚ t" means, exactly)
      if (count === 0) return false;
      return numTest(total, c.op, c.value, (v) => fen(v) * count);
    }
    case 'orderTimes': {
      const args = c.args ?? {};
      if (src.by === 'store')
        return numTest(
          orderCountIf((o) => (args.storeIds as string[]).includes(o.storeId ?? '')),
          c.op,
          c.value,
        );
      if (src.by === 'channel')
        return numTest(
          orderCountIf((o) => (args.sources as string[]).includes(o.source)),
          c.op,
          c.value,
        );
      const products =
        src.by === 'product'
          ? new Set(args.productIds as string[])
          : new Set(
              data.products.filter((p) => (args.categoryIds as string[]).includes(p.categoryId ?? '')).map((p) => p.id),
            );
      const orders = new Set(data.orderItems.filter((i) => products.has(i.productId)).map((i) => i.orderId));
      return numTest(
        orderCountIf((o) => orders.has(o.id)),
        c.op,
        c.value,
      );
    }
    case 'eventTimes': {
      const args = c.args ?? {};
      const n = data.events.filter(
        (e) =>
          e.customerId === cust.id &&
          inWindow(e.timestamp, c, env) &&
          (src.by === 'event'
            ? e.event === args.event
            : e.type === 'page' && e.url !== null && e.url.includes(args.urlContains as string)),
      ).length;
      return numTest(n, c.op, c.value);
    }
    case 'notDoneSince': {
      const since = resolveDate(c.value as RelativeDate, env.today);
      return !data.events.some(
        (e) => e.customerId === cust.id && e.event === c.args?.event && dayIn(env.timeZone, e.timestamp) >= since,
      );
    }
    case 'memberOf':
      return data.segmentMembers.some((m) => m.customerId === cust.id && (c.value as string[]).includes(m.segmentId));
  }
}

function attributeTest(v: unknown, type: AttributeType, c: Condition, today: string): boolean {
  switch (type) {
    case 'number':
      return typeof v === 'number' && numTest(v, c.op, c.value);
    case 'date':
      return dayTest(typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null, c.op, c.value, today);
    case 'multi_choice': {
      if (!Array.isArray(v)) return false;
      const want = c.value as string[];
      const has = (t: string) => v.some((x) => x === t);
      return c.op === 'hasAll' ? want.every(has) : want.some(has);
    }
    case 'choice':
    case 'text':
      return textTest(typeof v === 'string' ? v : null, c.op, c.value);
  }
}
