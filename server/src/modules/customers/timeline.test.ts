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

const missingId = '00000000-0000-4000-8000-000000000000';
type Activity = {
  id: string;
  at: string;
  kind: string;
  module: string;
  ref: string | null;
  touchpoint: { id: string; name: string } | null;
  actor: { id: string; name: string } | null;
  summary: Record<string, unknown>;
};

describe('customers: timeline, notes and tags', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let viewer: Session; // read_only: customers.view
  let agent: Session; // service_agent: customers.view + edit, not manage
  let outsider: Session; // no customers permission at all
  let ada: string;
  let bob: string;
  let storeId: string;

  async function pageAll(customerId: string, query: string, limit: number): Promise<Activity[]> {
    const seen: Activity[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const url: string = `/customers/${customerId}/timeline?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await admin.call('GET', url);
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json() as { items: Activity[]; nextCursor: string | null };
      assert.ok(page.items.length <= limit);
      seen.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) return seen;
    }
    throw new Error('paging did not end');
  }

  before(async () => {
    kehu = await createClockedKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
    viewer = await signInWith(kehu, admin, 'viewer@kehu.test', { key: 'read_only' });
    agent = await signInWith(kehu, admin, 'agent@kehu.test', { key: 'service_agent' });
    outsider = await signInWith(kehu, admin, 'outsider@kehu.test', { permissions: ['orders.view'] });
    ada = await insertCustomer(kehu.db, '王雅' /* Wang Ya */);
    bob = await insertCustomer(kehu.db, 'Bob');
    const [store] = await kehu.db.query<{ id: string }>(
      `insert into touchpoints (code, name, type) values ('SH01', '上海南京西路店', 'store') returning id`,
    );
    storeId = store.id;
  });
  after(async () => kehu.close());

  it('adds notes by the caller and shows them newest first with the author’s name', async () => {
    const res = await admin.call('POST', `/customers/${ada}/notes`, { text: '  喜欢红色款 <b>hi</b>  ' });
    assert.equal(res.statusCode, 201, res.body);
    const note = res.json() as Activity;
    assert.equal(note.kind, 'note.added');
    assert.equal(note.module, 'customers');
    assert.deepEqual(note.summary, { text: '喜欢红色款 <b>hi</b>' });
    assert.equal(note.actor?.id, admin.userId);
    assert.ok(note.actor?.name);
    assert.equal(note.at, kehu.now().toISOString());
    assert.match(note.id, /^\d+$/);

    const list = await viewer.call('GET', `/customers/${ada}/timeline`);
    assert.equal(list.statusCode, 200);
    assert.deepEqual(list.json().items, [note]);
    assert.equal(list.json().nextCursor, null);
    assert.equal((await agent.call('POST', `/customers/${ada}/notes`, { text: 'agent' })).statusCode, 201);
  });

  it('refuses empty, too long and malformed notes, naming the field', async () => {
    for (const [body, field] of [
      [{ text: '' }, 'text'],
      [{ text: '   ' }, 'text'],
      [{ text: 'x'.repeat(2001) }, 'text'],
      [{}, 'text'],
      [{ text: 42 }, 'text'],
      [{ text: 'ok', extra: 1 }, 'extra'],
    ] as const) {
      const res = await admin.call('POST', `/customers/${ada}/notes`, body);
      assert.equal(res.statusCode, 422, JSON.stringify(body));
      assert.equal(res.json().error.fields[0].field, field);
    }
    const long = await admin.call('POST', `/customers/${bob}/notes`, { text: '长'.repeat(2000) });
    assert.equal(long.statusCode, 201);
    await kehu.db.query('delete from activities where customer_id = $1', [bob]);
  });

  it('pages through equal timestamps without gaps or repeats, newest first', async () => {
    kehu.advance(60_000);
    // five notes in the same millisecond, then rows written straight to the table with equal `at`
    for (let i = 0; i < 5; i++) {
      assert.equal((await admin.call('POST', `/customers/${ada}/notes`, { text: `same ${i}` })).statusCode, 201);
    }
    const at = new Date(kehu.now().getTime() - 30_000);
    for (let i = 0; i < 4; i++) {
      await kehu.db.query(
        `insert into activities (customer_id, at, kind, module, ref, touchpoint_id, summary)
         values ($1, $2, 'order.created', 'orders', $3, $4, $5)`,
        [ada, at, `o-${i}`, storeId, JSON.stringify({ externalId: `E${i}`, paidAmount: '10.00' })],
      );
    }
    // microsecond timestamps that a JS Date would round together
    await kehu.db.query(
      `insert into activities (customer_id, at, kind, module, summary) values
         ($1, '2026-01-01T00:00:00.000001Z', 'order.refunded', 'orders', '{}'),
         ($1, '2026-01-01T00:00:00.000002Z', 'order.refunded', 'orders', '{}')`,
      [ada],
    );
    const all = (await admin.call('GET', `/customers/${ada}/timeline?limit=200`)).json().items as Activity[];
    assert.equal(all.length, 13);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1], all[i]];
      assert.ok(a.at > b.at || (a.at === b.at && BigInt(a.id) > BigInt(b.id)), `order at ${i}`);
    }
    for (const limit of [1, 2, 3, 5]) {
      const paged = await pageAll(ada, '', limit);
      assert.deepEqual(
        paged.map((a) => a.id),
        all.map((a) => a.id),
        `limit ${limit}`,
      );
    }
    const order = all.find((a) => a.kind === 'order.created');
    assert.deepEqual(order?.touchpoint, { id: storeId, name: '上海南京西路店' });
    assert.equal(order?.actor, null);
    assert.equal(order?.module, 'orders');
  });

  it('filters by kind prefixes', async () => {
    const orders = await pageAll(ada, '&kinds=order', 2);
    assert.equal(orders.length, 6);
    assert.ok(orders.every((a) => a.kind.startsWith('order.')));
    const exact = await pageAll(ada, '&kinds=order.refunded', 1);
    assert.equal(exact.length, 2);
    const notes = await pageAll(ada, `&kinds=${encodeURIComponent('note, tag')}`, 3);
    assert.equal(notes.length, 7);
    assert.ok(notes.every((a) => a.kind === 'note.added'));
    // a prefix is a whole segment, and `_` is not a wildcard
    assert.equal((await pageAll(ada, '&kinds=ord', 5)).length, 0);
    assert.equal((await pageAll(ada, '&kinds=order_created', 5)).length, 0);
    for (const kinds of ['Order', 'order;drop', '%', 'order.', ',,,'.repeat(200)]) {
      const res = await admin.call('GET', `/customers/${ada}/timeline?kinds=${encodeURIComponent(kinds)}`);
      assert.equal(res.statusCode, 422, kinds);
      assert.equal(res.json().error.fields[0].field, 'kinds');
    }
  });

  it('answers 404 for unknown customers, 403 without permission, and keeps cursors to their customer', async () => {
    for (const [method, url, body] of [
      ['GET', `/customers/${missingId}/timeline`, undefined],
      ['POST', `/customers/${missingId}/notes`, { text: 'x' }],
      ['POST', `/customers/${missingId}/tags`, { add: ['x'] }],
    ] as const) {
      const res = await admin.call(method, url, body);
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().error.code, 'customer_not_found');
    }
    assert.equal((await admin.call('GET', '/customers/not-a-uuid/timeline')).statusCode, 422);
    assert.equal((await outsider.call('GET', `/customers/${ada}/timeline`)).statusCode, 403);
    assert.equal((await outsider.call('GET', '/customer-tags')).statusCode, 403);
    assert.equal((await viewer.call('POST', `/customers/${ada}/notes`, { text: 'x' })).statusCode, 403);
    assert.equal((await viewer.call('POST', `/customers/${ada}/tags`, { add: ['x'] })).statusCode, 403);

    // Ada's cursor on Bob's timeline shows none of Ada's rows
    await admin.call('POST', `/customers/${bob}/notes`, { text: 'bob only' });
    const first = (await admin.call('GET', `/customers/${ada}/timeline?limit=1`)).json();
    const crossed = await admin.call('GET', `/customers/${bob}/timeline?cursor=${first.nextCursor}`);
    assert.equal(crossed.statusCode, 200);
    assert.deepEqual(crossed.json().items, []);
    for (const cursor of ['abc', '0', '-1', '1'.repeat(30)]) {
      const res = await admin.call('GET', `/customers/${ada}/timeline?cursor=${cursor}`);
      assert.equal(res.statusCode, 422, cursor);
      assert.equal(res.json().error.fields[0].field, 'cursor');
    }
    for (const limit of ['0', '201', 'x']) {
      assert.equal((await admin.call('GET', `/customers/${ada}/timeline?limit=${limit}`)).statusCode, 422);
    }
  });

  it('adds and removes tags idempotently, recording each change once', async () => {
    kehu.advance(60_000);
    const added = await agent.call('POST', `/customers/${bob}/tags`, { add: ['VIP', '新客', 'VIP'] });
    assert.equal(added.statusCode, 200, added.body);
    assert.deepEqual(added.json().tags, ['VIP', '新客']);
    const again = await agent.call('POST', `/customers/${bob}/tags`, { add: [' VIP '], remove: ['never-had'] });
    assert.deepEqual(again.json().tags, ['VIP', '新客']);
    const removed = await agent.call('POST', `/customers/${bob}/tags`, { remove: ['VIP'] });
    assert.deepEqual(removed.json().tags, ['新客']);
    assert.deepEqual((await agent.call('POST', `/customers/${bob}/tags`, { remove: ['VIP'] })).json().tags, ['新客']);
    assert.deepEqual((await agent.call('POST', `/customers/${bob}/tags`, {})).json().tags, ['新客']);

    const tagRows = (await pageAll(bob, '&kinds=tag', 10)).reverse();
    assert.deepEqual(
      tagRows.map((a) => [a.kind, a.summary.tag, a.actor?.id]),
      [
        ['tag.added', 'VIP', agent.userId],
        ['tag.added', '新客', agent.userId],
        ['tag.removed', 'VIP', agent.userId],
      ],
    );
    const [row] = await kehu.db.query<{ tags: string[]; updated_at: Date }>(
      'select tags, updated_at from customers where id = $1',
      [bob],
    );
    assert.deepEqual(row.tags, ['新客']);
    assert.equal(row.updated_at.toISOString(), kehu.now().toISOString());
    // real changes only, each announced once to subscribers (segments, journeys)
    const events = await kehu.db.query<{ payload: { fields: string[] } }>(
      `select payload from outbox where type = 'customer.updated' and customer_id = $1`,
      [bob],
    );
    assert.deepEqual(
      events.map((e) => e.payload.fields),
      [['tags'], ['tags']],
    );
    // new tags join the vocabulary
    const vocabulary = (await viewer.call('GET', '/customer-tags')).json().items as { name: string }[];
    assert.deepEqual(vocabulary.map((t) => t.name).sort(), ['VIP', '新客']);
  });

  it('refuses bad tag changes, naming the field', async () => {
    const tooMany = Array.from({ length: 50 }, (_, i) => `t${i}`);
    for (const [body, field, code] of [
      [{ add: ['x'], remove: ['x'] }, 'remove', 'customer_tag_add_and_remove'],
      [{ add: [''] }, 'add.0', 'too_small'],
      [{ add: ['x'.repeat(31)] }, 'add.0', 'too_big'],
      [{ add: ['a\u0000b'] }, 'add.0', 'invalid_tag'],
      [{ add: 'VIP' }, 'add', 'invalid_type'],
      [{ add: [...tooMany, 'one more'] }, 'add', 'too_big'],
      [{ add: tooMany }, 'add', 'customer_tags_too_many'],
      [{ tags: ['x'] }, 'tags', 'unknown_field'],
    ] as const) {
      const res = await admin.call('POST', `/customers/${bob}/tags`, body);
      assert.equal(res.statusCode, 422, JSON.stringify(body));
      assert.equal(res.json().error.fields[0].field, field, JSON.stringify(body));
      assert.equal(res.json().error.fields[0].code, code, JSON.stringify(body));
    }
    const zh = await kehu.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${bob}/tags`,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'accept-language': 'zh-CN' },
      payload: { add: tooMany },
    });
    assert.equal(zh.json().error.message, '每位客户最多 50 个标签');
    assert.deepEqual((await admin.call('GET', `/customers/${bob}/timeline?kinds=tag`)).json().items.length, 3);
  });

  it('manages the tag vocabulary: counts, create, duplicate, delete from every customer', async () => {
    await admin.call('POST', `/customers/${ada}/tags`, { add: ['新客', '高价值'] });
    const created = await admin.call('POST', '/customer-tags', { name: '  沉睡  ', color: 'volcano' });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json(), { name: '沉睡', color: 'volcano', customerCount: 0 });
    const dup = await admin.call('POST', '/customer-tags', { name: '新客' });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().error.fields[0].field, 'name');
    for (const body of [{ name: 'x', color: 'rgb(0,0,0)' }, { name: '' }, { color: 'red' }]) {
      assert.equal((await admin.call('POST', '/customer-tags', body)).statusCode, 422, JSON.stringify(body));
    }
    assert.equal((await agent.call('POST', '/customer-tags', { name: 'x' })).statusCode, 403);
    assert.equal((await agent.call('DELETE', `/customer-tags/${encodeURIComponent('新客')}`)).statusCode, 403);

    const counts = Object.fromEntries(
      ((await admin.call('GET', '/customer-tags')).json().items as { name: string; customerCount: number }[]).map(
        (t) => [t.name, t.customerCount],
      ),
    );
    assert.deepEqual(counts, { VIP: 0, 新客: 2, 沉睡: 0, 高价值: 1 });

    kehu.advance(60_000);
    const del = await admin.call('DELETE', `/customer-tags/${encodeURIComponent('新客')}`);
    assert.equal(del.statusCode, 204, del.body);
    const rows = await kehu.db.query<{ tags: string[] }>(
      'select tags from customers where id = any($1::uuid[]) order by name',
      [[ada, bob]],
    );
    assert.deepEqual(
      rows.map((r) => r.tags),
      [[], ['高价值']],
    );
    for (const id of [ada, bob]) {
      const latest = (await admin.call('GET', `/customers/${id}/timeline?kinds=tag&limit=1`)).json().items[0];
      assert.equal(latest.kind, 'tag.removed');
      assert.deepEqual(latest.summary, { tag: '新客' });
      assert.equal(latest.actor.id, admin.userId);
      assert.equal(latest.at, kehu.now().toISOString());
    }
    const [audit] = await kehu.db.query<{ details: { customers: number } }>(
      `select details from audit_log where action = 'customer_tag.deleted' and entity_id = '新客'`,
    );
    assert.equal(audit.details.customers, 2);
    assert.equal((await admin.call('DELETE', `/customer-tags/${encodeURIComponent('新客')}`)).statusCode, 404);
    assert.equal((await admin.call('DELETE', '/customer-tags/nope')).statusCode, 404);
    assert.deepEqual(
      ((await admin.call('GET', '/customer-tags')).json().items as { name: string }[]).map((t) => t.name).sort(),
      ['VIP', '沉睡', '高价值'],
    );
  });
});
