import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openIdentity, blindIndexOf } from '../server/src/modules/customers/identities.ts';
import { createFieldEncryption } from '../server/src/platform/crypto/encryption.service.ts';
import { loadMasterKey } from '../server/src/platform/crypto/master-key.ts';
import { openDb } from '../server/src/platform/db/open.ts';
import type { Jobs } from '../server/src/platform/jobs/jobs.service.ts';
import { BENCH_MASTER_KEY, ensureSeeded, existingSeed } from './lib/customers-seed.ts';
import { customersSeedScenario, seedPlan } from './scenarios/customers-seed.ts';
import { customersScenario } from './scenarios/customers.ts';

// The issue-4 benchmark (`npm run bench -- customers-seed customers`) measures; nothing here times anything.
describe('customers benchmark', () => {
  it('is wired into `npm run bench` and runs only when named', () => {
    const run = readFileSync(join(import.meta.dirname, 'run.ts'), 'utf8');
    for (const s of [customersSeedScenario, customersScenario]) {
      assert.equal(typeof s.run, 'function');
      assert.equal(s.onlyWhenNamed, true, `${s.name} takes long: only when named`);
    }
    assert.equal(customersSeedScenario.name, 'customers-seed');
    assert.equal(customersScenario.name, 'customers');
    assert.match(run, /customersSeedScenario,\s*customersScenario/);
  });

  const dir = mkdtempSync(join(tmpdir(), 'kehu-bench-seed-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('seeds what the application would have written, consistently, and reuses it', async () => {
    const plan = { ...seedPlan(150), customers: 150, vipActivities: 300 };
    const target = { kind: 'pglite' as const, dataDir: dir };
    const { report, reused } = await ensureSeeded(target, plan, () => undefined);
    assert.equal(reused, false);
    assert.equal(report.counts.customers, 150);
    assert.equal(report.counts.customer_stats, 150);
    assert.ok(report.counts.orders > 150 * 5, `about ten orders a customer, got ${report.counts.orders}`);
    assert.equal(report.counts.order_changes, report.counts.orders);
    assert.equal(report.vip.activities, 300);

    const db = await openDb({ dataDir: dir });
    try {
      // aggregates agree with the orders; amounts with the items
      const [bad] = await db.query<{ stats: number; amounts: number; timeline: number }>(`
        select
          (select count(*)::int from customer_stats s left join (
              select customer_id, count(*) as n, sum(paid_amount) as spent, max(placed_at) as last
                from orders where status in ('paid', 'partially_refunded') group by customer_id) o
              on o.customer_id = s.customer_id
            where s.order_count <> coalesce(o.n, 0) or s.total_spent <> coalesce(o.spent, 0)
               or s.last_order_at is distinct from o.last) as stats,
          (select count(*)::int from orders o
            where o.subtotal <> (select sum(amount) from order_items i where i.order_id = o.id)
               or o.paid_amount <> o.subtotal - o.discount) as amounts,
          (select count(*)::int from orders o
            where not exists (select 1 from activities a where a.ref = o.id::text and a.kind = 'order.created')) as timeline`);
      assert.deepEqual(bad, { stats: 0, amounts: 0, timeline: 0 });
      const [{ n }] = await db.query<{ n: number }>(
        'select count(*)::int as n from activities where customer_id = $1',
        [report.vip.id],
      );
      assert.equal(n, 300);

      // identifiers open with the key ring Kehu will load, and the blind index finds them
      const crypto = await createFieldEncryption({
        db,
        master: loadMasterKey({ masterKey: BENCH_MASTER_KEY, dataDir: dir }),
        jobs: { define: () => undefined } as unknown as Jobs,
      });
      const [c] = await db.query<{ id: string; mobile_enc: string; mobile_bidx: string; name_terms: string[] }>(
        'select id, mobile_enc, mobile_bidx, name_terms from customers where mobile_enc is not null limit 1',
      );
      const mobile = openIdentity(crypto, 'mobile', c.mobile_enc, c.id);
      assert.match(mobile, /^\+861\d{10}$/);
      assert.equal(blindIndexOf(crypto, 'mobile', mobile), c.mobile_bidx);
      assert.ok(c.name_terms.length > 0);

      // every key and index the migrations define is back after the load
      const [{ indexes }] = await db.query<{ indexes: number }>(
        `select count(*)::int as indexes from pg_indexes where tablename in ('customers', 'orders', 'activities')`,
      );
      assert.ok(indexes >= 27, `indexes rebuilt: ${indexes}`);
    } finally {
      await db.close();
    }
    assert.ok(await existingSeed(target, plan), 'a second run reuses the seeded data');
  });
});
