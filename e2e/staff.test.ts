import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  adminEmail,
  adminPassword,
  newPage,
  screenshotOnFailure,
  screenshot,
  signInWithForm,
  startE2E,
  type E2E,
  type WatchedPage,
  pickOption,
  chooseFromUserMenu,
  openNav,
  formItemOf,
} from './harness.ts';

const staffEmail = 'li.na@shop.test';

describe('staff administration in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  let w: WatchedPage;

  before(async () => {
    e2e = await startE2E();
    w = await newPage(e2e, 'zh-CN');
    await signInWithForm(w.page, e2e.url, adminEmail, adminPassword);
  });
  afterEach((t) => screenshotOnFailure(t, w?.page));
  after(async () => {
    await e2e?.close();
  });

  it('creates a department and a sub-department', async () => {
    const { page } = w;
    await openNav(page, 'admin', 'departments');
    await page.getByTestId('department-add').click();
    await page.getByTestId('department-name').fill('华东区');
    await page.getByTestId('department-save').click();
    const tree = page.getByTestId('department-tree');
    await tree.getByText('华东区 (0)').waitFor();
    // the new department is selected: add a branch under it
    await page.getByTestId('department-add-child').click();
    await page.getByTestId('department-name').fill('上海门店');
    await page.getByTestId('department-save').click();
    await tree.getByText('上海门店 (0)').waitFor();
    w.assertClean();
  });

  it('creates a user with a department and a role', async () => {
    const { page } = w;
    await openNav(page, 'admin', 'users');
    await page.getByTestId('users-table').waitFor();
    await page.getByTestId('user-create').click();
    const drawer = page.getByTestId('user-drawer');
    await drawer.waitFor();
    await page.getByTestId('user-name').fill('李娜');
    await page.getByTestId('user-email').fill(staffEmail);
    await page.getByTestId('user-mobile').fill('13800138001');
    await page.getByTestId('user-password').fill('Li-Na-Pass-2026!');
    await page.getByTestId('user-department').click();
    await pickOption(page, '上海门店');
    await page.getByTestId('user-roles').click();
    await pickOption(page, '客服专员');
    await page.keyboard.press('Escape');
    await page.getByTestId('user-save').click();
    await page.getByText('用户已创建').waitFor();
    await drawer.waitFor({ state: 'hidden' });
    const row = page.getByTestId('users-table').locator('tr', { hasText: staffEmail });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /李娜/);
    assert.match(text, /上海门店/);
    assert.match(text, /客服专员/);
    await screenshot(page, 'users-zh');
    w.assertClean();
  });

  it("shows the server's error for a duplicate email under the email field", async () => {
    const { page } = w;
    w.allow(/^409 POST \/api\/v1\/users$/);
    await page.getByTestId('user-create').click();
    const drawer = page.getByTestId('user-drawer');
    await drawer.waitFor();
    await page.getByTestId('user-name').fill('李娜二号');
    await page.getByTestId('user-email').fill(staffEmail);
    await page.getByTestId('user-password').fill('Li-Na-Pass-2026!');
    await page.getByTestId('user-save').click();
    await formItemOf(page, 'user-email').locator('.ant-form-item-explain-error').getByText('该邮箱已被使用').waitFor();
    // every problem sits on a field, so no banner at the top
    assert.equal(await page.getByTestId('user-form-error').count(), 0);
    await screenshot(page, 'user-duplicate-email-zh');
    await drawer.getByRole('button', { name: /取\s*消/ }).click();
    await drawer.waitFor({ state: 'hidden' });
    w.assertClean();
  });

  it('creates a custom role by copying read-only and adding staff.view', async () => {
    const { page } = w;
    await openNav(page, 'admin', 'roles');
    await page.getByTestId('roles-table').waitFor();
    await page.getByTestId('role-copy-read_only').click();
    const drawer = page.getByTestId('role-drawer');
    await drawer.waitFor();
    assert.equal(await page.getByTestId('role-name').inputValue(), '只读（副本）');
    const matrix = page.getByTestId('permission-matrix');
    // the copy starts with read-only's grants: viewing customers, not staff
    assert.equal(await matrix.getByTestId('perm-customers.view').isChecked(), true);
    assert.equal(await matrix.getByTestId('perm-customers.edit').isChecked(), false);
    assert.equal(await matrix.getByTestId('perm-staff.view').isChecked(), false);
    await page.getByTestId('role-name').fill('门店督导');
    await page.getByTestId('role-description').fill('查看全部业务数据和员工名单');
    await matrix.getByTestId('perm-staff.view').check();
    assert.equal(await matrix.getByTestId('perm-staff.view').isChecked(), true);
    await screenshot(page, 'role-matrix-zh');
    await page.getByTestId('role-save').click();
    await drawer.waitFor({ state: 'hidden' });
    const row = page.getByTestId('roles-table').locator('tr', { has: page.getByTestId('role-open-门店督导') });
    await row.waitFor();
    assert.match(await row.innerText(), /查看全部业务数据和员工名单/);
    w.assertClean();
  });

  it('assigns the custom role, asking for the password again when the sign-in is no longer recent', async () => {
    const { page } = w;
    // pretend the password was last entered an hour ago: changing roles needs it again
    await e2e.kehu.db.query(`UPDATE sessions SET reauth_at = reauth_at - interval '1 hour'`);
    w.allow(/^403 PATCH \/api\/v1\/users\/[0-9a-f-]+$/);
    await openNav(page, 'admin', 'users');
    await page.getByTestId(`user-edit-${staffEmail}`).click();
    const drawer = page.getByTestId('user-drawer');
    await drawer.waitFor();
    await page.getByTestId('user-roles').click();
    await pickOption(page, '门店督导');
    await page.keyboard.press('Escape');
    await page.getByTestId('user-save').click();
    const reauth = page.locator('.ant-modal').filter({ has: page.getByTestId('reauth-password') });
    await reauth.waitFor();
    await page.getByTestId('reauth-password').fill(adminPassword);
    await screenshot(page, 'reauth-zh');
    await page.getByTestId('reauth-submit').click();
    await drawer.waitFor({ state: 'hidden' });
    await reauth.waitFor({ state: 'hidden' });
    const row = page.getByTestId('users-table').locator('tr', { hasText: staffEmail });
    await row.getByText('门店督导').waitFor();
    assert.match(await row.innerText(), /客服专员/);
    w.assertClean();
  });

  it('creates an API key and shows its token exactly once', async () => {
    const { page } = w;
    await openNav(page, 'admin', 'apiKeys');
    await page.getByTestId('api-keys-table').waitFor();
    await page.getByTestId('api-key-create').click();
    await page.getByTestId('api-key-name').fill('POS 同步');
    await page.getByTestId('perm-customers.view').check();
    await page.getByTestId('api-key-submit').click();
    // the modal's data-testid sits on antd's zero-size root: wait for what it shows
    const modal = page.locator('.ant-modal').filter({ has: page.getByTestId('api-key-token') });
    await modal.waitFor();
    assert.equal(await page.getByTestId('api-key-token-modal').count(), 1);
    const token = (await page.getByTestId('api-key-token').innerText()).trim();
    assert.ok(token.length >= 32, `token looks too short: ${token.length} characters`);
    await screenshot(page, 'api-key-token-zh');

    // the token works against the API (an API key is an actor of its own)
    const me = await e2e.kehu.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.notEqual(me.statusCode, 401, me.body);

    await modal.getByRole('button').filter({ hasText: '我已' }).click();
    await modal.waitFor({ state: 'hidden' });
    const row = page.getByTestId('api-keys-table').locator('tr', { hasText: 'POS 同步' });
    await row.waitFor();
    // only its prefix is ever shown again
    assert.equal((await page.content()).includes(token), false);
    assert.ok(token.startsWith((await row.locator('code').innerText()).replace('…', '')));
    w.assertClean();
  });

  it('the audit log shows the user, role and API key being created', async () => {
    const { page } = w;
    await openNav(page, 'admin', 'audit');
    const table = page.getByTestId('audit-table');
    await table.getByText('user.created').first().waitFor();
    for (const action of ['user.created', 'role.created', 'api_key.created', 'department.created']) {
      assert.ok((await table.getByText(action, { exact: true }).count()) >= 1, `${action} in the audit log`);
    }
    await screenshot(page, 'audit-zh');

    await page.getByTestId('audit-filter-action').locator('input').fill('role.created');
    await page.getByTestId('audit-filter-action').locator('input').press('Enter');
    await table.locator('tbody tr.ant-table-row').first().waitFor();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="audit-table"] tbody tr.ant-table-row')];
      return rows.length > 0 && rows.every((r) => r.textContent?.includes('role.created'));
    });
    await table.locator('tbody tr.ant-table-row').first().click();
    const details = page.getByTestId('audit-details');
    await details.waitFor();
    assert.match(await details.innerText(), /staff\.view/);
    await screenshot(page, 'audit-details-zh');
    w.assertClean();
  });

  it('the same pages in English', async () => {
    const { page } = w;
    await page.keyboard.press('Escape');
    await chooseFromUserMenu(page, ['menu-language', 'menu-language-en']);
    await page.getByTestId('nav-group-admin').getByText('Administration').waitFor();
    // move the pointer off the menus so nothing stays highlighted in the screenshots
    await page.mouse.move(1400, 880);

    await openNav(page, 'admin', 'users');
    await page.getByTestId('users-table').getByText('Service agent').waitFor();
    await screenshot(page, 'users-en');

    await openNav(page, 'admin', 'roles');
    await page.getByTestId('role-open-门店督导').click();
    await page.getByTestId('permission-matrix').waitFor();
    await screenshot(page, 'role-matrix-en');
    await page.keyboard.press('Escape');

    await openNav(page, 'admin', 'audit');
    await page.getByTestId('audit-table').getByText('user.created').first().waitFor();
    await screenshot(page, 'audit-en');
    w.assertClean();
  });
});
