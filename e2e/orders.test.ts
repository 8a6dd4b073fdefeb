import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  adminEmail,
  adminPassword,
  apiFromPage,
  newPage,
  screenshot,
  screenshotOnFailure,
  signInWithForm,
  startE2E,
  type E2E,
  type WatchedPage,
  openNav,
} from './harness.ts';

describe('orders and products in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  let w: WatchedPage;

  before(async () => {
    e2e = await startE2E();
    w = await newPage(e2e, 'zh-CN');
    await signInWithForm(w.page, e2e.url, adminEmail, adminPassword);
    const customerId = randomUUID();
    await e2e.kehu.db.query('insert into customers (id, name) values ($1, $2)', [customerId, '陈晓梅']);
    await e2e.kehu.db.query('insert into customer_stats (customer_id) values ($1)', [customerId]);
    const [store] = await e2e.kehu.db.query<{ id: string }>(
      `insert into touchpoints (code, name, type) values ('hz-01', '杭州湖滨店', 'store') returning id`,
    );
    const created = await apiFromPage(w.page, 'POST', '/orders', {
      customerId,
      externalId: 'HZ-20261101-0001',
      source: 'pos',
      storeId: store.id,
      paidAmount: '368.00',
      discount: '20.00',
      placedAt: '2026-11-01T11:30:00+08:00',
      items: [
        { sku: 'TEA-LJ-250', name: '西湖龙井 250g', quantity: 1, price: '288.00' },
        { sku: 'CUP-GLASS', name: '玻璃茶杯', quantity: 2, price: '50.00' },
      ],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });
  afterEach((t) => screenshotOnFailure(t, w?.page));
  after(async () => {
    await e2e?.close();
  });

  it('lists orders, opens one and refunds part of it', async () => {
    const { page } = w;
    await openNav(page, 'customers', 'orders');
    const table = page.getByTestId('orders-table');
    const row = table.locator('tr', { hasText: 'HZ-20261101-0001' });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /陈晓梅/);
    assert.match(text, /杭州湖滨店/);
    assert.match(text, /已支付/);
    assert.match(text, /368\.00/);
    await screenshot(page, 'orders-list-zh');

    await page.getByTestId('order-open-HZ-20261101-0001').click();
    const drawer = page.getByTestId('order-drawer');
    await drawer.waitFor();
    await page.getByTestId('order-items').getByText('西湖龙井 250g').waitFor();
    await screenshot(page, 'order-drawer-zh');

    await page.getByTestId('order-refund').click();
    const amount = page.getByTestId('order-refund-amount');
    await amount.waitFor();
    assert.equal(await amount.inputValue(), '368.00', 'the whole refundable amount is offered');
    await amount.fill('100');
    await page.getByTestId('order-change-reason').fill('茶杯破损');
    await screenshot(page, 'order-refund-modal-zh');
    await page.getByTestId('order-change-ok').click();
    await page.getByText('退款已登记').waitFor();
    await page.getByTestId('order-drawer').getByTestId('order-status-partially_refunded').waitFor();
    assert.match(await page.getByTestId('order-refunded').innerText(), /100\.00/);
    const history = await page.getByTestId('order-history').innerText();
    assert.match(history, /部分退款/);
    assert.match(history, /茶杯破损/);
    await screenshot(page, 'order-refunded-zh');

    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await row.getByText('部分退款').waitFor();
    const [stats] = await e2e.kehu.db.query<{ total_spent: string }>(
      `select total_spent::text from customer_stats s join orders o on o.customer_id = s.customer_id
        where o.external_id = 'HZ-20261101-0001'`,
    );
    assert.equal(stats.total_spent, '268.00');
    w.assertClean();
  });

  it('shows the products the order created and adds a category', async () => {
    const { page } = w;
    await openNav(page, 'customers', 'products');
    const table = page.getByTestId('products-table');
    await table.locator('tr', { hasText: 'TEA-LJ-250' }).waitFor();
    await page.getByTestId('category-add').click();
    await page.getByTestId('category-name').fill('茶叶');
    await page.getByTestId('category-save').click();
    await page.getByTestId('category-tree').getByText('茶叶 (0)').waitFor();
    // the new category is selected: its (empty) product list shows
    await table.locator('tr', { hasText: 'TEA-LJ-250' }).waitFor({ state: 'detached' });
    await page.getByTestId('category-all').click();
    await page.getByTestId(`product-edit-TEA-LJ-250`).click();
    await page.getByTestId('product-drawer').waitFor();
    await page.getByTestId('product-category').click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')
      .locator('.ant-select-tree-treenode')
      .filter({ hasText: '茶叶' })
      .first()
      .click();
    await page.getByTestId('product-save').click();
    await page.getByTestId('product-drawer').waitFor({ state: 'hidden' });
    await page.getByTestId('category-tree').getByText('茶叶 (1)').waitFor();
    await screenshot(page, 'products-zh');
    w.assertClean();
  });
});
