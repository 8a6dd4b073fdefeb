import assert from 'node:assert/strict';
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

describe('tracking sources and the live debugger in the browser', { timeout: 180_000 }, () => {
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

  it('creates a source, shows its key once, and the debugger shows events sent with it', async () => {
    const { page } = w;
    await openNav(page, 'customers', 'sources');
    await page.getByTestId('sources-table').waitFor();
    await page.getByTestId('source-create').click();
    await page.getByTestId('source-name').fill('官网');
    await page.getByTestId('source-type').click();
    await pickOption(page, '网站');
    await page.getByTestId('source-submit').click();
    const keyText = await page.getByTestId('source-write-key').innerText();
    const writeKey = keyText.trim();
    assert.match(writeKey, /^wk_[0-9a-f]{8}_/);
    assert.match(await page.getByTestId('snippet-browser').innerText(), new RegExp(`writeKey: '${writeKey}'`));
    await screenshot(page, 'tracking-key');
    await page.getByTestId('source-key-done').click();
    await page.getByTestId('source-drawer').waitFor();

    // an SDK sends with the key: one good event and one the API refuses
    const res = await fetch(`${e2e.url}/v1/batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({
        batch: [
          { type: 'identify', userId: 'e2e-user', traits: { name: '林小雨', email: 'lin@example.com' } },
          { type: 'track', userId: 'e2e-user', event: 'Order Completed', properties: { total: 199 } },
          { type: 'track', event: 'Nobody' },
        ],
      }),
    });
    if (res.status !== 200)
      console.log(
        await res.text(),
        e2e.kehu
          .logs()
          .split('\n')
          .filter((l) => l.includes('"level":50'))
          .join('\n')
          .slice(0, 4000),
      );
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { accepted: number }).accepted, 2);

    // the debugger asks again every two seconds: both arrive without a reload
    await page.getByTestId('debugger-event').filter({ hasText: 'Order Completed' }).waitFor();
    await page.getByTestId('debugger-reason').filter({ hasText: '缺少 userId 和 anonymousId' }).waitFor();
    await settle(page);
    await screenshot(page, 'tracking-debugger');

    // the event's customer, with the event on the timeline
    await page.getByTestId('debugger-customer').first().click();
    await page.getByText('触发事件“Order Completed”（官网）').waitFor();
    await screenshot(page, 'tracking-timeline');
    w.assertClean();
  });

  it('edits the trait mapping in English: a rule to a custom field, then saves', async () => {
    const { page } = w;
    const en = await newPage(e2e, 'en-US');
    await signInWithForm(en.page, e2e.url, adminEmail, adminPassword);
    await openNav(en.page, 'customers', 'sources');
    await en.page.getByRole('tab', { name: 'Trait mapping' }).click();
    await en.page.getByTestId('mapping-trait-0').waitFor();
    await en.page.getByTestId('mapping-add').click();
    const rows = await en.page.locator('[data-testid^="mapping-trait-"]').count();
    await en.page.getByTestId(`mapping-trait-${rows - 1}`).fill('nickname');
    await en.page.getByTestId('mapping-save').click();
    await en.page.getByText('Saved').first().waitFor();
    await screenshot(en.page, 'tracking-mapping-en');
    const saved = await e2e.kehu.db.query<{ trait_mapping: { trait: string; field: string }[] }>(
      'select trait_mapping from tracking_settings',
    );
    assert.deepEqual(saved[0].trait_mapping.at(-1), { trait: 'nickname', field: 'name' });
    en.assertClean();
    await en.context.close();
    assert.ok(page);
  });
});
