import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Analytics } from '@segment/analytics-node';
import {
  adminEmail,
  adminPassword,
  createClockedKehu,
  signIn,
  type ClockedKehu,
  type Session,
} from '../../../test/auth-fixtures.ts';
import { createSource } from './tracking-test-kit.ts';

/**
 * The official Segment Node SDK, unchanged but for its host, sending to a Kehu listening on a
 * real port: what an existing integration does when it is pointed at Kehu.
 */
describe('tracking: the official Segment Node SDK (@segment/analytics-node) against a running Kehu', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let host: string;

  before(async () => {
    kehu = await createClockedKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
    await kehu.app.listen({ host: '127.0.0.1', port: 0 });
    host = `http://127.0.0.1:${(kehu.app.server.address() as AddressInfo).port}`;
  });
  after(() => kehu.close());

  it('identifies, tracks, pages, groups and aliases; everything arrives once, on the right customer', async () => {
    const source = await createSource(admin, { name: 'Node backend', type: 'server' });
    const analytics = new Analytics({ writeKey: source.writeKey, host, flushAt: 4, flushInterval: 200, maxRetries: 2 });
    const failures: unknown[] = [];
    analytics.on('error', (err) => failures.push(err));

    analytics.identify({ userId: 'sdk-user', traits: { name: 'SDK 用户', email: 'sdk@example.com' } });
    analytics.track({ userId: 'sdk-user', event: 'Order Completed', properties: { revenue: 88.5, currency: 'CNY' } });
    analytics.page({ anonymousId: 'sdk-device', name: 'Pricing', properties: { url: 'https://shop.example/pricing' } });
    analytics.group({ userId: 'sdk-user', groupId: 'acme', traits: { name: 'ACME' } });
    analytics.alias({ previousId: 'sdk-device', userId: 'sdk-user' });
    analytics.screen({ userId: 'sdk-user', name: 'Home' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    assert.deepEqual(failures, []);

    const rows = await kehu.db.query<{
      type: string;
      customer_id: string | null;
      message_id: string;
      event: string | null;
    }>('select type, customer_id, message_id, event from events where source_id = $1 order by id', [source.id]);
    assert.deepEqual(rows.map((r) => r.type).sort(), ['alias', 'group', 'identify', 'page', 'screen', 'track']);
    const [identity] = await kehu.db.query<{ customer_id: string }>(
      `select customer_id from customer_identities where namespace = 'tracking' and value = 'sdk-user'`,
    );
    assert.ok(
      rows.every((r) => r.customer_id === identity.customer_id),
      'the device joined the user through alias',
    );
    assert.ok(
      rows.every((r) => r.message_id.length > 10),
      'the SDK’s messageIds are kept',
    );
    const customer = (await admin.call('GET', `/customers/${identity.customer_id}`)).json();
    assert.equal(customer.name, 'SDK 用户');

    const feed = (await admin.call('GET', `/sources/${source.id}/debugger`)).json().items;
    assert.equal(feed.length, 6);
    assert.ok(feed.every((e: { status: string }) => e.status === 'accepted'));
  });

  it('its retries of a batch are not stored twice (de-duplication by messageId)', async () => {
    const source = await createSource(admin, { name: 'Retry', type: 'server' });
    let calls = 0;
    // the first attempt reaches Kehu and is committed, but its answer is "lost": the SDK retries
    const analytics = new Analytics({
      writeKey: source.writeKey,
      host,
      flushAt: 2,
      maxRetries: 3,
      httpClient: {
        async makeRequest(req) {
          calls++;
          const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
          if (calls === 1) return { status: 500, statusText: 'lost', headers: {} };
          return { status: res.status, statusText: res.statusText, headers: {} };
        },
      },
    });
    analytics.track({ userId: 'retry-user', event: 'Once' });
    analytics.track({ userId: 'retry-user', event: 'Twice?' });
    await analytics.closeAndFlush({ timeout: 20_000 });
    assert.ok(calls >= 2, 'the SDK retried');
    const [{ n }] = await kehu.db.query<{ n: number }>('select count(*)::int as n from events where source_id = $1', [
      source.id,
    ]);
    assert.equal(n, 2);
  });

  it('a wrong write key makes the SDK report an error and nothing is stored', async () => {
    const analytics = new Analytics({ writeKey: 'wk_00000000_not-a-real-key', host, flushAt: 1, maxRetries: 0 });
    const errors: unknown[] = [];
    analytics.on('error', (err) => errors.push(err));
    analytics.track({ userId: 'nobody', event: 'Nope' });
    await analytics.closeAndFlush({ timeout: 5000 });
    assert.equal(errors.length, 1);
  });
});
