import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { signIn } from '../server/test/auth-fixtures.ts';
import {
  adminEmail,
  adminPassword,
  apiFromPage,
  newPage,
  screenshotOnFailure,
  screenshot,
  signInWithForm,
  startE2E,
  type E2E,
  type WatchedPage,
} from './harness.ts';

const viewerEmail = 'viewer@shop.test';
const viewerPassword = 'Viewer-Pass-2026!';

describe('a read-only user in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  let w: WatchedPage;

  before(async () => {
    e2e = await startE2E();
    // the read-only user is made through the API as the administrator
    const admin = await signIn(e2e.kehu, adminEmail, adminPassword);
    const roles = await admin.call('GET', '/roles');
    assert.equal(roles.statusCode, 200, roles.body);
    const readOnly = (roles.json() as { items: { id: string; key: string | null }[] }).items.find(
      (r) => r.key === 'read_only',
    );
    assert.ok(readOnly, 'the built-in read_only role exists');
    const created = await admin.call('POST', '/users', {
      name: 'Zhao Min',
      email: viewerEmail,
      password: viewerPassword,
      roleIds: [readOnly.id],
    });
    assert.equal(created.statusCode, 201, created.body);
    w = await newPage(e2e, 'en-US');
  });
  afterEach((t) => screenshotOnFailure(t, w?.page));
  after(async () => {
    await e2e?.close();
  });

  it('sees the business modules but none of the administration items', async () => {
    const { page } = w;
    await signInWithForm(page, e2e.url, viewerEmail, viewerPassword);
    await page.getByTestId('home-welcome').getByText('Welcome, Zhao Min').waitFor();
    const nav = page.getByTestId('side-nav');
    for (const group of ['customers', 'segments', 'engage', 'service', 'loyalty', 'analytics', 'privacy']) {
      await nav.getByTestId(`nav-group-${group}`).waitFor();
    }
    // users, roles, departments, API keys, audit, jobs and settings all sit in the admin group
    assert.equal(await nav.getByTestId('nav-group-admin').count(), 0);
    for (const key of ['users', 'roles', 'departments', 'apiKeys', 'audit', 'jobs', 'settings']) {
      assert.equal(await page.getByTestId(`nav-${key}`).count(), 0, key);
    }
    // the home page lists no administration area either
    const home = await page.locator('main, .ant-layout-content').first().innerText();
    assert.doesNotMatch(home, /Administration|Users|API keys|Audit log/);
    await screenshot(page, 'home-read-only-en');
    w.assertClean();
  });

  it('opening an administration page directly shows the 403 page, in English and in Chinese', async () => {
    const { page } = w;
    for (const path of ['/admin/users', '/admin/roles', '/admin/api-keys', '/admin/audit', '/admin/settings']) {
      await page.goto(`${e2e.url}${path}`);
      const forbidden = page.getByTestId('forbidden-page');
      await forbidden.waitFor();
      assert.match(await forbidden.innerText(), /No access/, path);
      assert.equal(await page.getByTestId('users-table').count(), 0);
    }
    await page.goto(`${e2e.url}/admin/users`);
    await page.getByTestId('forbidden-page').getByText('Needs permission: staff.view').waitFor();
    await screenshot(page, 'forbidden-en');

    // the same page for someone who chose Chinese on this device
    await page.evaluate(() => window.localStorage.setItem('kehu.language', 'zh-CN'));
    await page.reload();
    const forbidden = page.getByTestId('forbidden-page');
    await forbidden.getByText('无权访问', { exact: true }).waitFor();
    assert.match(await forbidden.innerText(), /需要权限：staff\.view/);
    await screenshot(page, 'forbidden-zh');

    // its way out leads home
    await forbidden.getByRole('link').click();
    await page.getByTestId('home-welcome').getByText('欢迎，Zhao Min').waitFor();
    w.assertClean();
  });

  it("the API refuses the administration calls from the user's own browser", async () => {
    const { page } = w;
    w.allow(/^403 (GET|POST) \/api\/v1\/(users|roles|audit|api-keys)$/);
    const create = await apiFromPage(page, 'POST', '/users', {
      name: 'Sneaky',
      email: 'sneaky@shop.test',
      password: 'Sneaky-Pass-2026!',
      roleIds: [],
    });
    assert.equal(create.status, 403, JSON.stringify(create.body));
    assert.equal((create.body as { error: { code: string } }).error.code, 'forbidden');
    for (const path of ['/users', '/roles']) {
      const res = await apiFromPage(page, 'GET', path);
      assert.equal(res.status, 403, path);
    }
    // nothing was created
    const admin = await signIn(e2e.kehu, adminEmail, adminPassword);
    const users = await admin.call('GET', '/users?q=sneaky');
    assert.equal(users.statusCode, 200, users.body);
    assert.deepEqual((users.json() as { items: unknown[] }).items, []);
    w.assertClean();
  });
});
