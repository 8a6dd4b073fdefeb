import { randomUUID } from 'node:crypto';
import {
  createGenerator,
  fenToYuan,
  Random,
  type GeneratedCustomer,
  type GeneratedOrder,
  type OrderChannel,
} from '../../../bench/generator/index.ts';
import type { Db, Queryable } from '../platform/db/db.ts';
import type { CustomersModule, NewActivity, SeedCustomer, SeedTouchpoint } from '../modules/customers/index.ts';
import type { OrdersModule, SeedCategory, SeedOrder, SeedOrderChange } from '../modules/orders/index.ts';
import { regionTree } from '../modules/customers/regions.ts';

/**
 * The demo business's customers and orders: 悦享生活's stores and online shops (touchpoints),
 * its catalogue, ~5,000 members and ~50,000 orders over three-plus years ending yesterday, with
 * the skew of a real consumer brand (most buy once, a loyal core buys every few weeks), tags
 * derived from what people bought, notes by the sales staff and a few custom attributes.
 * Drawn from the deterministic bench generator, written in bulk through the modules' seeders
 * in one transaction, so it is all there or not at all.
 */
export const demoCustomerCount = 5_000;
export const demoCustomersPresent = 'demo customers present';
const SEED = 20_260_101;
/** Repeat and loyal buyers' order counts × this lands near 50,000 orders for 5,000 customers. */
const ORDER_RATE = 8;
const DAY_MS = 86_400_000;
const SHANGHAI_MS = 8 * 3_600_000;

// kinds of random streams of our own (the generator uses others)
const KIND_EXTRA = 901;
const KIND_NOTES = 902;
const KIND_REFUND = 903;

const onlineTouchpoints: SeedTouchpoint[] = [
  { code: 'website', name: '官网', type: 'website' },
  { code: 'wechat_oa', name: '微信公众号', type: 'wechat_official_account' },
  { code: 'mini_program', name: '小程序商城', type: 'mini_program' },
  { code: 'tmall', name: '天猫旗舰店', type: 'ecommerce_store' },
  { code: 'jd', name: '京东旗舰店', type: 'ecommerce_store' },
  { code: 'douyin', name: '抖音小店', type: 'ecommerce_store' },
  { code: 'email', name: '邮件', type: 'email' },
  { code: 'after_sales', name: '售后服务中心', type: 'after_sales' },
  { code: 'member_day', name: '会员日活动', type: 'event' },
];

/** The online shop (touchpoint code) an order of each channel comes through. */
const channelTouchpoint: Record<Exclude<OrderChannel, 'store'>, string> = {
  tmall: 'tmall',
  jd: 'jd',
  douyin: 'douyin',
  wechat_mini_program: 'mini_program',
  website: 'website',
};

/** Where a customer was acquired, by acquisition source (stores use the home store). */
const sourceTouchpoint: Record<string, string> = {
  ...channelTouchpoint,
  event: 'member_day',
  referral: 'wechat_oa',
};

const categoryTree: SeedCategory[] = [
  { name: '美妆个护', children: [{ name: '护肤' }, { name: '彩妆' }] },
  { name: '服饰鞋包', children: [{ name: '服饰' }, { name: '鞋包' }] },
  { name: '食品饮料' },
  { name: '母婴' },
  { name: '家居生活', children: [{ name: '家居' }, { name: '数码配件' }] },
];

const demoTags = [
  { name: '高价值', color: 'gold' },
  { name: '母婴', color: 'magenta' },
  { name: '美妆达人', color: 'purple' },
  { name: '价格敏感', color: 'orange' },
  { name: '会员日常客', color: 'cyan' },
  { name: '新客', color: 'green' },
  { name: '流失预警', color: 'red' },
];

const attributeDefinitions = [
  { key: 'member_card_no', label: '会员卡号', type: 'text' as const, sortOrder: 1 },
  {
    key: 'skin_type',
    label: '肤质',
    type: 'choice' as const,
    options: [
      { value: 'dry', label: '干性' },
      { value: 'oily', label: '油性' },
      { value: 'combination', label: '混合' },
      { value: 'sensitive', label: '敏感' },
    ],
    sortOrder: 2,
  },
  {
    key: 'pets',
    label: '宠物',
    type: 'multi_choice' as const,
    options: [
      { value: 'cat', label: '猫' },
      { value: 'dog', label: '狗' },
      { value: 'other', label: '其他' },
    ],
    sortOrder: 3,
  },
  {
    key: 'annual_budget',
    label: '年度预算',
    description: '顾客自述的年度消费预算（元）',
    type: 'number' as const,
    sortOrder: 4,
  },
];

/** The profile's free-text fields read as staff would type them (the generator gives codes). */
const incomeBandText: Record<string, string> = {
  lt_5k: '月入5千以下',
  '5k_10k': '月入5千-1万',
  '10k_20k': '月入1万-2万',
  '20k_50k': '月入2万-5万',
  gte_50k: '月入5万以上',
};
const educationText: Record<string, string> = {
  high_school: '高中/中专',
  college: '大专',
  bachelor: '本科',
  master: '硕士',
  doctorate: '博士',
};

const cancelReasons = ['顾客取消', '超时未支付', '地址填写错误', '重复下单'];
const refundReasons = ['七天无理由退货', '尺码不合适', '商品质量问题', '发错货'];
const partialRefundReasons = ['部分商品退货', '价格保护退差价', '赠品缺失补偿'];
const feedback = ['效果不错，准备回购', '质地清爽，很喜欢', '尺码略偏大，建议换小一码', '包装精美，适合送礼'];
const streets = ['人民路', '解放路', '中山路', '建设路', '和平路', '新华路', '文化路', '友谊路', '学府路', '滨江路'];

type Staff = { sales: string | null; online: string | null; service: string | null };

/** 'YYYY-MM-DD' of the day before `now`, in Asia/Shanghai (the demo's history ends there). */
function yesterdayInShanghai(now: Date): string {
  return new Date(now.getTime() + SHANGHAI_MS - DAY_MS).toISOString().slice(0, 10);
}

function randomId(rng: Random, length: number): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let s = '';
  for (let i = 0; i < length; i++) s += chars[rng.int(0, chars.length - 1)];
  return s;
}

/** One generated customer with the orders they placed before `now` and what the demo derives. */
type Member = {
  c: GeneratedCustomer;
  id: string;
  orders: GeneratedOrder[];
  countedOrders: number;
  spentFen: number;
  lastOrderMs: number | null;
  beauty: number;
  baby: number;
  discounted: number;
  products: string[];
  refunded: boolean;
};

export async function loadDemoCustomers(deps: {
  db: Db;
  customers: Pick<CustomersModule, 'seeder'>;
  orders: Pick<OrdersModule, 'seeder'>;
  now: () => Date;
}): Promise<string[]> {
  const { db } = deps;
  if (await deps.customers.seeder.hasCustomers(db)) return [demoCustomersPresent];
  const started = Date.now();
  const now = deps.now();
  const nowMs = now.getTime();
  const endDate = yesterdayInShanghai(now);
  const endYear = Number(endDate.slice(0, 4));
  // three whole years and this one so far
  const gen = createGenerator({ seed: SEED, startYear: endYear - 3, years: 4, endDate, orderRate: ORDER_RATE });
  const productsBySku = new Map(gen.products.map((p) => [p.sku, p]));
  const categoryOfSku = (sku: string) => productsBySku.get(sku)?.category ?? '';

  // ── who bought what ───────────────────────────────────────────────────────────────
  const members: Member[] = [];
  for (const c of gen.customers(demoCustomerCount)) {
    const orders = gen.ordersOf(c).filter((o) => Date.parse(o.placedAt) < nowMs);
    const m: Member = {
      c,
      id: randomUUID(),
      orders,
      countedOrders: 0,
      spentFen: 0,
      lastOrderMs: null,
      beauty: 0,
      baby: 0,
      discounted: 0,
      products: [],
      refunded: false,
    };
    for (const o of orders) {
      const cats = o.items.map((i) => categoryOfSku(i.sku));
      if (cats.some((x) => x === 'skincare' || x === 'makeup')) m.beauty++;
      if (cats.includes('baby')) m.baby++;
      if (o.discountFen > 0) m.discounted++;
      if (o.status === 'refunded') m.refunded = true;
      if (o.status !== 'cancelled' && o.status !== 'refunded') {
        m.countedOrders++;
        m.spentFen += o.totalFen;
        m.lastOrderMs = Date.parse(o.placedAt);
      }
      for (const i of o.items) m.products.push(productsBySku.get(i.sku)?.name ?? i.sku);
    }
    members.push(m);
  }
  const spends = members
    .filter((m) => m.countedOrders > 0)
    .map((m) => m.spentFen)
    .sort((a, b) => a - b);
  const highValue = spends[Math.floor(spends.length * 0.92)] ?? Infinity;

  const summary = await db.transaction(async (tx) => {
    // two processes starting at once on one server: the second finds the first one's customers
    await tx.query(`select pg_advisory_xact_lock(hashtext('kehu.demo-customers'))`);
    if (await deps.customers.seeder.hasCustomers(tx)) return null;
    const staff = await demoStaff(tx);
    const touchpointIds = await deps.customers.seeder.seedTouchpoints(
      tx,
      [
        ...gen.stores.map((s) => ({ code: s.code, name: s.name, type: 'store', province: s.province, city: s.city })),
        ...onlineTouchpoints,
      ],
      now,
    );
    const tp = (code: string | null) => (code === null ? null : (touchpointIds.get(code) ?? null));
    await deps.customers.seeder.seedTags(tx, demoTags, now);
    await deps.customers.seeder.seedAttributeDefinitions(tx, attributeDefinitions, now);
    await deps.orders.seeder.seedCatalogue(
      tx,
      categoryTree,
      gen.products.map((p) => ({ sku: p.sku, name: p.name, category: p.categoryName, price: p.price })),
      now,
    );

    // ── customers ───────────────────────────────────────────────────────────────────
    const customerRows: SeedCustomer[] = members.map((m) => {
      const { c } = m;
      const rng = new Random(SEED, KIND_EXTRA, c.index);
      const createdMs = Date.parse(c.createdAt);
      const touchpointCode = c.source === 'store' ? c.homeStoreCode : (sourceTouchpoint[c.source] ?? null);
      const ownerId = rng.chance(0.15) ? null : c.source === 'store' ? staff.sales : staff.online;

      const tags: string[] = [];
      if (m.countedOrders > 0 && m.spentFen >= highValue) tags.push('高价值');
      if (m.baby >= 3 && m.baby / m.orders.length >= 0.1) tags.push('母婴');
      if (m.beauty >= 8 && m.beauty / m.orders.length >= 0.6) tags.push('美妆达人');
      if (m.orders.length >= 3 && m.discounted / m.orders.length >= 0.35) tags.push('价格敏感');
      if (c.source === 'event' || (c.buyer === 'loyal' && rng.chance(0.35))) tags.push('会员日常客');
      if (nowMs - createdMs < 30 * DAY_MS) tags.push('新客');
      // bought again and again, then went quiet for four months
      if (m.countedOrders >= 2 && m.lastOrderMs !== null && nowMs - m.lastOrderMs > 120 * DAY_MS) tags.push('流失预警');

      const attributes: Record<string, string | number | string[]> = {};
      if (c.source === 'store' || (m.countedOrders > 0 && rng.chance(0.4)))
        attributes.member_card_no = `YX${c.createdAt.slice(0, 4)}${String(c.index + 1).padStart(6, '0')}`;
      if (rng.chance(m.beauty > 0 ? 0.55 : 0.08))
        attributes.skin_type = rng.pick(['dry', 'oily', 'combination', 'combination', 'sensitive']);
      if (rng.chance(0.12)) attributes.pets = rng.chance(0.75) ? [rng.pick(['cat', 'dog', 'other'])] : ['cat', 'dog'];
      if (m.countedOrders > 0 && rng.chance(0.15))
        attributes.annual_budget = Math.max(
          500,
          Math.round(((m.spentFen / 100 / 3) * (0.8 + rng.float())) / 100) * 100,
        );

      // a district of the city (from the region tree) and, for many, a delivery address
      const districts = districtsOf(c.province, c.city);
      const district = districts.length && rng.chance(0.7) ? rng.pick(districts) : null;
      let address: string | null = null;
      if (rng.chance(0.45)) {
        const place = c.province === c.city ? c.city : `${c.province}${c.city}`;
        address = `${place}${district ?? ''}${rng.pick(streets)}${rng.int(1, 999)}号${rng.int(1, 30)}栋${rng.int(1, 32)}0${rng.int(1, 4)}室`;
      }
      const wechat =
        c.source === 'wechat_mini_program' ||
        (m.orders.some((o) => o.channel === 'wechat_mini_program') && rng.chance(0.5));
      const openId = wechat ? `o${randomId(rng, 27)}` : null;
      const unionId = wechat && rng.chance(0.6) ? `o${randomId(rng, 27)}` : null;

      return {
        id: m.id,
        name: c.name,
        gender: c.gender,
        birthday: c.birthday,
        occupation: c.occupation,
        incomeBand: c.incomeBand === null ? null : (incomeBandText[c.incomeBand] ?? c.incomeBand),
        education: c.education === null ? null : (educationText[c.education] ?? c.education),
        province: c.province,
        city: c.city,
        district,
        identities: { mobile: c.mobile, email: c.email, wechatOpenId: openId, wechatUnionId: unionId, address },
        externalId: c.code,
        source: c.source,
        touchpointId: tp(touchpointCode),
        ownerId,
        tags,
        attributes,
        createdAt: new Date(createdMs),
      };
    });
    plantDuplicates(customerRows);
    const seeded = await deps.customers.seeder.seedCustomers(tx, customerRows);

    // ── orders ──────────────────────────────────────────────────────────────────────
    const orderRows: SeedOrder[] = [];
    for (const m of members) {
      for (const [k, o] of m.orders.entries()) {
        const placedMs = Date.parse(o.placedAt);
        const rng = new Random(SEED, KIND_REFUND, o.customerIndex, k);
        const changes: SeedOrderChange[] = [];
        let status: SeedOrder['status'] = o.status === 'completed' || o.status === 'paid' ? 'paid' : o.status;
        let refundedFen = 0;
        // a change follows its order, and never lies in the future
        const at = (minMs: number, maxMs: number) =>
          new Date(Math.max(placedMs, Math.min(nowMs - 1_000, placedMs + rng.int(minMs, maxMs))));
        if (o.status === 'cancelled') {
          changes.push({
            at: at(5 * 60_000, 2 * 3_600_000),
            kind: 'cancelled',
            amount: null,
            reason: rng.pick(cancelReasons),
          });
        } else if (o.status === 'refunded') {
          // about a third are partial: one line back, or part of the money
          const partial = rng.chance(0.35);
          if (partial) {
            const line = o.items.length > 1 ? rng.pick(o.items) : null;
            refundedFen = line
              ? Math.min(line.unitPriceFen, o.totalFen - 100)
              : Math.floor((o.totalFen * rng.int(20, 50)) / 100 / 100) * 100;
          }
          if (partial && refundedFen > 0 && refundedFen < o.totalFen) {
            status = 'partially_refunded';
            changes.push({
              at: at(DAY_MS, 10 * DAY_MS),
              kind: 'partially_refunded',
              amount: fenToYuan(refundedFen),
              reason: rng.pick(partialRefundReasons),
              actorId: staff.service,
              touchpointId: tp('after_sales'),
            });
          } else {
            refundedFen = o.totalFen;
            status = 'refunded';
            changes.push({
              at: at(DAY_MS, 10 * DAY_MS),
              kind: 'refunded',
              amount: fenToYuan(refundedFen),
              reason: rng.pick(refundReasons),
              actorId: staff.service,
              touchpointId: tp('after_sales'),
            });
          }
        }
        orderRows.push({
          id: randomUUID(),
          customerId: m.id,
          source: o.channel,
          externalId: o.orderNo,
          storeId: tp(o.channel === 'store' ? o.storeCode : channelTouchpoint[o.channel]),
          status,
          placedAt: new Date(placedMs),
          discount: o.discount,
          refundedAmount: fenToYuan(refundedFen),
          items: o.items.map((i) => ({ sku: i.sku, quantity: i.quantity, price: i.unitPrice })),
          changes,
        });
      }
    }
    const timeline = { seedActivities: deps.customers.seeder.seedActivities };
    const ordered = await deps.orders.seeder.seedOrders(tx, orderRows, timeline);

    // ── notes by the staff who look after them ──────────────────────────────────────
    const noteRows: NewActivity[] = [];
    members.forEach((m, i) => {
      const rng = new Random(SEED, KIND_NOTES, m.c.index);
      const owner = customerRows[i].ownerId;
      if (!rng.chance(m.orders.length >= 2 ? 0.16 : 0.02)) return;
      const createdMs = Date.parse(m.c.createdAt);
      const count = rng.int(1, 3);
      for (let k = 0; k < count; k++) {
        const product = m.products.length ? rng.pick(m.products) : '新品';
        const texts = [
          `导购回访记录：顾客对${product}很满意，${rng.pick(feedback)}。`,
          `电话回访：询问${product}的使用感受，顾客反馈${rng.pick(feedback)}。`,
          '顾客到店咨询会员积分兑换规则，已详细说明并推荐会员日活动。',
          '会员日活动邀约：已发送邀请函，顾客表示会准时参加。',
          '顾客偏好：喜欢简约风格，关注新品上市通知，希望优先收到试用装。',
          '生日关怀：已寄送生日礼券，顾客表示感谢。',
          '顾客反映快递配送较慢，已致歉并赠送一张满减券。',
          ...(m.refunded ? [`售后跟进：${product}退货已处理完毕，顾客认可处理结果。`] : []),
        ];
        const at = createdMs + Math.floor(rng.float() * (nowMs - createdMs - 60_000)) + 60_000;
        noteRows.push({
          customerId: m.id,
          at: new Date(Math.min(at, nowMs - 1_000)),
          kind: 'note.added',
          module: 'customers',
          actorId: owner ?? staff.service,
          summary: { text: rng.pick(texts) },
        });
      }
    });
    await deps.customers.seeder.seedActivities(tx, noteRows);
    return {
      customers: seeded.customers,
      orders: ordered.orders,
      items: ordered.items,
      notes: noteRows.length,
      touchpoints: touchpointIds.size,
    };
  });

  if (!summary) return [demoCustomersPresent];
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return [
    `demo customers loaded in ${seconds} s: ${summary.customers} customers, ${summary.orders} orders ` +
      `(${summary.items} lines), ${summary.notes} notes, ${summary.touchpoints} touchpoints`,
  ];
}

/** How many demo customers are a second registration of an earlier one (see plantDuplicates). */
export const demoDuplicateCount = 16;

/**
 * A few people registered twice (a new mobile, at another store or event), as every real
 * customer base has: the last customers take the name, gender and birthday of earlier ones, most
 * also their city, so the duplicate review has pairs to show (name + birthday + city, or name +
 * birthday). Their own mobiles, orders and history stay theirs, like a real second account.
 */
function plantDuplicates(rows: SeedCustomer[]): void {
  const originals = rows.filter((r) => r.birthday !== null && r.name.length >= 2).slice(0, 400);
  for (let k = 0; k < demoDuplicateCount; k++) {
    const original = originals[(k * 23 + 7) % originals.length];
    const second = rows[rows.length - 1 - k];
    second.name = original.name;
    second.gender = original.gender;
    second.birthday = original.birthday;
    if (k % 4 !== 3) {
      second.province = original.province;
      second.city = original.city;
      second.district = original.district;
    }
  }
}

/** The demo's sales and service users (by their demo e-mail), when they exist. */
async function demoStaff(q: Queryable): Promise<Staff> {
  const rows = await q.query<{ id: string; email: string }>(
    'select id, email from users where email = any($1::text[])',
    [['sales@demo.kehu.cn', 'online@demo.kehu.cn', 'service@demo.kehu.cn']],
  );
  const byEmail = new Map(rows.map((r) => [r.email, r.id]));
  return {
    sales: byEmail.get('sales@demo.kehu.cn') ?? null,
    online: byEmail.get('online@demo.kehu.cn') ?? null,
    service: byEmail.get('service@demo.kehu.cn') ?? null,
  };
}

let districtIndex: Map<string, string[]> | null = null;
function districtsOf(province: string, city: string): string[] {
  if (!districtIndex) {
    districtIndex = new Map();
    for (const p of regionTree())
      for (const c of p.children ?? [])
        districtIndex.set(
          `${p.name}/${c.name}`,
          (c.children ?? []).map((d) => d.name),
        );
  }
  return districtIndex.get(`${province}/${city}`) ?? [];
}
