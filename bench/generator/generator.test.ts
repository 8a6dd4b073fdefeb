import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGenerator, fenToYuan, mobilePrefixes, provinces, yuanToFen, type GeneratedOrder } from './index.ts';

// Small sizes: this runs in `npm test`; the benchmark measures speed at scale.
const N = 20_000;
const gen = createGenerator({ seed: 20_251_111 });
const customers = [...gen.customers(N)];
const orders: GeneratedOrder[] = customers.flatMap((c) => gen.ordersOf(c));

describe('data generator', () => {
  it('gives the same data for the same seed, and different data for another', () => {
    const again = createGenerator({ seed: 20_251_111 });
    assert.deepEqual([...again.customers(500)], customers.slice(0, 500));
    assert.deepEqual(
      [...again.orders(500)],
      orders.filter((o) => o.customerIndex < 500),
    );
    // a customer does not depend on the ones before it
    assert.deepEqual(again.customer(12_345), customers[12_345]);
    assert.deepEqual([...again.customers(3, 777)], customers.slice(777, 780));
    const other = createGenerator({ seed: 7 });
    assert.notDeepEqual(other.customer(0), customers[0]);
  });

  it('makes valid, unique +86 mobile numbers with real carrier prefixes', () => {
    const mobiles = customers.map((c) => c.mobile).filter((m): m is string => m !== null);
    assert.ok(mobiles.length > N * 0.85);
    for (const m of mobiles) {
      assert.match(m, /^1[3-9]\d{9}$/);
      assert.ok(mobilePrefixes.includes(m.slice(0, 3)), m);
    }
    assert.equal(new Set(mobiles.map((m) => m.slice(3))).size, mobiles.length);
  });

  it('makes plausible names, emails, birthdays and places', () => {
    const provinceNames = new Set(provinces.map((p) => p.name));
    const emails = new Set<string>();
    for (const c of customers) {
      assert.match(c.name, /^[\u4e00-\u9fff]{2,4}$/);
      assert.ok(provinceNames.has(c.province));
      assert.ok(provinces.find((p) => p.name === c.province)?.cities.some(([city]) => city === c.city));
      if (c.email) {
        assert.match(c.email, /^[a-z0-9._]+@[a-z0-9.]+\.(com|cn)$/);
        assert.ok(!emails.has(c.email), `duplicate ${c.email}`);
        emails.add(c.email);
      }
      if (c.birthday) {
        assert.match(c.birthday, /^\d{4}-\d{2}-\d{2}$/);
        assert.equal(new Date(`${c.birthday}T00:00:00Z`).toISOString().slice(0, 10), c.birthday);
      }
    }
    // 王, 李 and 张 together are roughly a fifth of all people
    const big3 = customers.filter((c) => /^[王李张]/.test(c.name)).length / N;
    assert.ok(big3 > 0.16 && big3 < 0.3, `王/李/张 share ${big3}`);
    const guangdong = customers.filter((c) => c.province === '广东省').length;
    const tibet = customers.filter((c) => c.province === '西藏自治区').length;
    assert.ok(guangdong > tibet * 10);
  });

  it('skews buying: many one-time buyers, a loyal core with most of the spend', () => {
    const perCustomer = new Map<number, { n: number; fen: number }>();
    for (const o of orders) {
      const s = perCustomer.get(o.customerIndex) ?? { n: 0, fen: 0 };
      s.n++;
      s.fen += o.totalFen;
      perCustomer.set(o.customerIndex, s);
    }
    const buyers = [...perCustomer.values()];
    const oneTime = buyers.filter((b) => b.n === 1).length / buyers.length;
    assert.ok(oneTime > 0.45 && oneTime < 0.65, `one-time share ${oneTime}`);
    const spend = buyers.map((b) => b.fen).sort((a, b) => b - a);
    const total = spend.reduce((a, b) => a + b, 0);
    const top20 = spend.slice(0, Math.ceil(spend.length * 0.2)).reduce((a, b) => a + b, 0);
    assert.ok(top20 / total > 0.5, `top 20% of buyers spend ${top20 / total}`);
  });

  it('has seasonality: 双十一 far above an ordinary day, 春节 week below', () => {
    const byDay = new Map<string, number>();
    for (const o of orders) {
      // the business day in Asia/Shanghai
      const day = new Date(Date.parse(o.placedAt) + 8 * 3_600_000).toISOString().slice(0, 10);
      byDay.set(day, (byDay.get(day) ?? 0) + 1);
    }
    const average = orders.length / gen.calendar.days.length;
    const singlesDay = ['2023-11-11', '2024-11-11', '2025-11-11'].reduce((a, d) => a + (byDay.get(d) ?? 0), 0) / 3;
    assert.ok(singlesDay > average * 3, `双十一 ${singlesDay} vs average ${average}`);
    const cnyWeek =
      ['2024-02-11', '2024-02-12', '2024-02-13', '2024-02-14'].reduce((a, d) => a + (byDay.get(d) ?? 0), 0) / 4;
    assert.ok(cnyWeek < average, `春节 ${cnyWeek} vs average ${average}`);
  });

  it('keeps money in integer fen with matching yuan strings', () => {
    for (const o of orders.slice(0, 5000)) {
      const items = o.items.reduce((a, i) => a + i.unitPriceFen * i.quantity, 0);
      assert.equal(o.subtotalFen, items);
      assert.equal(o.totalFen, o.subtotalFen - o.discountFen);
      assert.ok(o.totalFen > 0 && Number.isInteger(o.totalFen));
      assert.equal(yuanToFen(o.total), o.totalFen);
      assert.match(o.total, /^\d+\.\d{2}$/);
      assert.ok(Date.parse(o.placedAt) >= Date.parse(customers[o.customerIndex].createdAt));
    }
    assert.equal(fenToYuan(5), '0.05');
    assert.equal(fenToYuan(-12345), '-123.45');
    assert.equal(yuanToFen('19.9'), 1990);
    assert.throws(() => yuanToFen('1.234'));
    assert.equal(new Set(orders.map((o) => o.orderNo)).size, orders.length);
  });

  it('places stores in several provinces and prices every product', () => {
    assert.ok(new Set(gen.stores.map((s) => s.province)).size >= 5);
    for (const p of gen.products) assert.match(p.price, /^\d+\.00$/);
  });

  it('ends the history on endDate and scales repeat buyers with orderRate', () => {
    const base = createGenerator({ seed: 3, startYear: 2023, years: 4, endDate: '2026-03-31' });
    const dense = createGenerator({ seed: 3, startYear: 2023, years: 4, endDate: '2026-03-31', orderRate: 5 });
    const end = Date.parse('2026-04-01T03:00:00Z'); // the last order may spill a little past midnight
    let baseCount = 0;
    let denseCount = 0;
    const numbers = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const c = dense.customer(i);
      assert.deepEqual(base.customer(i), c);
      assert.ok(Date.parse(c.createdAt) < end);
      const a = base.ordersOf(c);
      const b = dense.ordersOf(c);
      baseCount += a.length;
      denseCount += b.length;
      // one-time buyers and prospects stay; repeat buyers keep at least two orders, and are paced
      // to about one order a week of tenure beyond their kind's minimum
      if (a.length <= 1) assert.equal(b.length, a.length);
      else assert.ok(b.length >= 2);
      const weeks = Math.floor((end - Date.parse(c.createdAt)) / (7 * 86_400_000));
      if (b.length > 5) assert.ok(b.length <= weeks + 2, `${b.length} orders in ${weeks} weeks`);
      for (const o of b) {
        assert.ok(Date.parse(o.placedAt) < end);
        numbers.add(o.orderNo);
      }
    }
    assert.equal(numbers.size, denseCount);
    assert.ok(denseCount > baseCount * 2, `${denseCount} vs ${baseCount}`);
    assert.throws(() => createGenerator({ seed: 3, endDate: '2031-01-01' }), RangeError);
  });
});
