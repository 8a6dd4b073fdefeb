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
  screenshot,
  screenshotOnFailure,
  settle,
  signInWithForm,
  startE2E,
  type E2E,
  type WatchedPage,
} from './harness.ts';

type Matrix = { cells: { r: number; f: number; customers: number }[] };
type Distribution = { lifecycle: { value: string; customers: number }[] };
type Flows = { items: { month: string; from: string | null; to: string; customers: number }[] };

const day = 86_400_000;

/** The text input inside a control with this test id (antd puts the id on the input or on its wrapper). */
async function inputOf(page: Page, testId: string) {
  const el = page.getByTestId(testId);
  const tag = await el.evaluate((e) => e.tagName);
  return tag === 'INPUT' ? el : el.locator('input').first();
}

/** Waits until the list's count line shows `n` customers. */
async function expectListCount(page: Page, n: number) {
  await page.waitForFunction(
    (want) => {
      const text = document.querySelector('[data-testid="customer-count"]')?.textContent ?? '';
      return new RegExp(`(^|\\D)${want}(\\D|$)`).test(text) && !document.querySelector('.ant-table-loading');
    },
    n,
    { timeout: 15_000 },
  );
}

/** Clicks the bubble of cell (r, f) on the RFM matrix canvas (the chart's grid: see RfmMatrixChart). */
async function clickMatrixCell(page: Page, r: number, f: number) {
  const canvas = page.getByTestId('rfm-matrix').locator('canvas').first();
  await canvas.waitFor();
  const box = await canvas.boundingBox();
  assert.ok(box, 'the matrix is drawn');
  const grid = { left: 56, right: 130, top: 64, bottom: 48 };
  const w = box.width - grid.left - grid.right;
  const h = box.height - grid.top - grid.bottom;
  await canvas.click({
    position: { x: grid.left + ((r - 0.5) * w) / 5, y: grid.top + h - ((f - 0.5) * h) / 5 },
  });
}

describe('RFM, grades and lifecycle in the browser', { timeout: 300_000 }, () => {
  let e2e: E2E;
  let w: WatchedPage;

  before(async () => {
    e2e = await startE2E();
    const admin = await signIn(e2e.kehu, adminEmail, adminPassword);
    // recent big spenders, one-off buyers, customers gone quiet long ago, and one who never ordered
    const customers: { name: string; orders: { daysAgo: number; amount: string }[] }[] = [
      { name: '王芳', orders: [5, 20, 40, 60, 80, 100].map((d) => ({ daysAgo: d, amount: '1200.00' })) },
      { name: '李娜', orders: [3, 30, 90].map((d) => ({ daysAgo: d, amount: '800.00' })) },
      { name: '赵敏', orders: [2].map((d) => ({ daysAgo: d, amount: '99.00' })) },
      { name: '张伟', orders: [150, 200].map((d) => ({ daysAgo: d, amount: '2500.00' })) },
      { name: '刘洋', orders: [120].map((d) => ({ daysAgo: d, amount: '60.00' })) },
      { name: '陈静', orders: [300, 330].map((d) => ({ daysAgo: d, amount: '150.00' })) },
      { name: '杨磊', orders: [10, 50].map((d) => ({ daysAgo: d, amount: '300.00' })) },
      { name: '黄丽', orders: [] },
    ];
    let n = 0;
    for (const c of customers) {
      const res = await admin.call('POST', '/customers', { name: c.name, gender: 'unknown' });
      assert.equal(res.statusCode, 201, res.body);
      const id = (res.json() as { id: string }).id;
      for (const o of c.orders) {
        const order = await admin.call('POST', '/orders', {
          customerId: id,
          externalId: `RFM-${++n}`,
          source: 'shop',
          paidAmount: o.amount,
          placedAt: new Date(Date.now() - o.daysAgo * day).toISOString(),
          items: [{ sku: 'TEA-01', name: '龙井茶', quantity: 1, price: o.amount }],
        });
        assert.equal(order.statusCode, 201, order.body);
      }
    }
    w = await newPage(e2e, 'zh-CN');
    await signInWithForm(w.page, e2e.url, adminEmail, adminPassword);
  });
  afterEach((t) => screenshotOnFailure(t, w?.page));
  after(async () => {
    await e2e?.close();
  });

  it('recomputes the scores, opens the RFM matrix and lands on a cell’s customers', async () => {
    const { page } = w;
    await openNav(page, 'segments', 'grades');
    await page.getByTestId('rfm-matrix-card').waitFor();

    await page.getByTestId('recompute-start').click();
    // the progress bar while it runs, then the time it finished
    await page.getByTestId('recompute-last').filter({ hasText: '上次计算' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('rfm-matrix').locator('canvas').first().waitFor();
    await page.getByTestId('rfm-class-important_value').waitFor();
    await settle(page);
    await screenshot(page, 'scoring-grades');

    const matrix = await apiFromPage(page, 'GET', '/scoring/rfm/matrix');
    assert.equal(matrix.status, 200, JSON.stringify(matrix.body));
    const cells = (matrix.body as Matrix).cells.filter((c) => c.customers > 0);
    assert.equal(
      cells.reduce((s, c) => s + c.customers, 0),
      7,
      'every customer with an order in the window is in one cell',
    );
    const cell = [...cells].sort((a, b) => b.customers - a.customers || b.r - a.r)[0];

    // the table view's number and the bubble both open the same customers
    assert.equal(
      (await page.getByTestId(`rfm-cell-${cell.r}-${cell.f}`).innerText()).split('\n')[0].trim(),
      String(cell.customers),
    );
    await clickMatrixCell(page, cell.r, cell.f);
    await page.waitForURL((u) => u.pathname === '/customers' && u.searchParams.get('rScore') === String(cell.r));
    assert.equal(new URL(page.url()).searchParams.get('fScore'), String(cell.f));
    await expectListCount(page, cell.customers);
    // the filters panel shows why the list is short
    await page.getByTestId('customer-filters').waitFor();
    assert.match(await page.getByTestId('filter-rScore').innerText(), new RegExp(String(cell.r)));
    await screenshot(page, 'scoring-matrix-customers');
    w.assertClean();
  });

  it('shows the lifecycle funnel, moves customers with new thresholds and shows the flows', async () => {
    const { page } = w;
    await openNav(page, 'segments', 'lifecycle');
    await page.getByTestId('lifecycle-funnel').locator('canvas').first().waitFor();
    const distribution = await apiFromPage(page, 'GET', '/scoring/distribution');
    assert.equal(distribution.status, 200, JSON.stringify(distribution.body));
    const stages = new Map((distribution.body as Distribution).lifecycle.map((s) => [s.value, s.customers]));
    assert.equal(stages.get('prospect'), 1, 'the customer without orders is a prospect');
    assert.equal(stages.get('loyal'), 1, 'six orders in a hundred days: loyal');
    const row = page.locator('tr').filter({ has: page.getByTestId('lifecycle-stage-prospect') });
    assert.match(await row.innerText(), /潜在客户[\s\S]*\b1\b/);
    // the first scoring places customers; flows count moves between stages, so there are none yet
    await page.getByTestId('lifecycle-flows-card').getByText('还没有阶段变化').waitFor();

    // dormant only after 150 days: the customers last seen 120 days ago become active again
    await page.getByTestId('scoring-settings').click();
    await page.getByTestId('settings-lifecycle').waitFor();
    const dormant = await inputOf(page, 'settings-lifecycle-dormantDays');
    await dormant.fill('150');
    await page.getByTestId('settings-lifecycle-save').click();
    await page.locator('.ant-message').getByText('设置已保存').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('scoring-settings-drawer').waitFor({ state: 'hidden' });
    await page.getByTestId('recompute-start').click();
    await page.getByTestId('lifecycle-sankey').locator('canvas').first().waitFor({ timeout: 60_000 });
    await page.getByTestId('lifecycle-monthly').locator('canvas').first().waitFor();
    const flows = await apiFromPage(page, 'GET', '/scoring/lifecycle/flows?months=12');
    assert.equal(flows.status, 200, JSON.stringify(flows.body));
    const moves = (flows.body as Flows).items.filter((f) => f.from === 'dormant' && f.to === 'active');
    assert.ok(moves.length && moves[0].customers >= 1, JSON.stringify(flows.body));
    await settle(page);
    await screenshot(page, 'scoring-lifecycle');

    // a stage opens its customers
    await page.getByTestId('lifecycle-stage-prospect').click();
    await page.waitForURL((u) => u.pathname === '/customers' && u.searchParams.get('lifecycleStage') === 'prospect');
    await expectListCount(page, 1);
    await page.getByText('黄丽').first().waitFor();
    w.assertClean();
  });

  it('shows a customer’s scores, stage history and the stage change on the 360', async () => {
    const { page } = w;
    await page.goto(`${e2e.url}/customers`);
    await page.getByRole('link', { name: '王芳' }).click();
    const card = page.getByTestId('customer-scores');
    await card.getByTestId('score-lifecycleStage').waitFor();
    assert.match(await card.innerText(), /忠诚客户[\s\S]*阶段历史/);
    assert.match(await card.getByTestId('score-abcClass').innerText(), /A/);

    // 刘洋 moved from dormant to active with the new thresholds: in the history and on the timeline
    await page.getByTestId('back-to-list').click();
    await page.getByRole('link', { name: '刘洋' }).click();
    await page.getByTestId('lifecycle-history').waitFor();
    assert.match(await page.getByTestId('lifecycle-history').innerText(), /沉睡客户[\s\S]*活跃客户/);
    await page.getByText('生命周期阶段从“沉睡客户”变为“活跃客户”').waitFor();
    await settle(page);
    await screenshot(page, 'scoring-customer-360');
    w.assertClean();
  });

  it('reads the grades page in English', async () => {
    const en = await newPage(e2e, 'en-US');
    try {
      await signInWithForm(en.page, e2e.url, adminEmail, adminPassword);
      await en.page.goto(`${e2e.url}/grades`);
      await en.page.getByTestId('rfm-class-important_value').waitFor();
      assert.match(await en.page.getByTestId('abc-table').innerText(), /Class A/);
      await en.page.getByTestId('rfm-scheme').getByText('English eleven').click();
      await en.page.getByTestId('rfm-class-champions').waitFor();
      await screenshot(en.page, 'scoring-grades-en');
      en.assertClean();
    } finally {
      await en.context.close();
    }
  });
});
