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
import { recomputeAllStats } from './index.ts';

type DayRow = { customer_id: string; day: string; order_count: number; amount: string };

describe('orders: the order_days rollup stays equal to a GROUP BY over orders', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let seq = 0;

  async function customer(name: string): Promise<string> {
    const id = randomUUID();
    await kehu.db.query('insert into customers (id, name) values ($1, $2)', [id, name]);
    await kehu.db.query('insert into customer_stats (customer_id) values ($1)', [id]);
    return id;
  }

  async function order(customerId: string, placedAt: string, price = '100.00'): Promise<string> {
    seq += 1;
    const res = await admin.call('POST', '/orders', {
      customerId,
      externalId: `D-${seq}`,
      source: 'pos',
      paidAmount: price,
      placedAt,
      items: [{ sku: 'DAY-1', name: '测试商品', quantity: 1, price }],
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  }

  /** order_days as stored, and as a GROUP BY over the counted orders in the business time zone. */
  async function both(): Promise<{ stored: DayRow[]; expected: DayRow[] }> {
    const stored = await kehu.db.query<DayRow>(
      `select customer_id, day::text, order_count, amount::text from order_days order by 1, 2`,
    );
    const expected = await kehu.db.query<DayRow>(
      `select customer_id, (placed_at at time zone 'Asia/Shanghai')::date::text as day, count(*)::int as order_count,
              sum(paid_amount - refunded_amount)::text as amount
         from orders where status in ('paid', 'partially_refunded') group by 1, 2 order by 1, 2`,
    );
    return { stored, expected };
  }
  async function assertRollup(when: string) {
    const { stored, expected } = await both();
    assert.deepEqual(stored, expected, when);
  }

  before(async () => {
    kehu = await createClockedKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
  });
  after(async () => kehu.close());

  it('follows create (business-time-zone days), batch, cancel, partial and full refund, merge and undo', async () => {
    const a = await customer('甲');
    const b = await customer('乙');
    // 23:30 in Shanghai on 10-01 is 15:30 UTC: the day is 10-01, not the UTC date
    await order(a, '2026-10-01T23:30:00+08:00');
    await order(a, '2026-10-01T15:40:00Z'); // 23:40 Shanghai, same day
    const late = await order(a, '2026-10-01T16:10:00Z'); // 00:10 Shanghai on 10-02
    const rows = await kehu.db.query<DayRow>(
      `select customer_id, day::text, order_count, amount::text from order_days where customer_id = $1 order by day`,
      [a],
    );
    assert.deepEqual(
      rows.map((r) => [r.day, r.order_count, r.amount]),
      [
        ['2026-10-01', 2, '200.00'],
        ['2026-10-02', 1, '100.00'],
      ],
    );
    const batch = await admin.call('POST', '/orders/batch', {
      orders: [1, 2].map((n) => ({
        customerId: b,
        externalId: `BATCH-${n}`,
        source: 'shop',
        paidAmount: '50.00',
        placedAt: '2026-10-03T10:00:00+08:00',
        items: [{ sku: 'DAY-1', quantity: 1, price: '50.00' }],
      })),
    });
    assert.equal(batch.json().created, 2, batch.body);
    await assertRollup('after create');

    const refunded = await order(b, '2026-10-04T09:00:00+08:00', '80.00');
    const partial = await admin.call('POST', `/orders/${refunded}/refunds`, { amount: '30.00' });
    assert.equal(partial.statusCode, 200, partial.body);
    await assertRollup('after a partial refund');
    const full = await admin.call('POST', `/orders/${refunded}/refunds`, { amount: '50.00' });
    assert.equal(full.statusCode, 200, full.body);
    await assertRollup('after a full refund (the day disappears)');
    const cancelled = await admin.call('POST', `/orders/${late}/cancel`, { reason: 'test' });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    await assertRollup('after a cancellation');

    const merged = await admin.call('POST', '/customers/merge', { survivorId: a, mergedId: b });
    assert.equal(merged.statusCode, 200, merged.body);
    await assertRollup('after a merge');
    const days = await kehu.db.query('select 1 from order_days where customer_id = $1', [b]);
    assert.equal(days.length, 0, 'the merged customer keeps no rollup rows');
    const undo = await admin.call('POST', `/customers/merges/${merged.json().merge.id}/undo`);
    assert.equal(undo.statusCode, 200, undo.body);
    await assertRollup('after undoing the merge');
  });

  it('the stats recompute rebuilds a damaged rollup', async () => {
    const c = await customer('丙');
    await order(c, '2026-10-05T12:00:00+08:00');
    await kehu.db.query(`update order_days set order_count = 99`);
    await kehu.db.query(
      `insert into order_days (customer_id, day, order_count, amount) values ($1, '2020-01-01', 1, 1)`,
      [randomUUID()],
    );
    await recomputeAllStats(
      { db: kehu.db, customers: kehu.faces.customers, timeZone: (q) => kehu.platform.settings.timeZone(q) },
      undefined,
      2,
    );
    await assertRollup('after the recompute');
  });
});
