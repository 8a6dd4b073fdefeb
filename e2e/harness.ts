import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestKehu, type TestKehu } from '../server/test/harness.ts';

export const adminEmail = 'admin@kehu.test';
export const adminPassword = 'Kehu-Admin-2026!';
const screenshotDir = join(import.meta.dirname, 'screenshots');

export type E2E = { kehu: TestKehu; url: string; browser: Browser; close(): Promise<void> };

/**
 * A real Kehu on a fresh database listening on a free port, and a headless Debian Chromium.
 * `bootstrapAdmin: false` starts without KEHU_ADMIN_* so the one-time setup page is offered.
 */
export async function startE2E(env: Record<string, string> = {}, { bootstrapAdmin = true } = {}): Promise<E2E> {
  const kehu = await createTestKehu({
    ...(bootstrapAdmin ? { KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword } : {}),
    ...env,
  });
  let browser: Browser | undefined;
  try {
    await kehu.app.listen({ port: 0, host: '127.0.0.1' });
    const address = kehu.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const b = browser;
    return {
      kehu,
      url: `http://127.0.0.1:${port}`,
      browser: b,
      async close() {
        try {
          await b.close();
        } finally {
          await kehu.close();
        }
      },
    };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await kehu.close();
    throw err;
  }
}

/**
 * A browser page that records what went wrong in it: uncaught exceptions, console errors and API
 * answers of 400 or more. An API failure the test provokes on purpose is allowed with `allow`
 * (matched against `"<status> <METHOD> <path>"`, e.g. `401 POST /api/v1/auth/login`); the
 * 401 of `GET /api/v1/me` before anyone signs in is always allowed. `assertClean()` throws
 * with the list of anything else.
 */
export type WatchedPage = {
  context: BrowserContext;
  page: Page;
  problems: string[];
  allow(pattern: RegExp): void;
  assertClean(): void;
};

export async function newPage(e2e: E2E, locale: 'zh-CN' | 'en-US' = 'zh-CN'): Promise<WatchedPage> {
  const context = await e2e.browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  const allowed: RegExp[] = [/^401 GET \/api\/v1\/me$/];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // the browser's own line for every non-2xx response; those are judged below by status
    if (msg.text().startsWith('Failed to load resource')) return;
    problems.push(`console error: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() < 400) return;
    const url = new URL(res.url());
    const line = `${res.status()} ${res.request().method()} ${url.pathname}`;
    if (!allowed.some((p) => p.test(line))) problems.push(`unexpected HTTP ${line}`);
  });
  page.on('requestfailed', (req) => {
    const failure = req.failure()?.errorText ?? '';
    // navigation cancels requests still in flight; that is not a fault of the app
    if (failure.includes('ERR_ABORTED')) return;
    problems.push(`request failed: ${req.method()} ${req.url()} ${failure}`);
  });
  return {
    context,
    page,
    problems,
    allow: (pattern) => void allowed.push(pattern),
    assertClean() {
      if (problems.length) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
    },
  };
}

/**
 * Waits (at most a few seconds) until antd's opening and closing motions have finished and no
 * table or page is still loading, so screenshots show what a person would see.
 */
export async function settle(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations()
          .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity) &&
        !document.querySelector('.ant-spin-spinning, .ant-table-loading, .ant-skeleton-active'),
      undefined,
      { timeout: 5_000, polling: 100 },
    )
    .catch(() => undefined);
}

/** Saves a full-page screenshot under e2e/screenshots/ for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await settle(page);
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Signs in through the sign-in form and waits for the home page. */
export async function signInWithForm(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('home-welcome').waitFor();
}

/** Calls the API from inside the page (its cookies; the CSRF token from GET /me for writes). */
export async function apiFromPage(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const headers: Record<string, string> = {};
      if (method !== 'GET') {
        const me = await fetch('/api/v1/me');
        if (me.ok) headers['x-csrf-token'] = ((await me.json()) as { csrfToken: string }).csrfToken;
      }
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed };
    },
    { method, path, body },
  );
}

/** For `afterEach`: a screenshot of the page as a failed step left it (e2e/screenshots/failed-*.png). */
export async function screenshotOnFailure(t: { name: string; passed?: boolean }, page: Page | undefined) {
  if (t.passed !== false || !page || page.isClosed()) return;
  const slug = t.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  await screenshot(page, `failed-${slug}`).catch(() => undefined);
}

/**
 * Picks an option by its text in the antd Select / TreeSelect dropdown that is open now. A click
 * while the dropdown is still sliding open can land on nothing (antd ignores pointer events
 * during the motion), so wait for the opening animation to finish first.
 */
export async function pickOption(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    () => !document.querySelector('.ant-select-dropdown[class*="-appear"], .ant-select-dropdown[class*="-enter"]'),
  );
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')
    .locator('.ant-select-item-option, .ant-select-tree-treenode')
    .filter({ hasText: text })
    .first()
    .click();
}

/**
 * Opens the user menu and follows `path` (submenu test ids hovered, the last one clicked). A menu
 * that opens while the page beneath is still laying out can close under the pointer on a busy
 * machine, so the whole gesture is retried from a closed menu.
 */
export async function chooseFromUserMenu(page: Page, path: string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.getByTestId('user-menu').click();
      for (const [i, id] of path.entries()) {
        const item = page.getByTestId(id);
        if (i < path.length - 1) await item.hover({ timeout: 5000 });
        else await item.click({ timeout: 5000 });
      }
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      await page.keyboard.press('Escape');
      await page.mouse.move(0, 0);
    }
  }
}

/**
 * Opens one item of the side navigation (its group is expanded first when it is closed) and waits
 * for its page. A group caught mid-animation can read as closed and be toggled shut, so the
 * gesture is retried until the address changes.
 */
export async function openNav(page: Page, group: string, key: string): Promise<void> {
  const item = page.getByTestId(`nav-${key}`);
  for (let attempt = 1; ; attempt++) {
    try {
      if (!(await item.isVisible())) await page.getByTestId(`nav-group-${group}`).click();
      await item.click({ timeout: 5000 });
      const href = await item.getAttribute('href');
      if (href) await page.waitForURL((u) => u.pathname === href, { timeout: 5000 });
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/** The form item (label, control and its error messages) around the control with this data-testid. */
export function formItemOf(page: Page, testId: string) {
  return page.locator('.ant-form-item').filter({ has: page.getByTestId(testId) });
}

/** Walks an open antd Cascader: one column per level. */
export async function pickCascade(page: Page, path: string[]): Promise<void> {
  const menus = page.locator('.ant-cascader-dropdown:not(.ant-select-dropdown-hidden) .ant-cascader-menu');
  for (const [level, name] of path.entries()) {
    const item = menus.nth(level).locator('.ant-cascader-menu-item', { hasText: name }).first();
    // a click that lands while the dropdown is still moving is lost: click again until the next column opens
    for (let attempt = 1; ; attempt++) {
      await item.click();
      if (level === path.length - 1) break;
      try {
        await menus.nth(level + 1).waitFor({ timeout: 3000 });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  }
}
