import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  adminEmail,
  adminPassword,
  createClockedKehu,
  signIn,
  type ClockedKehu,
  type Session,
} from '../../../test/auth-fixtures.ts';
import { insertCustomer, signInWith } from '../../../test/role-fixtures.ts';
import { invalidRegionField, isValidRegion } from './regions.ts';

const missingId = '00000000-0000-4000-8000-000000000000';
const day = 24 * 60 * 60 * 1000;
type Touchpoint = {
  id: string;
  code: string;
  name: string;
  type: string;
  channel: 'online' | 'offline';
  province: string | null;
  city: string | null;
  isActive: boolean;
  customerCount: number;
  activityCount30d: number;
  createdAt: string;
};

describe('customers: touchpoint registry and regions', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let viewer: Session;
  let agent: Session;
  let store: Touchpoint;
  let shop: Touchpoint;

  before(async () => {
    // the clock stands at 2026-11-23T08:00Z = 16:00 in Shanghai
    kehu = await createClockedKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
    viewer = await signInWith(kehu, admin, 'viewer@kehu.test', { key: 'read_only' });
    agent = await signInWith(kehu, admin, 'agent@kehu.test', { key: 'service_agent' });
  });
  after(async () => kehu.close());

  it('registers touchpoints, deriving the channel from the type, and audits it', async () => {
    const res = await admin.call('POST', '/touchpoints', {
      code: 'SZ-001',
      name: ' 深圳万象城店 ',
      type: 'store',
      province: '广东省',
      city: '深圳市',
    });
    assert.equal(res.statusCode, 201, res.body);
    store = res.json();
    assert.deepEqual(
      { ...store, id: undefined },
      {
        id: undefined,
        code: 'SZ-001',
        name: '深圳万象城店',
        type: 'store',
        channel: 'offline',
        province: '广东省',
        city: '深圳市',
        isActive: true,
        customerCount: 0,
        activityCount30d: 0,
        createdAt: kehu.now().toISOString(),
      },
    );
    shop = (
      await admin.call('POST', '/touchpoints', { code: 'tmall', name: '天猫旗舰店', type: 'ecommerce_store' })
    ).json();
    assert.equal(shop.channel, 'online');
    const expected: Record<string, 'online' | 'offline'> = {
      website: 'online',
      wechat_official_account: 'online',
      mini_program: 'online',
      email: 'online',
      after_sales: 'offline',
      event: 'offline',
      other: 'online',
    };
    for (const [type, channel] of Object.entries(expected)) {
      const r = await admin.call('POST', '/touchpoints', { code: `t-${type}`, name: type, type });
      assert.equal(r.statusCode, 201);
      assert.equal(r.json().channel, channel, type);
    }
    const [audit] = await kehu.db.query<{ details: { code: string; type: string }; actor_id: string }>(
      `select details, actor_id from audit_log where action = 'touchpoint.created' and entity_id = $1`,
      [store.id],
    );
    assert.deepEqual(audit.details, { code: 'SZ-001', type: 'store' });
    assert.equal(audit.actor_id, admin.userId);
  });

  it('refuses duplicates and bad input, naming the field', async () => {
    const dup = await admin.call('POST', '/touchpoints', { code: 'SZ-001', name: 'x', type: 'store' });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().error.fields[0].field, 'code');
    const base = { code: 'new-1', name: 'New', type: 'store' };
    for (const [body, field] of [
      [{ ...base, type: 'shop' }, 'type'],
      [{ ...base, code: '' }, 'code'],
      [{ ...base, code: 'has space' }, 'code'],
      [{ ...base, code: 'x'.repeat(51) }, 'code'],
      [{ ...base, name: '' }, 'name'],
      [{ ...base, name: 'n'.repeat(101) }, 'name'],
      [{ ...base, province: '火星省' }, 'province'],
      [{ ...base, province: '广东省', city: '杭州市' }, 'city'],
      [{ ...base, city: '杭州市' }, 'province'],
      [{ ...base, isActive: 'yes' }, 'isActive'],
      [{ ...base, id: missingId }, 'id'],
      [{ name: 'x', type: 'store' }, 'code'],
    ] as const) {
      const res = await admin.call('POST', '/touchpoints', body);
      assert.equal(res.statusCode, 422, JSON.stringify(body));
      assert.equal(res.json().error.fields[0].field, field, JSON.stringify(body));
    }
    assert.equal((await agent.call('POST', '/touchpoints', base)).statusCode, 403);
    assert.equal((await agent.call('PATCH', `/touchpoints/${store.id}`, { name: 'x' })).statusCode, 403);
    assert.equal((await viewer.call('GET', `/touchpoints/${store.id}`)).statusCode, 200);
    assert.equal((await admin.call('GET', `/touchpoints/${missingId}`)).statusCode, 404);
    assert.equal((await admin.call('GET', `/touchpoints/${missingId}/activity`)).statusCode, 404);
    assert.equal((await admin.call('PATCH', `/touchpoints/${missingId}`, { name: 'x' })).statusCode, 404);
    assert.equal((await admin.call('GET', '/touchpoints/nope')).statusCode, 422);
  });

  it('updates, renames, moves and retires a touchpoint', async () => {
    kehu.advance(60_000);
    const moved = await admin.call('PATCH', `/touchpoints/${store.id}`, { name: '深圳湾店', city: '广州市' });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.equal(moved.json().name, '深圳湾店');
    assert.equal(moved.json().city, '广州市');
    // a new province drops a city that does not belong to it
    const province = await admin.call('PATCH', `/touchpoints/${store.id}`, { province: '北京市' });
    assert.deepEqual([province.json().province, province.json().city], ['北京市', null]);
    const back = await admin.call('PATCH', `/touchpoints/${store.id}`, { province: '广东省', city: '深圳市' });
    assert.deepEqual([back.json().province, back.json().city], ['广东省', '深圳市']);
    assert.equal((await admin.call('PATCH', `/touchpoints/${store.id}`, { city: '杭州市' })).statusCode, 422);
    const taken = await admin.call('PATCH', `/touchpoints/${store.id}`, { code: 'tmall' });
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json().error.fields[0].field, 'code');
    const retired = await admin.call('PATCH', `/touchpoints/${shop.id}`, { isActive: false });
    assert.equal(retired.json().isActive, false);
    const retype = await admin.call('PATCH', `/touchpoints/${shop.id}`, { type: 'store' });
    assert.equal(retype.json().channel, 'offline');
    await admin.call('PATCH', `/touchpoints/${shop.id}`, { type: 'ecommerce_store' });
    const audits = await kehu.db.query<{ details: { fields: string[] } }>(
      `select details from audit_log where action = 'touchpoint.updated' and entity_id = $1 order by id`,
      [shop.id],
    );
    assert.deepEqual(
      audits.map((a) => a.details.fields),
      [['isActive'], ['type'], ['type']],
    );
    // nothing changed, nothing audited
    await admin.call('PATCH', `/touchpoints/${shop.id}`, { isActive: false });
    assert.equal(
      (await kehu.db.query(`select 1 from audit_log where action = 'touchpoint.updated' and entity_id = $1`, [shop.id]))
        .length,
      3,
    );
  });

  it('lists with filters and counts customers and last-30-day activity', async () => {
    for (let i = 0; i < 3; i++) await insertCustomer(kehu.db, `c${i}`, { touchpointId: store.id });
    const someone = await insertCustomer(kehu.db, 'someone', { touchpointId: shop.id });
    const now = kehu.now().getTime();
    const at = (iso: string) => new Date(iso);
    const rows: [Date, string, string][] = [
      [at('2026-11-23T07:00:00Z'), 'order.created', store.id], // today, Shanghai
      [at('2026-11-22T17:00:00Z'), 'order.created', store.id], // 01:00 on the 23rd in Shanghai
      [at('2026-11-22T15:59:59Z'), 'order.refunded', store.id], // 23:59:59 on the 22nd in Shanghai
      [at('2026-11-20T02:00:00Z'), 'note.added', store.id],
      [new Date(now - 29 * day), 'order.created', store.id], // 2026-10-25, inside 30 days
      [at('2026-10-24T15:59:00Z'), 'order.created', store.id], // 2026-10-24 23:59 Shanghai: outside
      [new Date(now - 5 * day), 'order.created', shop.id],
    ];
    for (const [when, kind, tp] of rows) {
      await kehu.db.query(
        `insert into activities (customer_id, at, kind, module, touchpoint_id) values ($1, $2, $3, 'orders', $4)`,
        [someone, when, kind, tp],
      );
    }
    const list = await viewer.call('GET', '/touchpoints');
    assert.equal(list.statusCode, 200);
    const items = list.json().items as Touchpoint[];
    assert.equal(items.length, 9);
    const s = items.find((t) => t.id === store.id);
    assert.deepEqual([s?.customerCount, s?.activityCount30d], [3, 5]);
    const o = items.find((t) => t.id === shop.id);
    assert.deepEqual([o?.customerCount, o?.activityCount30d, o?.isActive], [1, 1, false]);
    // active ones first
    assert.equal(items[items.length - 1].id, shop.id);

    const offline = (await viewer.call('GET', '/touchpoints?channel=offline')).json().items as Touchpoint[];
    assert.deepEqual(offline.map((t) => t.type).sort(), ['after_sales', 'event', 'store']);
    const websites = (await viewer.call('GET', '/touchpoints?type=website')).json().items as Touchpoint[];
    assert.deepEqual(
      websites.map((t) => t.code),
      ['t-website'],
    );
    assert.deepEqual((await viewer.call('GET', '/touchpoints?type=website&channel=offline')).json().items, []);
    const inactive = (await viewer.call('GET', '/touchpoints?isActive=false')).json().items as Touchpoint[];
    assert.deepEqual(
      inactive.map((t) => t.id),
      [shop.id],
    );
    for (const q of ['type=shop', 'channel=both', 'isActive=1', 'foo=bar']) {
      assert.equal((await viewer.call('GET', `/touchpoints?${q}`)).statusCode, 422, q);
    }
    const one = await viewer.call('GET', `/touchpoints/${store.id}`);
    assert.deepEqual(one.json(), s);
  });

  it('counts activity per day in the business time zone and by kind', async () => {
    const res = await viewer.call('GET', `/touchpoints/${store.id}/activity?days=7`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { days: { date: string; count: number }[]; byKind: { kind: string; count: number }[] };
    assert.deepEqual(body.days, [
      { date: '2026-11-17', count: 0 },
      { date: '2026-11-18', count: 0 },
      { date: '2026-11-19', count: 0 },
      { date: '2026-11-20', count: 1 },
      { date: '2026-11-21', count: 0 },
      { date: '2026-11-22', count: 1 },
      { date: '2026-11-23', count: 2 },
    ]);
    assert.deepEqual(body.byKind, [
      { kind: 'order.created', count: 2 },
      { kind: 'note.added', count: 1 },
      { kind: 'order.refunded', count: 1 },
    ]);
    const month = (await viewer.call('GET', `/touchpoints/${store.id}/activity`)).json();
    assert.equal(month.days.length, 30);
    assert.equal(month.days[0].date, '2026-10-25');
    assert.equal(
      month.days.reduce((n: number, d: { count: number }) => n + d.count, 0),
      5,
      'the 30-day series adds up to activityCount30d',
    );
    // the business in another time zone sees other days
    await kehu.db.query(`insert into settings (key, value) values ('timeZone', '"UTC"')
                         on conflict (key) do update set value = excluded.value`);
    const utc = (await viewer.call('GET', `/touchpoints/${store.id}/activity?days=2`)).json();
    assert.deepEqual(utc.days, [
      { date: '2026-11-22', count: 2 },
      { date: '2026-11-23', count: 1 },
    ]);
    await kehu.db.query(`delete from settings where key = 'timeZone'`);
    for (const days of ['0', '367', 'x', '1.5']) {
      const bad = await viewer.call('GET', `/touchpoints/${store.id}/activity?days=${days}`);
      assert.equal(bad.statusCode, 422, days);
      assert.equal(bad.json().error.fields[0].field, 'days');
    }
  });

  it('serves the region tree, cacheable, to any signed-in user, and validates paths', async () => {
    const anonymous = await kehu.app.inject({ method: 'GET', url: '/api/v1/regions' });
    assert.equal(anonymous.statusCode, 401);
    const outsider = await signInWith(kehu, admin, 'outsider@kehu.test', { permissions: [] });
    const res = await outsider.call('GET', '/regions');
    assert.equal(res.statusCode, 200);
    const tree = res.json() as { code: string; name: string; children?: { name: string; children?: unknown[] }[] }[];
    assert.equal(tree.length, 34);
    const gd = tree.find((p) => p.name === '广东省');
    assert.equal(gd?.code, '44');
    assert.ok(gd?.children?.some((c) => c.name === '深圳市' && c.children?.length));
    assert.match(String(res.headers['cache-control']), /max-age=86400/);
    const etag = String(res.headers.etag);
    const again = await kehu.app.inject({
      method: 'GET',
      url: '/api/v1/regions',
      headers: { cookie: outsider.cookie, 'if-none-match': etag },
    });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');

    assert.equal(isValidRegion('广东省'), true);
    assert.equal(isValidRegion('广东省', '深圳市', '南山区'), true);
    assert.equal(isValidRegion('北京市', '北京市', '海淀区'), true);
    assert.equal(isValidRegion('广东省', '杭州市'), false);
    assert.equal(isValidRegion('广东省', '深圳市', '海淀区'), false);
    assert.equal(isValidRegion('广东省', null, '南山区'), false);
    assert.equal(isValidRegion('Guangdong'), false);
    assert.equal(isValidRegion(''), false);
    assert.equal(invalidRegionField('广东省', '深圳市', '南山区'), null);
    assert.equal(invalidRegionField(null, null, null), null);
    assert.equal(invalidRegionField('广东', '深圳市'), 'province');
    assert.equal(invalidRegionField('广东省', '深圳'), 'city');
    assert.equal(invalidRegionField('广东省', '深圳市', '海淀区'), 'district');
    assert.equal(invalidRegionField('广东省', null, '南山区'), 'city');
    assert.equal(invalidRegionField(null, '深圳市'), 'province');
  });
});
