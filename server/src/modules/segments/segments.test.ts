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
import { until } from '../../../test/until.ts';

type SegmentJson = {
  id: string;
  kind: string;
  memberCount: number;
  refresh?: { status: string; progress: number };
};

describe('segments over HTTP', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let viewer: Session; // customers.view + customers.export, no segments.*
  const customers: { id: string; name: string; mobile: string; city: string; tags: string[] }[] = [];

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

  before(async () => {
    kehu = await createClockedKehu({
      KEHU_ADMIN_EMAIL: adminEmail,
      KEHU_ADMIN_PASSWORD: adminPassword,
      KEHU_JOB_POLL_SECONDS: '0.5',
    });
    admin = await signIn(kehu, adminEmail, adminPassword);
    viewer = await userWith('viewer@kehu.test', ['customers.view', 'customers.export']);
    const cities = ['杭州市', '杭州市', '上海市', '宁波市', '杭州市', '上海市'];
    for (const [i, city] of cities.entries()) {
      const mobile = `1380013${String(i).padStart(4, '0')}`;
      const tags = i % 2 === 0 ? ['VIP'] : [];
      const res = await admin.call('POST', '/customers', {
        name: `顾客${i}`,
        mobile,
        province: city === '上海市' ? '上海市' : '浙江省',
        city,
        tags,
      });
      assert.equal(res.statusCode, 201, res.body);
      customers.push({ id: res.json().id, name: `顾客${i}`, mobile, city, tags });
    }
  });
  after(async () => kehu?.close());

  const hangzhouVip = {
    version: 1,
    and: [
      { field: 'profile.city', op: 'eq', value: '杭州市' },
      {
        or: [
          { field: 'tags', op: 'hasAny', value: ['VIP'] },
          { field: 'orders.count', op: 'gte', value: 3 },
        ],
      },
    ],
  };
  const expectedHangzhouVip = () =>
    customers.filter((c) => c.city === '杭州市' && c.tags.includes('VIP')).map((c) => c.id);

  async function settled(id: string): Promise<SegmentJson> {
    return until(async () => {
      const s = (await admin.call('GET', `/segments/${id}`)).json() as SegmentJson;
      return s.refresh?.status === 'done' || s.refresh?.status === 'failed' ? s : null;
    }, 'segment refresh').then((s) => {
      if (s.refresh?.status === 'failed')
        console.log(
          kehu
            .logs()
            .split('\n')
            .filter((l) => /segments\./.test(l))
            .join('\n'),
        );
      return s;
    });
  }

  it('lists the field catalogue with translated labels, types and operators', async () => {
    const res = await admin.call('GET', '/segments/fields');
    assert.equal(res.statusCode, 200, res.body);
    const fields = res.json().fields as { key: string; label: string; ops: string[]; windowed: boolean }[];
    const city = fields.find((f) => f.key === 'profile.city');
    assert.equal(city?.label, 'City');
    assert.ok(city?.ops.includes('contains'));
    assert.equal(fields.find((f) => f.key === 'orders.count')?.windowed, true);
    assert.ok(fields.some((f) => f.key === 'consent.marketing.sms'));
    const zh = await kehu.app.inject({
      method: 'GET',
      url: '/api/v1/segments/fields',
      headers: { cookie: admin.cookie, 'accept-language': 'zh-CN' },
    });
    assert.equal(
      (zh.json().fields as { key: string; label: string }[]).find((f) => f.key === 'profile.city')?.label,
      '城市',
    );
  });

  it('previews a nested rule: count and a masked sample', async () => {
    const res = await admin.call('POST', '/segments/preview', { rules: hangzhouVip });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { count: number; sample: { id: string; mobile: string }[] };
    assert.equal(body.count, expectedHangzhouVip().length);
    assert.deepEqual(body.sample.map((s) => s.id).sort(), expectedHangzhouVip().sort());
    for (const s of body.sample) assert.ok(!customers.some((c) => s.mobile.includes(c.mobile)), 'mobile is masked');
  });

  it('answers a bad rule with 422 naming the path inside the rule', async () => {
    const bad = async (rules: unknown) => {
      const res = await admin.call('POST', '/segments/preview', { rules });
      assert.equal(res.statusCode, 422, res.body);
      const err = res.json().error as { code: string; fields: { field: string; code: string; message: string }[] };
      assert.equal(err.code, 'validation_failed');
      return err.fields;
    };
    const cond = { field: 'profile.city', op: 'eq', value: 'x' };
    let f = await bad({ version: 1, or: [cond, cond, { and: [{ field: 'orders.count', op: 'gte', value: 'many' }] }] });
    assert.deepEqual(
      f.map((x) => x.field),
      ['rules.or[2].and[0].value'],
    );
    assert.equal(f[0].code, 'segment_rule_bad_value');
    f = await bad({ version: 1, and: [{ field: 'profile.shoeSize', op: 'eq', value: 1 }] });
    assert.deepEqual(
      f.map((x) => x.field),
      ['rules.and[0].field'],
    );
    assert.match(f[0].message, /shoeSize/);
    f = await bad({ version: 1, and: [{ field: 'tags', op: 'gt', value: 1 }] });
    assert.deepEqual(
      f.map((x) => x.field),
      ['rules.and[0].op'],
    );
    f = await bad({ version: 1, and: [{ field: 'profile.city', op: 'eq', value: 'x', window: { lastDays: 3 } }] });
    assert.deepEqual(
      f.map((x) => x.field),
      ['rules.and[0].window'],
    );
    let deep: unknown = cond;
    for (let i = 0; i < 12; i++) deep = { and: [deep] };
    f = await bad({ version: 1, and: [deep] });
    assert.equal(f[0].code, 'segment_rule_too_deep');
    f = await bad({ version: 1, or: Array.from({ length: 150 }, () => ({ and: [cond, cond] })) });
    assert.deepEqual(
      f.map((x) => [x.field, x.code]),
      [['rules', 'segment_rule_too_large']],
    );
    f = await bad({ version: 2, and: [] });
    assert.deepEqual(
      f.map((x) => x.field),
      ['rules.version'],
    );
  });

  it('refuses segments that refer to each other in a cycle', async () => {
    const a = await admin.call('POST', '/segments', { name: 'A', kind: 'dynamic', rules: { version: 1, and: [] } });
    assert.equal(a.statusCode, 201, a.body);
    const b = await admin.call('POST', '/segments', {
      name: 'B',
      kind: 'dynamic',
      rules: { version: 1, and: [{ field: 'segment.memberOf', op: 'in', value: [a.json().id] }] },
    });
    assert.equal(b.statusCode, 201, b.body);
    const cycle = await admin.call('PATCH', `/segments/${a.json().id}`, {
      rules: { version: 1, or: [{ not: { field: 'segment.memberOf', op: 'in', value: [b.json().id] } }] },
    });
    assert.equal(cycle.statusCode, 422, cycle.body);
    assert.deepEqual(
      cycle.json().error.fields.map((x: { field: string; code: string }) => [x.field, x.code]),
      [['rules.or[0].not.value[0]', 'segment_rule_cycle']],
    );
    const self = await admin.call('PATCH', `/segments/${a.json().id}`, {
      rules: { version: 1, and: [{ field: 'segment.memberOf', op: 'in', value: [a.json().id] }] },
    });
    assert.equal(self.statusCode, 422, self.body);
    // a segment other rules use cannot be deleted
    assert.equal((await admin.call('DELETE', `/segments/${a.json().id}`)).statusCode, 409);
    assert.equal((await admin.call('DELETE', `/segments/${b.json().id}`)).statusCode, 204);
    assert.equal((await admin.call('DELETE', `/segments/${a.json().id}`)).statusCode, 204);
  });

  it('a dynamic segment refreshes in the background, keeps its history and filters the customer list', async () => {
    const created = await admin.call('POST', '/segments', { name: '杭州 VIP', kind: 'dynamic', rules: hangzhouVip });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id as string;
    const done = await settled(id);
    assert.equal(done.refresh?.status, 'done');
    assert.equal(done.memberCount, expectedHangzhouVip().length);

    const list = await admin.call('GET', `/customers?segmentId=${id}`);
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual((list.json().items as { id: string }[]).map((c) => c.id).sort(), expectedHangzhouVip().sort());
    const count = await admin.call('GET', `/customers/count?segmentId=${id}`);
    assert.equal(count.json().count, expectedHangzhouVip().length);

    const first = expectedHangzhouVip()[0];
    const mine = await admin.call('GET', `/customers/${first}/segments`);
    assert.deepEqual(
      (mine.json().items as { id: string }[]).map((s) => s.id),
      [id],
    );
    const timeline = await kehu.db.query<{ kind: string }>(
      `select kind from activities where customer_id = $1 and kind = 'segment.entered' and ref = $2`,
      [first, id],
    );
    assert.equal(timeline.length, 1);
    const outbox = await kehu.db.query<{ n: number }>(
      `select count(*)::int as n from outbox where type = 'segment.entered' and payload ->> 'segmentId' = $1`,
      [id],
    );
    assert.equal(outbox[0].n, expectedHangzhouVip().length);

    // one customer loses the tag: the next refresh records the exit
    const leaver = customers.find((c) => c.id === first)!;
    const patched = await admin.call('PATCH', `/customers/${first}`, { tags: [] });
    assert.equal(patched.statusCode, 200, patched.body);
    leaver.tags = [];
    assert.equal((await admin.call('POST', `/segments/${id}/refresh`)).statusCode, 202);
    const again = await settled(id);
    assert.equal(again.memberCount, expectedHangzhouVip().length);
    const changes = await admin.call('GET', `/segments/${id}/changes?limit=2`);
    assert.equal(changes.statusCode, 200, changes.body);
    const page = changes.json() as { items: { customerId: string; kind: string }[]; nextCursor: string | null };
    assert.deepEqual(page.items[0], { ...page.items[0], customerId: first, kind: 'exited' });
    assert.ok(page.nextCursor);
    const rest = await admin.call('GET', `/segments/${id}/changes?limit=50&cursor=${page.nextCursor}`);
    assert.equal(rest.json().items.length, expectedHangzhouVip().length + 2 - 2);
    const sizes = await admin.call('GET', `/segments/${id}/sizes`);
    assert.deepEqual(sizes.json().items, [{ day: '2026-11-23', size: expectedHangzhouVip().length }]);
  });

  it('static segments: by hand, by uploaded list, snapshot of a rule; refresh refused', async () => {
    const s = await admin.call('POST', '/segments', { name: '活动名单', kind: 'static' });
    assert.equal(s.statusCode, 201, s.body);
    const id = s.json().id as string;
    const add = await admin.call('POST', `/segments/${id}/members`, {
      customerIds: [customers[1].id, customers[2].id],
    });
    assert.deepEqual(add.json(), { affected: 2, memberCount: 2 });
    const remove = await admin.call('DELETE', `/segments/${id}/members`, { customerIds: [customers[1].id] });
    assert.deepEqual(remove.json(), { affected: 1, memberCount: 1 });
    const upload = await admin.call('POST', `/segments/${id}/members/upload`, {
      text: `${customers[3].mobile}\n+86 ${customers[4].mobile.slice(0, 3)} ${customers[4].mobile.slice(3)}\n${customers[2].id}\n13900000000\nnobody@example.com\n`,
    });
    assert.equal(upload.statusCode, 200, upload.body);
    assert.deepEqual(upload.json(), {
      matched: 3,
      unmatched: 2,
      added: 2,
      unmatchedLines: ['13900000000', 'nobody@example.com'],
    });
    assert.equal((await admin.call('POST', `/segments/${id}/refresh`)).statusCode, 409);

    const snap = await admin.call('POST', '/segments', { name: '快照', kind: 'static', rules: hangzhouVip });
    const snapped = await settled(snap.json().id);
    assert.equal(snapped.memberCount, expectedHangzhouVip().length);
    const patch = await admin.call('PATCH', `/segments/${snap.json().id}`, { rules: hangzhouVip });
    assert.equal(patch.statusCode, 409);
  });

  it('re-evaluates a customer when an order for them arrives', async () => {
    const created = await admin.call('POST', '/segments', {
      name: '下过单',
      kind: 'dynamic',
      rules: { version: 1, and: [{ field: 'orders.count', op: 'gte', value: 1 }] },
    });
    const id = created.json().id as string;
    assert.equal((await settled(id)).memberCount, 0);
    const buyer = customers[5];
    const order = await admin.call('POST', '/orders', {
      customerId: buyer.id,
      externalId: 'SEG-1',
      source: 'store',
      paidAmount: '99.00',
      placedAt: kehu.now().toISOString(),
      items: [{ sku: 'TEA-1', name: '龙井', quantity: 1, price: '99.00' }],
    });
    assert.equal(order.statusCode, 201, order.body);
    await until(async () => {
      const mine = await admin.call('GET', `/customers/${buyer.id}/segments`);
      return (mine.json().items as { id: string }[]).some((s) => s.id === id);
    }, 'the buyer entering the segment');
  });

  it('a deleted customer leaves the segments they were in', async () => {
    const s = await admin.call('POST', '/segments', { name: '待删除', kind: 'static' });
    const id = s.json().id as string;
    const extra = await admin.call('POST', '/customers', { name: '临时顾客' });
    await admin.call('POST', `/segments/${id}/members`, { customerIds: [extra.json().id, customers[0].id] });
    const del = await admin.call('DELETE', `/customers/${extra.json().id}?confirm=true`);
    assert.ok([200, 204].includes(del.statusCode), del.body);
    await until(async () => {
      const seg = (await admin.call('GET', `/segments/${id}`)).json() as SegmentJson;
      return seg.memberCount === 1;
    }, 'the deleted customer leaving');
    const changes = (await admin.call('GET', `/segments/${id}/changes`)).json().items as { kind: string }[];
    assert.deepEqual(
      changes.map((c) => c.kind),
      ['exited', 'entered', 'entered'],
    );
  });

  it('checks permissions: segments need segments.*, a segment filter or export needs segments.view', async () => {
    assert.equal((await viewer.call('GET', '/segments')).statusCode, 403);
    assert.equal((await viewer.call('POST', '/segments/preview', { rules: hangzhouVip })).statusCode, 403);
    const seg = (await admin.call('GET', '/segments')).json().items[0] as { id: string };
    assert.equal((await viewer.call('GET', `/customers?segmentId=${seg.id}`)).statusCode, 403);
    const exp = await viewer.call('POST', '/customers/exports', {
      format: 'csv',
      columns: ['name'],
      filters: { segmentId: seg.id },
    });
    assert.equal(exp.statusCode, 403, exp.body);
    const ok = await admin.call('POST', '/customers/exports', {
      format: 'csv',
      columns: ['name'],
      filters: { segmentId: seg.id },
    });
    assert.equal(ok.statusCode, 202, ok.body);
  });
});
