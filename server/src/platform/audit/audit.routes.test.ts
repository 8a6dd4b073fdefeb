import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestKehu, type TestKehu } from '../../../test/harness.ts';
import { adminEmail, adminPassword, signIn, type Session } from '../../../test/auth-fixtures.ts';

describe('audit log API', () => {
  let kehu: TestKehu;
  let admin: Session;
  let viewer: Session;
  before(async () => {
    kehu = await createTestKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
    const roles = (await admin.call('GET', '/roles')).json().items as { id: string; key: string }[];
    const readOnly = roles.find((r) => r.key === 'read_only');
    const created = await admin.call('POST', '/users', {
      name: '只读员工',
      email: 'viewer@kehu.test',
      password: 'viewer long password 2026',
      roleIds: [readOnly?.id],
    });
    assert.equal(created.statusCode, 201, created.body);
    await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'viewer@kehu.test', password: 'wrong password here' },
      remoteAddress: '10.1.2.3',
      headers: { 'user-agent': 'CanaryBrowser/1.0' },
    });
    viewer = await signIn(kehu, 'viewer@kehu.test', 'viewer long password 2026');
  });
  after(async () => kehu.close());

  it('records sign-in failures with where they came from, newest first', async () => {
    const res = await admin.call('GET', '/audit?action=auth.login_failed');
    assert.equal(res.statusCode, 200);
    const [entry] = res.json().items;
    assert.equal(entry.action, 'auth.login_failed');
    assert.equal(entry.outcome, 'failure');
    assert.equal(entry.ip, '10.1.2.3');
    assert.equal(entry.userAgent, 'CanaryBrowser/1.0');
    assert.ok(!JSON.stringify(entry).includes('wrong password here'));
  });

  it('filters by action prefix, actor and entity, and pages by cursor without gaps or repeats', async () => {
    const auth = (await admin.call('GET', '/audit?action=auth.*&limit=200')).json().items as { action: string }[];
    assert.ok(auth.length >= 3);
    assert.ok(auth.every((e) => e.action.startsWith('auth.')));
    const mine = (await admin.call('GET', `/audit?actorId=${admin.userId}`)).json().items as { actorId: string }[];
    assert.ok(mine.length >= 1 && mine.every((e) => e.actorId === admin.userId));
    const created = (await admin.call('GET', '/audit?action=user.created')).json().items;
    const byEntity = (await admin.call('GET', `/audit?entityType=user&entityId=${created[0].entityId}`)).json().items;
    assert.ok(byEntity.some((e: { action: string }) => e.action === 'user.created'));

    const all = (await admin.call('GET', '/audit?limit=200')).json().items.map((e: { id: string }) => e.id);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await admin.call('GET', `/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      paged.push(...page.items.map((e: { id: string }) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(paged, all);
  });

  it('filters by time window', async () => {
    const future = (await admin.call('GET', '/audit?from=2999-01-01T00:00:00Z')).json();
    assert.deepEqual(future.items, []);
    const past = (await admin.call('GET', '/audit?to=2000-01-01T00:00:00%2B08:00')).json();
    assert.deepEqual(past.items, []);
  });

  it('names the bad query field and reason', async () => {
    const res = await admin.call('GET', '/audit?limit=0&outcome=maybe&actorId=42&extra=1');
    assert.equal(res.statusCode, 422);
    const fields = res
      .json()
      .error.fields.map((f: { field: string }) => f.field)
      .sort();
    assert.deepEqual(fields, ['actorId', 'extra', 'limit', 'outcome']);
  });

  it('is closed to users without audit.view', async () => {
    const res = await viewer.call('GET', '/audit');
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'forbidden');
  });
});
