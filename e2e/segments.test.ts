import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { signIn } from '../server/test/auth-fixtures.ts';
import {
  adminEmail,
  adminPassword,
  apiFromPage,
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

type Field = { key: string; label: string; options?: { value: string; label: string }[] | null };

/** The text input inside a control with this test id (antd puts the id on the input or on its wrapper). */
async function inputOf(page: Page, testId: string) {
  const el = page.getByTestId(testId);
  const tag = await el.evaluate((e) => e.tagName);
  return tag === 'INPUT' ? el : el.locator('input').first();
}

/**
 * Opens the select with this test id and picks the option with this text; `search` types it first
 * (long lists are virtual: an option far down is not in the page until the search brings it up).
 */
async function choose(page: Page, testId: string, text: string, search = false) {
  await page.getByTestId(testId).click();
  if (search) await page.keyboard.type(text);
  await pickOption(page, text);
  await page.keyboard.press('Escape');
  await settle(page);
}

/** Waits until the live count settles on `n`. */
async function expectCount(page: Page, n: number) {
  await page.waitForFunction(
    (want) => {
      const el = document.querySelector('[data-testid="preview-count"]');
      return (
        el?.getAttribute('data-count') === String(want) && !document.querySelector('[data-testid="preview-loading"]')
      );
    },
    n,
    { timeout: 15_000 },
  );
}

describe('segments in the browser', { timeout: 300_000 }, () => {
  let e2e: E2E;
  let w: WatchedPage;
  let fields: Map<string, Field>;
  let segmentId = '';
  const name = '高价值女性客户';

  before(async () => {
    e2e = await startE2E();
    const admin = await signIn(e2e.kehu, adminEmail, adminPassword);
    const customers = [
      { name: '王芳', gender: 'female', tags: ['VIP'], orders: 0, mobile: '13800000001' },
      { name: '李娜', gender: 'female', tags: [], orders: 2, mobile: '13800000002' },
      { name: '赵敏', gender: 'female', tags: [], orders: 1 },
      { name: '张伟', gender: 'male', tags: ['VIP'], orders: 3 },
    ];
    let n = 0;
    for (const c of customers) {
      const { orders: _orders, ...body } = c;
      const res = await admin.call('POST', '/customers', body);
      assert.equal(res.statusCode, 201, res.body);
      const id = (res.json() as { id: string }).id;
      for (let i = 0; i < c.orders; i++) {
        const order = await admin.call('POST', '/orders', {
          customerId: id,
          externalId: `SEG-${++n}`,
          source: 'shop',
          paidAmount: '199.00',
          placedAt: new Date(Date.now() - (i + 1) * 86_400_000).toISOString(),
          items: [{ sku: 'TEA-01', name: '龙井茶', quantity: 1, price: '199.00' }],
        });
        assert.equal(order.statusCode, 201, order.body);
      }
    }
    w = await newPage(e2e, 'zh-CN');
    await signInWithForm(w.page, e2e.url, adminEmail, adminPassword);
    const catalogue = await apiFromPage(w.page, 'GET', '/segments/fields');
    assert.equal(catalogue.status, 200, JSON.stringify(catalogue.body));
    fields = new Map((catalogue.body as { fields: Field[] }).fields.map((f) => [f.key, f]));
  });
  afterEach((t) => screenshotOnFailure(t, w?.page));
  after(async () => {
    await e2e?.close();
  });

  const label = (key: string) => {
    const f = fields.get(key);
    assert.ok(f, `field ${key} in the catalogue`);
    return f.label;
  };

  it('builds a nested rule in the editor, watching the live count', async () => {
    const { page } = w;
    await openNav(page, 'segments', 'segments');
    await page.getByTestId('segment-create').click();
    await page.getByTestId('segment-name').fill(name);
    await page.getByTestId('preview-incomplete').waitFor();

    // gender = female
    await choose(page, 'rule-and0-field', label('profile.gender'), true);
    const female = fields.get('profile.gender')?.options?.find((o) => o.value === 'female')?.label ?? '女';
    await choose(page, 'rule-and0-value', female);
    await expectCount(page, 3);

    // AND ( orders.count ≥ 2 in the last 365 days OR tags has any of VIP )
    await page.getByTestId('rule-root-add-group').click();
    await choose(page, 'rule-and1-or0-field', label('orders.count'), true);
    await (await inputOf(page, 'rule-and1-or0-value')).fill('2');
    await choose(page, 'rule-and1-or0-window-mode', '最近');
    await (await inputOf(page, 'rule-and1-or0-window-days')).fill('365');
    await expectCount(page, 1);

    await page.getByTestId('rule-and1-add-condition').click();
    await choose(page, 'rule-and1-or1-field', label('tags'), true);
    await choose(page, 'rule-and1-or1-value', 'VIP');
    await expectCount(page, 2);
    // a wrong value comes back as a 422 naming its path (rules.and[2].value), shown by that condition
    w.allow(/^422 POST \/api\/v1\/segments\/preview$/);
    await page.getByTestId('rule-root-add-condition').click();
    await choose(page, 'rule-and2-field', label('profile.age'), true);
    await choose(page, 'rule-and2-op', '介于');
    await (await inputOf(page, 'rule-and2-value-min')).fill('40');
    await (await inputOf(page, 'rule-and2-value-max')).fill('20');
    await page.getByTestId('rule-and2-error').waitFor();
    await page.getByTestId('preview-error').waitFor();
    await screenshot(page, 'segment-editor-error-zh');
    await page.getByTestId('rule-and2-remove').click();
    await expectCount(page, 2);
    await page.getByTestId('rule-and2-error').waitFor({ state: 'detached' });

    const sample = page.getByTestId('preview-sample');
    for (const who of ['王芳', '李娜']) await sample.getByText(who).waitFor();
    assert.match(await page.getByTestId('preview-took').innerText(), /\d/);
    await screenshot(page, 'segment-editor-zh');

    await page.getByTestId('segment-save').click();
    await page.waitForURL(/\/segments\/[0-9a-f-]{36}$/);
    segmentId = page.url().split('/').pop() ?? '';
    await page.getByTestId('segment-title').getByText(name).waitFor();
    await page.getByTestId('segment-tabs').waitFor();
    await screenshot(page, 'segment-detail-zh');
  });

  it('adds members to a static segment from a pasted list, and removes one', async () => {
    const { page } = w;
    const created = await apiFromPage(page, 'POST', '/segments', { name: '门店活动名单', kind: 'static' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = (created.body as { id: string }).id;
    await page.goto(`${e2e.url}/segments/${id}`);
    await page.getByTestId('segment-title').getByText('门店活动名单').waitFor();
    await page.getByRole('tab', { name: '成员' }).click();
    await page.getByTestId('members-upload').click();
    await page.getByTestId('upload-text').fill('13800000001\n13800000002\n13900000000\n');
    await page.getByTestId('upload-submit').click();
    const result = page.getByTestId('upload-result');
    await result.waitFor();
    assert.match(await result.innerText(), /已匹配\s*2[\s\S]*新加入\s*2[\s\S]*未找到\s*1/);
    await page.getByTestId('upload-unmatched').getByText('13900000000').waitFor();
    await screenshot(page, 'segment-upload-zh');
    await page.keyboard.press('Escape');

    const members = page.getByTestId('segment-members');
    for (const who of ['王芳', '李娜']) await members.getByText(who).waitFor();
    await members.locator('tr.ant-table-row', { hasText: '李娜' }).locator('.ant-checkbox-input').check();
    await page.getByTestId('members-remove').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '移出细分' }).click();
    await members.getByText('李娜').waitFor({ state: 'detached' });
    await page.getByTestId('segment-member-count').getByText('1').waitFor();
    await page.getByRole('tab', { name: '进出记录' }).click();
    await page.getByTestId('segment-history').getByText('退出').waitFor();
    await screenshot(page, 'segment-history-zh');

    // the Customer 360 names the segments a customer is in
    await page.getByRole('tab', { name: '成员' }).click();
    await page.getByTestId('segment-members').getByText('王芳').click();
    await page.getByTestId('customer-segments').getByText('门店活动名单').waitFor();
    await screenshot(page, 'customer-segments-card-zh');
    w.assertClean();
  });

  it('lists the segment, opens it, and shows its members', async () => {
    const { page } = w;
    await openNav(page, 'segments', 'segments');
    const table = page.getByTestId('segments-table');
    await table.getByText(name).waitFor();
    await screenshot(page, 'segments-list-zh');
    await page.getByTestId(`segment-link-${name}`).click();
    await page.waitForURL((u) => u.pathname === `/segments/${segmentId}`);
    await page.getByRole('tab', { name: '成员' }).click();
    const members = page.getByTestId('segment-members');
    for (const who of ['王芳', '李娜']) await members.getByText(who).waitFor();
    await settle(page);
    assert.equal(await members.locator('tr.ant-table-row').count(), 2);

    // export the members (the customer export, filtered by the segment)
    await page.getByTestId('segment-export').click();
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-download').waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('export-progress').innerText(), /2/);
    await page.keyboard.press('Escape');
    await settle(page);

    // the customer list, filtered by the segment, with a chip that takes the filter away
    await page.getByTestId('members-open-list').click();
    await page.getByTestId('segment-filter-chip').getByText(name).waitFor();
    await page.getByTestId('customers-table').getByText('王芳').waitFor();
    await settle(page);
    assert.equal(await page.getByTestId('customers-table').locator('tr.ant-table-row').count(), 2);
    await page.getByTestId('segment-filter-chip').locator('.ant-tag-close-icon').click();
    await page.getByTestId('customers-table').getByText('张伟').waitFor();

    // by hand: the list's bulk bar puts selected customers into a static segment
    await page
      .getByTestId('customers-table')
      .locator('tr.ant-table-row', { hasText: '张伟' })
      .locator('.ant-checkbox-input')
      .check();
    await page.getByTestId('bulk-add-to-segment').click();
    await choose(page, 'add-to-segment-select', '门店活动名单');
    await page.getByTestId('add-to-segment-submit').click();
    await page.getByText('已加入细分：1 位').waitFor();
    const list = await apiFromPage(page, 'GET', '/segments');
    const staticOne = (list.body as { items: { name: string; memberCount: number }[] }).items.find(
      (s) => s.name === '门店活动名单',
    );
    assert.equal(staticOne?.memberCount, 2);
    w.assertClean();
  });

  it('shows the pages in English', async () => {
    const en = await newPage(e2e, 'en-US');
    try {
      await signInWithForm(en.page, e2e.url, adminEmail, adminPassword);
      await en.page.goto(`${e2e.url}/segments`);
      await en.page.getByTestId('segments-table').getByText(name).waitFor();
      await screenshot(en.page, 'segments-list-en');
      await en.page.goto(`${e2e.url}/segments/${segmentId}/edit`);
      await en.page.getByTestId('rule-and1-or1').waitFor();
      await expectCount(en.page, 2);
      await screenshot(en.page, 'segment-editor-en');
      await en.page.goto(`${e2e.url}/segments/${segmentId}`);
      await en.page.getByTestId('rule-and1-or1').waitFor();
      await screenshot(en.page, 'segment-detail-en');
      en.assertClean();
    } catch (err) {
      await screenshot(en.page, 'failed-segments-en').catch(() => undefined);
      console.log(en.problems);
      throw err;
    } finally {
      await en.context.close();
    }
  });
});
