import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import {
  adminEmail,
  adminPassword,
  createClockedKehu,
  signIn,
  type ClockedKehu,
  type Session,
} from '../../../test/auth-fixtures.ts';
import { nameTermsOf } from './name-search.ts';
import { sealIdentity } from './identities.ts';

const NOW = Date.parse('2026-11-23T08:00:00Z'); // the clocked Kehu's time: 16:00 on 23 Nov in Shanghai
const hour = 3_600_000;
const day = 24 * hour;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

const specialNames = [
  '王小明',
  '王芳',
  '李小明',
  '吴晓敏',
  '张伟',
  'Zhang Wei',
  'Lily Zhang',
  '王小红',
  '50%折扣',
  '5000号',
  '欧阳娜娜',
  'Anna',
];

type Seed = {
  id: string;
  name: string;
  gender: 'female' | 'male' | 'unknown';
  birthday: string | null;
  province: string;
  city: string;
  source: string | null;
  touchpointId: string | null;
  ownerId: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  mobile: string;
  email: string | null;
  externalId: string | null;
  createdAt: number;
  orderCount: number;
  spentFen: number;
  lastOrderAt: number | null;
};

type Customer = {
  id: string;
  name: string;
  mobile: string | null;
  email: string | null;
  tags: string[];
  age: number | null;
};

describe('customer list, bulk changes and exports', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let reader: Session; // view + export, no reveal, no edit
  let revealer: Session; // view + export + reveal
  let touchpointId: string;
  const seeds: Seed[] = [];

  async function userWith(email: string, permissions: string[]): Promise<Session> {
    const role = await admin.call('POST', '/roles', { name: `role ${email}`, permissions });
    assert.equal(role.statusCode, 201, role.body);
    const password = 'a long fixture password 987';
    const user = await admin.call('POST', '/users', {
      name: email.split('@')[0],
      email,
      password,
      roleIds: [role.json().id],
    });
    assert.equal(user.statusCode, 201, user.body);
    return signIn(kehu, email, password);
  }

  async function seed() {
    const [tp] = await kehu.db.query<{ id: string }>(
      `insert into touchpoints (code, name, type) values ('hz-west-lake', '杭州西湖店', 'store') returning id`,
    );
    touchpointId = tp.id;
    await kehu.db.query(
      `insert into customer_attribute_definitions (key, label, type, options) values
       ('level', '会员等级', 'choice', '[{"value":"gold","label":"金卡"},{"value":"silver","label":"银卡"}]'),
       ('hobbies', '爱好', 'multi_choice', '[{"value":"tea","label":"茶"},{"value":"golf","label":"高尔夫"}]'),
       ('score', '积分', 'number', '[]'),
       ('joined', '入会日期', 'date', '[]'),
       ('nickname', '昵称', 'text', '[]')`,
    );
    const provinces: [string, string[]][] = [
      ['浙江省', ['杭州市', '宁波市']],
      ['广东省', ['广州市', '深圳市']],
      ['上海市', ['上海市']],
    ];
    for (let i = 0; i < 60; i++) {
      const [province, cities] = provinces[i % 3];
      const orderCount = i % 4 === 0 ? 0 : i % 7;
      const attributes: Record<string, unknown> = {};
      if (i % 4 !== 3) attributes.level = i % 2 ? 'silver' : 'gold';
      if (i % 5 === 0) attributes.hobbies = ['tea', 'golf'];
      if (i % 5 === 1) attributes.hobbies = ['golf'];
      if (i % 2 === 0) attributes.score = i;
      if (i % 3 === 0) attributes.joined = `2025-${pad((i % 12) + 1)}-15`;
      const birthdays: Record<number, string> = { 1: '1996-11-23', 2: '1996-11-24', 3: '1986-11-24', 4: '1986-11-23' };
      seeds.push({
        id: randomUUID(),
        name: specialNames[i] ?? `顾客${i}`,
        gender: (['female', 'male', 'unknown'] as const)[i % 3],
        birthday:
          birthdays[i] ??
          (i % 5 === 0 ? null : `${1960 + ((i * 7) % 45)}-${pad((i % 12) + 1)}-${pad(((i * 3) % 28) + 1)}`),
        province,
        city: cities[Math.floor(i / 3) % cities.length],
        source: ['tmall', 'store', 'wechat', null][i % 4],
        touchpointId: i % 4 === 1 ? touchpointId : null,
        ownerId: i % 3 === 0 ? admin.userId : i % 3 === 1 ? reader.userId : null,
        tags: [...(i % 2 === 0 ? ['VIP'] : []), ...(i % 3 === 0 ? ['老客'] : [])],
        attributes,
        mobile: `1380013${pad(i, 4)}`,
        email: i % 2 === 0 ? `user${i}@example.com` : null,
        externalId: i % 6 === 0 ? `POS-${1000 + i}` : null,
        // customers 10–13 were created in the same instant: the id breaks the tie
        createdAt: i >= 10 && i <= 13 ? NOW - 10 * hour : NOW - i * hour,
        orderCount,
        spentFen: orderCount * (10000 + (i % 5) * 1000),
        lastOrderAt: orderCount ? NOW - (i % 9) * day : null,
      });
    }
    const crypto = kehu.platform.crypto;
    for (const s of seeds) {
      const mobile = sealIdentity(crypto, 'mobile', `+86${s.mobile}`, s.id);
      const email = s.email ? sealIdentity(crypto, 'email', s.email, s.id) : null;
      await kehu.db.query(
        `insert into customers (id, name, name_terms, gender, birthday, province, city, source, touchpoint_id, owner_id,
           tags, attributes, mobile_enc, mobile_bidx, email_enc, email_bidx, external_id, created_at, updated_at)
         values ($1, $2, $3::text[], $4, $5, $6, $7, $8, $9, $10, $11::text[], $12::jsonb, $13, $14, $15, $16, $17, $18, $18)`,
        [
          s.id,
          s.name,
          nameTermsOf(s.name),
          s.gender,
          s.birthday,
          s.province,
          s.city,
          s.source,
          s.touchpointId,
          s.ownerId,
          s.tags,
          JSON.stringify(s.attributes),
          mobile.enc,
          mobile.bidx,
          email?.enc ?? null,
          email?.bidx ?? null,
          s.externalId,
          new Date(s.createdAt),
        ],
      );
      await kehu.db.query(
        `insert into customer_stats (customer_id, order_count, total_spent, average_order_value, first_order_at, last_order_at)
         values ($1, $2, $3::numeric / 100, case when $2 > 0 then round($3::numeric / 100 / $2, 2) else 0 end, $4, $4)`,
        [s.id, s.orderCount, s.spentFen, s.lastOrderAt === null ? null : new Date(s.lastOrderAt)],
      );
    }
  }

  const byId = (id: string) => seeds.find((s) => s.id === id) as Seed;
  const idOf = (i: number) => seeds[i].id;
  const cmpId = (a: Seed, b: Seed) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const keyOf: Record<string, (s: Seed) => number> = {
    createdAt: (s) => s.createdAt,
    totalSpent: (s) => s.spentFen,
    orderCount: (s) => s.orderCount,
    lastOrderAt: (s) => s.lastOrderAt ?? -Infinity,
  };
  function expected(filter: (s: Seed) => boolean, sort = '-createdAt'): string[] {
    const key = keyOf[sort.replace(/^-/, '')];
    const dir = sort.startsWith('-') ? -1 : 1;
    return seeds
      .filter(filter)
      .sort((a, b) => dir * (key(a) - key(b) || cmpId(a, b)))
      .map((s) => s.id);
  }

  /** Every page of a query, following nextCursor; fails on a repeated id. */
  async function all(session: Session, query: string, limit = 7): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const res = await session.call(
        'GET',
        `/customers?${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(res.statusCode, 200, `${query}: ${res.body}`);
      const body = res.json() as { items: Customer[]; nextCursor: string | null };
      assert.ok(body.items.length <= limit);
      ids.push(...body.items.map((c) => c.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    assert.equal(new Set(ids).size, ids.length, `${query}: an id came twice`);
    return ids;
  }
  const names = (ids: string[]) => ids.map((id) => byId(id).name);

  async function count(session: Session, query: string): Promise<number> {
    const res = await session.call('GET', `/customers/count?${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().count;
  }

  async function fieldOf(res: { statusCode: number; json(): { error: { fields?: { field: string }[] } } }) {
    assert.equal(res.statusCode, 422);
    return res.json().error.fields?.map((f) => f.field);
  }

  before(async () => {
    kehu = await createClockedKehu({
      KEHU_ADMIN_EMAIL: adminEmail,
      KEHU_ADMIN_PASSWORD: adminPassword,
      KEHU_JOB_POLL_SECONDS: '0.5',
    });
    admin = await signIn(kehu, adminEmail, adminPassword);
    reader = await userWith('reader@kehu.test', ['customers.view', 'customers.export']);
    revealer = await userWith('revealer@kehu.test', ['customers.view', 'customers.export', 'customers.reveal']);
    await seed();
  });
  after(async () => kehu.close());

  it('lists newest first by default, masks identities, and pages through everyone exactly once', async () => {
    const first = await reader.call('GET', '/customers');
    assert.equal(first.statusCode, 200, first.body);
    const body = first.json() as { items: Customer[]; nextCursor: string | null };
    assert.equal(body.items.length, 50);
    assert.ok(body.nextCursor);
    const all60 = expected(() => true);
    assert.deepEqual(
      body.items.map((c) => c.id),
      all60.slice(0, 50),
    );
    const wang = body.items.find((c) => c.name === '王小明') as Customer;
    assert.equal(wang.mobile, '+86 138****0000');
    assert.equal(wang.email, 'u***@example.com');
    assert.deepEqual(await all(reader, ''), all60);
    assert.deepEqual(await all(reader, '', 1), all60);
    assert.equal(await count(reader, ''), 60);
  });

  it('sorts by each key in both directions, ties broken by id, across pages', async () => {
    for (const sort of [
      '-createdAt',
      'createdAt',
      '-lastOrderAt',
      'lastOrderAt',
      '-totalSpent',
      'totalSpent',
      '-orderCount',
      'orderCount',
    ]) {
      assert.deepEqual(
        await all(reader, `sort=${sort}`, 7),
        expected(() => true, sort),
        sort,
      );
      assert.deepEqual(
        await all(reader, `sort=${sort}&hasOrdered=true`, 4),
        expected((s) => s.orderCount > 0, sort),
        sort,
      );
    }
  });

  it('filters by each field, the count agreeing with the list', async () => {
    const ageOf = (b: string) => {
      const [y, m, d] = b.split('-').map(Number);
      return 2026 - y - (m > 11 || (m === 11 && d > 23) ? 1 : 0);
    };
    const cases: [string, (s: Seed) => boolean][] = [
      ['gender=female', (s) => s.gender === 'female'],
      ['ageMin=30', (s) => !!s.birthday && ageOf(s.birthday) >= 30],
      ['ageMax=39', (s) => !!s.birthday && ageOf(s.birthday) <= 39],
      ['ageMin=30&ageMax=39', (s) => !!s.birthday && ageOf(s.birthday) >= 30 && ageOf(s.birthday) <= 39],
      [`province=${encodeURIComponent('浙江省')}`, (s) => s.province === '浙江省'],
      [`province=${encodeURIComponent('广东省')}&city=${encodeURIComponent('深圳市')}`, (s) => s.city === '深圳市'],
      ['source=tmall', (s) => s.source === 'tmall'],
      [`touchpointId=${'TP'}`, (s) => s.touchpointId !== null],
      [`ownerId=${'READER'}`, (s) => s.ownerId === reader.userId],
      ['tag=VIP', (s) => s.tags.includes('VIP')],
      [`tag=VIP&tag=${encodeURIComponent('老客')}`, (s) => s.tags.includes('VIP') && s.tags.includes('老客')],
      ['hasOrdered=true', (s) => s.orderCount > 0],
      ['hasOrdered=false', (s) => s.orderCount === 0],
      ['spentMin=300&spentMax=600.00', (s) => s.spentFen >= 30000 && s.spentFen <= 60000],
      ['orderCountMin=2&orderCountMax=3', (s) => s.orderCount >= 2 && s.orderCount <= 3],
      // whole days in Shanghai: 20 Nov 00:00 to 22 Nov 24:00 (+08:00)
      [
        'lastOrderFrom=2026-11-20&lastOrderTo=2026-11-22',
        (s) =>
          s.lastOrderAt !== null &&
          s.lastOrderAt >= Date.parse('2026-11-19T16:00:00Z') &&
          s.lastOrderAt < Date.parse('2026-11-22T16:00:00Z'),
      ],
      [`attributes=${encodeURIComponent('{"level":"gold"}')}`, (s) => s.attributes.level === 'gold'],
      [`attributes=${encodeURIComponent('{"level":["gold","silver"]}')}`, (s) => s.attributes.level !== undefined],
      [
        `attributes=${encodeURIComponent('{"hobbies":"tea"}')}`,
        (s) => ((s.attributes.hobbies as string[]) ?? []).includes('tea'),
      ],
      [
        `attributes=${encodeURIComponent('{"score":{"min":10,"max":30}}')}`,
        (s) => typeof s.attributes.score === 'number' && s.attributes.score >= 10 && s.attributes.score <= 30,
      ],
      [
        `attributes=${encodeURIComponent('{"joined":{"min":"2025-03-01","max":"2025-08-31"}}')}`,
        (s) =>
          typeof s.attributes.joined === 'string' &&
          s.attributes.joined >= '2025-03-01' &&
          s.attributes.joined <= '2025-08-31',
      ],
      [
        `gender=female&province=${encodeURIComponent('浙江省')}&ageMin=20&spentMin=100`,
        (s) =>
          s.gender === 'female' &&
          s.province === '浙江省' &&
          !!s.birthday &&
          ageOf(s.birthday) >= 20 &&
          s.spentFen >= 10000,
      ],
    ];
    for (const [raw, filter] of cases) {
      const query = raw.replace('TP', touchpointId).replace('READER', reader.userId);
      const want = expected(filter);
      assert.ok(want.length > 0 && want.length < 60, `${query} selects some: ${want.length}`);
      assert.deepEqual(await all(reader, query, 5), want, query);
      assert.equal(await count(reader, query), want.length, query);
    }
    // ages count in the business time zone: born 23 Nov 1996 is 30 today, 24 Nov 1996 is still 29
    const thirty = (await all(reader, 'ageMin=30&ageMax=30', 50)).map((id) => byId(id).birthday);
    assert.ok(thirty.includes('1996-11-23'));
    assert.ok(!thirty.includes('1996-11-24'));
    const body = (await reader.call('GET', '/customers?ageMin=30&ageMax=30')).json() as { items: Customer[] };
    assert.ok(body.items.every((c) => c.age === 30));
  });

  it('finds exact mobiles, emails and external ids, and names by Chinese characters, pinyin initials and latin', async () => {
    const cases: [string, string[]][] = [
      ['+86 138-0013-0020', [idOf(20)]],
      ['13800130020', [idOf(20)]],
      ['138 0013 0021', [idOf(21)]],
      ['USER22@Example.COM', [idOf(22)]],
      ['user23@example.com', []],
      ['POS-1012', [idOf(12)]],
      ['王', expected((s) => s.name.includes('王'))],
      ['小明', expected((s) => s.name.includes('小明'))],
      ['王小明', [idOf(0)]],
      ['wxm', expected((s) => s.name === '王小明' || s.name === '吴晓敏')],
      ['WXM', expected((s) => s.name === '王小明' || s.name === '吴晓敏')],
      ['zw', [idOf(4)]],
      ['zhang', expected((s) => /zhang/i.test(s.name))],
      ['an', [idOf(11)]],
      ['50%', [idOf(8)]],
      ['顾客_', []],
      ['nobody', []],
    ];
    for (const [search, want] of cases) {
      assert.deepEqual(names(await all(reader, `search=${encodeURIComponent(search)}`, 3)), names(want), search);
    }
    assert.ok(expected((s) => s.name.includes('王')).length >= 3);
    assert.deepEqual(names(await all(reader, `search=${encodeURIComponent('王')}&gender=female`)), ['王小明']);
    assert.equal(await count(reader, `search=${encodeURIComponent('小明')}`), 2);
  });

  it('finds a customer created through the profile API, and shows a bulk tag on their profile', async () => {
    const created = await admin.call('POST', '/customers', {
      name: '司马光明',
      gender: 'male',
      mobile: '139 1234 5678',
      email: 'SiMa@Example.cn',
      externalId: 'WX-88',
      province: '浙江省',
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id as string;
    for (const search of [
      '+86 13912345678',
      '13912345678',
      'sima@example.cn',
      'WX-88',
      '司马',
      '光明',
      '司马光明',
      'smgm',
    ]) {
      assert.deepEqual(await all(reader, `search=${encodeURIComponent(search)}`), [id], search);
    }
    const bulk = await admin.call('POST', '/customers/bulk', { ids: [id], action: 'addTags', tags: ['API'] });
    assert.equal(bulk.json().affected, 1);
    assert.deepEqual((await reader.call('GET', `/customers/${id}`)).json().tags, ['API']);
    const deleted = await admin.call('DELETE', `/customers/${id}?confirm=true`);
    assert.equal(deleted.statusCode, 204, deleted.body);
    assert.deepEqual(await all(reader, 'search=WX-88'), []);
  });

  it('finds the survivor of a merge by the merged record’s mobile and email (kept as aliases)', async () => {
    const create = async (body: Record<string, unknown>) => {
      const res = await admin.call('POST', '/customers', { province: '浙江省', ...body });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().id as string;
    };
    const survivor = await create({ name: '欧阳娜娜', mobile: '139 5555 0001', email: 'nana@example.cn' });
    const merged = await create({ name: '欧阳娜', mobile: '139 5555 0002', email: 'ouyang.na@example.cn' });
    const res = await admin.call('POST', '/customers/merge', { survivorId: survivor, mergedId: merged });
    assert.equal(res.statusCode, 200, res.body);
    for (const search of ['13955550001', 'nana@example.cn', '+86 139-5555-0002', 'OUYANG.NA@example.cn']) {
      assert.deepEqual(await all(reader, `search=${encodeURIComponent(search)}`), [survivor], search);
      assert.equal(await count(reader, `search=${encodeURIComponent(search)}`), 1, search);
    }
    assert.deepEqual(await all(reader, 'search=13955550003'), [], 'an unknown mobile finds no one');
    const deleted = await admin.call('DELETE', `/customers/${survivor}?confirm=true`);
    assert.equal(deleted.statusCode, 204, deleted.body);
    assert.deepEqual(await all(reader, 'search=13955550002'), [], 'the aliases went with their customer');
  });

  it('refuses bad input, naming the field', async () => {
    const cases: [string, string][] = [
      ['cursor=not-a-cursor', 'cursor'],
      [`cursor=${Buffer.from('{"s":"-createdAt","k":"x","id":"y"}').toString('base64url')}`, 'cursor'],
      ['sort=name', 'sort'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['gender=other', 'gender'],
      ['ageMin=-1', 'ageMin'],
      ['spentMin=abc', 'spentMin'],
      ['ownerId=42', 'ownerId'],
      ['lastOrderFrom=2026-13-01', 'lastOrderFrom'],
      ['hasOrdered=maybe', 'hasOrdered'],
      ['attributes=%7Bnot%20json', 'attributes'],
      [`attributes=${encodeURIComponent('{"nope":"x"}')}`, 'attributes.nope'],
      [`attributes=${encodeURIComponent('{"nickname":{"min":1}}')}`, 'attributes.nickname'],
      [`attributes=${encodeURIComponent('{"score":"high"}')}`, 'attributes.score'],
      ['colour=red', 'colour'],
    ];
    for (const [query, field] of cases) {
      const res = await reader.call('GET', `/customers?${query}`);
      assert.deepEqual(await fieldOf(res), [field], `${query}: ${res.body}`);
    }
    // a cursor made for another sort is refused rather than silently misread
    const page = (await reader.call('GET', '/customers?limit=2&sort=-totalSpent')).json();
    const res = await reader.call('GET', `/customers?sort=-createdAt&cursor=${page.nextCursor}`);
    assert.deepEqual(await fieldOf(res), ['cursor']);
    assert.match(res.json().error.message, /cursor/i);
    const zh = await kehu.app.inject({
      method: 'GET',
      url: '/api/v1/customers?cursor=zzz',
      headers: { cookie: reader.cookie, 'accept-language': 'zh-CN' },
    });
    assert.match(zh.json().error.message, /游标/);
    assert.equal((await kehu.app.inject({ method: 'GET', url: '/api/v1/customers' })).statusCode, 401);
  });

  it('adds and removes tags and assigns owners in bulk, with timeline rows and an audit entry', async () => {
    const ids = [idOf(1), idOf(2), idOf(3)]; // 2 already has VIP
    const auditedBefore = (await kehu.db.query(`select 1 from audit_log where action = 'customer.bulk_updated'`))
      .length;
    const add = await admin.call('POST', '/customers/bulk', {
      ids: [...ids, randomUUID()],
      action: 'addTags',
      tags: ['VIP', '双十一'],
    });
    assert.equal(add.statusCode, 200, add.body);
    assert.equal(add.json().affected, 3);
    const tagsOf = async (id: string) =>
      (await kehu.db.query<{ tags: string[] }>('select tags from customers where id = $1', [id]))[0].tags;
    assert.deepEqual(await tagsOf(idOf(1)), ['VIP', '双十一']);
    assert.deepEqual(await tagsOf(idOf(2)), ['VIP', '双十一']);
    const vocabulary = await kehu.db.query<{ name: string }>('select name from customer_tags order by name');
    assert.ok(vocabulary.some((t) => t.name === '双十一'));
    const timeline = await kehu.db.query<{ customer_id: string; kind: string; summary: { tag: string } }>(
      `select customer_id, kind, summary from activities where kind like 'tag.%' order by id`,
    );
    assert.equal(timeline.filter((a) => a.customer_id === idOf(2)).length, 1, 'only the tag it did not have');
    assert.equal(timeline.length, 5);
    assert.deepEqual(
      await all(reader, `tag=${encodeURIComponent('双十一')}`),
      expected((s) => ids.includes(s.id)),
    );

    const again = await admin.call('POST', '/customers/bulk', { ids, action: 'addTags', tags: ['双十一'] });
    assert.equal(again.json().affected, 0);
    const remove = await admin.call('POST', '/customers/bulk', {
      ids: [idOf(1), idOf(5)],
      action: 'removeTags',
      tags: ['双十一'],
    });
    assert.equal(remove.json().affected, 1);
    assert.deepEqual(await tagsOf(idOf(1)), ['VIP']);
    const removed = await kehu.db.query(`select 1 from activities where kind = 'tag.removed' and customer_id = $1`, [
      idOf(1),
    ]);
    assert.equal(removed.length, 1);

    const assign = await admin.call('POST', '/customers/bulk', {
      ids: [idOf(0), idOf(2)],
      action: 'assignOwner',
      ownerId: revealer.userId,
    });
    assert.equal(assign.json().affected, 2);
    assert.deepEqual(
      await all(reader, `ownerId=${revealer.userId}`),
      expected((s) => s.id === idOf(0) || s.id === idOf(2)),
    );
    const unassign = await admin.call('POST', '/customers/bulk', {
      ids: [idOf(0)],
      action: 'assignOwner',
      ownerId: null,
    });
    assert.equal(unassign.json().affected, 1);

    const audit = await kehu.db.query<{ details: Record<string, unknown> }>(
      `select details from audit_log where action = 'customer.bulk_updated' order by id`,
    );
    assert.equal(audit.length, auditedBefore + 5);
    assert.deepEqual(audit[auditedBefore].details, {
      action: 'addTags',
      requested: 4,
      affected: 3,
      tags: ['VIP', '双十一'],
    });

    // bad input and permissions
    const bad: [unknown, string][] = [
      [{ ids: [], action: 'addTags', tags: ['x'] }, 'ids'],
      [{ ids: Array.from({ length: 1001 }, () => randomUUID()), action: 'addTags', tags: ['x'] }, 'ids'],
      [{ ids: ['nope'], action: 'addTags', tags: ['x'] }, 'ids.0'],
      [{ ids, action: 'addTags', tags: [] }, 'tags'],
      [{ ids, action: 'addTags', tags: ['x'.repeat(31)] }, 'tags.0'],
      [{ ids, action: 'addTags' }, 'tags'],
      [{ ids, action: 'assignOwner', ownerId: randomUUID() }, 'ownerId'],
      [{ ids, action: 'paint' }, 'action'],
    ];
    for (const [body, field] of bad) {
      const res = await admin.call('POST', '/customers/bulk', body);
      assert.equal(res.statusCode, 422, `${JSON.stringify(body).slice(0, 80)}: ${res.body}`);
      assert.ok(
        res.json().error.fields.some((f: { field: string }) => f.field === field),
        `${field}: ${res.body}`,
      );
    }
    const tooMany = await admin.call('POST', '/customers/bulk', {
      ids: [idOf(0)], // has two tags already
      action: 'addTags',
      tags: Array.from({ length: 50 }, (_, i) => `t${i}`),
    });
    assert.deepEqual(await fieldOf(tooMany), ['tags']);
    assert.equal(
      (await reader.call('POST', '/customers/bulk', { ids, action: 'addTags', tags: ['x'] })).statusCode,
      403,
    );
  });

  async function waitForExport(session: Session, id: string) {
    for (let i = 0; i < 600; i++) {
      const res = await session.call('GET', `/customers/exports/${id}`);
      assert.equal(res.statusCode, 200, res.body);
      const e = res.json();
      if (e.status === 'done' || e.status === 'failed') return e;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('export did not finish');
  }

  it('exports the filtered list to CSV, masked for a user who may not reveal, only to its requester', async () => {
    const filters = { province: '浙江省', sort: '-totalSpent' };
    const created = await reader.call('POST', '/customers/exports', {
      format: 'csv',
      filters,
      columns: [
        'name',
        'mobile',
        'email',
        'gender',
        'age',
        'tags',
        'totalSpent',
        'owner',
        'touchpoint',
        'createdAt',
        'attributes.level',
      ],
    });
    assert.equal(created.statusCode, 202, created.body);
    assert.equal(created.json().status, 'queued');
    assert.equal(created.json().isMasked, true);
    const done = await waitForExport(reader, created.json().id);
    const want = expected((s) => s.province === '浙江省', '-totalSpent');
    assert.equal(done.status, 'done', JSON.stringify(done));
    assert.equal(done.rowCount, want.length);
    assert.equal(done.progress, 100);
    assert.equal(done.fileName, 'customers-2026-11-23.csv');

    const file = await reader.call('GET', `/customers/exports/${done.id}/download`);
    assert.equal(file.statusCode, 200);
    assert.match(String(file.headers['content-type']), /^text\/csv/);
    assert.equal(
      file.headers['content-disposition'],
      `attachment; filename="customers-2026-11-23.csv"; filename*=UTF-8''customers-2026-11-23.csv`,
    );
    assert.equal(file.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 byte-order mark');
    const lines = file.rawPayload.subarray(3).toString('utf8').trimEnd().split('\r\n');
    assert.equal(lines[0], 'Name,Mobile,Email,Gender,Age,Tags,Total spent,Owner,Touchpoint,Created,会员等级');
    assert.equal(lines.length, want.length + 1);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',')[0]),
      names(want),
    );
    const first = byId(want[0]);
    const line = lines[1];
    assert.ok(line.includes(`+86 138****${first.mobile.slice(-4)}`), line);
    assert.ok(!line.includes(first.mobile), 'no clear mobile');
    assert.ok(lines.some((l) => l.includes('杭州西湖店')));
    assert.ok(lines.some((l) => /,金卡$/.test(l)));
    const seeded = lines.find((l) => l.startsWith('王小明,')) as string;
    assert.match(seeded, /,Female,/);
    assert.match(seeded, /,2026-11-23 16:00:00,/); // created at 08:00Z, shown in Shanghai time

    // someone else's export does not exist for them, whatever their permissions
    assert.equal((await admin.call('GET', `/customers/exports/${done.id}/download`)).statusCode, 404);
    assert.equal((await admin.call('GET', `/customers/exports/${done.id}`)).statusCode, 404);
    assert.ok(
      !(await admin.call('GET', '/customers/exports')).json().items.some((e: { id: string }) => e.id === done.id),
    );
    assert.ok(
      (await reader.call('GET', '/customers/exports')).json().items.some((e: { id: string }) => e.id === done.id),
    );

    const audit = await kehu.db.query<{ actor_id: string; entity_id: string; details: Record<string, unknown> }>(
      `select actor_id, entity_id, details from audit_log where action = 'customer.exported'`,
    );
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor_id, reader.userId);
    assert.equal(audit[0].entity_id, done.id);
    assert.deepEqual(audit[0].details.filters, { province: '浙江省' });
    assert.equal(audit[0].details.rowCount, want.length);
    assert.equal(audit[0].details.isMasked, true);
    assert.ok(!JSON.stringify(audit[0].details).includes('138'), 'no values in the audit log');
  });

  it('exports clear identities to a holder of customers.reveal, with Chinese headers and file name', async () => {
    const res = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/customers/exports',
      headers: { cookie: revealer.cookie, 'x-csrf-token': revealer.csrfToken, 'accept-language': 'zh-CN' },
      payload: { format: 'csv', filters: { search: '13800130020' }, columns: ['name', 'mobile', 'gender', 'birthday'] },
    });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json().isMasked, false);
    const done = await waitForExport(revealer, res.json().id);
    assert.equal(done.fileName, '客户导出-2026-11-23.csv');
    const file = await revealer.call('GET', `/customers/exports/${done.id}/download`);
    assert.equal(
      file.headers['content-disposition'],
      `attachment; filename="____-2026-11-23.csv"; filename*=UTF-8''${encodeURIComponent('客户导出')}-2026-11-23.csv`,
    );
    const text = file.rawPayload.subarray(3).toString('utf8');
    assert.equal(
      text,
      `姓名,手机号,性别,生日\r\n顾客20,+8613800130020,${byId(idOf(20)).gender === 'male' ? '男' : byId(idOf(20)).gender === 'female' ? '女' : '未知'},${byId(idOf(20)).birthday ?? ''}\r\n`,
    );
    const audit = await kehu.db.query<{ details: Record<string, unknown> }>(
      `select details from audit_log where action = 'customer.exported' and actor_id = $1`,
      [revealer.userId],
    );
    assert.deepEqual(audit[0].details.filters, { search: '[redacted]' });
  });

  it('exports XLSX with numbers as numbers, masked or not by the requester’s permission', async () => {
    const columns = ['name', 'mobile', 'orderCount', 'totalSpent', 'attributes.hobbies', 'attributes.score'];
    const read = async (session: Session) => {
      const res = await session.call('POST', '/customers/exports', {
        format: 'xlsx',
        filters: { tag: 'VIP', sort: 'createdAt' },
        columns,
      });
      assert.equal(res.statusCode, 202, res.body);
      const done = await waitForExport(session, res.json().id);
      assert.equal(done.status, 'done', JSON.stringify(done));
      assert.equal(done.fileName, 'customers-2026-11-23.xlsx');
      const file = await session.call('GET', `/customers/exports/${done.id}/download`);
      assert.match(String(file.headers['content-type']), /spreadsheetml/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
      const sheet = wb.worksheets[0];
      const rows: unknown[][] = [];
      sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      return rows;
    };
    const vip = await tagged('VIP', 'createdAt');
    const masked = await read(reader);
    assert.deepEqual(masked[0], ['Name', 'Mobile', 'Orders', 'Total spent', '爱好', '积分']);
    assert.equal(masked.length, vip.length + 1);
    assert.deepEqual(
      masked.slice(1).map((r) => r[0]),
      names(vip),
    );
    const s0 = byId(vip[0]);
    assert.equal(masked[1][0], s0.name);
    assert.equal(masked[1][1], `+86 138****${s0.mobile.slice(-4)}`);
    assert.equal(masked[1][2], s0.orderCount);
    assert.equal(masked[1][3], s0.spentFen / 100);
    const golfer = masked.find((r) => r[0] === byId(idOf(10)).name) as unknown[];
    assert.equal(golfer[4], '茶, 高尔夫'); // option labels, not stored values
    assert.equal(golfer[5], 10);
    const clear = await read(revealer);
    assert.equal(clear[1][1], `+86${s0.mobile}`);
  });

  async function tagged(tag: string, sort: string) {
    return all(reader, `tag=${encodeURIComponent(tag)}&sort=${sort}`, 50);
  }

  it('refuses bad export requests and keeps only the latest 20 exports of each user', async () => {
    const bad: [unknown, string][] = [
      [{ format: 'pdf', columns: ['name'] }, 'format'],
      [{ format: 'csv', columns: [] }, 'columns'],
      [{ format: 'csv', columns: ['name', 'password'] }, 'columns.1'],
      [{ format: 'csv', columns: ['attributes.nope'] }, 'columns.0'],
      [{ format: 'csv', columns: ['name'], filters: { attributes: { nope: 1 } } }, 'filters.attributes.nope'],
      [{ format: 'csv', columns: ['name'], filters: { sort: 'name' } }, 'filters.sort'],
      [{ format: 'csv', columns: ['name'], filters: { cursor: 'x' } }, 'filters.cursor'],
    ];
    for (const [body, field] of bad) {
      const res = await reader.call('POST', '/customers/exports', body);
      assert.equal(res.statusCode, 422, res.body);
      assert.deepEqual(
        res.json().error.fields.map((f: { field: string }) => f.field),
        [field],
        JSON.stringify(body),
      );
    }
    const noExport = await userWith('viewer@kehu.test', ['customers.view']);
    assert.equal(
      (await noExport.call('POST', '/customers/exports', { format: 'csv', columns: ['name'] })).statusCode,
      403,
    );
    assert.equal((await reader.call('GET', `/customers/exports/${randomUUID()}`)).statusCode, 404);

    // 20 older exports on record (one with a file on disk); a new one pushes the oldest out
    for (let i = 0; i < 20; i++) {
      await kehu.db.query(
        `insert into customer_exports (requested_by, format, query, columns, is_masked, status, created_at)
         values ($1, 'csv', '{}', '{name}', true, 'failed', $2)`,
        [admin.userId, new Date(NOW - (30 - i) * day)],
      );
    }
    const [oldest] = await kehu.db.query<{ id: string }>(
      'select id from customer_exports where requested_by = $1 order by created_at limit 1',
      [admin.userId],
    );
    const { mkdirSync, writeFileSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    mkdirSync(join(kehu.config.dataDir, 'exports'), { recursive: true });
    const oldFile = join(kehu.config.dataDir, 'exports', `${oldest.id}.csv`);
    writeFileSync(oldFile, 'old');
    const res = await admin.call('POST', '/customers/exports', { format: 'csv', columns: ['name'] });
    assert.equal(res.statusCode, 202);
    const mine = (await admin.call('GET', '/customers/exports')).json().items as { id: string }[];
    assert.equal(mine.length, 20);
    assert.equal(mine[0].id, res.json().id);
    assert.ok(!mine.some((e) => e.id === oldest.id));
    assert.equal(existsSync(oldFile), false);
    await waitForExport(admin, res.json().id);
  });
});
