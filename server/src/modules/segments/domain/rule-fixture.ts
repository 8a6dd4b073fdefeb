import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../../platform/db/db.ts';
import { addDays } from './dates.ts';
import type { EvalData, EvalCustomer } from './evaluate.ts';
import { attributeField, catalogueOf, consentFields, staticFields, type FieldDef } from './fields.ts';

/** Test-only: a small random data set over every table the rule compiler reads, and its loader. */

export const TODAY = '2026-11-23';
export const TIME_ZONE = 'Asia/Shanghai';
export const NOW = Date.parse('2026-11-23T08:00:00Z');

export const cities = ['杭州市', '上海市', '宁波市', '', 'Hangzhou'];
export const tagWords = ['VIP', '老客', '新客', 'vip'];
export const levels = ['gold', 'silver'];
export const hobbies = ['tea', 'golf', 'run'];
export const sources = ['tmall', 'store', 'jd'];
export const eventNames = ['signup', 'add_to_cart', 'purchase'];
export const urls = ['https://shop.example/p/1', 'https://shop.example/cart', 'https://blog.example/a%_b'];

export type Fixture = EvalData & {
  touchpoints: string[];
  productIds: string[];
  categoryIds: string[];
  segmentIds: string[];
};

export const attributeDefs = [
  { key: 'level', label: '等级', type: 'choice' as const, options: levels.map((v) => ({ value: v, label: v })) },
  {
    key: 'hobbies',
    label: '爱好',
    type: 'multi_choice' as const,
    options: hobbies.map((v) => ({ value: v, label: v })),
  },
  { key: 'score', label: '积分', type: 'number' as const, options: [] },
  { key: 'joined', label: '入会', type: 'date' as const, options: [] },
  { key: 'nickname', label: '昵称', type: 'text' as const, options: [] },
];

export const testFields: FieldDef[] = [
  ...staticFields,
  ...attributeDefs.map(attributeField),
  ...consentFields(['marketing'], ['sms', 'email']),
];
export const testCatalogue = catalogueOf(testFields);

/** A data set drawn from `seed`. */
export function makeFixture(seed: number, customers = 40): Fixture {
  // mulberry32: a seeded generator, so a failing seed reproduces the same data
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const maybe = <T>(v: T, p = 0.7): T | null => (int(0, 99) < p * 100 ? v : null);
  const at = (maxDaysAgo: number) => new Date(NOW - int(0, maxDaysAgo * 24) * 3_600_000 - int(0, 3_599) * 1000);

  const touchpoints = [randomUUID(), randomUUID()];
  const categoryIds = [randomUUID(), randomUUID()];
  const productIds = [randomUUID(), randomUUID(), randomUUID()];
  const products = productIds.map((id, k) => ({ id, categoryId: k === 2 ? null : categoryIds[k] }));
  const segmentIds = [randomUUID(), randomUUID()];
  const data: Fixture = {
    customers: [],
    orderDays: [],
    orders: [],
    orderItems: [],
    products,
    events: [],
    segmentMembers: [],
    touchpoints,
    productIds,
    categoryIds,
    segmentIds,
  };
  for (let n = 0; n < customers; n++) {
    const id = randomUUID();
    const attributes: Record<string, unknown> = {};
    if (int(0, 3)) attributes.level = pick([...levels, 'bronze']);
    if (int(0, 2)) attributes.hobbies = int(0, 5) ? hobbies.filter(() => int(0, 1)) : 'tea';
    if (int(0, 2)) attributes.score = int(0, 5) ? int(-5, 20) : String(int(0, 9));
    if (int(0, 2)) attributes.joined = int(0, 5) ? addDays(TODAY, -int(0, 60)) : 'soon';
    if (int(0, 2)) attributes.nickname = pick(['小王', '王小明', '', 'Anna']);
    const days = new Map<string, { orderCount: number; amountFen: number }>();
    for (let k = int(0, 4); k > 0; k--) {
      const day = addDays(TODAY, -int(0, 60));
      days.set(day, { orderCount: int(0, 3), amountFen: int(0, 50) * 1000 + pick([0, 50, 33]) });
    }
    for (const [day, v] of days) data.orderDays.push({ customerId: id, day, ...v });
    const count = [...days.values()].reduce((a, d) => a + d.orderCount, 0);
    const total = [...days.values()].reduce((a, d) => a + d.amountFen, 0);
    const ordered = [...days.keys()].sort();
    const dayAt = (d: string | undefined) =>
      d ? new Date(Date.parse(`${d}T00:00:00+08:00`) + int(0, 86_399) * 1000) : null;
    const cust: EvalCustomer = {
      id,
      gender: pick(['female', 'male', 'unknown']),
      birthday: maybe(
        `${int(1950, 2015)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`,
      ),
      profile: {
        city: maybe(pick(cities)),
        province: maybe(pick(['浙江省', '上海市'])),
        occupation: maybe(pick(['教师', '工程师'])),
        source: maybe(pick(sources)),
        country: 'CN',
      },
      touchpointId: maybe(pick(touchpoints), 0.5),
      ownerId: null,
      createdAt: at(90),
      tags: tagWords.filter(() => int(0, 2) === 0),
      attributes,
      stats: int(0, 9)
        ? {
            orderCount: count,
            totalFen: total,
            firstOrderAt: dayAt(ordered[0]),
            lastOrderAt: dayAt(ordered[ordered.length - 1]),
            scores: {
              r_score: maybe(int(1, 5)),
              f_score: maybe(int(1, 5)),
              m_score: maybe(int(1, 5)),
              rfm_class: maybe(pick(['important_value', 'general_keep'])),
              rfm_segment: maybe(pick(['champions', 'lost'])),
              abc_class: maybe(pick(['A', 'B', 'C'])),
              value_tier: maybe(pick(['high', 'low'])),
              grade: maybe(pick(['vip', 'dormant'])),
              lifecycle_stage: maybe(pick(['new', 'active', 'churned'])),
            },
          }
        : null,
      consents: [
        ...(int(0, 2)
          ? [{ purpose: 'marketing', channel: 'sms', status: pick(['granted', 'withdrawn', 'pending']) }]
          : []),
        ...(int(0, 2) ? [{ purpose: 'marketing', channel: 'email', status: pick(['granted', 'withdrawn']) }] : []),
      ],
    };
    data.customers.push(cust);
    for (let k = int(0, 3); k > 0; k--) {
      const orderId = randomUUID();
      data.orders.push({
        id: orderId,
        customerId: id,
        storeId: maybe(pick(touchpoints), 0.6),
        source: pick(sources),
        status: pick(['paid', 'paid', 'cancelled', 'refunded', 'partially_refunded']),
        placedAt: at(60),
      });
      for (let l = int(1, 2); l > 0; l--) data.orderItems.push({ orderId, productId: pick(productIds) });
    }
    for (let k = int(0, 4); k > 0; k--) {
      const page = int(0, 2) === 0;
      data.events.push({
        customerId: id,
        event: page ? null : pick(eventNames),
        type: page ? 'page' : 'track',
        url: page ? pick(urls) : null,
        timestamp: at(60),
      });
    }
    for (const segmentId of segmentIds) if (int(0, 2) === 0) data.segmentMembers.push({ segmentId, customerId: id });
  }
  // an anonymous visitor's events belong to nobody
  data.events.push({ customerId: null, event: 'signup', type: 'track', url: null, timestamp: at(10) });
  return data;
}

export async function loadFixture(q: Queryable, f: Fixture): Promise<void> {
  const nowDate = new Date(NOW);
  for (const [k, id] of f.touchpoints.entries())
    await q.query(`insert into touchpoints (id, code, name, type) values ($1, $2, $3, 'store')`, [
      id,
      `tp-${id}`,
      `门店${k}`,
    ]);
  for (const [k, id] of f.categoryIds.entries())
    await q.query(`insert into product_categories (id, name) values ($1, $2)`, [id, `类目${k}-${id}`]);
  for (const p of f.products)
    await q.query(`insert into products (id, sku, name, category_id, price) values ($1, $2, $3, $4, 10)`, [
      p.id,
      `sku-${p.id}`,
      '商品',
      p.categoryId,
    ]);
  for (const c of f.customers) {
    await q.query(
      `insert into customers (id, name, gender, birthday, occupation, country, province, city, source, touchpoint_id,
         tags, attributes, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12::jsonb, $13, $13)`,
      [
        c.id,
        `顾客${c.id.slice(0, 4)}`,
        c.gender,
        c.birthday,
        c.profile.occupation ?? null,
        c.profile.country ?? 'CN',
        c.profile.province ?? null,
        c.profile.city ?? null,
        c.profile.source ?? null,
        c.touchpointId,
        c.tags,
        JSON.stringify(c.attributes),
        c.createdAt,
      ],
    );
    if (c.stats) {
      const sc = c.stats.scores;
      await q.query(
        `insert into customer_stats (customer_id, order_count, total_spent, first_order_at, last_order_at,
           r_score, f_score, m_score, rfm_class, rfm_segment, abc_class, value_tier, grade, lifecycle_stage)
         values ($1, $2, $3::numeric / 100, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          c.id,
          c.stats.orderCount,
          c.stats.totalFen,
          c.stats.firstOrderAt,
          c.stats.lastOrderAt,
          sc.r_score ?? null,
          sc.f_score ?? null,
          sc.m_score ?? null,
          sc.rfm_class ?? null,
          sc.rfm_segment ?? null,
          sc.abc_class ?? null,
          sc.value_tier ?? null,
          sc.grade ?? null,
          sc.lifecycle_stage ?? null,
        ],
      );
    }
    for (const [k, s] of c.consents.entries())
      await q.query(
        `insert into customer_consent_state (customer_id, purpose, channel, status, source, at, consent_id)
         values ($1, $2, $3, $4, 'test', $5, $6)`,
        [c.id, s.purpose, s.channel, s.status, nowDate, k + 1],
      );
  }
  for (const d of f.orderDays)
    await q.query(
      `insert into order_days (customer_id, day, order_count, amount) values ($1, $2, $3, $4::numeric / 100)`,
      [d.customerId, d.day, d.orderCount, d.amountFen],
    );
  for (const o of f.orders)
    await q.query(
      `insert into orders (id, customer_id, source, external_id, store_id, status, subtotal, paid_amount, placed_at)
       values ($1, $2, $3, $4, $5, $6, 10, 10, $7)`,
      [o.id, o.customerId, o.source, o.id, o.storeId, o.status, o.placedAt],
    );
  const lines = new Map<string, number>();
  for (const it of f.orderItems) {
    const line = (lines.get(it.orderId) ?? 0) + 1;
    lines.set(it.orderId, line);
    const order = f.orders.find((o) => o.id === it.orderId)!;
    await q.query(
      `insert into order_items (order_id, line_no, customer_id, product_id, sku, name, quantity, price, amount)
       values ($1, $2, $3, $4, 'sku', '商品', 1, 10, 10)`,
      [it.orderId, line, order.customerId, it.productId],
    );
  }
  const sourceId = randomUUID();
  for (const [k, e] of f.events.entries())
    await q.query(
      `insert into events (source_id, customer_id, anonymous_id, type, event, url, timestamp, received_at, message_id)
       values ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
      [sourceId, e.customerId, e.customerId ? null : 'anon-1', e.type, e.event, e.url, e.timestamp, `m-${k}`],
    );
  for (const [k, id] of f.segmentIds.entries())
    await q.query(`insert into segments (id, name, kind) values ($1, $2, 'static')`, [id, `细分${k}`]);
  for (const m of f.segmentMembers)
    await q.query(`insert into segment_members (segment_id, customer_id) values ($1, $2)`, [m.segmentId, m.customerId]);
  // the planner should not see empty statistics (PostgreSQL) and pick absurd plans
  await q.query('analyze');
}
