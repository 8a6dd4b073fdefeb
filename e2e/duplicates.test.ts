import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { signIn } from '../server/test/auth-fixtures.ts';
import {
  adminEmail,
  adminPassword,
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

type Api = Awaited<ReturnType<typeof signIn>>;

describe('duplicates and merges in the browser', { timeout: 240_000 }, () => {
  let e2e: E2E;
  let w: WatchedPage;
  let admin: Api;
  let keptId = '';
  let mergedId = '';

  async function customer(body: Record<string, unknown>): Promise<string> {
    const res = await admin.call('POST', '/customers', body);
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  }

  before(async () => {
    e2e = await startE2E();
    admin = await signIn(e2e.kehu, adminEmail, adminPassword);
    const place = { birthday: '1988-05-01', province: '浙江省', city: '杭州市' };
    keptId = await customer({ name: '张伟', mobile: '13800138001', occupation: '工程师', ...place });
    mergedId = await customer({
      name: '张伟',
      mobile: '13900139002',
      email: 'zhangwei@example.com',
      tags: ['茶友'],
      ...place,
    });
    assert.equal(
      (await admin.call('POST', `/customers/${mergedId}/notes`, { text: '喜欢龙井，周末到店' })).statusCode,
      201,
    );
    const order = await admin.call('POST', '/orders', {
      customerId: mergedId,
      externalId: 'POS-0001',
      source: 'pos',
      paidAmount: '128.00',
      placedAt: '2026-10-01T10:00:00+08:00',
      items: [{ sku: 'TEA-1', name: '龙井', quantity: 1, price: '128.00' }],
    });
    assert.equal(order.statusCode, 201, order.body);
    w = await newPage(e2e);
    await signInWithForm(w.page, e2e.url, adminEmail, adminPassword);
  });
  afterEach((t) => screenshotOnFailure(t, w?.page));
  after(async () => e2e?.close());

  it('lists the pair, compares side by side, merges with chosen values and shows the merged 360', async () => {
    const { page } = w;
    await openNav(page, 'customers', 'duplicates');
    const row = page.getByTestId('pairs-open').locator('tr', { hasText: '张伟' });
    await row.getByTestId('rule-nameBirthdayCity').waitFor();
    await screenshot(page, 'duplicates-list');

    await row.getByTestId('pair-compare').click();
    await page.getByTestId('compare-table').waitFor();
    // the pair lists customers by id: find which column is which
    const [left] = [keptId, mergedId].sort();
    const kept = left === keptId ? 'a' : 'b';
    const merged = kept === 'a' ? 'b' : 'a';
    await page.getByTestId(`survivor-${kept}`).click();
    assert.equal(await page.getByTestId(`value-${kept}-occupation`).textContent(), '工程师');
    // keep the merged record's mobile instead of the survivor's
    await page.getByTestId(`pick-${merged}-mobile`).click();
    await page.getByTestId('merge-preview').filter({ hasText: '1 个订单' }).waitFor();
    await screenshot(page, 'duplicates-compare');

    await page.getByTestId('compare-merge').click();
    // a click while the confirmation is still opening can be lost (antd ignores pointer events in its motion)
    await settle(page);
    await page.getByTestId('merge-confirm-ok').click();
    await page.waitForURL((u) => u.pathname === `/customers/${keptId}`);
    await page.getByTestId('customer-name').filter({ hasText: '张伟' }).waitFor();
    const timeline = page.getByTestId('timeline');
    await timeline.locator('[data-testid=timeline-item][data-kind="customer.merged"]').waitFor();
    await timeline.getByText('喜欢龙井，周末到店').waitFor();
    await page.getByTestId('stat-orderCount').filter({ hasText: '1' }).waitFor();
    await screenshot(page, 'duplicates-merged-360');

    const reveal = await admin.call('POST', `/customers/${keptId}/reveal`, { field: 'mobile' });
    assert.equal(reveal.json().value, '+8613900139002');

    // the merged record's address now opens the survivor
    w.allow(new RegExp(`^404 GET /api/v1/customers/${mergedId}$`));
    await page.goto(`${e2e.url}/customers/${mergedId}`);
    await page.waitForURL((u) => u.pathname === `/customers/${keptId}`);
    w.assertClean();
  });

  it('undoes the merge from the history', async () => {
    const { page } = w;
    await openNav(page, 'customers', 'duplicates');
    await page.getByTestId('tab-merges').click();
    const history = page.getByTestId('merge-history');
    await history.locator('tr', { hasText: '张伟' }).getByTestId('merge-undo').click();
    await settle(page);
    await page.getByTestId('undo-confirm-ok').click();
    await history.locator('tr', { hasText: '张伟' }).filter({ hasText: '已撤销' }).waitFor();
    await screenshot(page, 'duplicates-history');

    await page.goto(`${e2e.url}/customers/${mergedId}`);
    await page.getByTestId('customer-name').filter({ hasText: '张伟' }).waitFor();
    await page.getByTestId('timeline').getByText('喜欢龙井，周末到店').waitFor();
    await settle(page);
    assert.equal(new URL(page.url()).pathname, `/customers/${mergedId}`);
    const back = await admin.call('GET', `/customers/${mergedId}`);
    assert.equal(back.json().orderCount, 1);
    // and the pair is back to review
    await openNav(page, 'customers', 'duplicates');
    await page.getByTestId('pairs-open').locator('tr', { hasText: '张伟' }).waitFor();
    w.assertClean();
  });
});
