import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestKehu, type TestKehu } from '../../../test/harness.ts';

// A rule written only in a document erodes; this one is enforced on every route that exists.
describe('every registered route', () => {
  let kehu: TestKehu;
  before(async () => {
    kehu = await createTestKehu();
  });
  after(async () => kehu.close());

  it('declares who may call it', () => {
    const missing = kehu.app.registeredRoutes.filter((r) => !r.access).map((r) => `${String(r.method)} ${r.url}`);
    assert.deepEqual(missing, [], 'routes without config.access');
  });

  it('declares its responses when it is part of the API', () => {
    const api = kehu.app.registeredRoutes.filter((r) => r.url.startsWith('/api/v1/') && !r.hidden);
    assert.ok(api.length > 0);
    const missing = api.filter((r) => !r.hasResponseSchema).map((r) => `${String(r.method)} ${r.url}`);
    assert.deepEqual(missing, [], 'API routes without a response schema');
  });

  it('refuses an anonymous caller on every non-public API route with 401', async () => {
    const protectedRoutes = kehu.app.registeredRoutes.filter(
      (r) => r.url.startsWith('/api/v1/') && r.access !== 'public' && !r.url.includes('*'),
    );
    for (const r of protectedRoutes) {
      const method = (Array.isArray(r.method) ? r.method[0] : r.method) as 'GET' | 'HEAD';
      if (method === 'HEAD') continue;
      const url = r.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');
      const res = await kehu.app.inject({ method, url });
      assert.equal(res.statusCode, 401, `${method} ${url} answered ${res.statusCode}`);
      assert.equal(res.json().error.code, 'unauthenticated');
    }
    assert.match(kehu.logs(), /access denied/);
  });
});
