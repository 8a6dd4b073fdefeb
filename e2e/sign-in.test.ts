import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
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
  chooseFromUserMenu,
  openNav,
} from './harness.ts';

describe('sign-in, navigation, language and sign-out', { timeout: 120_000 }, () => {
  let e2e: E2E;
  let w: WatchedPage;

  before(async () => {
    e2e = await startE2E();
    w = await newPage(e2e, 'zh-CN');
  });
  afterEach((t) => screenshotOnFailure(t, w?.page));
  after(async () => {
    await e2e?.close();
  });

  it('a wrong password shows the translated error, in Chinese and in English', async () => {
    const { page } = w;
    w.allow(/^401 POST \/api\/v1\/auth\/login$/);
    await page.goto(`${e2e.url}/`);
    // nobody signed in: the shell sends the visitor to the sign-in page
    await page.getByTestId('login-form').waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    await screenshot(page, 'sign-in-zh');

    await page.getByTestId('login-email').fill(adminEmail);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').getByText('邮箱或密码不正确').waitFor();

    await page.getByTestId('language-en').click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').getByText('Email or password is wrong').waitFor();
    await screenshot(page, 'sign-in-en-error');
    w.assertClean();
  });

  it('the administrator signs in and lands on the home page with every module group', async () => {
    const { page } = w;
    await page.getByTestId('language-zh-CN').click();
    await page.getByTestId('login-password').fill(adminPassword);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('home-welcome').waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    const nav = page.getByTestId('side-nav');
    await nav.waitFor();
    const groups = {
      customers: '客户',
      segments: '细分',
      engage: '互动营销',
      service: '客户服务',
      feedback: '反馈',
      loyalty: '忠诚度',
      leads: '线索',
      collaboration: '协作',
      analytics: '数据分析',
      privacy: '隐私',
      admin: '系统管理',
    };
    for (const [group, text] of Object.entries(groups)) {
      assert.equal(await nav.getByTestId(`nav-group-${group}`).innerText(), text, group);
    }
    await screenshot(page, 'home-zh');
    w.assertClean();
  });

  it('a module not built yet shows its coming-soon page', async () => {
    const { page } = w;
    await openNav(page, 'engage', 'campaigns');
    const soon = page.getByTestId('coming-soon');
    await soon.waitFor();
    assert.equal(new URL(page.url()).pathname, '/campaigns');
    assert.match(await soon.innerText(), /即将上线/);
    assert.match(await soon.innerText(), /将在后续 issue 中构建/);
    await screenshot(page, 'coming-soon-zh');
    w.assertClean();
  });

  it('switching to English in the user menu changes the navigation and is saved on the profile', async () => {
    const { page } = w;
    await page.getByTestId('nav-home').click();
    await page.getByTestId('home-welcome').waitFor();
    await chooseFromUserMenu(page, ['menu-language', 'menu-language-en']);
    const nav = page.getByTestId('side-nav');
    await nav.getByTestId('nav-group-admin').getByText('Administration').waitFor();
    assert.equal(await nav.getByTestId('nav-group-customers').innerText(), 'Customers');
    assert.match(await page.getByTestId('home-welcome').innerText(), /^Welcome, /);

    // after a reload the page is still English
    await page.reload();
    await nav.getByTestId('nav-group-admin').getByText('Administration').waitFor();
    await screenshot(page, 'home-en');

    // the choice lives on the profile, not only in this browser: a fresh Chinese browser gets English too
    const me = await apiFromPage(page, 'GET', '/me');
    assert.equal((me.body as { locale: string }).locale, 'en');
    const other = await newPage(e2e, 'zh-CN');
    try {
      await signInWithForm(other.page, e2e.url, adminEmail, adminPassword);
      await other.page.getByTestId('side-nav').getByTestId('nav-group-admin').getByText('Administration').waitFor();
      other.assertClean();
    } finally {
      await other.context.close();
    }
    w.assertClean();
  });

  it('signing out returns to the sign-in page and the session no longer works', async () => {
    const { page } = w;
    // a click that lands while the menu is still opening is lost without an error: choose again
    for (let attempt = 1; ; attempt++) {
      await chooseFromUserMenu(page, ['menu-sign-out']);
      try {
        await page.getByTestId('login-form').waitFor({ timeout: 10_000 });
        break;
      } catch (err) {
        if (attempt >= 3 || !(await page.getByTestId('user-menu').isVisible())) throw err;
      }
    }
    assert.equal(new URL(page.url()).pathname, '/login');
    const me = await apiFromPage(page, 'GET', '/me');
    assert.equal(me.status, 401);
    // a page behind sign-in now sends the visitor back to sign in, remembering where they were going
    await page.goto(`${e2e.url}/admin/users`);
    await page.getByTestId('login-form').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('next'), '/admin/users');
    w.assertClean();
  });

  // A browser that still holds a valid session opens /login (a bookmark) and signs in again.
  it('a user whose session is still valid can sign in again from the sign-in page', async () => {
    const again = await newPage(e2e, 'en-US');
    const { page } = again;
    try {
      await signInWithForm(page, e2e.url, adminEmail, adminPassword);
      await page.goto(`${e2e.url}/login`);
      await page.getByTestId('login-email').fill(adminEmail);
      await page.getByTestId('login-password').fill(adminPassword);
      await page.getByTestId('login-submit').click();
      await page.locator('[data-testid="home-welcome"], [data-testid="login-error"]').first().waitFor();
      again.assertClean();
      await page.getByTestId('home-welcome').waitFor();
    } finally {
      await again.context.close();
    }
  });
});

describe('one-time setup on an empty installation', { timeout: 120_000 }, () => {
  let e2e: E2E;
  let w: WatchedPage;

  before(async () => {
    e2e = await startE2E({}, { bootstrapAdmin: false });
    w = await newPage(e2e, 'en-US');
  });
  afterEach((t) => screenshotOnFailure(t, w?.page));
  after(async () => {
    await e2e?.close();
  });

  // POST /setup signs the new administrator in; the page must use that session as it is.
  it('creates the administrator and signs them in', async () => {
    const { page } = w;
    await page.goto(`${e2e.url}/`);
    await page.getByTestId('setup-name').waitFor();
    assert.equal(new URL(page.url()).pathname, '/setup');
    await screenshot(page, 'setup-en');

    await page.getByTestId('setup-name').fill('Wang Fang');
    await page.getByTestId('setup-email').fill('owner@shop.test');
    await page.getByTestId('setup-password').fill('Owner-Pass-2026!');
    await page.getByTestId('setup-confirm').fill('Owner-Pass-2026!');
    await page.getByTestId('setup-submit').click();
    await page.locator('[data-testid="home-welcome"], .ant-alert-error').first().waitFor();
    w.assertClean();
    await page.getByTestId('home-welcome').getByText('Welcome, Wang Fang').waitFor();
    // the new administrator sees the administration group
    await page.getByTestId('nav-group-admin').waitFor();
    w.assertClean();
  });

  it('afterwards the setup is no longer offered and the administrator signs in', async () => {
    // a fresh browser: the previous step leaves its page in whatever state the setup ended in
    const fresh = await newPage(e2e, 'en-US');
    const { page } = fresh;
    try {
      await page.goto(`${e2e.url}/setup`);
      await page.waitForURL((u) => u.pathname === '/login');
      await page.getByTestId('login-form').waitFor();
      assert.equal(await page.getByTestId('setup-name').count(), 0);
      const setup = await apiFromPage(page, 'GET', '/setup');
      assert.deepEqual(setup.body, { needed: false });

      // the server refuses a second setup
      fresh.allow(/^409 POST \/api\/v1\/setup$/);
      const again = await apiFromPage(page, 'POST', '/setup', {
        name: 'Intruder',
        email: 'intruder@shop.test',
        password: 'Intruder-Pass-2026!',
      });
      assert.equal(again.status, 409, JSON.stringify(again.body));

      await signInWithForm(page, e2e.url, 'owner@shop.test', 'Owner-Pass-2026!');
      await page.getByTestId('home-welcome').getByText('Welcome, Wang Fang').waitFor();
      await page.getByTestId('nav-group-admin').waitFor();
      fresh.assertClean();
    } finally {
      await fresh.context.close();
    }
  });
});
