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
import { createSource, poster, type Post } from './tracking-test-kit.ts';

/**
 * Who an event belongs to: anonymous devices, identify with its trait mapping, alias both
 * ways, and what the customer's timeline shows of it.
 */
describe('tracking: identities, anonymous stitching, trait mapping and the timeline', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let post: Post;
  let sourceId: string;

  const eventsOf = (where: string, value: string) =>
    kehu.db.query<{ message_id: string; customer_id: string | null; type: string }>(
      `select message_id, customer_id, type from events where ${where} = $1 order by id`,
      [value],
    );
  const customerOf = async (userId: string) => {
    const [row] = await kehu.db.query<{ customer_id: string }>(
      `select customer_id from customer_identities where kind = 'external' and namespace = 'tracking' and value = $1`,
      [userId],
    );
    return row?.customer_id ?? null;
  };
  const customer = async (id: string) => (await admin.call('GET', `/customers/${id}`)).json();
  const timeline = async (id: string) =>
    (await admin.call('GET', `/customers/${id}/timeline?limit=100`)).json().items as {
      kind: string;
      summary: Record<string, unknown>;
      module: string;
    }[];
  const reveal = async (id: string, field: string) =>
    (await admin.call('POST', `/customers/${id}/reveal`, { field })).json().value as string;

  before(async () => {
    kehu = await createClockedKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
    const tp = await admin.call('POST', '/touchpoints', { code: 'site', name: '官网', type: 'website' });
    const source = await createSource(admin, { name: '官网', touchpointId: tp.json().id });
    sourceId = source.id;
    post = poster(kehu, source.writeKey);
  });
  after(() => kehu.close());

  it('keeps a device’s events on an anonymous profile, not a customer, until identify ties it to one', async () => {
    const customersBefore = (await kehu.db.query<{ n: number }>('select count(*)::int as n from customers'))[0].n;
    await post('batch', {
      batch: [
        { type: 'page', anonymousId: 'dev-1', name: 'Home', properties: { url: 'https://shop.example/' } },
        { type: 'page', anonymousId: 'dev-1', name: 'Pricing', properties: { url: 'https://shop.example/pricing' } },
        { type: 'track', anonymousId: 'dev-1', event: 'Added to Cart', properties: { sku: 'A1' } },
      ],
    });
    assert.ok((await eventsOf('anonymous_id', 'dev-1')).every((e) => e.customer_id === null));
    const [profile] = await kehu.db.query<{ customer_id: string | null; event_count: number }>(
      'select customer_id, event_count from anonymous_profiles where anonymous_id = $1',
      ['dev-1'],
    );
    assert.deepEqual(profile, { customer_id: null, event_count: 3 });
    assert.equal(
      (await kehu.db.query<{ n: number }>('select count(*)::int as n from customers'))[0].n,
      customersBefore,
      'no customer row for a device',
    );

    const res = await post('identify', {
      userId: 'user-1',
      anonymousId: 'dev-1',
      traits: { firstName: '小雨', lastName: '林', email: 'Lin.XY@Example.com', phone: '138 0013 8000', gender: 'F' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const id = await customerOf('user-1');
    assert.ok(id);
    const events = await eventsOf('anonymous_id', 'dev-1');
    assert.equal(events.length, 4);
    assert.ok(
      events.every((e) => e.customer_id === id),
      'the device’s earlier events joined the customer',
    );
    const c = await customer(id);
    assert.equal(c.name, '林小雨');
    assert.equal(c.gender, 'female');
    assert.equal(c.source, 'tracking');
    assert.equal(c.touchpoint?.name ?? c.touchpointName ?? '官网', '官网');
    assert.equal(await reveal(id, 'mobile'), '+8613800138000');
    const kinds = (await timeline(id)).map((a) => a.kind);
    assert.ok(kinds.includes('customer.created'));
    const stitched = (await timeline(id)).find((a) => a.kind === 'anonymous.stitched');
    assert.equal(stitched?.summary.events, 3);
    const before = (await timeline(id)).find((a) => a.kind === 'event.tracked');
    assert.equal(before?.summary.event, 'Added to Cart', 'what the visitor did before shows on the timeline');
    // the events table keeps identifiers masked, never in clear
    const [identify] = await kehu.db.query<{ properties: Record<string, string> }>(
      `select properties from events where type = 'identify' and user_id = 'user-1'`,
    );
    assert.equal(identify.properties.email, 'L***@Example.com');
    assert.equal(identify.properties.phone, '138****8000');
    assert.equal(identify.properties.firstName, '小雨');

    // later anonymous events from the same device belong to the customer at once
    await post('track', { anonymousId: 'dev-1', event: 'Checkout Started' });
    const later = await eventsOf('anonymous_id', 'dev-1');
    assert.equal(later[later.length - 1].customer_id, id);
    const list = await admin.call('GET', `/events?customerId=${id}`);
    assert.equal(list.json().items.length, 5);
  });

  it('puts tracked events, one visit per day and groups on the timeline; page views are not one row each', async () => {
    const id = (await customerOf('user-1')) as string;
    const before = (await timeline(id)).length;
    await post('batch', {
      batch: [
        { type: 'page', userId: 'user-1', name: 'A', properties: { url: 'https://shop.example/a' } },
        { type: 'page', userId: 'user-1', name: 'B', properties: { url: 'https://shop.example/b' } },
        { type: 'page', userId: 'user-1', name: 'C', properties: { url: 'https://shop.example/c' } },
        { type: 'track', userId: 'user-1', event: 'Order Completed', properties: { total: 120 } },
        { type: 'group', userId: 'user-1', groupId: 'vip-club' },
      ],
    });
    await post('page', { userId: 'user-1', name: 'D', properties: { url: 'https://shop.example/d' } });
    const items = await timeline(id);
    const added = items
      .slice(0, items.length - before)
      .map((a) => a.kind)
      .sort();
    assert.deepEqual(added, ['event.tracked', 'group.joined', 'visit.started']);
    const visit = items.find((a) => a.kind === 'visit.started');
    assert.equal(visit?.summary.page, 'https://shop.example/a');
    assert.equal(visit?.summary.trackingSource, '官网');
    assert.equal(items.find((a) => a.kind === 'event.tracked')?.summary.event, 'Order Completed');
    kehu.advance(24 * 3600 * 1000);
    admin = await signIn(kehu, adminEmail, adminPassword);
    await post('page', { userId: 'user-1', name: 'E', properties: { url: 'https://shop.example/e' } });
    assert.equal((await timeline(id)).filter((a) => a.kind === 'visit.started').length, 2, 'a new day, a new visit');
    const [stats] = await kehu.db.query<{ last_seen_at: Date }>(
      'select last_seen_at from customer_stats where customer_id = $1',
      [id],
    );
    assert.equal(stats.last_seen_at.getTime(), kehu.now().getTime(), 'events raise last seen');
  });

  it('makes a customer for a userId seen first in a track call; identify later fills the profile', async () => {
    await post('track', { userId: 'user-2', event: 'Signed Up' });
    const id = (await customerOf('user-2')) as string;
    assert.ok(id);
    assert.equal((await customer(id)).name, '#user-2', 'named after the id until a name arrives');
    await post('identify', {
      userId: 'user-2',
      traits: { name: 'Ada Lovelace', birthday: '1990-12-10T00:00:00Z', title: '工程师' },
    });
    const c = await customer(id);
    assert.equal(c.name, 'Ada Lovelace');
    assert.equal(c.birthday, '1990-12-10');
    assert.equal(c.occupation, '工程师');
    assert.equal(await customerOf('user-2'), id, 'still one customer');
  });

  it('drops traits the profile refuses and keeps the rest (lenient): a bad mobile, a future birthday', async () => {
    const res = await post('identify', {
      userId: 'user-3',
      traits: { name: '王五', phone: '12345', birthday: '2999-01-01', email: 'wang5@example.com' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const c = await customer((await customerOf('user-3')) as string);
    assert.equal(c.name, '王五');
    assert.equal(c.mobile, null);
    assert.equal(c.birthday, null);
    assert.match(c.email, /\*/);
  });

  it('alias: a device joins a known user, and an old userId’s customer takes the new userId', async () => {
    const known = (await customerOf('user-1')) as string;
    await post('track', { anonymousId: 'dev-2', event: 'Browsed' });
    await post('alias', { previousId: 'dev-2', userId: 'user-1' });
    const dev2 = await eventsOf('anonymous_id', 'dev-2');
    assert.ok(
      dev2.every((e) => e.customer_id === known),
      'the device’s history joined user-1',
    );

    // the user changed ids: the new one joins the same customer
    await post('alias', { previousId: 'user-1', userId: 'user-1-new' });
    assert.equal(await customerOf('user-1-new'), known);
    await post('track', { userId: 'user-1-new', event: 'Renamed' });
    const [renamed] = await kehu.db.query<{ customer_id: string }>(
      `select customer_id from events where event = 'Renamed'`,
    );
    assert.equal(renamed.customer_id, known);

    // the other way round: a device tied to user-1 is aliased to a brand-new userId
    await post('alias', { previousId: 'dev-1', userId: 'user-1-app' });
    assert.equal(await customerOf('user-1-app'), known);
  });

  it('alias of an anonymous device to a new user creates that user; a device never moves to a second customer', async () => {
    await post('page', { anonymousId: 'dev-3', name: 'Landing' });
    await post('alias', { previousId: 'dev-3', userId: 'user-4' });
    const id = (await customerOf('user-4')) as string;
    assert.ok(id);
    assert.ok((await eventsOf('anonymous_id', 'dev-3')).every((e) => e.customer_id === id));
    // someone else logs in on the same device: their events are theirs, the device's history stays
    await post('identify', { userId: 'user-5', anonymousId: 'dev-3', traits: { name: '赵六' } });
    const other = (await customerOf('user-5')) as string;
    assert.notEqual(other, id);
    const landing = (await eventsOf('anonymous_id', 'dev-3')).find((e) => e.type === 'page');
    assert.equal(landing?.customer_id, id);
    // aliasing two known users is never an automatic merge
    const res = await post('alias', { previousId: 'user-4', userId: 'user-5' });
    assert.equal(res.statusCode, 200);
    assert.equal(await customerOf('user-4'), id);
    assert.equal(await customerOf('user-5'), other);
  });

  it('stitches inside one batch: anonymous events before the identify belong to the customer', async () => {
    await post('batch', {
      batch: [
        { type: 'page', anonymousId: 'dev-4', name: 'First' },
        { type: 'identify', anonymousId: 'dev-4', userId: 'user-6', traits: { email: 'six@example.com' } },
        { type: 'track', anonymousId: 'dev-4', event: 'After' },
      ],
    });
    const id = await customerOf('user-6');
    assert.ok((await eventsOf('anonymous_id', 'dev-4')).every((e) => e.customer_id === id));
  });

  it('resolves a batch’s identifies and first-seen userIds together, in order, around an alias and a bad trait', async () => {
    const res = await post('batch', {
      batch: [
        { type: 'identify', userId: 'bulk-1', traits: { name: '钱一', email: 'bulk1@example.com' } },
        { type: 'track', userId: 'bulk-1', event: 'Joined' },
        { type: 'track', userId: 'bulk-2', event: 'First seen' },
        { type: 'identify', userId: 'bulk-2', traits: { name: '钱二' } },
        { type: 'identify', userId: 'bulk-1', traits: { name: '钱一一' } },
        { type: 'alias', previousId: 'bulk-2', userId: 'bulk-2-app' },
        { type: 'identify', userId: 'bulk-3', traits: { name: '钱三', phone: '12345' } },
        { type: 'track', userId: 'bulk-3', event: 'Joined' },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    const [one, two, app, three] = await Promise.all(['bulk-1', 'bulk-2', 'bulk-2-app', 'bulk-3'].map(customerOf));
    assert.ok(one && two && three);
    assert.equal(new Set([one, two, three]).size, 3, 'three people, one customer each');
    assert.equal(app, two, 'the alias joined the customer made earlier in the batch');
    assert.equal((await customer(one)).name, '钱一', 'a later identify fills, never overwrites (fillEmpty)');
    assert.equal((await customer(two)).name, '钱二', 'the identify after the first-seen event named the customer');
    const c3 = await customer(three);
    assert.equal(c3.name, '钱三');
    assert.equal(c3.mobile, null, 'the bad mobile was dropped, the rest kept (lenient)');
    const joined = await kehu.db.query<{ user_id: string; customer_id: string }>(
      `select user_id, customer_id from events where event = 'Joined' order by user_id`,
    );
    assert.deepEqual(
      joined.map((e) => e.customer_id),
      [one, three],
    );
  });

  it('maps traits as configured: custom fields and attributes, overwrite on a match; refuses unknown fields', async () => {
    const defaults = await admin.call('GET', '/tracking/settings');
    assert.equal(defaults.statusCode, 200);
    assert.equal(defaults.json().onMatch, 'fillEmpty');
    assert.ok(defaults.json().traitMapping.some((r: { trait: string }) => r.trait === 'firstName+lastName'));

    const attr = await admin.call('POST', '/customer-attributes', { key: 'plan', label: '套餐', type: 'text' });
    assert.equal(attr.statusCode, 201, attr.body);
    const bad = await admin.call('PUT', '/tracking/settings', {
      traitMapping: [{ trait: 'email', field: 'salary' }],
      onMatch: 'fillEmpty',
    });
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().error.fields[0].field, 'traitMapping.0.field');
    const badTrait = await admin.call('PUT', '/tracking/settings', {
      traitMapping: [{ trait: 'a b', field: 'email' }],
      onMatch: 'fillEmpty',
    });
    assert.equal(badTrait.statusCode, 422);

    const put = await admin.call('PUT', '/tracking/settings', {
      traitMapping: [
        { trait: 'fullName', field: 'name' },
        { trait: 'contact.mail', field: 'email' },
        { trait: 'job', field: 'occupation' },
        { trait: 'plan', field: 'attributes.plan' },
      ],
      onMatch: 'overwrite',
    });
    assert.equal(put.statusCode, 200, put.body);
    await post('identify', {
      userId: 'user-7',
      traits: { fullName: '钱七', contact: { mail: 'qian7@example.com' }, job: '教师', plan: 'gold', name: 'ignored' },
    });
    const id = (await customerOf('user-7')) as string;
    let c = await customer(id);
    assert.equal(c.name, '钱七');
    assert.equal(c.occupation, '教师');
    assert.equal(c.attributes.plan, 'gold');
    assert.equal(await reveal(id, 'email'), 'qian7@example.com');
    await post('identify', { userId: 'user-7', traits: { job: '医生' } });
    c = await customer(id);
    assert.equal(c.occupation, '医生', 'overwrite replaces what is there');
    const [stored] = await kehu.db.query<{ properties: { contact: { mail: string } } }>(
      `select properties from events where type = 'identify' and user_id = 'user-7' order by id limit 1`,
    );
    assert.equal(stored.properties.contact.mail, 'q***@example.com', 'mapped identifiers are masked in the event');

    const restore = defaults.json() as { traitMapping: unknown[]; onMatch: string };
    await admin.call('PUT', '/tracking/settings', { traitMapping: restore.traitMapping, onMatch: restore.onMatch });
  });

  it('a merge moves events and devices to the survivor, and its undo moves exactly those back', async () => {
    await post('batch', {
      batch: [
        { type: 'track', userId: 'merge-a', anonymousId: 'dev-ma', event: 'A did' },
        { type: 'track', userId: 'merge-b', event: 'B did' },
      ],
    });
    const a = (await customerOf('merge-a')) as string;
    const b = (await customerOf('merge-b')) as string;
    const merged = await admin.call('POST', '/customers/merge', { survivorId: b, mergedId: a });
    assert.equal(merged.statusCode, 200, merged.body);
    assert.deepEqual(
      (await eventsOf('customer_id', b)).map((e) => e.type),
      ['track', 'track'],
    );
    const [device] = await kehu.db.query<{ customer_id: string }>(
      'select customer_id from anonymous_profiles where anonymous_id = $1',
      ['dev-ma'],
    );
    assert.equal(device.customer_id, b);
    await post('track', { userId: 'merge-b', event: 'B again' });
    const mergeId = merged.json().merge?.id ?? merged.json().id;
    const undo = await admin.call('POST', `/customers/merges/${mergeId}/undo`);
    assert.equal(undo.statusCode, 200, undo.body);
    assert.equal((await eventsOf('customer_id', a)).length, 1, 'A’s event went back');
    assert.equal((await eventsOf('customer_id', b)).length, 2, 'B keeps its own, old and new');
  });

  it('deleting a customer removes their events and devices', async () => {
    const id = (await customerOf('user-6')) as string;
    const preview = await admin.call('DELETE', `/customers/${id}`);
    assert.equal(preview.statusCode, 409, preview.body);
    assert.match(preview.json().error.message, /tracked events/);
    const res = await admin.call('DELETE', `/customers/${id}?confirm=true`);
    assert.equal(res.statusCode, 204, res.body);
    assert.equal((await eventsOf('customer_id', id)).length, 0);
    const devices = await kehu.db.query('select 1 from anonymous_profiles where customer_id = $1', [id]);
    assert.equal(devices.length, 0);
    assert.ok(sourceId);
  });
});
