import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  adminEmail,
  adminPassword,
  newPage,
  openNav,
  pickOption,
  screenshot,
  screenshotOnFailure,
  settle,
  signInWithForm,
  startE2E,
  type E2E,
  type WatchedPage,
} from './harness.ts';

describe('sign-up forms in the browser', { timeout: 240_000 }, () => {
  let e2e: E2E;
  let w: WatchedPage;

  before(async () => {
    e2e = await startE2E();
    w = await newPage(e2e, 'zh-CN');
    await signInWithForm(w.page, e2e.url, adminEmail, adminPassword);
  });
  afterEach(async (t) => {
    await screenshotOnFailure(t, w?.page);
  });
  after(async () => {
    await e2e?.close();
  });

  it('builds a form, publishes it, and a visitor’s submission shows on the Customer 360 with its consent', async () => {
    const { page } = w;
    await openNav(page, 'customers', 'forms');
    await page.getByTestId('forms-table').waitFor();

    // build: region added to the default name/mobile/email, a marketing consent beside the privacy one
    await page.getByTestId('form-create').click();
    await page.getByTestId('form-builder').waitFor();
    await page.getByTestId('form-add-field').click();
    await pickOption(page, '所在地区');
    await page.getByTestId('form-field-region').waitFor();
    await page.getByRole('tab', { name: '同意项' }).click();
    await page.getByTestId('form-add-marketing-consent').click();
    await page.getByTestId('form-consent-1-channel').click();
    await pickOption(page, '短信');
    await page.getByRole('tab', { name: '设置' }).click();
    await page.getByTestId('form-name').fill('春季会员招募');
    await page.getByTestId('form-slug').fill('spring-2026');
    await page.getByTestId('form-title-zh-CN').fill('加入会员，领取新人礼');
    await page.getByTestId('form-title-en').fill('Join and get a welcome gift');
    assert.equal(await page.getByTestId('form-preview-title').innerText(), '加入会员，领取新人礼');
    await page.getByTestId('form-preview-language').getByText('English').click();
    assert.equal(await page.getByTestId('form-preview-title').innerText(), 'Join and get a welcome gift');
    await screenshot(page, 'forms-builder');
    await page.getByTestId('form-save').click();
    await page.getByTestId('form-builder').waitFor({ state: 'hidden' });
    await page.getByTestId('form-row-spring-2026').waitFor();
    assert.match(await page.getByTestId('form-status-spring-2026').innerText(), /草稿/);

    // publish: the share dialog offers the address and both embed snippets
    await page.getByTestId('form-more-spring-2026').click();
    await page.locator('.ant-dropdown-menu-item').filter({ hasText: '发布' }).click();
    await page.getByTestId('form-share-url').waitFor();
    const url = (await page.getByTestId('form-share-url').innerText()).trim();
    assert.equal(url, `${e2e.url}/f/spring-2026`);
    assert.match(
      await page.getByTestId('form-share-script').innerText(),
      /\/f\/embed\.js" data-kehu-form="spring-2026"/,
    );
    assert.match(await page.getByTestId('form-share-iframe').innerText(), /<iframe src=".*\/f\/spring-2026\?embed=1"/);
    await screenshot(page, 'forms-share');
    await page.keyboard.press('Escape');
    await settle(page);

    // a visitor on a phone, no sign-in: a refused try, then a good one
    const phone = await e2e.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      const visitor = await phone.newPage();
      const errors: string[] = [];
      visitor.on('pageerror', (e) => errors.push(e.message));
      visitor.on('console', (m) => {
        // the refused try answers 422 on purpose; anything else (a CSP violation) is a fault
        if (m.type() === 'error' && !m.text().includes('422')) errors.push(m.text());
      });
      await visitor.goto(url);
      await visitor.getByRole('heading', { name: '加入会员，领取新人礼' }).waitFor();
      await visitor.fill('#f-name', '周晓婷');
      await visitor.fill('#f-mobile', '138 0013 8000');
      await visitor.locator('button[type=submit]').click();
      await visitor.getByText('请勾选此项后再提交').waitFor();
      assert.equal(await visitor.inputValue('#f-name'), '周晓婷', 'answers survive a refused try');
      await screenshot(visitor, 'forms-public-refused');
      await visitor.selectOption('#f-province', '浙江省');
      // the city list follows the province (form.js)
      assert.deepEqual((await visitor.locator('#f-city option').allInnerTexts()).slice(0, 3), [
        '请选择',
        '杭州市',
        '宁波市',
      ]);
      await visitor.selectOption('#f-city', '杭州市');
      await visitor.check('input[name="consent.c1"]');
      await visitor.check('input[name="consent.c2"]');
      await visitor.locator('button[type=submit]').click();
      await visitor.getByRole('heading', { name: '提交成功' }).waitFor();
      await screenshot(visitor, 'forms-public-thanks');
      assert.deepEqual(errors, []);
    } finally {
      await phone.close();
    }

    // back in the app: the count, the submission, the customer with both consents
    await page.reload();
    await page.getByTestId('form-submissions-spring-2026').waitFor();
    assert.equal(await page.getByTestId('form-submissions-spring-2026').innerText(), '1');
    await page.getByTestId('form-submissions-spring-2026').click();
    const link = page.locator('[data-testid^="submission-customer-"]').first();
    await link.waitFor();
    assert.match(await page.getByTestId('submissions-table').innerText(), /138\*{4}8000[\s\S]*浙江省 杭州市/);
    await link.click();
    await page.getByTestId('customer-name').waitFor();
    assert.equal(await page.getByTestId('customer-name').innerText(), '周晓婷');
    await page.getByTestId('consent-status-marketing-sms').waitFor();
    assert.equal(await page.getByTestId('consent-status-marketing-sms').innerText(), '已同意');
    assert.equal(await page.getByTestId('consent-status-privacy_policy-any').innerText(), '已同意');
    await page.getByText('提交了表单“春季会员招募”').waitFor();

    // staff record a withdrawal; the card and the history follow
    await page.getByTestId('consents-record').click();
    await page.getByTestId('consent-decision').getByText('撤回').click();
    await page.getByTestId('consent-save').click();
    await page.getByTestId('consent-status-marketing-sms').filter({ hasText: '已撤回' }).waitFor();
    await page.getByTestId('consents-history').click();
    await page.getByText('我愿意通过邮件接收新品和优惠信息').first().waitFor();
    await screenshot(page, 'forms-customer-consents');
    w.assertClean();
  });

  it('embeds on another site with the script snippet, sized to fit', async () => {
    // a shop's page on another origin (another port: Chromium refuses loopback resources to public origins)
    const shop = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><body><h1>Shop</h1>
        <script src="${e2e.url}/f/embed.js" data-kehu-form="spring-2026" data-title="Sign up" async></script>
        <p>after the form</p></body></html>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    const context = await e2e.browser.newContext({ viewport: { width: 1000, height: 800 } });
    try {
      const host = await context.newPage();
      const errors: string[] = [];
      host.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await host.goto(`http://localhost:${(shop.address() as AddressInfo).port}/`);
      const frame = host.frameLocator('iframe[title="Sign up"]');
      await frame.getByRole('heading', { name: '加入会员，领取新人礼' }).waitFor();
      // the page reports its height and the script applies it (640px until then)
      await host.waitForFunction(() => document.querySelector('iframe')?.style.height !== '640px');
      const height = parseInt(await host.locator('iframe').evaluate((f) => (f as HTMLIFrameElement).style.height));
      assert.ok(height > 300 && height < 2000, `iframe height ${height}`);
      await screenshot(host, 'forms-embedded');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await new Promise((resolve) => shop.close(resolve));
    }
  });
});
