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

type Scored = {
  name: string;
  rfm_recency_days: number | null;
  rfm_frequency: number | null;
  rfm_monetary: string | null;
  r_score: number | null;
  f_score: number | null;
  m_score: number | null;
  rfm_class: string | null;
  rfm_segment: string | null;
  abc_class: string | null;
  value_tier: string | null;
  grade: string | null;
  lifecycle_stage: string | null;
};

/**
 * The reference data set: ten customers, today 2026-11-23 in Shanghai (the test clock is
 * 2026-11-23T08:00Z), default settings (365-day window, quintiles, classes by average, ABC 80/15,
 * lifecycle 90/365/30/5). The right answers below are worked out by hand in the comments.
 */
describe('scoring: RFM, ABC and lifecycle of a hand-made data set (reference)', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  const ids: Record<string, string> = {};
  let seq = 0;

  async function customer(name: string): Promise<string> {
    const id = randomUUID();
    await kehu.db.query('insert into customers (id, name) values ($1, $2)', [id, name]);
    await kehu.db.query('insert into customer_stats (customer_id) values ($1)', [id]);
    ids[name] = id;
    return id;
  }

  async function order(name: string, placedAt: string, amount: string): Promise<string> {
    seq += 1;
    const res = await admin.call('POST', '/orders', {
      customerId: ids[name],
      externalId: `REF-${seq}`,
      source: 'pos',
      paidAmount: amount,
      placedAt,
      items: [{ sku: 'REF-1', name: '参考商品', quantity: 1, price: amount }],
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  }

  /** Every event delivered and every rescore it queued done. */
  async function settled() {
    await until(async () => {
      const [{ n }] = await kehu.db.query<{ n: number }>(
        `select count(*)::int as n from pgboss.job
          where name in ('events.dispatch', 'scoring.rescore-customer') and state < 'completed'`,
      );
      return n === 0;
    }, 'events and rescores');
  }

  async function recompute() {
    const res = await admin.call('POST', '/scoring/recompute');
    assert.equal(res.statusCode, 202, res.body);
    await until(async () => {
      const s = await admin.call('GET', '/scoring/recompute');
      return s.json().status === 'done' ? s.json() : null;
    }, 'the recompute');
  }

  async function scored(): Promise<Record<string, Omit<Scored, 'name'>>> {
    const rows = await kehu.db.query<Scored>(
      `select c.name, s.rfm_recency_days, s.rfm_frequency, s.rfm_monetary::text, s.r_score, s.f_score, s.m_score,
              s.rfm_class, s.rfm_segment, s.abc_class, s.value_tier, s.grade, s.lifecycle_stage
         from customers c join customer_stats s on s.customer_id = c.id`,
    );
    return Object.fromEntries(rows.map(({ name, ...r }) => [name, r]));
  }

  before(async () => {
    kehu = await createClockedKehu({
      KEHU_ADMIN_EMAIL: adminEmail,
      KEHU_ADMIN_PASSWORD: adminPassword,
      KEHU_JOB_POLL_SECONDS: '0.5',
    });
    admin = await signIn(kehu, adminEmail, adminPassword);
    for (const n of ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J']) await customer(n);
    // A: three orders, the last 3 days ago
    await order('A', '2026-11-20T10:00:00+08:00', '1000.00');
    await order('A', '2026-10-01T10:00:00+08:00', '500.00');
    await order('A', '2026-06-01T10:00:00+08:00', '500.00');
    // B and C: a tie, one order of 300 ten days ago each
    await order('B', '2026-11-13T10:00:00+08:00', '300.00');
    await order('C', '2026-11-13T18:00:00+08:00', '300.00');
    // D: six orders of 200 in the window, the last yesterday
    for (const day of ['2026-11-22', '2026-09-01', '2026-07-01', '2026-05-01', '2026-03-01', '2026-01-10'])
      await order('D', `${day}T12:00:00+08:00`, '200.00');
    // E: the window's first day is 2025-11-24. 00:30 on it in Shanghai (16:30 UTC the day before)
    // is inside; 23:30 on 2025-11-23 in Shanghai (the boundary day) is outside.
    await order('E', '2025-11-23T16:30:00Z', '100.00');
    await order('E', '2025-11-23T23:30:00+08:00', '700.00');
    // F: a fully refunded order (counts for nothing, not even recency) and one of 1000 refunded 100
    const full = await order('F', '2026-11-01T10:00:00+08:00', '400.00');
    const partial = await order('F', '2026-08-15T10:00:00+08:00', '1000.00');
    assert.equal((await admin.call('POST', `/orders/${full}/refunds`, { amount: '400.00' })).statusCode, 200);
    assert.equal((await admin.call('POST', `/orders/${partial}/refunds`, { amount: '100.00' })).statusCode, 200);
    // G: no orders. H: only a cancelled order. I: only an order older than the window.
    const cancelled = await order('H', '2026-11-10T10:00:00+08:00', '800.00');
    assert.equal((await admin.call('POST', `/orders/${cancelled}/cancel`, {})).statusCode, 200);
    await order('I', '2024-06-01T10:00:00+08:00', '900.00');
    // J: one small order today
    await order('J', '2026-11-23T09:00:00+08:00', '50.00');
    await settled();
  });
  after(async () => kehu.close());

  it('computes the right RFM values, scores, classes, ABC, lifecycle, value tier and grade', async () => {
    await recompute();
    const s = await scored();
    // In the window: A B C D E F J. Recency [0 1 3 10 10 100 364] → quintile cuts [1 3 10 100];
    // frequency [1 1 1 1 1 3 6] → [1 1 1 3]; spend [50 100 300 300 900 1200 2000] → [100 300 900 1200].
    // Averages: R 488/7 ≈ 69.7 days, F 2, M 4850/7 ≈ 692.86. ABC over 4850: A 2000 (0 % above),
    // D 1200 (41 %), F 900 (66 %) are A; B and C (85 %, a tie) are B; E (97 %) and J (99 %) are C.
    const expected: Record<string, Omit<Scored, 'name'>> = {
      A: row(3, 3, '2000.00', [4, 4, 5], 'important_value', 'champions', 'A', 'active', 'high', 'vip'),
      B: row(10, 1, '300.00', [3, 1, 2], 'general_develop', 'about_to_sleep', 'B', 'new', 'medium', 'active'),
      C: row(10, 1, '300.00', [3, 1, 2], 'general_develop', 'about_to_sleep', 'B', 'new', 'medium', 'active'),
      D: row(1, 6, '1200.00', [5, 5, 4], 'important_value', 'champions', 'A', 'loyal', 'high', 'vip'),
      E: row(364, 1, '100.00', [1, 1, 1], 'general_retain', 'lost', 'C', 'dormant', 'low', 'dormant'),
      F: row(100, 1, '900.00', [2, 1, 3], 'important_retain', 'hibernating', 'A', 'dormant', 'high', 'dormant'),
      G: row(null, 0, '0.00', null, null, null, null, 'prospect', 'low', 'potential'),
      H: row(null, 0, '0.00', null, null, null, null, 'prospect', 'low', 'potential'),
      I: row(null, 0, '0.00', null, null, null, null, 'churned', 'low', 'dormant'),
      J: row(0, 1, '50.00', [5, 1, 1], 'general_develop', 'new_customers', 'C', 'new', 'low', 'active'),
    };
    for (const name of Object.keys(expected)) assert.deepEqual(s[name], expected[name], `customer ${name}`);
  });

  it('rescores one customer when an order arrives, against the last run’s cut points', async () => {
    const before = await kehu.db.query<{ n: number }>(
      `select count(*)::int as n from activities where kind = 'lifecycle.changed'`,
    );
    await order('G', '2026-11-23T12:00:00+08:00', '2500.00');
    await settled();
    const g = (await scored()).G;
    // R 0 → 5; F 1 → 1; M 2500 above every cut → 5; FM 3 → potential loyalist; recent, infrequent,
    // high → important_develop; 2500 ≥ the A cut (900) → A; first order today → new
    assert.deepEqual(
      g,
      row(0, 1, '2500.00', [5, 1, 5], 'important_develop', 'potential_loyalist', 'A', 'new', 'high', 'vip'),
    );
    const history = await admin.call('GET', `/customers/${ids.G}/lifecycle`);
    assert.equal(history.statusCode, 200, history.body);
    assert.deepEqual(
      history.json().items.map((i: { fromStage: string | null; toStage: string }) => [i.fromStage, i.toStage]),
      [
        ['prospect', 'new'],
        [null, 'prospect'],
      ],
    );
    const after = await kehu.db.query<{ n: number }>(
      `select count(*)::int as n from activities where kind = 'lifecycle.changed'`,
    );
    assert.equal(after[0].n, before[0].n + 1, 'one timeline row for the transition');
    const events = await kehu.db.query<{ payload: { fromStage: string; toStage: string } }>(
      `select payload from outbox where type = 'lifecycle.changed' and customer_id = $1`,
      [ids.G],
    );
    assert.deepEqual(
      events.map((e) => [e.payload.fromStage, e.payload.toStage]),
      [['prospect', 'new']],
    );
  });

  it('answers the reports: matrix, ABC with its Pareto curve, distribution, flows, the Customer 360', async () => {
    const matrix = (await admin.call('GET', '/scoring/rfm/matrix')).json();
    const cell = matrix.cells.find((c: { r: number; f: number }) => c.r === 3 && c.f === 1);
    assert.deepEqual(cell, { r: 3, f: 1, customers: 2, avgMonetary: '300.00' });
    assert.equal(matrix.classes.find((c: { code: string }) => c.code === 'important_value').customers, 2);

    const abc = (await admin.call('GET', '/scoring/abc')).json();
    assert.deepEqual(
      abc.classes.map((c: { class: string; customers: number; revenue: string }) => [c.class, c.customers, c.revenue]),
      [
        ['A', 4, '6600.00'],
        ['B', 2, '600.00'],
        ['C', 2, '150.00'],
      ],
    );
    assert.ok(abc.curve.length <= 101);
    assert.deepEqual(abc.curve[0], { customerShare: 0, revenueShare: 0 });
    assert.deepEqual(abc.curve.at(-1), { customerShare: 1, revenueShare: 1 });

    const dist = (await admin.call('GET', '/scoring/distribution')).json();
    assert.deepEqual(
      Object.fromEntries(dist.lifecycle.map((x: { value: string; customers: number }) => [x.value, x.customers])),
      { active: 1, churned: 1, dormant: 2, loyal: 1, new: 4, prospect: 1 },
    );
    const flows = (await admin.call('GET', '/scoring/lifecycle/flows?months=3')).json();
    assert.deepEqual(flows.items, [{ month: '2026-11', from: 'prospect', to: 'new', customers: 1 }]);

    const c360 = (await admin.call('GET', `/customers/${ids.A}`)).json();
    assert.equal(c360.scores.rfmSegment, 'champions');
    assert.equal(c360.scores.monetary, '2000.00');
    const list = await admin.call('GET', '/customers?lifecycleStage=dormant&lifecycleStage=churned&limit=50');
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(
      list
        .json()
        .items.map((i: { name: string }) => i.name)
        .sort(),
      ['E', 'F', 'I'],
    );
    const byScore = await admin.call('GET', '/customers?rScore=5&abcClass=A&limit=50');
    assert.deepEqual(
      byScore
        .json()
        .items.map((i: { name: string }) => i.name)
        .sort(),
      ['D', 'G'],
    );
  });

  it('validates settings (422 naming the field), applies thresholds, and checks permissions', async () => {
    const bad = await admin.call('PUT', '/scoring/settings/lifecycle', {
      activeDays: 90,
      dormantDays: 400,
      churnedDays: 365,
      newDays: 30,
      loyalOrders: 5,
      loyalWindowDays: 365,
    });
    assert.equal(bad.statusCode, 422, bad.body);
    assert.equal(bad.json().error.fields[0].field, 'dormantDays');
    const noCuts = await admin.call('PUT', '/scoring/settings/rfm', {
      windowDays: 365,
      method: 'thresholds',
      classBy: 'average',
    });
    assert.equal(noCuts.statusCode, 422, noCuts.body);
    assert.equal(noCuts.json().error.fields[0].field, 'thresholds');
    const badRule = await admin.call('PUT', '/scoring/settings/grades', {
      rules: [{ value: 'vip', rules: { version: 1, and: [{ field: 'nope', op: 'eq', value: 1 }] } }],
    });
    assert.equal(badRule.statusCode, 422, badRule.body);
    assert.match(badRule.json().error.fields[0].field, /^rules\.0\.rules/);

    const ok = await admin.call('PUT', '/scoring/settings/rfm', {
      windowDays: 365,
      method: 'thresholds',
      thresholds: { r: [7, 30, 90, 180], f: [1, 2, 3, 5], m: [100, 500, 1000, 2000] },
      classBy: 'thresholds',
      classThresholds: { r: 30, f: 2, m: 1000 },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().rfm.method, 'thresholds');
    await recompute();
    const a = (await scored()).A;
    // R 3 ≤ 7 → 5; F 3 → 3; M 2000 → 4 (cuts below: 100, 500, 1000); recent, frequent, high
    assert.deepEqual([a.r_score, a.f_score, a.m_score, a.rfm_class], [5, 3, 4, 'important_value']);

    const role = await admin.call('POST', '/roles', { name: 'scoring viewer', permissions: ['scoring.view'] });
    assert.equal(role.statusCode, 201, role.body);
    const password = 'scoring viewer password 1';
    const user = await admin.call('POST', '/users', {
      name: 'viewer',
      email: 'viewer@kehu.test',
      password,
      roleIds: [role.json().id],
    });
    assert.equal(user.statusCode, 201, user.body);
    const viewer = await signIn(kehu, 'viewer@kehu.test', password);
    assert.equal((await viewer.call('GET', '/scoring/settings')).statusCode, 200);
    assert.equal((await viewer.call('POST', '/scoring/recompute')).statusCode, 403);
    assert.equal((await viewer.call('PUT', '/scoring/settings/abc', { a: 70, b: 20 })).statusCode, 403);
    assert.equal((await admin.call('GET', `/customers/${randomUUID()}/lifecycle`)).statusCode, 404);

    // a deleted customer's stage history goes with them
    const del = await admin.call('DELETE', `/customers/${ids.H}?confirm=true`);
    assert.equal(del.statusCode, 204, del.body);
    await until(async () => {
      const rows = await kehu.db.query('select 1 from lifecycle_changes where customer_id = $1', [ids.H]);
      return rows.length === 0;
    }, 'the history removed');
  });
});

function row(
  recency: number | null,
  frequency: number,
  monetary: string,
  scores: [number, number, number] | null,
  rfmClass: string | null,
  rfmSegment: string | null,
  abcClass: string | null,
  stage: string,
  valueTier: string,
  grade: string,
): Omit<Scored, 'name'> {
  return {
    rfm_recency_days: recency,
    rfm_frequency: frequency,
    rfm_monetary: monetary,
    r_score: scores?.[0] ?? null,
    f_score: scores?.[1] ?? null,
    m_score: scores?.[2] ?? null,
    rfm_class: rfmClass,
    rfm_segment: rfmSegment,
    abc_class: abcClass,
    value_tier: valueTier,
    grade,
    lifecycle_stage: stage,
  };
}
