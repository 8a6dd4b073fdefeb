import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { readConfig } from '../config.ts';
import { startKehu, type Kehu } from '../../start.ts';
import { createTestDb } from '../../../test/harness.ts';
import { sessionCookie, signIn } from '../../../test/auth-fixtures.ts';

describe('first administrator from KEHU_ADMIN_EMAIL / KEHU_ADMIN_PASSWORD', () => {
  const started: Kehu[] = [];
  let db: Awaited<ReturnType<typeof createTestDb>>;
  const start = async (env: Record<string, string>) => {
    const config = readConfig({ KEHU_DATA_DIR: db.dataDir, KEHU_DEMO: '0', KEHU_LOG_LEVEL: 'warn', ...env });
    const kehu = await startKehu({ config, db, logStream: new Writable({ write: (_c, _e, cb) => cb() }) });
    started.push(kehu);
    return kehu;
  };
  after(async () => {
    for (const k of started) await k.stop();
    await db?.close();
  });

  it('creates the administrator, then resets and re-activates them on a later start', async () => {
    db = await createTestDb();
    const env = {
      KEHU_ADMIN_EMAIL: 'boss@kehu.test',
      KEHU_ADMIN_PASSWORD: 'first boss password',
      KEHU_PUBLIC_URL: 'https://kehu.example',
    };
    const first = await start(env);
    assert.ok(first.startupNotes.some((n) => n.includes('boss@kehu.test') && !n.includes('first boss password')));
    const res = await first.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'boss@kehu.test', password: 'first boss password' },
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(
      res.json().user.roles.map((r: { key: string }) => r.key),
      ['admin'],
    );
    // served over https: the cookie is Secure
    assert.match(String([res.headers['set-cookie']].flat()[0]), /; Secure/);
    assert.ok(sessionCookie(res));
    assert.deepEqual((await first.app.inject({ method: 'GET', url: '/api/v1/setup' })).json(), { needed: false });
    await first.stop();
    started.pop();

    // someone deactivated the administrator and took the role away
    await db.query(`UPDATE users SET is_active = false`);
    await db.query(`DELETE FROM user_roles`);
    const second = await start({ ...env, KEHU_ADMIN_PASSWORD: 'second boss password' });
    const boss = await signIn(second, 'boss@kehu.test', 'second boss password');
    const me = await boss.call('GET', '/me');
    assert.ok(me.json().permissions.includes('staff.manage'));
    assert.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users'))[0].n, 1);
    const oldPassword = await second.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'boss@kehu.test', password: 'first boss password' },
    });
    assert.equal(oldPassword.statusCode, 401);
  });

  it('refuses to start with a weak KEHU_ADMIN_PASSWORD', async () => {
    await assert.rejects(
      start({ KEHU_ADMIN_EMAIL: 'weak@kehu.test', KEHU_ADMIN_PASSWORD: 'password' }),
      /KEHU_ADMIN_PASSWORD is refused/,
    );
  });
});
