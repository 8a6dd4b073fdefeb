import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { insertCustomer } from '../server/test/role-fixtures.ts';
import {
  adminEmail,
  adminPassword,
  newPage,
  pickCascade,
  screenshot,
  screenshotOnFailure,
  settle,
  signInWithForm,
  startE2E,
  type E2E,
  type WatchedPage,
  pickOption,
  openNav,
  formItemOf,
} from './harness.ts';

describe('touchpoints and custom attributes in the browser', { timeout: 180_000 }, () => {
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

  it('registers a store touchpoint and shows it with its daily activity chart', async () => {
    const { page } = w;
    // an online shop that already exists, so the list has both channels
    const { db } = e2e.kehu;
    await db.query(`insert into touchpoints (code, name, type) values ('tmall', '天猫旗舰店', 'ecommerce_store')`);
    await openNav(page, 'customers', 'touchpoints');
    await page.getByTestId('touchpoint-table').waitFor();

    await page.getByTestId('touchpoint-create').click();
    await page.getByTestId('touchpoint-drawer').waitFor();
    await page.getByTestId('touchpoint-name').fill('深圳万象城店');
    await page.getByTestId('touchpoint-code').fill('SZ-001');
    await page.getByTestId('touchpoint-type').click();
    await pickOption(page, '门店');
    await page.getByTestId('touchpoint-region').click();
    await pickCascade(page, ['广东省', '深圳市']);
    await screenshot(page, 'touchpoints-drawer');
    await page.getByTestId('touchpoint-save').click();
    await page.getByTestId('touchpoint-row-SZ-001').waitFor();
    await page.getByTestId('touchpoint-drawer').waitFor({ state: 'hidden' });
    const row = page.locator('tr').filter({ has: page.getByTestId('touchpoint-row-SZ-001') });
    assert.match(await row.innerText(), /线下[\s\S]*门店[\s\S]*广东省 \/ 深圳市/);

    // a duplicate code is refused under the code field
    w.allow(/^409 POST \/api\/v1\/touchpoints$/);
    await page.getByTestId('touchpoint-create').click();
    await page.getByTestId('touchpoint-name').fill('重复');
    await page.getByTestId('touchpoint-code').fill('SZ-001');
    await page.getByTestId('touchpoint-save').click();
    await formItemOf(page, 'touchpoint-code').locator('.ant-form-item-explain-error').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('touchpoint-drawer').waitFor({ state: 'hidden' });

    // orders at the store over the last days, written as the orders module would
    const [{ id: storeId }] = await db.query<{ id: string }>(`select id from touchpoints where code = 'SZ-001'`);
    const customerId = await insertCustomer(db, '王雅', { touchpointId: storeId });
    const day = 24 * 60 * 60 * 1000;
    for (const [daysAgo, n] of [
      [0, 3],
      [1, 5],
      [2, 2],
      [4, 7],
      [6, 4],
      [9, 6],
      [13, 3],
    ]) {
      for (let i = 0; i < n; i++) {
        await db.query(
          `insert into activities (customer_id, at, kind, module, touchpoint_id) values ($1, $2, $3, 'orders', $4)`,
          [
            customerId,
            new Date(Date.now() - daysAgo * day - i * 60_000),
            i % 3 ? 'order.created' : 'note.added',
            storeId,
          ],
        );
      }
    }
    await page.reload();
    await page.getByTestId('touchpoint-row-SZ-001').click();
    const card = page.getByTestId('touchpoint-activity');
    await card.getByText('深圳万象城店 的活动').waitFor();
    await page.getByTestId('touchpoint-chart').locator('canvas').first().waitFor();
    const storeRow = page.locator('tr').filter({ has: page.getByTestId('touchpoint-row-SZ-001') });
    assert.match(await storeRow.innerText(), /\b30\b/, 'activity over 30 days is counted');
    assert.match(await page.getByTestId('touchpoint-by-kind').innerText(), /订单\s+18[\s\S]*备注\s+12/);
    await screenshot(page, 'touchpoints-list-and-chart');

    // the online/offline switch filters the table
    await page.getByTestId('touchpoint-filter-channel').getByText('线上').click();
    await page.getByTestId('touchpoint-row-tmall').waitFor();
    await page.getByTestId('touchpoint-row-SZ-001').waitFor({ state: 'detached' });
    await settle(page);
    w.assertClean();
  });

  it('defines a choice attribute and manages the tag vocabulary', async () => {
    const { page } = w;
    await openNav(page, 'admin', 'customerAttributes');
    await page.getByTestId('attribute-table').waitFor();
    await page.getByTestId('attribute-create').click();
    await page.getByTestId('attribute-drawer').waitFor();
    await page.getByTestId('attribute-label').fill('会员等级');
    await page.getByTestId('attribute-key').fill('member_level');
    await page.getByTestId('attribute-type').click();
    await pickOption(page, '单选');
    await page.getByTestId('attribute-option-add').click();
    await page.getByTestId('attribute-option-value-0').fill('gold');
    await page.getByTestId('attribute-option-label-0').fill('金卡');
    await page.getByTestId('attribute-option-add').click();
    await page.getByTestId('attribute-option-value-1').fill('silver');
    await page.getByTestId('attribute-option-label-1').fill('银卡');
    await page.getByTestId('attribute-required').click();
    await screenshot(page, 'customer-attributes-drawer');
    await page.getByTestId('attribute-save').click();
    await page.getByTestId('attribute-row-member_level').waitFor();
    const row = page.locator('tr').filter({ has: page.getByTestId('attribute-row-member_level') });
    assert.match(await row.innerText(), /member_level[\s\S]*单选[\s\S]*金卡[\s\S]*银卡[\s\S]*必填/);

    // tags: one carried by a customer, one added here, one deleted everywhere
    await e2e.kehu.db.query(`update customers set tags = array['高价值'] where name = '王雅'`);
    await e2e.kehu.db.query(`insert into customer_tags (name, color) values ('高价值', 'gold')`);
    await page.reload();
    await page.getByTestId('tag-name').fill('沉睡客户');
    await page.getByTestId('tag-color').click();
    await pickOption(page, '火山橙');
    await page.getByTestId('tag-create').click();
    await page.getByTestId('tag-delete-沉睡客户').waitFor();
    assert.match(await page.getByTestId('tag-table').innerText(), /高价值\s+1/);
    await screenshot(page, 'customer-attributes-and-tags');

    await page.getByTestId('tag-delete-高价值').click();
    await page.getByText('将从 1 位客户身上移除').waitFor();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('tag-delete-高价值').waitFor({ state: 'detached' });
    const [{ tags }] = await e2e.kehu.db.query<{ tags: string[] }>(`select tags from customers where name = '王雅'`);
    assert.deepEqual(tags, []);
    await settle(page);
    w.assertClean();
  });
});
