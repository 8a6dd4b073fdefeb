import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestKehu, type TestKehu } from './harness.ts';
import { adminEmail, adminPassword, signIn } from './auth-fixtures.ts';

// Seeds recognisable secrets and personal data through every door a request has (body, query
// string, headers, failed sign-ins, errors), then greps everything the server logged for them.
describe('logs never contain passwords, tokens or personal identifiers', () => {
  let kehu: TestKehu;
  const canaries = {
    password: 'Canary-Password-7F3k-金丝雀',
    wrongPassword: 'Wrong-Canary-Password-9Q2z',
    mobile: '13912345678',
    email: 'canary.person@example.cn',
    name: '金丝雀测试员',
  };
  let apiToken = '';
  let sessionCookie = '';

  before(async () => {
    kehu = await createTestKehu({
      KEHU_ADMIN_EMAIL: adminEmail,
      KEHU_ADMIN_PASSWORD: adminPassword,
      KEHU_LOG_LEVEL: 'debug',
    });
    const admin = await signIn(kehu, adminEmail, adminPassword);
    sessionCookie = admin.cookie;
    const created = await admin.call('POST', '/users', {
      name: canaries.name,
      email: canaries.email,
      mobile: canaries.mobile,
      password: canaries.password,
      roleIds: [],
    });
    assert.equal(created.statusCode, 201, created.body);
    await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: canaries.email, password: canaries.wrongPassword },
    });
    await signIn(kehu, canaries.email, canaries.password);
    // personal data in a query string (a search) and in a rejected body
    await admin.call('GET', `/users?q=${encodeURIComponent(canaries.mobile)}`);
    await admin.call('POST', '/users', {
      name: canaries.name,
      email: canaries.email,
      password: canaries.password,
      roleIds: [],
    });
    await admin.call('POST', '/users', {
      email: `x${canaries.email}`,
      password: 123,
      mobile: canaries.mobile,
      roleIds: [],
    });
    const key = await admin.call('POST', '/api-keys', { name: 'canary key', permissions: ['staff.view'] });
    assert.equal(key.statusCode, 201, key.body);
    apiToken = key.json().token;
    await kehu.app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${apiToken}` } });
    await kehu.app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${apiToken}x` } });
    await kehu.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: canaries.email } });
  });
  after(async () => kehu.close());

  it('wrote log lines for all of it, but none of the canaries', () => {
    const logs = kehu.logs();
    assert.ok(logs.split('\n').length > 10, 'the server logged the requests');
    assert.match(logs, /access denied/, 'the refused API key was logged');
    const secrets = {
      ...canaries,
      adminPassword,
      apiToken,
      // the secret is base64url and may itself contain '_', so cut after the fixed-length prefix
      apiSecret: apiToken.slice('kehu_12345678_'.length),
      sessionId: sessionCookie.split('=')[1],
    };
    for (const [what, value] of Object.entries(secrets)) {
      assert.ok(value.length >= 6, what);
      assert.ok(!logs.includes(value), `${what} appears in the log`);
    }
  });
});
