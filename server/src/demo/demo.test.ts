import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestKehu, type TestKehu } from '../../test/harness.ts';
import { demoPassword, demoUsers, loadDemo } from './demo.ts';
import { createStaffModule } from '../modules/staff/index.ts';

describe('demo business', () => {
  let kehu: TestKehu;
  before(async () => {
    kehu = await createTestKehu({ KEHU_DEMO: '1' });
  });
  after(async () => kehu.close());

  it('prints a sign-in for every built-in role at start-up', () => {
    const notes = kehu.startupNotes.join('\n');
    for (const u of demoUsers) assert.ok(notes.includes(u.email), `${u.email} missing from the banner`);
    assert.ok(notes.includes(demoPassword));
  });

  it('lets each demo user sign in with the permissions of their role', async () => {
    for (const u of demoUsers) {
      const login = await kehu.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: u.email, password: demoPassword },
      });
      assert.equal(login.statusCode, 200, `${u.email}: ${login.body}`);
      const me = login.json().user;
      assert.deepEqual(
        me.roles.map((r: { key: string }) => r.key),
        u.roles,
      );
      assert.equal(me.permissions.includes('staff.manage'), u.roles.includes('admin'));
    }
  });

  it('builds the department tree and names the business', async () => {
    const names = (await kehu.db.query<{ name: string }>('SELECT name FROM departments')).map((r) => r.name);
    for (const n of ['市场部', '销售部', '网销部', '客服部', '售后部']) assert.ok(names.includes(n), n);
    assert.equal((await kehu.platform.settings.getPublic()).businessName, '悦享生活（演示）');
  });

  it('changes nothing when loaded again', async () => {
    const count = async () =>
      (
        await kehu.db.query<{ u: number; d: number }>(
          'SELECT (SELECT count(*) FROM users) AS u, (SELECT count(*) FROM departments) AS d',
        )
      )[0];
    const before = await count();
    const staff = createStaffModule({ db: kehu.db, audit: kehu.platform.audit, now: () => new Date() });
    await loadDemo({ staff, settings: kehu.platform.settings });
    assert.deepEqual(await count(), before);
  });
});
