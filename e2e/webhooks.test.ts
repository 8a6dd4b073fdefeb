import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { kehuSignature, shopifyHmac } from '../server/src/modules/webhooks/index.ts';
import {
  adminEmail,
  adminPassword,
  apiFromPage,
  newPage,
  openNav,
  pickOption,
  screenshot,
  screenshotOnFailure,
  signInWithForm,
  startE2E,
  type E2E,
  type WatchedPage,
} from './harness.ts';

const fixtures = join(import.meta.dirname, '../server/src/modules/webhooks/fixtures');
const SECRET = 'shpss_e2e_signing_secret';

/** Shopify's sample order, paid (the sample itself is voided): the text edited, its big ids untouched. */
const paidOrder = readFileSync(join(fixtures, 'shopify-orders-create.json'), 'utf8')
  .replace('"financial_status": "voided"', '"financial_status": "paid"')
  .replace('"cancelled_at": "2021-12-31T19:00:00-05:00"', '"cancelled_at": null');

describe('shop webhooks in the browser', { timeout: 180_000 }, () => {
  let e2e: E2E;
  let w: WatchedPage;

  before(async () => {
    e2e = await startE2E();
  });
  afterEach((t) => screenshotOnFailure(t, w?.page));
  after(async () => {
    await e2e?.close();
  });

  /** The endpoint as the page shows it, reached on this test server (KEHU_PUBLIC_URL names another host). */
  async function endpointPath(): Promise<string> {
    const text = (await w.page.getByTestId('webhook-endpoint').first().innerText()).trim();
    return new URL(text).pathname;
  }

  it('connects a Shopify store, receives a signed order and shows it in the log and on /orders', async () => {
    w = await newPage(e2e, 'zh-CN');
    const { page } = w;
    await signInWithForm(page, e2e.url, adminEmail, adminPassword);
    const tp = await apiFromPage(page, 'POST', '/touchpoints', {
      code: 'shopify-overseas',
      name: 'Shopify 海外店',
      type: 'ecommerce_store',
    });
    assert.equal(tp.status, 201);

    await openNav(page, 'customers', 'webhooks');
    await page.getByTestId('webhooks-table').waitFor();
    await screenshot(page, 'webhooks-empty-zh');
    await page.getByTestId('webhook-create').click();
    await page.getByTestId('webhook-name').fill('Shopify 海外店');
    await page.getByTestId('webhook-shop-domain').fill('jsmith.myshopify.com');
    await page.getByTestId('webhook-secret').fill(SECRET);
    await page.getByTestId('webhook-touchpoint').click();
    await pickOption(page, 'Shopify 海外店');
    await screenshot(page, 'webhooks-create-shopify-zh');
    await page.getByTestId('webhook-save').click();

    const setup = page.getByTestId('webhook-setup-ok');
    await setup.waitFor();
    assert.equal(await page.getByTestId('webhook-secret-value').count(), 0, 'the shop’s secret is not shown back');
    await page.getByText('订单创建、订单更新、退款创建、客户创建', { exact: false }).waitFor();
    const path = await endpointPath();
    assert.match(path, /^\/webhooks\/shopify\/[0-9a-f-]{36}$/);
    await screenshot(page, 'webhooks-setup-shopify-zh');
    await setup.click();
    await setup.waitFor({ state: 'hidden' });

    const row = page.getByTestId('webhooks-table').locator('tr', { hasText: 'jsmith.myshopify.com' });
    await row.waitFor();
    assert.match(await row.innerText(), /Shopify 海外店/);

    // the shop sends: raw bytes, real HMAC
    const send = (topic: string, body: string, webhookId: string) =>
      fetch(`${e2e.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': topic,
          'x-shopify-webhook-id': webhookId,
          'x-shopify-shop-domain': 'jsmith.myshopify.com',
          'x-shopify-hmac-sha256': shopifyHmac(SECRET, Buffer.from(body)),
        },
        body,
      });
    const res = await send('orders/create', paidOrder, 'b4c1e0e4-3b1f-4c1a-9a1e-webhook-1');
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { outcome: string }).outcome, 'processed');
    const bad = await fetch(`${e2e.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': 'forged', 'x-shopify-topic': 'x' },
      body: paidOrder,
    });
    assert.equal(bad.status, 401);
    await send('customers/create', readFileSync(join(fixtures, 'shopify-customers-create.json'), 'utf8'), 'wh-2');
    await send('products/create', '{"id": 632910392}', 'wh-3');

    await page.reload();
    await page.getByTestId('webhook-log-Shopify 海外店').click();
    const drawer = page.getByTestId('webhook-deliveries');
    await drawer.waitFor();
    const log = drawer.getByTestId('webhook-log-table');
    const orderRow = log.locator('tr', { hasText: 'orders/create' });
    await orderRow.waitFor();
    const text = await orderRow.innerText();
    assert.match(text, /已处理/);
    assert.match(text, /已记录订单 #9999，实付 349\.97/);
    await log.locator('tr', { hasText: 'products/create' }).getByTestId('delivery-outcome-ignored').waitFor();
    assert.match(await page.getByTestId('webhooks-table').innerText(), /签名无效 1 次/);
    await screenshot(page, 'webhooks-log-zh');

    await drawer.getByTestId('delivery-outcome-ignored').first().waitFor();
    await orderRow.getByRole('link', { name: '查看订单' }).click();
    await page.waitForURL((u) => u.pathname === '/orders');
    const orders = page.getByTestId('orders-table');
    await orders.locator('tr', { hasText: '820982911946154508' }).waitFor();
    assert.match(await orders.innerText(), /349\.97/);
    await screenshot(page, 'webhooks-order-on-orders-zh');
    w.assertClean();
  });

  it('creates a generic connection in English: the secret once, a signed delivery in the log', async () => {
    w = await newPage(e2e, 'en-US');
    const { page } = w;
    await signInWithForm(page, e2e.url, adminEmail, adminPassword);
    await openNav(page, 'customers', 'webhooks');
    await page.getByTestId('webhook-create').click();
    // the test id sits on antd's hidden radio input: click its button
    await page
      .locator('label')
      .filter({ has: page.getByTestId('webhook-kind-generic') })
      .click();
    await page.getByTestId('webhook-name').fill('Store POS');
    await page.getByTestId('webhook-source').fill('pos-sh');
    await page.getByTestId('webhook-save').click();
    const secret = (await page.getByTestId('webhook-secret-value').innerText()).trim();
    assert.match(secret, /^whsec_/);
    await page.getByText('This is the only time the secret is shown', { exact: false }).waitFor();
    const path = await endpointPath();
    await screenshot(page, 'webhooks-setup-generic-en');
    await page.getByTestId('webhook-setup-ok').click();

    const body = JSON.stringify({
      type: 'order.created',
      data: {
        externalId: 'POS-20261120-0001',
        placedAt: '2026-11-20T14:30:00+08:00',
        paidAmount: '268.00',
        discount: '20.00',
        items: [{ sku: 'TEA-LJ-250', name: '西湖龙井 250g', quantity: 1, price: '288.00' }],
        customer: { externalId: 'M-10086', name: '陈晓梅', mobile: '13800138000' },
      },
    });
    const t = Math.floor(Date.now() / 1000);
    const res = await fetch(`${e2e.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-kehu-signature': kehuSignature(secret, t, Buffer.from(body)),
        'x-kehu-delivery-id': 'pos-delivery-1',
      },
      body,
    });
    assert.equal(res.status, 200, await res.clone().text());

    await page.getByTestId('webhook-log-Store POS').click();
    const row = page.getByTestId('webhook-log-table').locator('tr', { hasText: 'order.created' });
    await row.waitFor();
    assert.match(await row.innerText(), /Recorded order POS-20261120-0001, paid 268\.00/);
    await screenshot(page, 'webhooks-log-en');
    await page.keyboard.press('Escape');
    await page.getByTestId('webhook-deliveries').waitFor({ state: 'hidden' });
    await screenshot(page, 'webhooks-list-en');
    w.assertClean();
  });
});
