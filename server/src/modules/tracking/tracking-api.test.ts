import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  adminEmail,
  adminPassword,
  createClockedKehu,
  signIn,
  type ClockedKehu,
  type Session,
} from '../../../test/auth-fixtures.ts';
import { signInWith } from '../../../test/role-fixtures.ts';
import { pruneTracking } from './tracking.jobs.ts';
import { basic, createSource, poster, type Post } from './tracking-test-kit.ts';

type Stored = { message_id: string; type: string; event: string | null; timestamp: Date; customer_id: string | null };

describe('tracking API: Segment-compatible endpoints, limits and bad input', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let source: { id: string; writeKey: string };
  let post: Post;

  const stored = (messageId: string) =>
    kehu.db.query<Stored>(
      'select message_id, type, event, timestamp, customer_id from events where message_id = $1 and source_id = $2',
      [messageId, source.id],
    );
  const debuggerOf = async (id = source.id) =>
    (await admin.call('GET', `/sources/${id}/debugger?limit=200`)).json().items as {
      status: string;
      messageId: string | null;
      field: string | null;
      reason: string | null;
      event: string | null;
    }[];

  before(async () => {
    kehu = await createClockedKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
    source = await createSource(admin);
    post = poster(kehu, source.writeKey);
  });
  after(() => kehu.close());

  describe('sources and write keys', () => {
    it('creates a source with a write key shown once; lists show only its prefix', async () => {
      const tp = await admin.call('POST', '/touchpoints', { code: 'web-main', name: '官网', type: 'website' });
      assert.equal(tp.statusCode, 201, tp.body);
      const res = await admin.call('POST', '/sources', {
        name: '官网埋点',
        type: 'website',
        touchpointId: tp.json().id,
      });
      assert.equal(res.statusCode, 201, res.body);
      const created = res.json();
      assert.match(created.writeKey, /^wk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
      assert.equal(created.touchpoint.name, '官网');
      assert.equal(created.keys.length, 1);
      assert.equal(created.keys[0].prefix, created.writeKey.slice(0, 11));
      const list = await admin.call('GET', '/sources');
      assert.equal(list.statusCode, 200);
      assert.ok(!list.body.includes(created.writeKey.slice(12)), 'the secret is never listed');
      const [row] = await kehu.db.query<{ secret_hash: string }>(
        'select secret_hash from tracking_write_keys where source_id = $1',
        [created.id],
      );
      assert.match(row.secret_hash, /^[0-9a-f]{64}$/, 'only a hash is stored');
      assert.ok(!kehu.logs().includes(created.writeKey.slice(12)), 'the key is never logged');
    });

    it('refuses bad source input with the field and reason in the caller’s language', async () => {
      const bad = await admin.call('POST', '/sources', { name: '', type: 'fax' });
      assert.equal(bad.statusCode, 422);
      const fields = bad
        .json()
        .error.fields.map((f: { field: string }) => f.field)
        .sort();
      assert.deepEqual(fields, ['name', 'type']);
      const tp = await admin.call('POST', '/sources', {
        name: 'x',
        type: 'app',
        touchpointId: '00000000-0000-4000-8000-000000000000',
      });
      assert.equal(tp.statusCode, 422);
      assert.equal(tp.json().error.fields[0].field, 'touchpointId');
      const zh = await kehu.app.inject({
        method: 'POST',
        url: '/api/v1/sources',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'accept-language': 'zh-CN' },
        payload: { name: 'x', type: 'app', touchpointId: '00000000-0000-4000-8000-000000000000' },
      });
      assert.match(zh.json().error.message, /触点不存在/);
    });

    it('checks ingest.* permissions: a read-only user sees sources but cannot create, rotate or delete', async () => {
      const viewer = await signInWith(kehu, admin, 'viewer@kehu.test', { key: 'read_only' });
      assert.equal((await viewer.call('GET', '/sources')).statusCode, 200);
      assert.equal((await viewer.call('POST', '/sources', { name: 'x', type: 'app' })).statusCode, 403);
      assert.equal((await viewer.call('POST', `/sources/${source.id}/keys/rotate`, {})).statusCode, 403);
      assert.equal((await viewer.call('DELETE', `/sources/${source.id}`)).statusCode, 403);
      assert.equal(
        (await viewer.call('PUT', '/tracking/settings', { traitMapping: [], onMatch: 'skip' })).statusCode,
        403,
      );
      const anonymous = await kehu.app.inject({ method: 'GET', url: '/api/v1/sources' });
      assert.equal(anonymous.statusCode, 401);
    });

    it('rotates a key (the old one works during the grace period), revokes at once, disables a source', async () => {
      const s = await createSource(admin, { name: 'App', type: 'app' });
      const p = poster(kehu, s.writeKey);
      const ok = { userId: 'u-rot', event: 'Opened' };
      assert.equal((await p('track', ok)).statusCode, 200);
      const rotated = await admin.call('POST', `/sources/${s.id}/keys/rotate`, { graceHours: 1 });
      assert.equal(rotated.statusCode, 200, rotated.body);
      const newKey = rotated.json().writeKey as string;
      assert.notEqual(newKey, s.writeKey);
      assert.equal((await p('track', ok)).statusCode, 200, 'the old key works during the grace period');
      assert.equal((await p('track', ok, { key: newKey })).statusCode, 200);
      kehu.advance(61 * 60 * 1000);
      admin = await signIn(kehu, adminEmail, adminPassword);
      const expired = await p('track', ok);
      assert.equal(expired.statusCode, 401);
      assert.equal(expired.json().error.code, 'tracking_write_key_invalid');
      const newKeyId = rotated.json().keys.find((k: { prefix: string }) => newKey.startsWith(k.prefix)).id;
      const revoked = await admin.call('POST', `/sources/${s.id}/keys/${newKeyId}/revoke`);
      assert.equal(revoked.statusCode, 200);
      assert.equal((await p('track', ok, { key: newKey })).statusCode, 401, 'revoked at once');

      const third = (await admin.call('POST', `/sources/${s.id}/keys/rotate`, { graceHours: 0 })).json().writeKey;
      assert.equal((await admin.call('PATCH', `/sources/${s.id}`, { status: 'disabled' })).statusCode, 200);
      const disabled = await p('track', ok, { key: third });
      assert.equal(disabled.statusCode, 403);
      assert.equal(disabled.json().error.code, 'tracking_source_disabled');
      assert.equal((await admin.call('DELETE', `/sources/${s.id}`)).statusCode, 204);
      assert.equal((await p('track', ok, { key: third })).statusCode, 401);
    });
  });

  describe('authentication', () => {
    it('takes the key as HTTP Basic user name or as writeKey in the body; refuses none and wrong ones', async () => {
      assert.equal((await post('track', { userId: 'a1', event: 'Basic' })).statusCode, 200);
      const inBody = await post('track', { userId: 'a1', event: 'Body', writeKey: source.writeKey }, { key: null });
      assert.equal(inBody.statusCode, 200, inBody.body);
      const none = await post('track', { userId: 'a1', event: 'None' }, { key: null });
      assert.equal(none.statusCode, 401);
      assert.equal(none.json().error.fields[0].field, 'writeKey');
      const wrong = await post('track', { userId: 'a1', event: 'Wrong' }, { key: `${source.writeKey.slice(0, -1)}x` });
      assert.equal(wrong.statusCode, 401);
      const garbage = await post('track', { userId: 'a1', event: 'Garbage' }, { key: 'not-a-key' });
      assert.equal(garbage.statusCode, 401);
      assert.match(garbage.json().error.message, /write key/i);
    });
  });

  describe('messages', () => {
    it('stores each message type with its fields and answers {success: true}', async () => {
      const id = (n: string) => `msg-types-${n}`;
      const calls: [string, Record<string, unknown>][] = [
        ['identify', { userId: 'u-types', traits: { plan: 'pro' }, messageId: id('identify') }],
        ['track', { userId: 'u-types', event: 'Order Completed', properties: { total: 99 }, messageId: id('track') }],
        [
          'page',
          {
            anonymousId: 'anon-types',
            name: 'Pricing',
            properties: { url: 'https://shop.example/pricing' },
            messageId: id('page'),
          },
        ],
        ['screen', { anonymousId: 'anon-types', name: 'Home', messageId: id('screen') }],
        ['group', { userId: 'u-types', groupId: 'company-1', traits: { name: 'ACME' }, messageId: id('group') }],
        ['alias', { userId: 'u-types', previousId: 'anon-types', messageId: id('alias') }],
      ];
      for (const [path, body] of calls) {
        const res = await post(path, { ...body, context: { ip: '127.0.0.1' }, integrations: { All: true } });
        assert.equal(res.statusCode, 200, `${path}: ${res.body}`);
        assert.equal(res.json().success, true);
        assert.equal(res.json().accepted, 1);
        const [row] = await stored(id(path));
        assert.equal(row?.type, path);
      }
      const [page] = await kehu.db.query<{ url: string; event: string }>(
        'select url, event from events where message_id = $1',
        [id('page')],
      );
      assert.deepEqual(page, { url: 'https://shop.example/pricing', event: 'Pricing' });
      const [track] = await stored(id('track'));
      assert.equal(track.event, 'Order Completed');
      assert.ok(track.customer_id, 'a userId makes the customer');
    });

    it('corrects the sender’s clock: timestamp = receivedAt − (sentAt − timestamp)', async () => {
      const receivedAt = kehu.now().getTime();
      // the device's clock is one hour fast; it stamped the event 5 s before sending it
      const sentAt = new Date(receivedAt + 3600_000);
      const timestamp = new Date(sentAt.getTime() - 5000);
      const res = await post('batch', {
        sentAt: sentAt.toISOString(),
        batch: [
          { type: 'track', userId: 'skew', event: 'Skewed', timestamp: timestamp.toISOString(), messageId: 'skew-1' },
        ],
      });
      assert.equal(res.statusCode, 200, res.body);
      const [row] = await stored('skew-1');
      assert.equal(row.timestamp.getTime(), receivedAt - 5000);
      // /v1/import keeps historical timestamps as sent
      const old = '2019-03-01T10:00:00.000Z';
      await post('import', {
        batch: [
          {
            type: 'track',
            userId: 'skew',
            event: 'Old',
            timestamp: old,
            sentAt: sentAt.toISOString(),
            messageId: 'skew-old',
          },
        ],
      });
      assert.equal((await stored('skew-old'))[0].timestamp.toISOString(), old);
    });

    it('refuses malformed JSON, a body that is not an object, and a batch that is not an array with 400', async () => {
      const broken = await post('track', '{"userId": "x", "event": ', { raw: true });
      assert.equal(broken.statusCode, 400);
      assert.equal(broken.json().error.code, 'tracking_malformed_json');
      assert.equal((await post('track', '[1,2]', { raw: true })).statusCode, 400);
      assert.equal((await post('track', '', { raw: true })).statusCode, 400);
      const notArray = await post('batch', { batch: { type: 'track' } });
      assert.equal(notArray.statusCode, 400);
      assert.equal(notArray.json().error.fields[0].field, 'batch');
      const feed = await debuggerOf();
      assert.ok(
        feed.some((e) => e.status === 'refused' && e.reason === 'malformed_json'),
        'the debugger shows it',
      );
    });

    it('refuses a single message with the field and the reason: missing ids, wrong types, no event', async () => {
      const cases: [string, Record<string, unknown>, string, string][] = [
        ['track', { event: 'No one' }, 'userId', 'missing_identity'],
        ['track', { userId: 'x' }, 'event', 'required'],
        ['track', { userId: 'x', event: 42 }, 'event', 'invalid_type'],
        ['track', { userId: { id: 1 }, event: 'x' }, 'userId', 'invalid_type'],
        ['track', { userId: 'x', event: 'x', properties: [1, 2] }, 'properties', 'invalid_type'],
        ['track', { userId: 'x', event: 'x', timestamp: 'yesterday' }, 'timestamp', 'invalid_timestamp'],
        ['group', { userId: 'x' }, 'groupId', 'required'],
        ['alias', { userId: 'x' }, 'previousId', 'required'],
        ['alias', { previousId: 'x', anonymousId: 'y' }, 'userId', 'required'],
      ];
      for (const [path, body, field, reason] of cases) {
        const res = await post(path, body);
        assert.equal(res.statusCode, 400, `${path} ${JSON.stringify(body)}: ${res.body}`);
        const err = res.json().error;
        assert.equal(err.fields[0].field, field, JSON.stringify(body));
        assert.equal(err.details.reason, reason, JSON.stringify(body));
      }
      const feed = await debuggerOf();
      assert.ok(feed.some((e) => e.status === 'refused' && e.reason === 'missing_identity' && e.event === 'No one'));
    });

    it('holds Segment’s limits: 32 KB a message, 500 KB and 2,500 messages a batch', async () => {
      const big = { userId: 'x', event: 'Big', properties: { blob: 'x'.repeat(40 * 1024) } };
      const single = await post('track', big);
      assert.equal(single.statusCode, 400);
      const tooMany = await post('batch', {
        batch: Array.from({ length: 2501 }, (_, i) => ({
          type: 'track',
          userId: 'x',
          event: 'e',
          messageId: `many-${i}`,
        })),
      });
      assert.equal(tooMany.statusCode, 400);
      assert.equal(tooMany.json().error.code, 'tracking_batch_too_many');
      const heavy = await post('batch', {
        batch: Array.from({ length: 20 }, (_, i) => ({
          type: 'track',
          userId: 'x',
          event: 'e',
          messageId: `heavy-${i}`,
          properties: { blob: 'y'.repeat(30 * 1024) },
        })),
      });
      assert.equal(heavy.statusCode, 400);
      assert.equal(heavy.json().error.code, 'tracking_body_too_large');
      const huge = await post('batch', `{"batch":[${'"x",'.repeat(300_000)}"x"]}`, { raw: true });
      assert.equal(huge.statusCode, 400, 'a body past what is read at all is still a 400');
      assert.equal(huge.json().error.code, 'tracking_body_too_large');
    });

    it('refuses a bad event of a batch on its own: NUL, lone surrogate, 40 KB, no ids, not an object', async () => {
      const good = (n: number) => ({
        type: 'track',
        userId: 'batch-user',
        event: `Good ${n}`,
        messageId: `mixed-good-${n}`,
      });
      // raw JSON so the escapes reach the server as a sender would write them
      const text = JSON.stringify({
        batch: [
          good(1),
          {
            type: 'track',
            userId: 'batch-user',
            event: 'NUL',
            properties: { note: 'a\u0000b' },
            messageId: 'mixed-nul',
          },
          good(2),
          {
            type: 'track',
            userId: 'batch-user',
            event: 'Big',
            properties: { blob: 'z'.repeat(40 * 1024) },
            messageId: 'mixed-big',
          },
          { type: 'track', event: 'Nobody', messageId: 'mixed-nobody' },
          'not an object',
          good(3),
        ],
      });
      const withSurrogate = text.replace(
        '"not an object"',
        '{"type":"page","anonymousId":"anon-lone","name":"\\ud800 bad","messageId":"mixed-lone"}',
      );
      const res = await post('batch', withSurrogate, { raw: true });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.accepted, 3);
      assert.deepEqual(
        body.refused.map((r: { index: number; code: string; field: string }) => [r.index, r.code, r.field]),
        [
          [1, 'invalid_characters', 'properties.note'],
          [3, 'too_large', '(message)'],
          [4, 'missing_identity', 'userId'],
          [5, 'invalid_characters', 'name'],
        ],
      );
      for (const n of [1, 2, 3]) assert.equal((await stored(`mixed-good-${n}`)).length, 1);
      assert.equal((await stored('mixed-nul')).length, 0);
      const feed = await debuggerOf();
      assert.ok(
        feed.some((e) => e.status === 'refused' && e.messageId === 'mixed-nul' && e.field === 'properties.note'),
      );
      assert.ok(feed.some((e) => e.status === 'accepted' && e.messageId === 'mixed-good-2'));
    });

    it('when PostgreSQL refuses a row the checks let through, only that row is refused and its id stays free', async () => {
      // a stand-in for any value the database refuses after the checks: a constraint this test adds
      await kehu.db.exec(`alter table events add constraint test_no_boom check (event is distinct from 'BOOM')`);
      try {
        const res = await post('batch', {
          batch: [
            { type: 'track', userId: 'iso', event: 'Fine', messageId: 'iso-1' },
            { type: 'track', userId: 'iso', event: 'BOOM', messageId: 'iso-2' },
            { type: 'track', userId: 'iso', event: 'Fine too', messageId: 'iso-3' },
          ],
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().accepted, 2);
        assert.deepEqual(
          res.json().refused.map((r: { index: number; code: string }) => [r.index, r.code]),
          [[1, 'invalid_characters']],
        );
      } finally {
        await kehu.db.exec('alter table events drop constraint test_no_boom');
      }
      const again = await post('batch', {
        batch: [{ type: 'track', userId: 'iso', event: 'BOOM', messageId: 'iso-2' }],
      });
      assert.equal(again.json().accepted, 1, 'the refused row’s messageId was not used up');
    });

    it('accepts gzip bodies; refuses a corrupt one and encodings it does not speak', async () => {
      const res = await post(
        'batch',
        { batch: [{ type: 'track', userId: 'gz', event: 'Zipped', messageId: 'gz-1' }] },
        { gzip: true },
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await stored('gz-1')).length, 1);
      const corrupt = await post('batch', Buffer.from('not gzip at all'), {
        raw: true,
        headers: { 'content-encoding': 'gzip' },
      });
      assert.equal(corrupt.statusCode, 400);
      assert.equal(corrupt.json().error.code, 'tracking_bad_encoding');
      const br = await post('track', { userId: 'x', event: 'x' }, { headers: { 'content-encoding': 'br' } });
      assert.equal(br.statusCode, 400);
      // a gzip bomb stops at the limit
      const bomb = gzipSync(Buffer.from(`{"batch":[${'" ",'.repeat(400_000)}" "]}`));
      const bombed = await post('batch', bomb, { raw: true, headers: { 'content-encoding': 'gzip' } });
      assert.equal(bombed.statusCode, 400);
      assert.equal(bombed.json().error.code, 'tracking_body_too_large');
    });

    it('takes analytics.js’s one-letter paths (/v1/t, /v1/p …, /v1/b) with the key in the body', async () => {
      const opts = { key: null, headers: { 'content-type': 'text/plain' } };
      const t = await post(
        't',
        { type: 'track', event: 'Short', anonymousId: 'ajs', writeKey: source.writeKey, messageId: 'ajs-t' },
        opts,
      );
      assert.equal(t.statusCode, 200, t.body);
      const p = await post(
        'p',
        { type: 'page', name: 'Home', anonymousId: 'ajs', writeKey: source.writeKey, messageId: 'ajs-p' },
        opts,
      );
      assert.equal(p.statusCode, 200, p.body);
      const b = await post(
        'b',
        {
          writeKey: source.writeKey,
          batch: [{ type: 'identify', anonymousId: 'ajs', userId: 'ajs-user', messageId: 'ajs-i' }],
        },
        opts,
      );
      assert.equal(b.json().accepted, 1);
      assert.deepEqual(
        [(await stored('ajs-t'))[0].type, (await stored('ajs-p'))[0].type, (await stored('ajs-i'))[0].type],
        ['track', 'page', 'identify'],
      );
    });

    it('accepts any content type (sendBeacon posts text/plain) and answers browsers’ CORS preflight', async () => {
      const res = await post(
        'track',
        { userId: 'beacon', event: 'Beacon', writeKey: source.writeKey, messageId: 'beacon-1' },
        { key: null, headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' } },
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      const pre = await kehu.app.inject({
        method: 'OPTIONS',
        url: '/v1/batch',
        headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(pre.statusCode, 204);
      assert.match(String(pre.headers['access-control-allow-headers']), /Authorization/);
    });
  });

  describe('de-duplication and back-pressure', () => {
    it('stores a messageId once per source for at least 24 hours, also within one batch', async () => {
      const msg = { userId: 'dup', event: 'Once', messageId: 'dup-1' };
      assert.equal((await post('track', msg)).json().accepted, 1);
      const again = await post('track', msg);
      assert.equal(again.statusCode, 200);
      assert.deepEqual([again.json().accepted, again.json().duplicates], [0, 1]);
      const inBatch = await post('batch', {
        batch: [
          { ...msg, type: 'track', messageId: 'dup-2' },
          { ...msg, type: 'track', messageId: 'dup-2' },
        ],
      });
      assert.deepEqual([inBatch.json().accepted, inBatch.json().duplicates], [1, 1]);
      kehu.advance(25 * 3600 * 1000);
      admin = await signIn(kehu, adminEmail, adminPassword);
      await pruneTracking(kehu.db, kehu.now());
      assert.equal((await post('track', msg)).json().duplicates, 1, 'still a replay after 25 hours');
      assert.equal((await stored('dup-1')).length, 1);
      // another source may use the same id
      const other = await createSource(admin, { name: 'Other', type: 'server' });
      assert.equal((await post('track', msg, { key: other.writeKey })).json().accepted, 1);
      kehu.advance(24 * 3600 * 1000);
      admin = await signIn(kehu, adminEmail, adminPassword);
      await pruneTracking(kehu.db, kehu.now());
      assert.equal((await post('track', msg)).json().accepted, 1, 'past the 48-hour window the id is free again');
    });

    it('a refused message does not use up its messageId: the corrected retry is stored', async () => {
      const bad = await post('batch', {
        batch: [{ type: 'track', userId: 'fix', event: 'x'.repeat(600), messageId: 'fix-1' }],
      });
      assert.equal(bad.json().refused[0].code, 'too_long');
      const fixed = await post('batch', {
        batch: [{ type: 'track', userId: 'fix', event: 'Fixed', messageId: 'fix-1' }],
      });
      assert.equal(fixed.json().accepted, 1);
    });

    it('answers 429 with Retry-After when a source sends faster than its rate', async () => {
      const slow = await createSource(admin, { name: 'Slow', type: 'server', rateLimit: 5 });
      const batch = (n: number) => ({
        batch: Array.from({ length: 10 }, (_, i) => ({
          type: 'track',
          userId: 'r',
          event: 'e',
          messageId: `rate-${n}-${i}`,
        })),
      });
      const first = await post('batch', batch(1), { key: slow.writeKey });
      assert.equal(first.statusCode, 200, 'a batch larger than the rate still passes once');
      const second = await post('batch', batch(2), { key: slow.writeKey });
      assert.equal(second.statusCode, 429);
      assert.ok(Number(second.headers['retry-after']) >= 1);
      assert.equal(second.json().error.code, 'tracking_rate_limited');
      assert.equal((await post('batch', batch(3))).statusCode, 200, 'other sources are not slowed');
    });
  });

  it('lists events of a customer and of a source, keyset-paged', async () => {
    await post('batch', {
      batch: Array.from({ length: 5 }, (_, i) => ({
        type: 'track',
        userId: 'pager',
        event: `P${i}`,
        messageId: `pager-${i}`,
        timestamp: new Date(Date.UTC(2026, 10, 20, 0, i)).toISOString(),
      })),
    });
    const [{ customer_id }] = await stored('pager-0');
    const first = await admin.call('GET', `/events?customerId=${customer_id}&limit=3`);
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(
      first.json().items.map((e: { event: string }) => e.event),
      ['P4', 'P3', 'P2'],
    );
    const next = await admin.call('GET', `/events?customerId=${customer_id}&limit=3&cursor=${first.json().nextCursor}`);
    assert.deepEqual(
      next.json().items.map((e: { event: string }) => e.event),
      ['P1', 'P0'],
    );
    assert.equal(next.json().nextCursor, null);
    assert.equal((await admin.call('GET', '/events')).statusCode, 422, 'a customer, device or source is required');
    assert.equal((await admin.call('GET', `/events?customerId=${customer_id}&cursor=bogus`)).statusCode, 422);
    assert.equal(basic('k'), 'Basic azo=');
  });
});
