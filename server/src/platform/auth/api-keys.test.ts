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

const minute = 60 * 1000;

describe('API keys and re-authentication', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  const bearer = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    kehu.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` }, payload });

  before(async () => {
    kehu = await createClockedKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
  });
  after(async () => kehu.close());

  it('asks for the password again before a sensitive action once five minutes have passed', async () => {
    kehu.advance(6 * minute);
    const refused = await admin.call('POST', '/api-keys', { name: 'shop', permissions: ['staff.view'] });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'auth_reauth_required');
    const wrong = await admin.call('POST', '/auth/reauth', { password: 'not my password' });
    assert.equal(wrong.statusCode, 422);
    assert.equal(wrong.json().error.code, 'auth_wrong_password');
    const ok = await admin.call('POST', '/auth/reauth', { password: adminPassword });
    assert.equal(ok.statusCode, 204);
    const created = await admin.call('POST', '/api-keys', { name: 'shop', permissions: ['staff.view'] });
    assert.equal(created.statusCode, 201, created.body);
  });

  it('creates a key shown once, stores only a hash, lists it without the secret, and uses it', async () => {
    const created = await admin.call('POST', '/api-keys', {
      name: 'POS 门店同步',
      permissions: ['staff.view', 'customers.view', 'staff.view'],
    });
    assert.equal(created.statusCode, 201);
    const { apiKey, token } = created.json();
    assert.match(token, /^kehu_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    assert.equal(apiKey.prefix, token.split('_').slice(0, 2).join('_'));
    assert.deepEqual(apiKey.permissions, ['customers.view', 'staff.view']);
    const secret = token.slice(apiKey.prefix.length + 1);
    const stored = JSON.stringify(await kehu.db.query('SELECT * FROM api_keys'));
    assert.ok(!stored.includes(secret));
    const list = await admin.call('GET', '/api-keys');
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(secret));
    assert.ok(list.json().items.some((k: { id: string }) => k.id === apiKey.id));

    const users = await bearer(token, 'GET', '/users');
    assert.equal(users.statusCode, 200);
    const me = await bearer(token, 'GET', '/me');
    assert.equal(me.json().csrfToken, null);
    assert.deepEqual(me.json().permissions, ['customers.view', 'staff.view']);
    // outside its scope, even though its creator may
    const write = await bearer(token, 'POST', '/departments', { name: '市场部' });
    assert.equal(write.statusCode, 403);
    // a key cannot mint keys (no password to re-enter)
    const mint = await bearer(token, 'POST', '/api-keys', { name: 'x', permissions: ['staff.view'] });
    assert.equal(mint.statusCode, 403);
    const [row] = await kehu.db.query<{ last_used_at: Date }>('SELECT last_used_at FROM api_keys WHERE id = $1', [
      apiKey.id,
    ]);
    assert.equal(row.last_used_at.getTime(), kehu.now().getTime());

    assert.equal((await admin.call('DELETE', `/api-keys/${apiKey.id}`)).statusCode, 204);
    const revoked = await bearer(token, 'GET', '/users');
    assert.equal(revoked.statusCode, 401);
    assert.equal((await admin.call('DELETE', `/api-keys/${apiKey.id}`)).statusCode, 204, 'revoking twice is harmless');
    assert.equal((await admin.call('DELETE', '/api-keys/00000000-0000-4000-8000-000000000000')).statusCode, 404);
  });

  it('refuses forged, malformed and expired keys with 401', async () => {
    const created = await admin.call('POST', '/api-keys', {
      name: 'short-lived',
      permissions: ['staff.view'],
      expiresAt: new Date(kehu.now().getTime() + 60 * minute).toISOString(),
    });
    assert.equal(created.statusCode, 201);
    const { token } = created.json();
    assert.equal((await bearer(token, 'GET', '/users')).statusCode, 200);
    const forged = `${token.slice(0, -4)}AAAA`;
    for (const t of [forged, 'kehu_00000000_' + 'A'.repeat(43), 'garbage', '']) {
      assert.equal((await bearer(t, 'GET', '/users')).statusCode, 401, t);
    }
    kehu.advance(61 * minute);
    assert.equal((await bearer(token, 'GET', '/users')).statusCode, 401);
    admin = await signIn(kehu, adminEmail, adminPassword);
    const past = await admin.call('POST', '/api-keys', {
      name: 'past',
      permissions: ['staff.view'],
      expiresAt: '2020-01-01T00:00:00Z',
    });
    assert.equal(past.statusCode, 422);
    assert.equal(past.json().error.fields[0].field, 'expiresAt');
  });

  it('keeps a key within its creator’s permissions, and stops it when the creator is deactivated', async () => {
    const role = await admin.call('POST', '/roles', {
      name: 'Integrations',
      permissions: ['settings.manage', 'staff.view'],
    });
    assert.equal(role.statusCode, 201, role.body);
    const user = await admin.call('POST', '/users', {
      name: 'Integrator',
      email: 'integrator@kehu.test',
      password: 'integrator password',
      roleIds: [role.json().id],
    });
    assert.equal(user.statusCode, 201, user.body);
    const integrator = await signIn(kehu, 'integrator@kehu.test', 'integrator password');
    const beyond = await integrator.call('POST', '/api-keys', { name: 'x', permissions: ['staff.delete'] });
    assert.equal(beyond.statusCode, 422);
    assert.equal(beyond.json().error.code, 'api_key_scope_exceeded');
    assert.equal(beyond.json().error.fields[0].field, 'permissions');
    const unknown = await integrator.call('POST', '/api-keys', { name: 'x', permissions: ['staff.fly'] });
    assert.equal(unknown.statusCode, 422);
    assert.equal(unknown.json().error.fields[0].field, 'permissions.0');
    const empty = await integrator.call('POST', '/api-keys', { name: 'x', permissions: [] });
    assert.equal(empty.statusCode, 422);
    const ok = await integrator.call('POST', '/api-keys', { name: 'sync', permissions: ['staff.view'] });
    assert.equal(ok.statusCode, 201);
    const { token } = ok.json();
    assert.equal((await bearer(token, 'GET', '/users')).statusCode, 200);
    assert.equal((await admin.call('DELETE', `/users/${user.json().id}`)).statusCode, 204);
    assert.equal((await bearer(token, 'GET', '/users')).statusCode, 401);
    assert.equal((await integrator.call('GET', '/me')).statusCode, 401);
  });

  it('lets only settings.manage see and manage keys', async () => {
    const ro = await admin.call('GET', '/roles');
    const readOnly = ro.json().items.find((r: { key: string }) => r.key === 'read_only');
    await admin.call('POST', '/users', {
      name: 'Reader',
      email: 'reader@kehu.test',
      password: 'reader password 1',
      roleIds: [readOnly.id],
    });
    const reader = await signIn(kehu, 'reader@kehu.test', 'reader password 1');
    for (const [method, url, body] of [
      ['GET', '/api-keys'],
      ['POST', '/api-keys', { name: 'x', permissions: ['customers.view'] }],
      ['DELETE', '/api-keys/00000000-0000-4000-8000-000000000000'],
    ] as const) {
      const res = await reader.call(method, url, body);
      assert.equal(res.statusCode, 403, `${method} ${url}`);
      assert.equal(res.json().error.code, 'forbidden');
    }
  });

  it('audits key creation and revocation', async () => {
    const rows = await kehu.db.query<{ action: string; details: Record<string, unknown> }>(
      `SELECT action, details FROM audit_log WHERE action LIKE 'api_key.%' ORDER BY id`,
    );
    assert.ok(rows.some((r) => r.action === 'api_key.created'));
    assert.ok(rows.some((r) => r.action === 'api_key.revoked'));
    assert.doesNotMatch(JSON.stringify(rows), /kehu_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/);
  });
});
