import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  adminEmail,
  adminPassword,
  createClockedKehu,
  sessionCookie,
  signIn,
  type ClockedKehu,
  type Session,
} from '../../../test/auth-fixtures.ts';

const minute = 60 * 1000;
let ip = 0;
/** Each test signs in from its own address so the per-IP limit of one does not spill into another. */
const nextIp = () => `10.0.0.${++ip}`;

describe('platform auth: setup, sign-in, sessions, passwords', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  const login = (email: string, password: string, remoteAddress = nextIp()) =>
    kehu.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });
  const auditActions = async () =>
    (await kehu.db.query<{ action: string }>('SELECT action FROM audit_log ORDER BY id')).map((r) => r.action);

  before(async () => {
    kehu = await createClockedKehu({ KEHU_MAX_FAILED_LOGINS: '5' });
  });
  after(async () => kehu.close());

  it('offers the one-time setup only while there are no users, and checks the password policy', async () => {
    const needed = await kehu.app.inject({ method: 'GET', url: '/api/v1/setup' });
    assert.deepEqual(needed.json(), { needed: true });
    const post = (password: string, lang = 'zh-CN') =>
      kehu.app.inject({
        method: 'POST',
        url: '/api/v1/setup',
        headers: { 'accept-language': lang },
        payload: { name: '管理员', email: adminEmail, password },
        remoteAddress: nextIp(),
      });
    const short = await post('short-pass1');
    assert.equal(short.statusCode, 422);
    assert.equal(short.json().error.code, 'password_too_short');
    assert.deepEqual(
      short.json().error.fields.map((f: { field: string }) => f.field),
      ['password'],
    );
    assert.match(short.json().error.message, /至少需要 12 个字符/);
    const long = await post('x'.repeat(65), 'en');
    assert.equal(long.json().error.code, 'password_too_long');
    assert.match(long.json().error.message, /at most 64/);
    const common = await post('QWERTY123456', 'en');
    assert.equal(common.statusCode, 422);
    assert.equal(common.json().error.code, 'password_too_common');

    const ok = await post(adminPassword);
    assert.equal(ok.statusCode, 201);
    assert.ok(sessionCookie(ok));
    assert.equal(ok.json().user.email, adminEmail);
    assert.ok(ok.json().user.permissions.includes('settings.manage'));
    assert.deepEqual(
      ok.json().user.roles.map((r: { key: string }) => r.key),
      ['admin'],
    );
    const [{ password_hash: hash }] = await kehu.db.query<{ password_hash: string }>('SELECT password_hash FROM users');
    assert.match(hash, /^\$argon2id\$/);

    assert.deepEqual((await kehu.app.inject({ method: 'GET', url: '/api/v1/setup' })).json(), { needed: false });
    const again = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { name: 'x', email: 'other@kehu.test', password: 'another long passphrase' },
      remoteAddress: nextIp(),
    });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'auth_setup_done');
    admin = await signIn(kehu, adminEmail, adminPassword, nextIp());
  });

  it('signs in with an httpOnly SameSite=Lax cookie and a new session id every time', async () => {
    const a = await login(adminEmail, adminPassword);
    const b = await login(adminEmail.toUpperCase(), adminPassword);
    assert.equal(a.statusCode, 200);
    assert.equal(b.statusCode, 200);
    const line = String([a.headers['set-cookie']].flat()[0]);
    assert.match(line, /^kehu_session=[A-Za-z0-9_-]{43};/);
    assert.match(line, /HttpOnly/);
    assert.match(line, /SameSite=Lax/);
    assert.match(line, /Path=\//);
    assert.doesNotMatch(line, /Secure/);
    assert.notEqual(sessionCookie(a), sessionCookie(b));
    // only hashes are stored
    const token = sessionCookie(a).split('=')[1];
    assert.equal((await kehu.db.query('SELECT 1 FROM sessions WHERE id_hash = $1', [token])).length, 0);
    const me = a.json().user;
    assert.deepEqual(Object.keys(me).sort(), [
      'csrfToken',
      'department',
      'email',
      'id',
      'locale',
      'mobile',
      'name',
      'permissions',
      'roles',
    ]);
  });

  it('answers a wrong password and an unknown email alike, and audits without the address in clear', async () => {
    const wrong = await login(adminEmail, 'not the right password');
    const unknown = await login('nobody@kehu.test', 'not the right password');
    for (const res of [wrong, unknown]) {
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error.code, 'auth_invalid_credentials');
      assert.equal(res.headers['set-cookie'], undefined);
    }
    assert.equal(wrong.json().error.message, unknown.json().error.message);
    const rows = await kehu.db.query<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_log WHERE action = 'auth.login_failed'`,
    );
    assert.ok(rows.length >= 2);
    const text = JSON.stringify(rows);
    assert.doesNotMatch(text, /nobody@kehu\.test/);
    assert.doesNotMatch(text, /not the right password/);
    assert.match(text, /n\*\*\*@kehu\.test/);
    assert.doesNotMatch(kehu.logs(), /not the right password/);
  });

  it('validates the login body (missing, wrong types, unknown fields)', async () => {
    const missing = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: adminEmail },
      remoteAddress: nextIp(),
    });
    assert.equal(missing.statusCode, 422);
    assert.equal(missing.json().error.fields[0].field, 'password');
    const wrongType = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 42, password: ['x'] },
      remoteAddress: nextIp(),
    });
    assert.equal(wrongType.statusCode, 422);
    const extra = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: adminEmail, password: 'x', admin: true },
      remoteAddress: nextIp(),
    });
    assert.equal(extra.statusCode, 422);
    assert.equal(extra.json().error.fields[0].code, 'unknown_field');
  });

  it('refuses a disabled user only after a correct password', async () => {
    const user = await admin.call('POST', '/users', {
      name: '停用者',
      email: 'disabled@kehu.test',
      password: 'a long enough password',
      roleIds: [],
    });
    assert.equal(user.statusCode, 201, user.body);
    assert.equal((await admin.call('DELETE', `/users/${user.json().id}`)).statusCode, 204);
    const right = await login('disabled@kehu.test', 'a long enough password');
    assert.equal(right.statusCode, 403);
    assert.equal(right.json().error.code, 'auth_account_disabled');
    const wrong = await login('disabled@kehu.test', 'the wrong password!!');
    assert.equal(wrong.statusCode, 401);
  });

  it('throttles an account after too many failures in an hour (429 with Retry-After)', async () => {
    const created = await admin.call('POST', '/users', {
      name: 'Target',
      email: 'target@kehu.test',
      password: 'target password 123',
      roleIds: [],
    });
    assert.equal(created.statusCode, 201);
    for (let i = 0; i < 5; i++) assert.equal((await login('target@kehu.test', `guess ${i}`)).statusCode, 401);
    const blocked = await login('TARGET@kehu.test', 'target password 123');
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.json().error.code, 'auth_too_many_attempts');
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    // unknown emails are throttled the same way, so the 429 reveals nothing
    for (let i = 0; i < 5; i++) await login('ghost@kehu.test', `guess ${i}`);
    assert.equal((await login('ghost@kehu.test', 'guess')).statusCode, 429);
    kehu.advance(61 * minute);
    assert.equal((await login('target@kehu.test', 'target password 123')).statusCode, 200);
    admin = await signIn(kehu, adminEmail, adminPassword, nextIp());
  });

  it('limits sign-in attempts per address (429 with Retry-After)', async () => {
    const from = '10.99.99.99';
    let last;
    for (let i = 0; i < 31; i++) {
      last = await kehu.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: {}, remoteAddress: from });
    }
    assert.equal(last?.statusCode, 429);
    assert.equal(last?.json().error.code, 'rate_limited');
    assert.ok(Number(last?.headers['retry-after']) > 0);
    // another address is unaffected
    assert.equal((await login(adminEmail, adminPassword)).statusCode, 200);
  });

  it('tells who is signed in, and lets them change name and language', async () => {
    const me = await admin.call('GET', '/me');
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().csrfToken, admin.csrfToken);
    const patched = await admin.call('PATCH', '/me', { name: '<b>Ada</b> 管理员', locale: 'en' });
    assert.equal(patched.statusCode, 200);
    assert.equal(patched.json().name, '<b>Ada</b> 管理员');
    assert.equal(patched.json().locale, 'en');
    assert.equal(patched.json().roles[0].name, 'Administrator');
    const bad = await admin.call('PATCH', '/me', { locale: 'fr' });
    assert.equal(bad.statusCode, 422);
    const email = await admin.call('PATCH', '/me', { email: 'x@y.z' });
    assert.equal(email.statusCode, 422);
    // the user's language wins over Accept-Language
    const res = await kehu.app.inject({
      method: 'GET',
      url: '/api/v1/users/00000000-0000-4000-8000-000000000000',
      headers: { cookie: admin.cookie, 'accept-language': 'zh-CN' },
    });
    assert.match(res.json().error.message, /User was not found/);
    await admin.call('PATCH', '/me', { locale: null });
  });

  it('refuses state-changing requests without the right CSRF token', async () => {
    for (const headers of [{ cookie: admin.cookie }, { cookie: admin.cookie, 'x-csrf-token': 'wrong' }]) {
      const res = await kehu.app.inject({ method: 'PATCH', url: '/api/v1/me', headers, payload: { name: 'x' } });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().error.code, 'csrf_token_invalid');
    }
    assert.match(kehu.logs(), /csrf token missing or wrong/);
  });

  it('on public routes, ignores a session that cannot show its CSRF token instead of acting as it', async () => {
    const s = await signIn(kehu, adminEmail, adminPassword, nextIp());
    // a forged cross-site sign-out does not end the session…
    const forged = await kehu.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } });
    assert.equal(forged.statusCode, 204);
    assert.equal((await s.call('GET', '/me')).statusCode, 200);
    // …and a second tab still holding the cookie can sign in again from the sign-in page
    const again = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { cookie: s.cookie },
      payload: { email: adminEmail, password: adminPassword },
      remoteAddress: nextIp(),
    });
    assert.equal(again.statusCode, 200, again.body);
  });

  it('treats a forged or unknown cookie as anonymous', async () => {
    for (const cookie of [
      'kehu_session=forged',
      `kehu_session=${'A'.repeat(43)}`,
      `kehu_session=${'x'.repeat(5000)}`,
    ]) {
      const res = await kehu.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error.code, 'unauthenticated');
    }
  });

  it('signs out on the server: the old cookie stops working', async () => {
    const s = await signIn(kehu, adminEmail, adminPassword, nextIp());
    const out = await s.call('POST', '/auth/logout');
    assert.equal(out.statusCode, 204);
    assert.match(String(out.headers['set-cookie']), /kehu_session=;/);
    assert.equal((await s.call('GET', '/me')).statusCode, 401);
  });

  it('ends a session after the idle timeout, measured on the server', async () => {
    const s = await signIn(kehu, adminEmail, adminPassword, nextIp());
    kehu.advance(29 * minute);
    assert.equal((await s.call('GET', '/me')).statusCode, 200);
    kehu.advance(29 * minute);
    assert.equal((await s.call('GET', '/me')).statusCode, 200, 'activity keeps it alive');
    kehu.advance(31 * minute);
    assert.equal((await s.call('GET', '/me')).statusCode, 401);
    admin = await signIn(kehu, adminEmail, adminPassword, nextIp());
  });

  it('changes the password: checks the current one and the policy, ends the other sessions', async () => {
    await admin.call('POST', '/users', {
      name: 'Pat',
      email: 'pat@kehu.test',
      password: 'pat first password',
      roleIds: [],
    });
    const s1 = await signIn(kehu, 'pat@kehu.test', 'pat first password', nextIp());
    const s2 = await signIn(kehu, 'pat@kehu.test', 'pat first password', nextIp());
    const wrong = await s1.call('POST', '/me/password', {
      currentPassword: 'nope',
      newPassword: 'pat second password',
    });
    assert.equal(wrong.statusCode, 422);
    assert.equal(wrong.json().error.fields[0].field, 'currentPassword');
    const weak = await s1.call('POST', '/me/password', {
      currentPassword: 'pat first password',
      newPassword: 'password1234',
    });
    assert.equal(weak.json().error.code, 'password_too_common');
    assert.equal(weak.json().error.fields[0].field, 'newPassword');
    const ok = await s1.call('POST', '/me/password', {
      currentPassword: 'pat first password',
      newPassword: 'pat second password',
    });
    assert.equal(ok.statusCode, 204);
    assert.equal((await s1.call('GET', '/me')).statusCode, 200);
    assert.equal((await s2.call('GET', '/me')).statusCode, 401);
    assert.equal((await login('pat@kehu.test', 'pat first password')).statusCode, 401);
    assert.equal((await login('pat@kehu.test', 'pat second password')).statusCode, 200);
  });

  it('resets a forgotten password by email without revealing which accounts exist', async () => {
    const before = kehu.mails.length;
    const s = await signIn(kehu, 'pat@kehu.test', 'pat second password', nextIp());
    const reset = (email: string) =>
      kehu.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset',
        payload: { email },
        remoteAddress: nextIp(),
      });
    const known = await reset('PAT@kehu.test');
    const unknown = await reset('stranger@kehu.test');
    assert.equal(known.statusCode, 202);
    assert.equal(unknown.statusCode, 202);
    assert.deepEqual(known.json(), unknown.json());
    for (let i = 0; i < 50 && kehu.mails.length === before; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(kehu.mails.length, before + 1);
    const mail = kehu.mails[before];
    assert.equal(mail.to, 'pat@kehu.test');
    const token = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    assert.ok(token);
    assert.ok(mail.text.startsWith('您好') || mail.text.startsWith('Hello'));
    const confirm = (password: string) =>
      kehu.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset/confirm',
        payload: { token, password },
        remoteAddress: nextIp(),
      });
    assert.equal((await confirm('short')).json().error.code, 'password_too_short');
    assert.equal((await confirm('pat third password')).statusCode, 204);
    assert.equal((await s.call('GET', '/me')).statusCode, 401, 'all sessions ended');
    const reused = await confirm('pat fourth password');
    assert.equal(reused.statusCode, 422);
    assert.equal(reused.json().error.code, 'auth_reset_token_invalid');
    assert.equal((await login('pat@kehu.test', 'pat third password')).statusCode, 200);

    await reset('pat@kehu.test');
    for (let i = 0; i < 50 && kehu.mails.length === before + 1; i++) await new Promise((r) => setTimeout(r, 10));
    const late = /token=([A-Za-z0-9_-]+)/.exec(kehu.mails[before + 1].text)?.[1];
    kehu.advance(61 * minute);
    const expired = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token: late, password: 'pat fifth password' },
      remoteAddress: nextIp(),
    });
    assert.equal(expired.json().error.code, 'auth_reset_token_invalid');
    assert.doesNotMatch(kehu.logs(), new RegExp(late ?? 'never'));
    admin = await signIn(kehu, adminEmail, adminPassword, nextIp());
  });

  it('audits sign-ins, sign-outs, password changes, resets and setup', async () => {
    const actions = new Set(await auditActions());
    for (const a of [
      'setup.completed',
      'auth.login',
      'auth.login_failed',
      'auth.logout',
      'auth.password_changed',
      'auth.password_reset_requested',
      'auth.password_reset_completed',
    ]) {
      assert.ok(actions.has(a), `audit has ${a}`);
    }
    const all = JSON.stringify(await kehu.db.query('SELECT * FROM audit_log'));
    for (const secret of [adminPassword, 'pat first password', 'pat second password', 'pat third password']) {
      assert.ok(!all.includes(secret));
      assert.ok(!kehu.logs().includes(secret));
    }
  });
});
