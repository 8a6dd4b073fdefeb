import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  adminEmail,
  adminPassword,
  createClockedKehu,
  signIn,
  type ClockedKehu,
  type Session,
} from '../../../test/auth-fixtures.ts';
import { until } from '../../../test/until.ts';
import { RECOMPUTE_STATS_JOB } from './index.ts';

const missingId = '00000000-0000-4000-8000-000000000000';

type Stats = {
  order_count: number;
  total_spent: string;
  average_order_value: string;
  first_order_at: Date | null;
  last_order_at: Date | null;
  last_seen_at: Date | null;
};

describe('orders: ingestion, history, aggregates', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let storeId: string;
  let seq = 0;

  async function customer(name: string): Promise<string> {
    const id = randomUUID();
    await kehu.db.query('insert into customers (id, name) values ($1, $2)', [id, name]);
    await kehu.db.query('insert into customer_stats (customer_id) values ($1)', [id]);
    return id;
  }

  async function stats(customerId: string): Promise<Stats> {
    const [row] = await kehu.db.query<Stats>(
      `select order_count, total_spent::text, average_order_value::text, first_order_at, last_order_at, last_seen_at
         from customer_stats where customer_id = $1`,
      [customerId],
    );
    return row;
  }

  async function withRole(email: string, permissions: string[]): Promise<Session> {
    const role = await admin.call('POST', '/roles', { name: `role ${email}`, permissions });
    assert.equal(role.statusCode, 201, role.body);
    const password = 'orders test password 1';
    const user = await admin.call('POST', '/users', { name: email, email, password, roleIds: [role.json().id] });
    assert.equal(user.statusCode, 201, user.body);
    return signIn(kehu, email, password);
  }

  function order(customerId: string, extra: Record<string, unknown> = {}) {
    seq += 1;
    return {
      customerId,
      externalId: `POS-${seq}`,
      source: 'pos',
      storeId,
      paidAmount: '259.70',
      discount: '10.00',
      placedAt: '2026-10-01T10:00:00+08:00',
      items: [
        { sku: 'MILK-900', name: '婴儿奶粉 900g', quantity: 2, price: '99.90' },
        { sku: 'BOTTLE-1', name: '奶瓶', quantity: 1, price: '39.90' },
        { sku: 'WIPES-80', name: '湿巾', quantity: 3, price: '10.00' },
      ],
      ...extra,
    };
  }

  before(async () => {
    kehu = await createClockedKehu({
      KEHU_ADMIN_EMAIL: adminEmail,
      KEHU_ADMIN_PASSWORD: adminPassword,
      KEHU_JOB_POLL_SECONDS: '0.5',
    });
    admin = await signIn(kehu, adminEmail, adminPassword);
    const [tp] = await kehu.db.query<{ id: string }>(
      `insert into touchpoints (code, name, type) values ('sh-01', '上海南京路店', 'store') returning id`,
    );
    storeId = tp.id;
  });
  after(async () => kehu.close());

  it('records a batch in one request: each order idempotent, a refused one answered on its own', async () => {
    const c = await customer('批量');
    const good = order(c);
    const bad = order(c, { paidAmount: '1.00' });
    const unknown = order(missingId);
    const res = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/orders/batch',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'accept-language': 'en' },
      payload: { orders: [good, bad, unknown, good] },
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual([body.created, body.existing, body.failed], [1, 1, 2]);
    assert.deepEqual(
      body.results.map((r: { outcome: string }) => r.outcome),
      ['created', 'failed', 'failed', 'existing'],
    );
    assert.equal(body.results[3].orderId, body.results[0].orderId, 'the repeat within the batch is the same order');
    assert.equal(body.results[1].error.status, 422);
    assert.match(body.results[1].error.message, /259\.70/, 'names the amount the items add up to, in English');
    assert.equal(body.results[2].error.code, 'orders_unknown_customer');
    const s = await stats(c);
    assert.equal(s.order_count, 1);
    assert.equal(s.total_spent, '259.70');

    const retry = await admin.call('POST', '/orders/batch', { orders: [good] });
    assert.equal(retry.json().results[0].outcome, 'existing', 'a retried batch counts nothing twice');
    assert.equal((await stats(c)).order_count, 1);

    const tooMany = await admin.call('POST', '/orders/batch', { orders: Array.from({ length: 501 }, () => good) });
    assert.equal(tooMany.statusCode, 422);
    assert.equal(tooMany.json().error.fields[0].field, 'orders');
  });

  it('records an order with items, history, timeline, event and aggregates, once per (source, externalId)', async () => {
    const c = await customer('王芳');
    const body = order(c);
    const res = await admin.call('POST', '/orders', body);
    assert.equal(res.statusCode, 201, res.body);
    const o = res.json();
    assert.equal(o.customer.name, '王芳');
    assert.deepEqual(o.store, { id: storeId, name: '上海南京路店' });
    assert.equal(o.status, 'paid');
    assert.equal(o.subtotal, '269.70');
    assert.equal(o.discount, '10.00');
    assert.equal(o.paidAmount, '259.70');
    assert.equal(o.refundedAmount, '0.00');
    assert.equal(o.placedAt, '2026-10-01T02:00:00.000Z');
    assert.deepEqual(
      o.items.map((i: { lineNo: number; sku: string; quantity: number; amount: string }) => [
        i.lineNo,
        i.sku,
        i.quantity,
        i.amount,
      ]),
      [
        [1, 'MILK-900', 2, '199.80'],
        [2, 'BOTTLE-1', 1, '39.90'],
        [3, 'WIPES-80', 3, '30.00'],
      ],
    );
    assert.equal(o.changes.length, 1);
    assert.equal(o.changes[0].kind, 'created');
    assert.equal(o.changes[0].actor.id, admin.userId);

    const got = (await admin.call('GET', `/orders/${o.id}`)).json();
    assert.deepEqual(got, o, 'what POST answers is what GET reads');

    const s = await stats(c);
    assert.equal(s.order_count, 1);
    assert.equal(s.total_spent, '259.70');
    assert.equal(s.average_order_value, '259.70');
    assert.equal(s.first_order_at?.toISOString(), '2026-10-01T02:00:00.000Z');
    assert.equal(s.last_seen_at?.toISOString(), '2026-10-01T02:00:00.000Z');

    // a retry, even with a different body, answers the stored order and changes nothing
    for (const retry of [body, { ...body, paidAmount: '269.70', discount: '0' }]) {
      const again = await admin.call('POST', '/orders', retry);
      assert.equal(again.statusCode, 200, again.body);
      assert.deepEqual(again.json(), o);
    }
    assert.equal((await stats(c)).order_count, 1);
    assert.equal((await stats(c)).total_spent, '259.70');
    const [counts] = await kehu.db.query<{ orders: number; items: number; changes: number }>(
      `select (select count(*)::int from orders where customer_id = $1) as orders,
              (select count(*)::int from order_items where customer_id = $1) as items,
              (select count(*)::int from order_changes where customer_id = $1) as changes`,
      [c],
    );
    assert.deepEqual(counts, { orders: 1, items: 3, changes: 1 });
    const activities = await kehu.db.query<{ kind: string; ref: string; touchpoint_id: string; summary: object }>(
      'select kind, ref, touchpoint_id, summary from activities where customer_id = $1',
      [c],
    );
    assert.deepEqual(activities, [
      {
        kind: 'order.created',
        ref: o.id,
        touchpoint_id: storeId,
        summary: { externalId: body.externalId, paidAmount: '259.70', itemCount: 6, source: 'pos' },
      },
    ]);
    const events = await kehu.db.query<{ payload: { orderId: string } }>(
      `select payload from outbox where type = 'order.created' and customer_id = $1`,
      [c],
    );
    assert.equal(events.length, 1);
    assert.equal(events[0].payload.orderId, o.id);

    // the same external id from another source is another order
    const other = await admin.call('POST', '/orders', { ...body, source: 'tmall', storeId: null });
    assert.equal(other.statusCode, 201);
    assert.notEqual(other.json().id, o.id);
    assert.equal(other.json().store, null);
    assert.equal((await stats(c)).order_count, 2);
  });

  it('counts an order once when identical requests race', async () => {
    const c = await customer('并发');
    const body = order(c, {
      items: [{ sku: `RACE-${randomUUID()}`, name: '新品', quantity: 1, price: '259.70' }],
      discount: '0',
    });
    const answers = await Promise.all(Array.from({ length: 6 }, () => admin.call('POST', '/orders', body)));
    const statuses = answers.map((a) => a.statusCode).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 201], answers.map((a) => a.body).join('\n'));
    assert.equal(new Set(answers.map((a) => a.json().id)).size, 1);
    const s = await stats(c);
    assert.equal(s.order_count, 1);
    assert.equal(s.total_spent, '259.70');
    const [p] = await kehu.db.query<{ n: number }>('select count(*)::int as n from products where sku = $1', [
      body.items[0].sku,
    ]);
    assert.equal(p.n, 1);
    const [a] = await kehu.db.query<{ n: number }>('select count(*)::int as n from activities where customer_id = $1', [
      c,
    ]);
    assert.equal(a.n, 1);
  });

  it('refuses orders that do not add up or name what does not exist, naming the field', async () => {
    const c = await customer('坏数据');
    const [known] = await kehu.db.query<{ id: string }>(`select id from products where sku = 'MILK-900'`);
    const cases: [Record<string, unknown>, number, string, string?][] = [
      [order(c, { paidAmount: '259.71' }), 422, 'paidAmount', 'orders_amounts_mismatch'],
      [order(c, { discount: '0' }), 422, 'paidAmount', 'orders_amounts_mismatch'],
      [order(c, { discount: '300.00', paidAmount: '0' }), 422, 'discount', 'orders_discount_exceeds_subtotal'],
      [order(missingId), 422, 'customerId', 'orders_unknown_customer'],
      [order(c, { storeId: missingId }), 422, 'storeId', 'orders_unknown_store'],
      [
        order(c, { items: [{ productId: missingId, quantity: 1, price: '269.70' }] }),
        422,
        'items.0.productId',
        'orders_unknown_product',
      ],
      [
        order(c, {
          items: [
            { productId: known.id, quantity: 1, price: '200.00' },
            { sku: 'NEVER-SEEN', quantity: 1, price: '69.70' },
          ],
        }),
        422,
        'items.1.name',
        'orders_sku_name_required',
      ],
      [
        order(c, { items: [{ productId: known.id, sku: 'BOTTLE-1', quantity: 1, price: '269.70' }] }),
        422,
        'items.0.sku',
        'orders_sku_mismatch',
      ],
      [order(c, { items: [{ sku: 'MILK-900', quantity: -1, price: '99.90' }] }), 422, 'items.0.quantity'],
      [order(c, { items: [{ sku: 'MILK-900', quantity: 0, price: '99.90' }] }), 422, 'items.0.quantity'],
      [order(c, { items: [{ sku: 'MILK-900', quantity: 1.5, price: '99.90' }] }), 422, 'items.0.quantity'],
      [order(c, { items: [{ sku: 'MILK-900', quantity: 1, price: '99.999' }] }), 422, 'items.0.price'],
      [order(c, { items: [{ sku: 'MILK-900', quantity: 1, price: 99.9 }] }), 422, 'items.0.price'],
      [order(c, { items: [{ quantity: 1, price: '269.70' }] }), 422, 'items.0.sku'],
      [order(c, { items: [] }), 422, 'items'],
      [order(c, { paidAmount: '-5' }), 422, 'paidAmount'],
      [order(c, { placedAt: 'yesterday' }), 422, 'placedAt'],
      [order(c, { customerId: 'not-a-uuid' }), 422, 'customerId'],
      [order(c, { source: 'has space' }), 422, 'source'],
      [order(c, { status: 'shipped' }), 422, 'status'],
      [order(c, { externalId: '' }), 422, 'externalId'],
      [order(c, { total: '1' }), 422, 'total'],
      [order(c, { status: 'partially_refunded' }), 422, 'refundedAmount', 'orders_refunded_amount_invalid'],
      [order(c, { refundedAmount: '1.00' }), 422, 'refundedAmount', 'orders_refunded_amount_invalid'],
      [order(c, { status: 'refunded', refundedAmount: '1.00' }), 422, 'refundedAmount'],
    ];
    for (const [body, status, field, code] of cases) {
      const res = await admin.call('POST', '/orders', body);
      assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.json().error.fields?.[0]?.field, field, res.body);
      if (code) assert.equal(res.json().error.code, code);
      assert.ok(res.json().error.message.length > 0);
    }
    assert.equal((await stats(c)).order_count, 0);
    const [n] = await kehu.db.query<{ n: number }>(`select count(*)::int as n from products where sku = 'NEVER-SEEN'`);
    assert.equal(n.n, 0, 'a refused order creates no product');

    const zh = await kehu.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'accept-language': 'zh-CN' },
      payload: order(c, { paidAmount: '1.00' }),
    });
    assert.match(zh.json().error.message, /金额不符.*259\.70.*1\.00/);
  });

  it('creates a product from an unknown SKU and reuses it; names lines from the catalogue', async () => {
    const c = await customer('新品');
    const sku = 'TEA-龙井-250';
    const first = await admin.call('POST', '/orders', {
      ...order(c),
      paidAmount: '188.00',
      discount: '0',
      items: [{ sku, name: '西湖龙井 250g', quantity: 1, price: '188.00' }],
    });
    assert.equal(first.statusCode, 201, first.body);
    const productId = first.json().items[0].productId;
    const product = (await admin.call('GET', `/products/${productId}`)).json();
    assert.equal(product.sku, sku);
    assert.equal(product.name, '西湖龙井 250g');
    assert.equal(product.price, '188.00');
    const second = await admin.call('POST', '/orders', {
      ...order(c),
      paidAmount: '376.00',
      discount: '0',
      items: [
        { sku, quantity: 1, price: '188.00' },
        { productId, quantity: 1, price: '188.00' },
      ],
    });
    assert.equal(second.statusCode, 201, second.body);
    assert.deepEqual(
      second.json().items.map((i: { productId: string; name: string }) => [i.productId, i.name]),
      [
        [productId, '西湖龙井 250g'],
        [productId, '西湖龙井 250g'],
      ],
    );
  });

  it('cancels and refunds with history, timeline, audit and recomputed aggregates', async () => {
    const c = await customer('退款客户');
    const a = (
      await admin.call('POST', '/orders', {
        ...order(c),
        placedAt: '2026-03-01T02:00:00Z',
        paidAmount: '100.00',
        discount: '0',
        items: [{ sku: 'A-1', name: '商品A', quantity: 1, price: '100.00' }],
      })
    ).json();
    const b = (
      await admin.call('POST', '/orders', {
        ...order(c),
        placedAt: '2026-05-01T02:00:00Z',
        paidAmount: '50.00',
        discount: '0',
        items: [{ sku: 'A-1', quantity: 1, price: '50.00' }],
      })
    ).json();
    let s = await stats(c);
    assert.deepEqual([s.order_count, s.total_spent, s.average_order_value], [2, '150.00', '75.00']);
    assert.equal(s.first_order_at?.toISOString(), '2026-03-01T02:00:00.000Z');
    assert.equal(s.last_order_at?.toISOString(), '2026-05-01T02:00:00.000Z');

    const partial = await admin.call('POST', `/orders/${a.id}/refunds`, { amount: '30', reason: '尺码不合适' });
    assert.equal(partial.statusCode, 200, partial.body);
    assert.equal(partial.json().status, 'partially_refunded');
    assert.equal(partial.json().refundedAmount, '30.00');
    s = await stats(c);
    assert.deepEqual([s.order_count, s.total_spent, s.average_order_value], [2, '120.00', '60.00']);

    const tooMuch = await admin.call('POST', `/orders/${a.id}/refunds`, { amount: '70.01' });
    assert.equal(tooMuch.statusCode, 422);
    assert.equal(tooMuch.json().error.code, 'orders_refund_exceeds');
    assert.equal(tooMuch.json().error.fields[0].field, 'amount');
    assert.match(tooMuch.json().error.message, /70\.00/);
    assert.equal((await admin.call('POST', `/orders/${a.id}/refunds`, { amount: '0' })).statusCode, 422);
    assert.equal((await admin.call('POST', `/orders/${a.id}/refunds`, { amount: 5 })).statusCode, 422);
    assert.equal((await admin.call('POST', `/orders/${a.id}/refunds`, {})).statusCode, 422);
    const notPaid = await admin.call('POST', `/orders/${a.id}/cancel`, {});
    assert.equal(notPaid.statusCode, 409, 'a partly refunded order cannot be cancelled');
    assert.equal(notPaid.json().error.code, 'orders_not_cancellable');

    const rest = await admin.call('POST', `/orders/${a.id}/refunds`, { amount: '70.00' });
    assert.equal(rest.json().status, 'refunded');
    assert.equal(rest.json().refundedAmount, '100.00');
    assert.deepEqual(
      rest
        .json()
        .changes.map((ch: { kind: string; amount: string | null; reason: string | null }) => [
          ch.kind,
          ch.amount,
          ch.reason,
        ]),
      [
        ['created', '100.00', null],
        ['partially_refunded', '30.00', '尺码不合适'],
        ['refunded', '70.00', null],
      ],
    );
    assert.equal(rest.json().changes[2].actor.id, admin.userId);
    assert.ok(rest.json().changes[2].actor.name);
    s = await stats(c);
    assert.deepEqual([s.order_count, s.total_spent, s.average_order_value], [1, '50.00', '50.00']);
    assert.equal(
      s.first_order_at?.toISOString(),
      '2026-05-01T02:00:00.000Z',
      'a fully refunded order no longer counts',
    );
    const again = await admin.call('POST', `/orders/${a.id}/refunds`, { amount: '1' });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'orders_not_refundable');

    const cancelled = await admin.call('POST', `/orders/${b.id}/cancel`, { reason: '客户取消' });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    assert.equal(cancelled.json().status, 'cancelled');
    assert.equal(cancelled.json().changes[1].kind, 'cancelled');
    assert.equal(cancelled.json().changes[1].reason, '客户取消');
    s = await stats(c);
    assert.deepEqual([s.order_count, s.total_spent, s.average_order_value], [0, '0.00', '0.00']);
    assert.equal(s.first_order_at, null);
    assert.equal(s.last_order_at, null);
    assert.equal(s.last_seen_at?.toISOString(), '2026-05-01T02:00:00.000Z', 'last seen never goes back');
    assert.equal((await admin.call('POST', `/orders/${b.id}/cancel`, {})).statusCode, 409);
    assert.equal((await admin.call('POST', `/orders/${b.id}/refunds`, { amount: '1' })).statusCode, 409);
    assert.equal((await admin.call('POST', `/orders/${missingId}/cancel`, {})).statusCode, 404);
    assert.equal((await admin.call('POST', `/orders/${missingId}/refunds`, { amount: '1' })).statusCode, 404);

    const timeline = await kehu.db.query<{ kind: string; ref: string; summary: Record<string, unknown> }>(
      'select kind, ref, summary from activities where customer_id = $1 order by id',
      [c],
    );
    assert.deepEqual(
      timeline.map((t) => [t.kind, t.ref, t.summary.amount ?? null]),
      [
        ['order.created', a.id, null],
        ['order.created', b.id, null],
        ['order.refunded', a.id, '30.00'],
        ['order.refunded', a.id, '70.00'],
        ['order.cancelled', b.id, null],
      ],
    );
    const audit = await kehu.db.query<{ action: string }>(
      `select action from audit_log where entity_id in ($1, $2) order by id`,
      [a.id, b.id],
    );
    assert.deepEqual(
      audit.map((r) => r.action),
      ['order.refunded', 'order.refunded', 'order.cancelled'],
    );
    const events = await kehu.db.query<{ type: string }>(
      `select type from outbox where customer_id = $1 order by created_at, id`,
      [c],
    );
    assert.deepEqual(events.map((e) => e.type).sort(), [
      'order.cancelled',
      'order.created',
      'order.created',
      'order.refunded',
      'order.refunded',
    ]);
  });

  it('takes orders that arrive cancelled or refunded without counting them', async () => {
    const c = await customer('到货即退');
    const base = { discount: '0', paidAmount: '80.00', items: [{ sku: 'A-1', quantity: 1, price: '80.00' }] };
    assert.equal((await admin.call('POST', '/orders', { ...order(c), ...base, status: 'cancelled' })).statusCode, 201);
    const refunded = await admin.call('POST', '/orders', { ...order(c), ...base, status: 'refunded' });
    assert.equal(refunded.json().refundedAmount, '80.00');
    const partial = await admin.call('POST', '/orders', {
      ...order(c),
      ...base,
      status: 'partially_refunded',
      refundedAmount: '20',
    });
    assert.equal(partial.statusCode, 201, partial.body);
    const s = await stats(c);
    assert.deepEqual([s.order_count, s.total_spent], [1, '60.00']);
    assert.ok(s.last_seen_at);
  });

  it('recomputes every customer’s aggregates in a job, equal to the incremental ones', async () => {
    const before = await kehu.db.query<Stats & { customer_id: string }>(
      `select customer_id, order_count, total_spent::text, average_order_value::text, first_order_at, last_order_at
         from customer_stats order by customer_id`,
    );
    assert.ok(before.some((r) => r.order_count > 1));
    await kehu.db.query(
      `update customer_stats set order_count = 99, total_spent = 1, average_order_value = 1, first_order_at = null`,
    );
    const res = await admin.call('POST', '/orders/recompute-stats');
    assert.equal(res.statusCode, 202, res.body);
    const jobId = res.json().jobId as string;
    await until(async () => (await kehu.platform.jobs.find(jobId))?.state === 'completed', 'the recompute job');
    assert.equal((await kehu.platform.jobs.find(jobId))?.progress, 100);
    const afterJob = await kehu.db.query<Stats & { customer_id: string }>(
      `select customer_id, order_count, total_spent::text, average_order_value::text, first_order_at, last_order_at
         from customer_stats where order_count <> 99 order by customer_id`,
    );
    const ordering = before.filter((r) => afterJob.some((a) => a.customer_id === r.customer_id));
    assert.deepEqual(afterJob, ordering);
    const [{ buyers }] = await kehu.db.query<{ buyers: number }>(
      'select count(distinct customer_id)::int as buyers from orders',
    );
    assert.ok(buyers >= 5);
    assert.equal(afterJob.length, buyers, 'every customer with an order (those without keep theirs)');

    // small batches walk the same customers
    await kehu.db.query(`update customer_stats set order_count = 99`);
    const small = await kehu.platform.jobs.send(RECOMPUTE_STATS_JOB, { batchSize: 2 });
    assert.ok(small);
    await until(async () => (await kehu.platform.jobs.find(small))?.state === 'completed', 'the small-batch job');
    const again = await kehu.db.query<Stats & { customer_id: string }>(
      `select customer_id, order_count, total_spent::text, average_order_value::text, first_order_at, last_order_at
         from customer_stats where order_count <> 99 order by customer_id`,
    );
    assert.deepEqual(again, afterJob);
    const audit = await kehu.db.query(`select 1 from audit_log where action = 'order_stats.recompute_requested'`);
    assert.equal(audit.length, 1);
  });

  it('lists orders newest first with filters and keyset paging', async () => {
    const c = await customer('列表');
    const ids: string[] = [];
    for (let day = 1; day <= 5; day++) {
      const res = await admin.call('POST', '/orders', {
        ...order(c),
        source: day % 2 ? 'jd' : 'tmall',
        placedAt: `2025-01-0${day}T04:00:00Z`,
      });
      ids.push(res.json().id);
    }
    const page1 = (await admin.call('GET', `/orders?customerId=${c}&limit=2`)).json();
    assert.deepEqual(
      page1.items.map((o: { id: string }) => o.id),
      [ids[4], ids[3]],
    );
    assert.equal(page1.items[0].items.length, 3, 'list items carry their lines');
    const page2 = (await admin.call('GET', `/orders?customerId=${c}&limit=2&cursor=${page1.nextCursor}`)).json();
    assert.deepEqual(
      page2.items.map((o: { id: string }) => o.id),
      [ids[2], ids[1]],
    );
    const page3 = (await admin.call('GET', `/orders?customerId=${c}&limit=2&cursor=${page2.nextCursor}`)).json();
    assert.deepEqual(
      page3.items.map((o: { id: string }) => o.id),
      [ids[0]],
    );
    assert.equal(page3.nextCursor, null);
    const jd = (await admin.call('GET', `/orders?customerId=${c}&source=jd`)).json();
    assert.equal(jd.items.length, 3);
    const ranged = (
      await admin.call(
        'GET',
        `/orders?customerId=${c}&placedFrom=${encodeURIComponent('2025-01-02T00:00:00Z')}&placedTo=${encodeURIComponent('2025-01-04T04:00:00Z')}`,
      )
    ).json();
    assert.deepEqual(
      ranged.items.map((o: { id: string }) => o.id),
      [ids[2], ids[1]],
    );
    const one = await admin.call('GET', `/orders/${ids[0]}`);
    const byNumber = (await admin.call('GET', `/orders?search=${one.json().externalId}`)).json();
    assert.deepEqual(
      byNumber.items.map((o: { id: string }) => o.id),
      [ids[0]],
    );
    const paid = (await admin.call('GET', `/orders?status=cancelled`)).json();
    assert.ok(paid.items.every((o: { status: string }) => o.status === 'cancelled'));
    assert.ok(paid.items.length >= 1);
    assert.equal((await admin.call('GET', `/orders?storeId=${storeId}&limit=1`)).json().items[0].store.id, storeId);
    for (const q of [
      'cursor=zzz',
      'status=shipped',
      'limit=0',
      'limit=201',
      'placedFrom=2025-01-01',
      'customerId=1',
      'x=1',
    ]) {
      assert.equal((await admin.call('GET', `/orders?${q}`)).statusCode, 422, q);
    }
    assert.equal((await admin.call('GET', `/orders/${missingId}`)).statusCode, 404);
    assert.equal((await admin.call('GET', '/orders/42')).statusCode, 422);
  });

  it('shows on the customer profile and timeline, and goes with the customer when it is deleted', async () => {
    const created = await admin.call('POST', '/customers', { name: '林静' });
    assert.equal(created.statusCode, 201, created.body);
    const c = created.json().id as string;
    const o = (await admin.call('POST', '/orders', order(c))).json();
    await admin.call('POST', `/orders/${o.id}/refunds`, { amount: '59.70' });
    const profile = (await admin.call('GET', `/customers/${c}`)).json();
    assert.equal(profile.orderCount, 1);
    assert.equal(profile.totalSpent, '200.00');
    assert.equal(profile.averageOrderValue, '200.00');
    assert.equal(profile.firstOrderAt, '2026-10-01T02:00:00.000Z');
    const timeline = (await admin.call('GET', `/customers/${c}/timeline`)).json();
    assert.deepEqual(timeline.items.map((a: { kind: string }) => a.kind).sort(), [
      'customer.created',
      'order.created',
      'order.refunded',
    ]);

    const refused = await admin.call('DELETE', `/customers/${c}`);
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.details.orders, 1);
    assert.equal((await admin.call('DELETE', `/customers/${c}?confirm=true`)).statusCode, 204);
    const [left] = await kehu.db.query<{ orders: number; items: number; changes: number }>(
      `select (select count(*)::int from orders where customer_id = $1) as orders,
              (select count(*)::int from order_items where customer_id = $1) as items,
              (select count(*)::int from order_changes where customer_id = $1) as changes`,
      [c],
    );
    assert.deepEqual(left, { orders: 0, items: 0, changes: 0 });
    assert.equal((await admin.call('GET', `/orders/${o.id}`)).statusCode, 404);
  });

  it('enforces permissions: read-only lists, creating needs orders.create, changes orders.edit, recompute orders.manage', async () => {
    const c = await customer('权限');
    const created = (await admin.call('POST', '/orders', order(c))).json();
    const reader = await withRole('reader@kehu.test', ['orders.view']);
    const clerk = await withRole('clerk@kehu.test', ['orders.view', 'orders.create']);
    const nobody = await withRole('nobody@kehu.test', ['customers.view']);

    assert.equal((await reader.call('GET', '/orders')).statusCode, 200);
    assert.equal((await reader.call('GET', `/orders/${created.id}`)).statusCode, 200);
    for (const [who, method, url, body] of [
      [reader, 'POST', '/orders', order(c)],
      [reader, 'POST', `/orders/${created.id}/cancel`, {}],
      [clerk, 'POST', `/orders/${created.id}/refunds`, { amount: '1' }],
      [clerk, 'POST', '/orders/recompute-stats', undefined],
      [nobody, 'GET', '/orders', undefined],
      [nobody, 'GET', `/orders/${created.id}`, undefined],
    ] as const) {
      const res = await who.call(method, url, body);
      assert.equal(res.statusCode, 403, `${method} ${url}`);
      assert.equal(res.json().error.code, 'forbidden');
    }
    const byClerk = await clerk.call('POST', '/orders', order(c));
    assert.equal(byClerk.statusCode, 201);
    assert.equal(byClerk.json().changes[0].actor.name, 'clerk@kehu.test');
    assert.equal((await stats(c)).order_count, 2);
  });
});
