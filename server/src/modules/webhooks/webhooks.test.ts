import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import {
  adminEmail,
  adminPassword,
  createClockedKehu,
  signIn,
  type ClockedKehu,
  type Session,
} from '../../../test/auth-fixtures.ts';
import { kehuSignature, shopifyHmac } from './domain/signature.ts';

const fixtureText = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const SHOP = 'jsmith.myshopify.com';
const SHOP_SECRET = 'shpss_5f0b2c7e-webhook-signing-secret';
const ORDER_ID = '820982911946154508';

/** The fixture text with some fields changed, keeping every big id's digits (edits on the text). */
function edit(text: string, changes: Record<string, string>): string {
  let out = text;
  for (const [field, json] of Object.entries(changes)) {
    const re = new RegExp(`("${field}": )("(?:[^"\\\\]|\\\\.)*"|null|true|false|-?\\d+(?:\\.\\d+)?)`);
    assert.ok(re.test(out), `fixture has ${field}`);
    out = out.replace(re, `$1${json}`);
  }
  return out;
}

type Order = {
  id: string;
  customer_id: string;
  status: string;
  subtotal: string;
  discount: string;
  paid_amount: string;
  refunded_amount: string;
  store_id: string | null;
};

describe('webhooks: Shopify and the generic signed feed', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let touchpointId: string;
  let shopify: { id: string; endpointUrl: string };
  let generic: { id: string; secret: string };
  let seq = 0;

  async function shopifySend(
    topic: string,
    body: string,
    opts: { webhookId?: string; secret?: string; hmac?: string | null; shop?: string | null; id?: string } = {},
  ): Promise<LightMyRequestResponse> {
    kehu.advance(1_000); // one delivery a second: the log's newest-first order is then unambiguous
    const raw = Buffer.from(body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-webhook-id': opts.webhookId ?? `wh-${++seq}`,
      'x-shopify-api-version': '2026-07',
      'accept-language': 'en',
    };
    if (opts.hmac !== null)
      headers['x-shopify-hmac-sha256'] = opts.hmac ?? shopifyHmac(opts.secret ?? SHOP_SECRET, raw);
    if (opts.shop !== null) headers['x-shopify-shop-domain'] = opts.shop ?? SHOP;
    return kehu.app.inject({
      method: 'POST',
      url: `/webhooks/shopify/${opts.id ?? shopify.id}`,
      headers,
      payload: raw,
    });
  }

  async function genericSend(
    body: unknown,
    opts: { deliveryId?: string; secret?: string; skew?: number; signature?: string | null; raw?: string } = {},
  ): Promise<LightMyRequestResponse> {
    kehu.advance(1_000);
    const raw = Buffer.from(opts.raw ?? JSON.stringify(body));
    const t = Math.floor(kehu.now().getTime() / 1000) + (opts.skew ?? 0);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-kehu-delivery-id': opts.deliveryId ?? `dl-${++seq}`,
      'accept-language': 'en',
    };
    if (opts.signature !== null)
      headers['x-kehu-signature'] = opts.signature ?? kehuSignature(opts.secret ?? generic.secret, t, raw);
    return kehu.app.inject({ method: 'POST', url: `/webhooks/generic/${generic.id}`, headers, payload: raw });
  }

  const orderOf = async (source: string, externalId: string) =>
    (
      await kehu.db.query<Order>(
        `select id, customer_id, status, subtotal::text, discount::text, paid_amount::text, refunded_amount::text, store_id
           from orders where source = $1 and external_id = $2`,
        [source, externalId],
      )
    )[0] ?? null;
  const count = async (sql: string, params: unknown[] = []) =>
    (await kehu.db.query<{ n: number }>(`select count(*)::int as n from (${sql}) x`, params))[0].n;
  const deliveries = async (connectionId: string, query = '') => {
    const res = await admin.call('GET', `/webhook-connections/${connectionId}/deliveries${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().items as {
      id: string;
      webhookId: string;
      topic: string;
      outcome: string;
      detail: string | null;
      attempts: number;
      replays: number;
      customerId: string | null;
      orderId: string | null;
    }[];
  };
  const paidOrder = (changes: Record<string, string> = {}) =>
    edit(fixtureText('shopify-orders-create.json'), {
      financial_status: '"paid"',
      cancelled_at: 'null',
      cancel_reason: 'null',
      ...changes,
    });

  before(async () => {
    kehu = await createClockedKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
    const tp = await admin.call('POST', '/touchpoints', {
      code: 'shopify-js',
      name: 'Shopify 海外店',
      type: 'ecommerce_store',
    });
    assert.equal(tp.statusCode, 201, tp.body);
    touchpointId = tp.json().id;
    await admin.call('POST', '/touchpoints', { code: 'pos-sh-01', name: '上海南京路店', type: 'store' });
  });
  after(async () => kehu?.close());

  describe('connections', () => {
    it('creates a Shopify connection: the endpoint to paste, the secret never shown again', async () => {
      const res = await admin.call('POST', '/webhook-connections', {
        kind: 'shopify',
        name: 'Shopify 海外店',
        shopDomain: ` ${SHOP.toUpperCase()} `,
        secret: SHOP_SECRET,
        touchpointId,
      });
      assert.equal(res.statusCode, 201, res.body);
      const { connection, secret } = res.json();
      assert.equal(secret, null, 'Kehu does not echo the shop’s secret');
      assert.equal(connection.shopDomain, SHOP);
      assert.equal(connection.source, 'shopify:jsmith');
      assert.deepEqual(connection.touchpoint, { id: touchpointId, name: 'Shopify 海外店' });
      assert.equal(connection.endpointUrl, `${kehu.config.publicUrl}/webhooks/shopify/${connection.id}`);
      shopify = connection;
      const list = await admin.call('GET', '/webhook-connections');
      assert.equal(list.json().items.length, 1);
      assert.ok(!list.body.includes(SHOP_SECRET));
      const [row] = await kehu.db.query<{ secret_enc: string }>('select secret_enc from webhook_connections');
      assert.ok(row.secret_enc.startsWith('v1.') && !row.secret_enc.includes(SHOP_SECRET), 'stored encrypted');
    });

    it('creates a generic connection whose generated secret is shown exactly once', async () => {
      const res = await admin.call('POST', '/webhook-connections', {
        kind: 'generic',
        name: '门店 POS',
        source: 'pos-sh',
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json();
      assert.match(body.secret, /^whsec_/);
      generic = { id: body.connection.id, secret: body.secret };
      const again = await admin.call('GET', `/webhook-connections/${generic.id}`);
      assert.ok(!again.body.includes(body.secret));
      assert.equal(again.json().endpointUrl.endsWith(`/webhooks/generic/${generic.id}`), true);
    });

    it('refuses a bad shop domain, a second connection for the same shop, a reserved source, an unknown touchpoint', async () => {
      const bad = await admin.call('POST', '/webhook-connections', {
        kind: 'shopify',
        name: 'x',
        shopDomain: 'jsmith.com',
        secret: 's',
      });
      assert.equal(bad.statusCode, 422);
      assert.equal(bad.json().error.fields[0].field, 'shopDomain');
      const twice = await admin.call('POST', '/webhook-connections', {
        kind: 'shopify',
        name: 'again',
        shopDomain: SHOP,
        secret: 's',
      });
      assert.equal(twice.statusCode, 409);
      const reserved = await admin.call('POST', '/webhook-connections', {
        kind: 'generic',
        name: 'x',
        source: 'shopify:x',
      });
      assert.equal(reserved.statusCode, 422);
      assert.equal(reserved.json().error.fields[0].field, 'source');
      const tp = await admin.call('POST', '/webhook-connections', {
        kind: 'generic',
        name: 'x',
        source: 'x',
        touchpointId: randomUUID(),
      });
      assert.equal(tp.statusCode, 422);
      assert.equal(tp.json().error.fields[0].field, 'touchpointId');
    });

    it('checks permissions: ingest.view reads, only ingest.create creates', async () => {
      const role = await admin.call('POST', '/roles', { name: 'webhook viewer', permissions: ['ingest.view'] });
      const password = 'webhook viewer password 1';
      await admin.call('POST', '/users', {
        name: 'viewer',
        email: 'viewer@kehu.test',
        password,
        roleIds: [role.json().id],
      });
      const viewer = await signIn(kehu, 'viewer@kehu.test', password);
      assert.equal((await viewer.call('GET', '/webhook-connections')).statusCode, 200);
      assert.equal((await viewer.call('GET', `/webhook-connections/${shopify.id}/deliveries`)).statusCode, 200);
      const create = await viewer.call('POST', '/webhook-connections', { kind: 'generic', name: 'x', source: 'y' });
      assert.equal(create.statusCode, 403);
      assert.equal((await viewer.call('DELETE', `/webhook-connections/${generic.id}`)).statusCode, 403);
    });
  });

  describe('Shopify deliveries', () => {
    it('answers 404 for an unknown connection and 401 for a bad HMAC, writing nothing but a counter', async () => {
      const body = paidOrder();
      assert.equal((await shopifySend('orders/create', body, { id: randomUUID() })).statusCode, 404);
      assert.equal((await shopifySend('orders/create', body, { id: 'not-a-uuid' })).statusCode, 404);
      assert.equal((await shopifySend('orders/create', body, { id: generic.id })).statusCode, 404, 'wrong kind');
      const wrong = await shopifySend('orders/create', body, { secret: 'another secret' });
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.json().error.code, 'webhooks_signature_invalid');
      assert.equal((await shopifySend('orders/create', body, { hmac: null })).statusCode, 401);
      // the HMAC of the parsed-and-reserialised JSON is not the HMAC of the bytes sent
      const reserialised = shopifyHmac(SHOP_SECRET, Buffer.from(JSON.stringify(JSON.parse(body))));
      assert.equal((await shopifySend('orders/create', body, { hmac: reserialised })).statusCode, 401);
      assert.equal((await shopifySend('orders/create', body, { shop: 'other.myshopify.com' })).statusCode, 401);
      const conn = (await admin.call('GET', `/webhook-connections/${shopify.id}`)).json();
      assert.equal(conn.rejectedCount, 4);
      assert.ok(conn.lastRejectedAt);
      assert.equal(await count('select 1 from webhook_deliveries'), 0);
      assert.equal(await count('select 1 from orders'), 0);
    });

    it('answers 400 without the webhook id or topic, and for signed malformed JSON (logged as failed)', async () => {
      const noId = await kehu.app.inject({
        method: 'POST',
        url: `/webhooks/shopify/${shopify.id}`,
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/create',
          'x-shopify-hmac-sha256': shopifyHmac(SHOP_SECRET, Buffer.from('{}')),
        },
        payload: '{}',
      });
      assert.equal(noId.statusCode, 400);
      assert.match(noId.json().error.message, /X-Shopify-Webhook-Id/);
      const broken = await shopifySend('orders/create', '{"id": 1,', { webhookId: 'wh-broken' });
      assert.equal(broken.statusCode, 400);
      assert.equal(broken.json().error.code, 'webhooks_malformed_json');
      const [logged] = await deliveries(shopify.id);
      assert.equal(logged.webhookId, 'wh-broken');
      assert.equal(logged.outcome, 'failed');
      assert.equal(logged.detail, 'The request body is not valid JSON');
    });

    it("takes Shopify's sample orders/create as it is: voided and cancelled, so no order", async () => {
      const res = await shopifySend('orders/create', fixtureText('shopify-orders-create.json'));
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().outcome, 'ignored');
      assert.equal(await orderOf('shopify:jsmith', ORDER_ID), null);
      const [logged] = await deliveries(shopify.id);
      assert.equal(logged.detail, 'The order’s payment was voided; not recorded');
    });

    it('records a paid order once: the customer with the Shopify id, items, discount, paid = items − discount', async () => {
      const body = paidOrder();
      const res = await shopifySend('orders/create', body, { webhookId: 'wh-order-1' });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(
        { outcome: res.json().outcome, replay: res.json().replay },
        { outcome: 'processed', replay: false },
      );
      const order = await orderOf('shopify:jsmith', ORDER_ID);
      assert.ok(order, 'recorded under the exact 18-digit id');
      assert.deepEqual(
        [order.status, order.subtotal, order.discount, order.paid_amount],
        ['paid', '369.97', '20.00', '349.97'],
      );
      assert.equal(order.store_id, touchpointId);
      const items = await kehu.db.query<{ sku: string; name: string }>(
        'select sku, name from order_items where order_id = $1 order by line_no',
        [order.id],
      );
      assert.deepEqual(
        items.map((i) => i.sku),
        ['SKU2006-001', 'SKU2006-020', 'SKU2006-035'],
      );
      const [identity] = await kehu.db.query<{ customer_id: string }>(
        `select customer_id from customer_identities where kind = 'external' and namespace = $1 and value = $2`,
        [`shopify:${SHOP}`, '115310627314723954'],
      );
      assert.equal(identity.customer_id, order.customer_id);
      const customer = (await admin.call('GET', `/customers/${order.customer_id}`)).json();
      assert.equal(customer.name, 'John Smith');
      const [stats] = await kehu.db.query<{ total_spent: string; order_count: number }>(
        'select total_spent::text, order_count from customer_stats where customer_id = $1',
        [order.customer_id],
      );
      assert.deepEqual([stats.order_count, stats.total_spent], [1, '349.97']);
      const [logged] = await deliveries(shopify.id);
      assert.equal(logged.outcome, 'processed');
      assert.equal(logged.orderId, order.id);
      assert.equal(logged.customerId, order.customer_id);
      assert.match(logged.detail ?? '', /Created the customer; Recorded order #9999, paid 349\.97/);
    });

    it('answers a replayed webhook id from the log without processing it again', async () => {
      const res = await shopifySend('orders/create', paidOrder(), { webhookId: 'wh-order-1' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(
        { outcome: res.json().outcome, replay: res.json().replay },
        { outcome: 'processed', replay: true },
      );
      assert.equal(await count('select 1 from orders'), 1);
      const logged = (await deliveries(shopify.id)).find((d) => d.webhookId === 'wh-order-1');
      assert.equal(logged?.replays, 1);
    });

    it('is idempotent on the order id: the same order under a new webhook id is a duplicate', async () => {
      const res = await shopifySend('orders/create', paidOrder(), { webhookId: 'wh-order-1-again' });
      assert.equal(res.json().outcome, 'duplicate');
      assert.equal(await count('select 1 from orders'), 1);
      assert.equal(await count(`select 1 from customers where name = 'John Smith'`), 1);
    });

    it('records an order once when its deliveries race (same webhook id twice, and two topics at once)', async () => {
      const id = '820982911946154600';
      const body = paidOrder({ id, name: '"#RACE"' });
      const answers = await Promise.all([
        shopifySend('orders/create', body, { webhookId: 'wh-race' }),
        shopifySend('orders/create', body, { webhookId: 'wh-race' }),
        shopifySend('orders/paid', body, { webhookId: 'wh-race-paid' }),
        shopifySend('orders/updated', body, { webhookId: 'wh-race-updated' }),
      ]);
      assert.deepEqual(
        answers.map((a) => a.statusCode),
        [200, 200, 200, 200],
        answers.map((a) => a.body).join('\n'),
      );
      assert.equal(
        answers.filter((a) => a.json().outcome === 'processed' && !a.json().replay).length,
        1,
        'one of them recorded it',
      );
      assert.equal(answers[0].json().deliveryId, answers[1].json().deliveryId, 'the same webhook id is one delivery');
      assert.equal(await count('select 1 from orders where external_id = $1', [id]), 1);
      const [stats] = await kehu.db.query<{ order_count: number }>(
        'select order_count from customer_stats s join orders o on o.customer_id = s.customer_id where o.external_id = $1',
        [id],
      );
      assert.equal(stats.order_count, 2, 'John Smith: #9999 and this one, each counted once');
      await shopifySend('orders/cancelled', paidOrder({ id, cancelled_at: '"2022-01-02T10:00:00-05:00"' }));
    });

    it('applies a refund carried by orders/updated, and the same refund from refunds/create counts once', async () => {
      const refund = fixtureText('shopify-refunds-create.json');
      const updated = paidOrder({ financial_status: '"partially_refunded"' }).replace(
        '"refunds": []',
        `"refunds": [${refund}]`,
      );
      const res = await shopifySend('orders/updated', updated);
      assert.equal(res.json().outcome, 'processed', res.body);
      let order = await orderOf('shopify:jsmith', ORDER_ID);
      assert.deepEqual([order?.status, order?.refunded_amount], ['partially_refunded', '89.99']);

      const again = await shopifySend('refunds/create', refund);
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().outcome, 'duplicate');
      order = await orderOf('shopify:jsmith', ORDER_ID);
      assert.equal(order?.refunded_amount, '89.99');
      const [stats] = await kehu.db.query<{ total_spent: string }>(
        'select total_spent::text from customer_stats where customer_id = $1',
        [order?.customer_id],
      );
      assert.equal(stats.total_spent, '259.98');
    });

    it('caps a refund that includes shipping at what the order has left, and then ignores cancellation', async () => {
      // the transaction (the last amount in the file) returns the goods, tax and shipping
      const text = edit(fixtureText('shopify-refunds-create.json'), { id: '890088186047892320' });
      const at = text.lastIndexOf('"amount": "89.99"');
      const refund = `${text.slice(0, at)}"amount": "279.98"${text.slice(at + '"amount": "89.99"'.length)}`;
      const res = await shopifySend('refunds/create', refund);
      assert.equal(res.json().outcome, 'processed');
      const order = await orderOf('shopify:jsmith', ORDER_ID);
      assert.deepEqual([order?.status, order?.refunded_amount], ['refunded', '349.97']);
      const [logged] = await deliveries(shopify.id);
      assert.match(logged.detail ?? '', /Refund of 259\.98 recorded \(the shop refunded 279\.98/);

      const cancelled = await shopifySend('orders/updated', paidOrder({ cancelled_at: '"2022-01-02T10:00:00-05:00"' }));
      assert.equal(cancelled.json().outcome, 'ignored', 'a refunded order is not cancelled on top');
      assert.equal((await orderOf('shopify:jsmith', ORDER_ID))?.status, 'refunded');
    });

    it('cancels a paid order when orders/updated says cancelled', async () => {
      const id = '820982911946154509';
      await shopifySend('orders/create', paidOrder({ id, name: '"#10000"' }));
      const cancelled = { id, name: '"#10000"', cancelled_at: '"2022-01-02T10:00:00-05:00"' };
      const res = await shopifySend('orders/updated', paidOrder(cancelled));
      assert.equal(res.json().outcome, 'processed');
      assert.equal((await orderOf('shopify:jsmith', id))?.status, 'cancelled');
      const [logged] = await deliveries(shopify.id);
      assert.equal(logged.detail, 'Order #10000 cancelled');
      const noop = await shopifySend('orders/updated', paidOrder(cancelled));
      assert.equal(noop.json().outcome, 'ignored');
    });

    it('waits for payment: a pending order is recorded when orders/updated says paid', async () => {
      const id = '820982911946154510';
      const pending = await shopifySend('orders/create', paidOrder({ id, financial_status: '"pending"' }));
      assert.equal(pending.json().outcome, 'ignored');
      assert.equal(await orderOf('shopify:jsmith', id), null);
      assert.match((await deliveries(shopify.id))[0].detail ?? '', /not paid yet \(pending\)/);
      const paid = await shopifySend('orders/updated', paidOrder({ id }));
      assert.equal(paid.json().outcome, 'processed');
      assert.equal((await orderOf('shopify:jsmith', id))?.status, 'paid');
    });

    it('ignores a refund of an order Kehu does not have, and a topic it does not handle (both logged)', async () => {
      const refund = edit(fixtureText('shopify-refunds-create.json'), { order_id: '1234567890123456789' });
      const res = await shopifySend('refunds/create', refund);
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().outcome, 'ignored');
      const topic = await shopifySend('products/create', '{"id": 632910392, "title": "IPod Nano - 8GB"}');
      assert.equal(topic.statusCode, 200);
      assert.equal(topic.json().outcome, 'ignored');
      const [logged] = await deliveries(shopify.id);
      assert.deepEqual([logged.topic, logged.detail], ['products/create', '“products/create” is not handled; ignored']);
    });

    it("creates a customer from Shopify's sample customers/create, once", async () => {
      const body = fixtureText('shopify-customers-create.json');
      const res = await shopifySend('customers/create', body);
      assert.equal(res.json().outcome, 'processed', res.body);
      const [c] = await kehu.db.query<{ id: string; name: string }>(
        `select c.id, c.name from customers c join customer_identities i on i.customer_id = c.id
          where i.namespace = $1 and i.value = '706405506930370084'`,
        [`shopify:${SHOP}`],
      );
      assert.equal(c.name, 'Bob Biller');
      const again = await shopifySend('customers/create', body);
      assert.equal(again.json().outcome, 'processed');
      assert.equal((await deliveries(shopify.id))[0].detail, 'The customer exists; nothing changed');
      assert.equal(await count(`select 1 from customers where name = 'Bob Biller'`), 1);
    });

    it('never half-writes: a delivery that fails after creating the customer leaves nothing, and its retry succeeds', async () => {
      const id = '820982911946154511';
      const customerId = '115310627314723999';
      const buyer = (text: string) =>
        text
          .replace(/"id": 115310627314723954/g, `"id": ${customerId}`)
          .replace('"email": "john@example.com"', '"email": "half@example.com"');
      const customersBefore = await count('select 1 from customers');
      const broken = buyer(paidOrder({ id })).replace('"quantity": 1,', '"quantity": 3000000000,');
      const res = await shopifySend('orders/create', broken, { webhookId: 'wh-half' });
      assert.equal(res.statusCode, 500);
      assert.equal(await orderOf('shopify:jsmith', id), null);
      assert.equal(await count(`select 1 from customer_identities where value = $1`, [customerId]), 0, 'no identity');
      assert.equal(await count('select 1 from customers'), customersBefore, 'no customer');
      const [failed] = await deliveries(shopify.id);
      assert.deepEqual([failed.webhookId, failed.outcome], ['wh-half', 'failed']);
      assert.match(failed.detail ?? '', /request id/i);

      const fixed = buyer(paidOrder({ id }));
      const retry = await shopifySend('orders/create', fixed, { webhookId: 'wh-half' });
      assert.equal(retry.statusCode, 200, retry.body);
      assert.deepEqual([retry.json().outcome, retry.json().replay], ['processed', false]);
      const [done] = await deliveries(shopify.id);
      assert.deepEqual([done.webhookId, done.outcome, done.attempts], ['wh-half', 'processed', 2]);
      assert.equal(await count(`select 1 from customer_identities where value = $1`, [customerId]), 1);
      assert.equal(await count('select 1 from customers'), customersBefore + 1);
    });

    it('lists the log newest first, filtered by outcome and paged', async () => {
      const ignored = await deliveries(shopify.id, '?outcome=ignored');
      assert.ok(ignored.length >= 4 && ignored.every((d) => d.outcome === 'ignored'));
      const first = await admin.call('GET', `/webhook-connections/${shopify.id}/deliveries?limit=2`);
      const page = first.json();
      assert.equal(page.items.length, 2);
      assert.ok(page.nextCursor);
      const second = await admin.call(
        'GET',
        `/webhook-connections/${shopify.id}/deliveries?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`,
      );
      assert.equal(second.json().items.length, 2);
      assert.notEqual(second.json().items[0].id, page.items[0].id);
      const zh = await kehu.app.inject({
        method: 'GET',
        url: `/api/v1/webhook-connections/${shopify.id}/deliveries?outcome=ignored&limit=1`,
        headers: { cookie: admin.cookie, 'accept-language': 'zh-CN' },
      });
      assert.match(zh.json().items[0].detail, /[\u4e00-\u9fff]/, 'the log speaks the reader’s language');
    });
  });

  describe('generic deliveries', () => {
    const order = (externalId: string, extra: Record<string, unknown> = {}) => ({
      type: 'order.created',
      data: {
        externalId,
        placedAt: '2026-11-20T14:30:00+08:00',
        paidAmount: '268.00',
        discount: '20.00',
        storeCode: 'pos-sh-01',
        items: [
          { sku: 'TEA-LJ-250', name: '西湖龙井 250g', quantity: 1, price: '188.00' },
          { sku: 'CUP-GLASS', name: '玻璃茶杯', quantity: 2, price: '50.00' },
        ],
        customer: { externalId: 'M-10086', name: '陈晓梅', mobile: '13800138000', province: '浙江省', city: '杭州市' },
        ...extra,
      },
    });

    it('records an order with its customer and store, and answers a replay from the log', async () => {
      const res = await genericSend(order('POS-1'), { deliveryId: 'dl-pos-1' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().outcome, 'processed');
      const o = await orderOf('pos-sh', 'POS-1');
      assert.deepEqual([o?.status, o?.subtotal, o?.paid_amount], ['paid', '288.00', '268.00']);
      const [store] = await kehu.db.query<{ id: string }>(`select id from touchpoints where code = 'pos-sh-01'`);
      assert.equal(o?.store_id, store.id);
      const customer = (await admin.call('GET', `/customers/${o?.customer_id}`)).json();
      assert.equal(customer.name, '陈晓梅');
      assert.equal(customer.province, '浙江省');

      const replay = await genericSend(order('POS-1'), { deliveryId: 'dl-pos-1' });
      assert.deepEqual([replay.statusCode, replay.json().replay], [200, true]);
      const dup = await genericSend(order('POS-1'));
      assert.equal(dup.json().outcome, 'duplicate');
      assert.equal(await count(`select 1 from orders where source = 'pos-sh'`), 1);
    });

    it('refuses a bad signature, a missing one and an expired or future timestamp (401), counting them', async () => {
      const before = (await admin.call('GET', `/webhook-connections/${generic.id}`)).json().rejectedCount;
      assert.equal((await genericSend(order('POS-X'), { secret: 'whsec_wrong' })).statusCode, 401);
      assert.equal((await genericSend(order('POS-X'), { signature: null })).statusCode, 401);
      const old = await genericSend(order('POS-X'), { skew: -301 });
      assert.equal(old.statusCode, 401);
      assert.equal(old.json().error.code, 'webhooks_signature_expired');
      assert.equal((await genericSend(order('POS-X'), { skew: 301 })).statusCode, 401);
      assert.equal((await genericSend(order('POS-X'), { skew: -299 })).statusCode, 200, 'within five minutes');
      const after = (await admin.call('GET', `/webhook-connections/${generic.id}`)).json().rejectedCount;
      assert.equal(after - before, 4);
    });

    it('answers 400 for malformed JSON or a missing delivery id, 422 naming the fields of a wrong payload', async () => {
      assert.equal((await genericSend(null, { raw: '{"type": "order.created",' })).statusCode, 400);
      const noId = await kehu.app.inject({
        method: 'POST',
        url: `/webhooks/generic/${generic.id}`,
        headers: {
          'content-type': 'application/json',
          'x-kehu-signature': kehuSignature(generic.secret, Math.floor(kehu.now().getTime() / 1000), Buffer.from('{}')),
        },
        payload: '{}',
      });
      assert.equal(noId.statusCode, 400);

      const wrong = order('POS-2', {
        items: [{ sku: 'TEA-LJ-250', quantity: 1, price: '18.8.0' }],
        customer: { name: '无标识' },
      });
      const res = await genericSend(wrong, { deliveryId: 'dl-pos-2' });
      assert.equal(res.statusCode, 422, res.body);
      const fields = res
        .json()
        .error.fields.map((f: { field: string }) => f.field)
        .sort();
      assert.deepEqual(fields, ['data.customer.externalId', 'data.items.0.price']);
      assert.match(res.json().error.fields[0].message, /Price|identifier/);
      const [failed] = await deliveries(generic.id);
      assert.deepEqual([failed.webhookId, failed.outcome], ['dl-pos-2', 'failed']);
      assert.match(failed.detail ?? '', /data\.items\.0\.price/);

      const fixed = await genericSend(order('POS-2'), { deliveryId: 'dl-pos-2' });
      assert.equal(fixed.json().outcome, 'processed', 'a failed delivery is processed again on retry');
      assert.equal((await deliveries(generic.id))[0].attempts, 2);

      const noType = await genericSend({ data: {} });
      assert.equal(noType.statusCode, 422);
      const mismatch = await genericSend(order('POS-3', { paidAmount: '1.00' }));
      assert.equal(mismatch.statusCode, 422);
      assert.equal(mismatch.json().error.code, 'orders_amounts_mismatch');
    });

    it('ignores an unknown type with 200 (logged)', async () => {
      const res = await genericSend({ type: 'order.shipped', data: { externalId: 'POS-1' } });
      assert.deepEqual([res.statusCode, res.json().outcome], [200, 'ignored']);
      assert.equal((await deliveries(generic.id))[0].topic, 'order.shipped');
    });

    it('refunds once per refund id, refuses more than was paid, cancels, and refuses an unknown order', async () => {
      const refund = {
        type: 'order.refunded',
        data: { externalId: 'POS-1', refundId: 'R-1', amount: '50.00', reason: '茶杯破损' },
      };
      const first = await genericSend(refund);
      assert.equal(first.json().outcome, 'processed', first.body);
      assert.equal((await genericSend(refund)).json().outcome, 'duplicate', 'the same refund under a new delivery id');
      assert.equal((await orderOf('pos-sh', 'POS-1'))?.refunded_amount, '50.00');
      const tooMuch = await genericSend({ ...refund, data: { ...refund.data, refundId: 'R-2', amount: '500.00' } });
      assert.equal(tooMuch.statusCode, 422);
      assert.equal(tooMuch.json().error.code, 'orders_refund_exceeds');
      assert.equal(
        await count(`select 1 from webhook_refunds where refund_id = 'R-2'`),
        0,
        'rolled back with the refund',
      );

      const cancel = await genericSend({ type: 'order.cancelled', data: { externalId: 'POS-2' } });
      assert.equal(cancel.json().outcome, 'processed');
      assert.equal((await orderOf('pos-sh', 'POS-2'))?.status, 'cancelled');
      const unknown = await genericSend({ type: 'order.cancelled', data: { externalId: 'NOPE' } });
      assert.equal(unknown.statusCode, 422);
      assert.equal(unknown.json().error.code, 'webhooks_order_unknown');
    });

    it('upserts a customer: sent fields overwrite, matched by the sender’s id', async () => {
      const res = await genericSend({
        type: 'customer.upsert',
        data: { externalId: 'M-10086', city: '宁波市', email: 'chen@example.com' },
      });
      assert.equal(res.json().outcome, 'processed', res.body);
      const o = await orderOf('pos-sh', 'POS-1');
      const customer = (await admin.call('GET', `/customers/${o?.customer_id}`)).json();
      assert.equal(customer.city, '宁波市');
      assert.equal(await count(`select 1 from customers where name = '陈晓梅'`), 1);
    });
  });

  describe('secrets and customers', () => {
    it('regenerates a generic secret (the old one stops working) and replaces a Shopify secret', async () => {
      const res = await admin.call('POST', `/webhook-connections/${generic.id}/secret`);
      assert.equal(res.statusCode, 200);
      const fresh = res.json().secret as string;
      assert.notEqual(fresh, generic.secret);
      const body = { type: 'customer.upsert', data: { externalId: 'M-1', name: '周杰' } };
      assert.equal((await genericSend(body)).statusCode, 401);
      assert.equal((await genericSend(body, { secret: fresh })).statusCode, 200);
      generic.secret = fresh;

      assert.equal((await admin.call('POST', `/webhook-connections/${shopify.id}/secret`)).statusCode, 409);
      assert.equal((await admin.call('PATCH', `/webhook-connections/${generic.id}`, { secret: 'x' })).statusCode, 422);
      const patched = await admin.call('PATCH', `/webhook-connections/${shopify.id}`, {
        secret: 'new-shop-secret',
        name: 'JS',
      });
      assert.equal(patched.statusCode, 200);
      assert.equal(patched.json().name, 'JS');
      const topic = '{"id": 1}';
      assert.equal((await shopifySend('products/update', topic)).statusCode, 401);
      assert.equal((await shopifySend('products/update', topic, { secret: 'new-shop-secret' })).statusCode, 200);
    });

    it('never writes a secret to the log', () => {
      const logs = kehu.logs();
      for (const secret of [SHOP_SECRET, generic.secret, 'new-shop-secret']) assert.ok(!logs.includes(secret), secret);
      assert.match(logs, /webhook delivery/);
    });

    it('deleting a customer names and detaches their webhook records; a late replay is still recognised', async () => {
      const o = await orderOf('pos-sh', 'POS-1');
      const refused = await admin.call('DELETE', `/customers/${o?.customer_id}`);
      assert.equal(refused.statusCode, 409);
      assert.match(refused.json().error.message, /webhook deliveries/);
      assert.equal((await admin.call('DELETE', `/customers/${o?.customer_id}?confirm=true`)).statusCode, 204);
      assert.equal(await count('select 1 from webhook_deliveries where customer_id = $1', [o?.customer_id]), 0);
      assert.equal(await count('select 1 from webhook_refunds where customer_id = $1', [o?.customer_id]), 0);
      const replay = await genericSend({ type: 'order.created', data: {} }, { deliveryId: 'dl-pos-1' });
      assert.equal(replay.json().replay, true, 'the delivery record outlives the customer');
      assert.equal(await count(`select 1 from orders where source = 'pos-sh' and external_id = 'POS-1'`), 0);
    });

    it('deletes a connection with its log', async () => {
      assert.equal((await admin.call('DELETE', `/webhook-connections/${generic.id}`)).statusCode, 204);
      assert.equal(await count('select 1 from webhook_deliveries where connection_id = $1', [generic.id]), 0);
      assert.equal((await genericSend({ type: 'customer.upsert', data: {} })).statusCode, 404);
    });
  });
});
