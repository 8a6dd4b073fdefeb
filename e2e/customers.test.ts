import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { signIn } from '../server/test/auth-fixtures.ts';
import {
  adminEmail,
  adminPassword,
  newPage,
  pickCascade,
  screenshot,
  screenshotOnFailure,
  signInWithForm,
  startE2E,
  type E2E,
  type WatchedPage,
  pickOption,
  formItemOf,
} from './harness.ts';

const viewerEmail = 'zhao.min@shop.test';
const viewerPassword = 'Viewer-Pass-2026!';
const mobile = '13912345678';

type Api = Awaited<ReturnType<typeof signIn>>;

describe('customers in the browser', { timeout: 240_000 }, () => {
  let e2e: E2E;
  let w: WatchedPage;
  let admin: Api;
  let customerId = '';

  before(async () => {
    e2e = await startE2E();
    admin = await signIn(e2e.kehu, adminEmail, adminPassword);
    // the business's own fields and a store, defined by the administrator through the API
    for (const body of [
      {
        key: 'level',
        label: '会员等级',
        type: 'choice',
        isRequired: true,
        options: [
          { value: 'gold', label: '金卡' },
          { value: 'silver', label: '银卡' },
        ],
        sortOrder: 1,
      },
      { key: 'hobby', label: '兴趣爱好', type: 'text', sortOrder: 2 },
    ]) {
      const res = await admin.call('POST', '/customer-attributes', body);
      assert.equal(res.statusCode, 201, res.body);
    }
    const store = await admin.call('POST', '/touchpoints', { code: 'SH-NJL', name: '上海南京路店', type: 'store' });
    assert.equal(store.statusCode, 201, store.body);
    // a read-only colleague
    const roles = await admin.call('GET', '/roles');
    const readOnly = (roles.json() as { items: { id: string; key: string | null }[] }).items.find(
      (r) => r.key === 'read_only',
    );
    assert.ok(readOnly);
    const created = await admin.call('POST', '/users', {
      name: '赵敏',
      email: viewerEmail,
      password: viewerPassword,
      roleIds: [readOnly.id],
    });
    assert.equal(created.statusCode, 201, created.body);

    w = await newPage(e2e, 'zh-CN');
    await signInWithForm(w.page, e2e.url, adminEmail, adminPassword);
  });
  afterEach((t) => screenshotOnFailure(t, w?.page));
  after(async () => {
    await e2e?.close();
  });

  it('creates a customer in the form, with a required custom attribute', async () => {
    const { page } = w;
    const nav = page.getByTestId('nav-customers');
    if (!(await nav.isVisible())) await page.getByTestId('nav-group-customers').click();
    await nav.click();
    await page.getByTestId('customers-table').waitFor();
    await page.getByTestId('customer-create').click();
    const drawer = page.getByTestId('customer-drawer');
    await drawer.waitFor();
    await page.getByTestId('customer-name').fill('王小丽');
    await page.getByTestId('customer-gender').click();
    await pickOption(page, '女');
    await page.getByTestId('customer-mobile').fill(mobile);
    await page.getByTestId('customer-email').fill('wang.xiaoli@example.com');
    await page.getByTestId('customer-region').click();
    await pickCascade(page, ['上海市', '上海市', '黄浦区']);
    await page.getByTestId('customer-touchpoint').click();
    await pickOption(page, '上海南京路店');
    await page.getByTestId('customer-tags').click();
    await page.keyboard.type('高价值');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.getByTestId('attr-hobby').fill('瑜伽');

    // the required attribute is missing: the form says so under it
    await page.getByTestId('customer-save').click();
    await formItemOf(page, 'attr-level').locator('.ant-form-item-explain-error').getByText('必填').waitFor();
    await screenshot(page, 'customer-form-zh');

    await page.getByTestId('attr-level').click();
    await pickOption(page, '金卡');
    await page.getByTestId('customer-save').click();
    await drawer.waitFor({ state: 'hidden' });

    // saving opens the new customer's 360
    await page.getByTestId('customer-header').waitFor();
    assert.equal(await page.getByTestId('customer-name').innerText(), '王小丽');
    customerId = new URL(page.url()).pathname.split('/').pop() ?? '';
    assert.match(customerId, /^[0-9a-f-]{36}$/);
    assert.equal(await page.getByTestId('attribute-level').innerText(), '金卡');
    assert.equal(await page.getByTestId('attribute-hobby').innerText(), '瑜伽');
    assert.match(await page.getByTestId('identity-mobile').innerText(), /\*{2,}/);
    await page.getByTestId('customer-tag-高价值').waitFor();
    w.assertClean();
  });

  it('finds the customer by mobile in the list search', async () => {
    const { page } = w;
    await page.getByTestId('back-to-list').click();
    await page.getByTestId('customers-table').waitFor();
    await page.getByTestId('customer-search').locator('input').fill(mobile);
    await page.getByTestId('customer-search').locator('input').press('Enter');
    const rows = page.getByTestId('customers-table').locator('tbody tr.ant-table-row');
    await rows.filter({ hasText: '王小丽' }).waitFor();
    assert.equal(await rows.count(), 1);
    const text = await rows.first().innerText();
    assert.match(text, /\*{2,}/, 'the mobile is shown masked in the list');
    assert.doesNotMatch(text, new RegExp(mobile));
    await page.getByTestId('customer-count').getByText('共 1 位客户').waitFor();
    await screenshot(page, 'customers-search-zh');
    await page.getByTestId(`customer-link-${customerId}`).click();
    await page.getByTestId('customer-header').waitFor();
    w.assertClean();
  });

  it('a duplicate mobile is refused under the field, with a link to the customer who has it', async () => {
    const { page } = w;
    w.allow(/^409 POST \/api\/v1\/customers$/);
    await page.getByTestId('back-to-list').click();
    await page.getByTestId('customer-create').click();
    const drawer = page.getByTestId('customer-drawer');
    await drawer.waitFor();
    await page.getByTestId('customer-name').fill('王丽');
    await page.getByTestId('customer-mobile').fill(`+86 ${mobile}`);
    await page.getByTestId('attr-level').click();
    await pickOption(page, '银卡');
    await page.getByTestId('customer-save').click();
    await formItemOf(page, 'customer-mobile').locator('.ant-form-item-explain-error').waitFor();
    const link = page.getByTestId('customer-duplicate-link');
    await link.getByText('王小丽').waitFor();
    await screenshot(page, 'customer-duplicate-zh');
    await link.click();
    await drawer.waitFor({ state: 'hidden' });
    await page.waitForURL(`**/customers/${customerId}`);
    await page.getByTestId('customer-header').getByText('王小丽').waitFor();
    w.assertClean();
  });

  it('a read-only user sees the mobile masked and no reveal button', async () => {
    const viewer = await newPage(e2e, 'zh-CN');
    try {
      await signInWithForm(viewer.page, e2e.url, viewerEmail, viewerPassword);
      await viewer.page.goto(`${e2e.url}/customers/${customerId}`);
      await viewer.page.getByTestId('identities-card').waitFor();
      const masked = await viewer.page.getByTestId('identity-mobile').innerText();
      assert.match(masked, /\*{2,}/);
      assert.doesNotMatch(masked, new RegExp(mobile.slice(3, 7)));
      assert.equal(await viewer.page.getByTestId('reveal-mobile').count(), 0);
      // nor can they edit, delete, tag or write notes
      for (const id of ['customer-edit', 'customer-delete', 'customer-tag-add', 'note-text']) {
        assert.equal(await viewer.page.getByTestId(id).count(), 0, id);
      }
      await screenshot(viewer.page, 'customer-360-read-only-zh');
      viewer.assertClean();
    } finally {
      await viewer.context.close();
    }
  });

  it('an administrator reveals the mobile, and the reveal is in the audit log', async () => {
    const { page } = w;
    await page.getByTestId('reveal-mobile').click();
    await page.getByTestId('identity-mobile').getByText(mobile).waitFor();
    const audit = await admin.call('GET', `/audit?action=customer.revealed&entityId=${customerId}`);
    assert.equal(audit.statusCode, 200, audit.body);
    const entries = (audit.json() as { items: { action: string; entityId: string | null; details: unknown }[] }).items;
    assert.equal(entries.length, 1);
    assert.equal(entries[0].entityId, customerId);
    // the audit names the field, never the value
    assert.doesNotMatch(JSON.stringify(entries[0]), new RegExp(mobile));
    w.assertClean();
  });

  it('adds a note and sees it on the timeline', async () => {
    const { page } = w;
    await page.getByTestId('note-text').fill('电话回访：喜欢新款瑜伽服，下周到店试穿。');
    await page.getByTestId('note-add').click();
    await page
      .getByTestId('timeline')
      .locator('[data-kind="note.added"]')
      .filter({ hasText: '下周到店试穿' })
      .waitFor();
    assert.equal(await page.getByTestId('note-text').inputValue(), '');
    w.assertClean();
  });

  it('an order created through the API appears on the timeline and in the aggregates', async () => {
    const { page } = w;
    const order = await admin.call('POST', '/orders', {
      customerId,
      externalId: 'NJL-20260101-0001',
      source: 'pos',
      paidAmount: '1234.50',
      placedAt: new Date().toISOString(),
      items: [
        { sku: 'YOGA-TOP-01', name: '瑜伽上衣', quantity: 1, price: '834.50' },
        { sku: 'YOGA-MAT-01', name: '瑜伽垫', quantity: 2, price: '200.00' },
      ],
    });
    assert.equal(order.statusCode, 201, order.body);
    await page.reload();
    await page.getByTestId('customer-header').waitFor();
    const item = page.getByTestId('timeline').locator('[data-kind="order.created"]');
    await item.waitFor();
    assert.match(await item.innerText(), /NJL-20260101-0001[\s\S]*¥1,234\.50/);
    assert.equal(await page.getByTestId('stat-orderCount').locator('.ant-statistic-content').innerText(), '1');
    assert.match(await page.getByTestId('stat-totalSpent').innerText(), /¥1,234\.50/);
    // the kind filter keeps only orders
    await page.getByTestId('timeline-filter').getByText('订单').click();
    await page.getByTestId('timeline').locator('[data-kind="note.added"]').waitFor({ state: 'detached' });
    await item.waitFor();
    await page.getByTestId('timeline-filter').getByText('全部').click();
    await page.getByTestId('timeline').locator('[data-kind="note.added"]').waitFor();
    await screenshot(page, 'customer-360-zh');
    w.assertClean();
  });

  it('loads older timeline entries as the end of the timeline scrolls into view', async () => {
    const { page } = w;
    for (let i = 1; i <= 40; i++) {
      const res = await admin.call('POST', `/customers/${customerId}/notes`, { text: `第 ${i} 次跟进` });
      assert.equal(res.statusCode, 201, res.body);
    }
    await page.reload();
    const items = page.getByTestId('timeline').getByTestId('timeline-item');
    await items.first().waitFor();
    const firstPage = await items.count();
    assert.ok(firstPage < 44, `the first page holds part of the timeline, not all (${firstPage})`);
    // 40 notes, the earlier note, the order and the creation (and the lifecycle stage the order
    // started, written by the scoring module in the background)
    await items.last().scrollIntoViewIfNeeded();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="timeline"] [data-testid="timeline-item"]').length >= 43,
    );
    await page.getByTestId('timeline').locator('[data-kind="customer.created"]').waitFor();
    w.assertClean();
  });

  it('exports the list and offers the file', async () => {
    const { page } = w;
    await page.getByTestId('back-to-list').click();
    await page.getByTestId('customers-table').waitFor();
    await page.getByTestId('customer-export').click();
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-download').waitFor({ timeout: 60_000 });
    await page.getByTestId('export-list').getByText('已完成').waitFor();
    await screenshot(page, 'customers-export-zh');
    await page.keyboard.press('Escape');
    w.assertClean();
  });

  it('tags selected customers in bulk from the list', async () => {
    const { page } = w;
    for (const body of [
      {
        name: '李雷',
        gender: 'male',
        mobile: '13700001111',
        province: '广东省',
        city: '深圳市',
        attributes: { level: 'silver' },
      },
      { name: '韩梅梅', gender: 'female', email: 'han.meimei@example.com', attributes: { level: 'gold' } },
    ]) {
      const res = await admin.call('POST', '/customers', body);
      assert.equal(res.statusCode, 201, res.body);
    }
    await page.reload();
    const table = page.getByTestId('customers-table');
    for (const name of ['李雷', '韩梅梅']) {
      await table.locator('tr.ant-table-row', { hasText: name }).locator('.ant-checkbox-input').check();
    }
    await page.getByTestId('bulk-bar').getByText('已选择 2 位客户').waitFor();
    await screenshot(page, 'customers-bulk-zh');
    await page.getByTestId('bulk-add-tags').click();
    await page.getByTestId('bulk-tags').click();
    await page.keyboard.type('春季活动');
    await page.keyboard.press('Enter');
    // close the tag dropdown (it covers the OK button) by clicking the dialog's title
    await page.locator('.ant-modal-title').click();
    await page.getByTestId('bulk-submit').click();
    await page.getByText('已更新 2 位客户').waitFor();
    for (const name of ['李雷', '韩梅梅']) {
      await table.locator('tr.ant-table-row', { hasText: name }).getByText('春季活动').waitFor();
    }
    assert.equal(await table.locator('tr.ant-table-row', { hasText: '王小丽' }).getByText('春季活动').count(), 0);
    assert.equal(await page.getByTestId('bulk-bar').count(), 0);
    w.assertClean();
  });

  it('filters the list by a custom attribute', async () => {
    const { page } = w;
    await page.getByTestId('customer-filters-toggle').click();
    await page.getByTestId('filter-attr-level').click();
    await pickOption(page, '银卡');
    await page.getByTestId('filter-apply').click();
    const rows = page.getByTestId('customers-table').locator('tbody tr.ant-table-row');
    await page.getByTestId('customer-count').getByText('共 1 位客户').waitFor();
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().innerText(), /李雷/);
    await page.getByTestId('filter-reset').click();
    await page.getByTestId('customer-count').getByText('共 3 位客户').waitFor();
    await page.getByTestId('customer-filters-toggle').click();
    w.assertClean();
  });

  it('deleting a customer with orders asks a second time, naming what goes with them', async () => {
    const { page } = w;
    w.allow(/^409 DELETE \/api\/v1\/customers\/[0-9a-f-]+$/);
    const found = await admin.call('GET', '/customers?search=13700001111');
    const li = (found.json() as { items: { id: string }[] }).items[0];
    assert.ok(li);
    const order = await admin.call('POST', '/orders', {
      customerId: li.id,
      externalId: 'SZ-0001',
      source: 'shop',
      paidAmount: '99.00',
      placedAt: new Date().toISOString(),
      items: [{ sku: 'SOCKS-01', name: '运动袜', quantity: 1, price: '99.00' }],
    });
    assert.equal(order.statusCode, 201, order.body);
    await page.goto(`${e2e.url}/customers/${li.id}`);
    await page.getByTestId('customer-delete').click();
    await page.locator('.ant-modal-confirm').getByTestId('confirm-ok').click();
    const second = page.locator('.ant-modal-confirm').filter({ has: page.getByTestId('delete-dependents') });
    await second.waitFor();
    assert.match(await page.getByTestId('delete-dependents').innerText(), /1/);
    await screenshot(page, 'customer-delete-dependents-zh');
    await second.getByTestId('confirm-ok').click();
    await page.getByTestId('customers-table').waitFor();
    await page.getByText('已删除客户“李雷”').waitFor();
    assert.equal(await page.getByTestId('customers-table').locator('tr.ant-table-row', { hasText: '李雷' }).count(), 0);
    const gone = await admin.call('GET', `/customers/${li.id}`);
    assert.equal(gone.statusCode, 404);
    w.assertClean();
  });

  it('shows the list, the form and the 360 in English', async () => {
    const en = await newPage(e2e, 'en-US');
    try {
      await signInWithForm(en.page, e2e.url, adminEmail, adminPassword);
      await en.page.goto(`${e2e.url}/customers`);
      await en.page.getByTestId('customers-table').locator('tbody tr.ant-table-row').first().waitFor();
      await en.page.getByTestId('customer-filters-toggle').click();
      await en.page.getByTestId('customer-filters').waitFor();
      await screenshot(en.page, 'customers-en');
      await en.page.goto(`${e2e.url}/customers/${customerId}`);
      // the order sits below forty newer notes: show orders only
      await en.page.getByTestId('timeline-filter').getByText('Orders').click();
      await en.page.getByTestId('timeline').locator('[data-kind="order.created"]').waitFor();
      assert.match(
        await en.page.getByTestId('timeline').innerText(),
        /Ordered NJL-20260101-0001: quantity 3, paid ¥1,234\.50/,
      );
      await screenshot(en.page, 'customer-360-en');
      await en.page.getByTestId('customer-edit').click();
      await en.page.getByTestId('customer-drawer').waitFor();
      await screenshot(en.page, 'customer-form-en');
      en.assertClean();
    } finally {
      await en.context.close();
    }
  });
});
