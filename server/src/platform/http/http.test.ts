import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestKehu, type TestKehu } from '../../../test/harness.ts';

describe('platform http', () => {
  let kehu: TestKehu;
  before(async () => {
    kehu = await createTestKehu();
  });
  after(async () => kehu.close());

  it('answers /healthz with the database kind and a request id', async () => {
    const res = await kehu.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', database: process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite' });
    assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('answers an unknown API route with a translated 404 naming the route', async () => {
    const zh = await kehu.app.inject({ method: 'GET', url: '/api/v1/nope?x=1' });
    assert.equal(zh.statusCode, 404);
    assert.equal(zh.json().error.code, 'route_not_found');
    assert.match(zh.json().error.message, /接口不存在：GET \/api\/v1\/nope$/);
    const en = await kehu.app.inject({
      method: 'GET',
      url: '/api/v1/nope',
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    assert.match(en.json().error.message, /^No such endpoint/);
    assert.equal(en.json().error.requestId, en.headers['x-request-id']);
  });

  it('publishes an OpenAPI 3 document', async () => {
    const res = await kehu.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, '3.0.3');
    assert.ok(doc.paths['/healthz']);
  });

  it('keeps the audit log append-only in the database itself', async () => {
    await kehu.db.query(`INSERT INTO audit_log (actor_kind, action) VALUES ('system', 'test.appended')`);
    await assert.rejects(kehu.db.query(`UPDATE audit_log SET action = 'x'`), /append-only/);
    await assert.rejects(kehu.db.query(`DELETE FROM audit_log`), /append-only/);
  });
});

describe('security headers', () => {
  let kehu: TestKehu;
  before(async () => {
    kehu = await createTestKehu();
  });
  after(async () => kehu.close());

  it('sends CSP with frame-ancestors, no-store on the API, and no CORS grant to other origins', async () => {
    const res = await kehu.app.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: { origin: 'https://evil.example' },
    });
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    const preflight = await kehu.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/users',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  });

  it('serves the web app with a fresh style nonce and never allows inline styles or scripts', async () => {
    const a = await kehu.app.inject({ method: 'GET', url: '/login' });
    const b = await kehu.app.inject({ method: 'GET', url: '/admin/users' });
    assert.equal(a.statusCode, 200);
    const csp = String(a.headers['content-security-policy']);
    const nonce = /style-src 'self' 'nonce-([0-9a-f]{32})'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    assert.ok(a.body.includes(`<meta name="csp-nonce" content="${nonce}"`));
    assert.ok(!b.body.includes(nonce), 'each page gets its own nonce');
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/, 'plain http must keep working on a LAN address');
    assert.equal(a.headers['cache-control'], 'no-store');
    const api = await kehu.app.inject({ method: 'GET', url: '/healthz' });
    assert.doesNotMatch(String(api.headers['content-security-policy']), /unsafe-inline/);
  });

  it('answers malformed JSON with 400 and an oversized body with 413, leaking nothing', async () => {
    const bad = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'bad_request');
    assert.doesNotMatch(bad.body, /at .*\.ts|node_modules|stack/i);
    const big = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a@b.cn', password: 'x'.repeat(10 * 1024 * 1024) }),
    });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error.code, 'payload_too_large');
  });
});
