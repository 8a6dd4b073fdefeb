import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestKehu, type TestKehu } from '../../test/harness.ts';
import { demoPassword, demoUsers, loadDemo } from './demo.ts';
import { demoCustomerCount } from './demo-customers.ts';
import { createStaffModule } from '../modules/staff/index.ts';
import { createCustomersFace } from '../modules/customers/customers.face.ts';
import { createCustomersSeeder } from '../modules/customers/customers.seed.ts';
import { blindIndexOf, normaliseEmail, normaliseMobile, openIdentity } from '../modules/customers/identities.ts';
import { nameTermsOf } from '../modules/customers/name-search.ts';
import { createOrdersSeeder } from '../modules/orders/orders.seed.ts';

describe('demo business', () => {
  let kehu: TestKehu;
  // one load for the whole file: the demo business with ~5,000 customers and ~50,000 orders
  before(async () => {
    // no workers: the test is about what the loader writes, not the first scoring and segment
    // refreshes it queues (they would still be running when the test closes the database)
    kehu = await createTestKehu({ KEHU_DEMO: '1', KEHU_WORKERS: '0' });
  });
  const one = async <T>(text: string, params: unknown[] = []) => (await kehu.db.query<T>(text, params))[0];
  const count = async (text: string, params: unknown[] = []) => (await one<{ n: number }>(text, params)).n;
  const banner = () => kehu.startupNotes.join('\n');
  after(async () => kehu.close());

  it('prints a sign-in for every built-in role at start-up', () => {
    const notes = kehu.startupNotes.join('\n');
    for (const u of demoUsers) assert.ok(notes.includes(u.email), `${u.email} missing from the banner`);
    assert.ok(notes.includes(demoPassword));
  });

  it('lets each demo user sign in with the permissions of their role', async () => {
    for (const u of demoUsers) {
      const login = await kehu.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: u.email, password: demoPassword },
      });
      assert.equal(login.statusCode, 200, `${u.email}: ${login.body}`);
      const me = login.json().user;
      assert.deepEqual(
        me.roles.map((r: { key: string }) => r.key),
        u.roles,
      );
      assert.equal(me.permissions.includes('staff.manage'), u.roles.includes('admin'));
    }
  });

  it('builds the department tree and names the business', async () => {
    const names = (await kehu.db.query<{ name: string }>('SELECT name FROM departments')).map((r) => r.name);
    for (const n of ['市场部', '销售部', '网销部', '客服部', '售后部']) assert.ok(names.includes(n), n);
    assert.equal((await kehu.platform.settings.getPublic()).businessName, '悦享生活（演示）');
  });

  it('changes nothing when loaded again', async () => {
    const counts = () =>
      one(
        `SELECT (SELECT count(*) FROM users) AS u, (SELECT count(*) FROM departments) AS d,
                (SELECT count(*) FROM customers) AS c, (SELECT count(*) FROM orders) AS o,
                (SELECT count(*) FROM activities) AS a, (SELECT count(*) FROM touchpoints) AS t,
                (SELECT count(*) FROM products) AS p`,
      );
    const before = await counts();
    const now = () => new Date();
    const staff = createStaffModule({ db: kehu.db, audit: kehu.platform.audit, now });
    const customers = { seeder: createCustomersSeeder({ crypto: kehu.platform.crypto }) };
    const orders = {
      seeder: createOrdersSeeder({
        customers: createCustomersFace({
          collector: () => Promise.reject(new Error('the demo collects nothing')),
          crypto: kehu.platform.crypto,
        }),
        timeZone: (q) => kehu.platform.settings.timeZone(q),
      }),
    };
    const notes = await loadDemo({
      staff,
      settings: kehu.platform.settings,
      business: { db: kehu.db, customers, orders, now },
    });
    assert.ok(notes.includes('demo customers present'));
    assert.deepEqual(await counts(), before);
  });

  it('has about 5,000 customers and 50,000 orders over three years, up to yesterday', async () => {
    assert.equal(await count('select count(*)::int as n from customers'), demoCustomerCount);
    const orders = await count('select count(*)::int as n from orders');
    assert.ok(orders >= 40_000 && orders <= 60_000, `${orders} orders`);
    const span = await one<{ first: Date; last: Date }>(
      'select min(placed_at) as first, max(placed_at) as last from orders',
    );
    assert.ok(span.last.getTime() <= Date.now());
    assert.ok(Date.now() - span.last.getTime() < 3 * 86_400_000, 'orders up to the last day');
    assert.ok(span.last.getTime() - span.first.getTime() > 3 * 365 * 86_400_000, 'three years and more');
    const statuses = await kehu.db.query<{ status: string; n: number }>(
      'select status, count(*)::int as n from orders group by status',
    );
    const share = (s: string) => (statuses.find((r) => r.status === s)?.n ?? 0) / orders;
    assert.ok(share('paid') > 0.85);
    for (const s of ['cancelled', 'refunded', 'partially_refunded']) assert.ok(share(s) > 0.005 && share(s) < 0.06, s);
    assert.ok(banner().includes('demo customers loaded'));
  });

  it('has the skew of a real brand: most buy at most once, a loyal core buys again and again', async () => {
    const dist = await one<{ at_most_once: number; none: number; max: number; loyal: number }>(
      `select count(*) filter (where order_count <= 1)::int as at_most_once,
              count(*) filter (where order_count = 0)::int as none,
              max(order_count)::int as max, count(*) filter (where order_count >= 20)::int as loyal
         from customer_stats`,
    );
    assert.ok(dist.at_most_once > demoCustomerCount / 2, `${dist.at_most_once} buy at most once`);
    assert.ok(dist.none > 0);
    assert.ok(dist.max >= 50, `the most loyal bought ${dist.max} times`);
    assert.ok(dist.loyal >= 100 && dist.loyal < demoCustomerCount / 4, `${dist.loyal} loyal`);
  });

  // counted orders are neither cancelled nor fully refunded; spent = paid − refunded; any order is a sighting
  it("keeps every customer's aggregates equal to what their orders imply", async () => {
    assert.equal(
      await count(
        'select count(*)::int as n from customers c where not exists (select 1 from customer_stats s where s.customer_id = c.id)',
      ),
      0,
    );
    const wrong = await count(
      `select count(*)::int as n
         from customer_stats s
         left join (select customer_id,
                           count(*) filter (where status in ('paid', 'partially_refunded')) as n,
                           coalesce(sum(paid_amount - refunded_amount)
                                      filter (where status in ('paid', 'partially_refunded')), 0) as spent,
                           min(placed_at) filter (where status in ('paid', 'partially_refunded')) as first,
                           max(placed_at) filter (where status in ('paid', 'partially_refunded')) as last,
                           max(placed_at) as seen
                      from orders group by customer_id) o on o.customer_id = s.customer_id
        where s.order_count <> coalesce(o.n, 0)
           or s.total_spent <> coalesce(o.spent, 0)
           or s.average_order_value <> case when coalesce(o.n, 0) > 0 then round(o.spent / o.n, 2) else 0 end
           or s.first_order_at is distinct from o.first
           or s.last_order_at is distinct from o.last
           or s.last_seen_at is distinct from o.seen`,
    );
    assert.equal(wrong, 0);
  });

  it('adds up every order: lines, discount, paid, refunds, history and timeline', async () => {
    const bad = await count(
      `select count(*)::int as n
         from orders o
         left join (select order_id, sum(amount) as amount, count(*) as lines,
                           count(*) filter (where amount <> quantity * price or quantity < 1) as wrong
                      from order_items group by order_id) i on i.order_id = o.id
        where i.order_id is null or i.wrong > 0 or i.amount <> o.subtotal
           or o.paid_amount <> o.subtotal - o.discount or o.paid_amount <= 0 or o.discount < 0
           or (o.status = 'refunded' and o.refunded_amount <> o.paid_amount)
           or (o.status = 'partially_refunded' and not (o.refunded_amount > 0 and o.refunded_amount < o.paid_amount))
           or (o.status in ('paid', 'cancelled') and o.refunded_amount <> 0)
           or o.store_id is null or o.placed_at < (select created_at from customers c where c.id = o.customer_id)`,
    );
    assert.equal(bad, 0);
    // nothing orphaned (the load trusts its own references, so prove them)
    for (const [child, parent, key] of [
      ['orders', 'customers', 'o.customer_id'],
      ['order_items', 'orders', 'o.order_id'],
      ['order_changes', 'orders', 'o.order_id'],
      ['activities', 'customers', 'o.customer_id'],
    ]) {
      const n = await count(
        `select count(*)::int as n from ${child} o where not exists (select 1 from ${parent} p where p.id = ${key})`,
      );
      assert.equal(n, 0, `${child} without ${parent}`);
    }
    assert.equal(
      await count(`select count(*)::int as n from orders o where not exists
                     (select 1 from order_changes c where c.order_id = o.id and c.kind = 'created' and c.amount = o.paid_amount)`),
      0,
    );
    assert.equal(
      await count(`select count(*)::int as n from orders o where o.status <> 'paid' and not exists
                     (select 1 from order_changes c where c.order_id = o.id and c.kind <> 'created' and c.at >= o.placed_at)`),
      0,
    );
    const timeline = await one<{ created: number; orders: number; notes: number; customers: number }>(
      `select (select count(*) from activities where kind = 'order.created')::int as created,
              (select count(*) from orders)::int as orders,
              (select count(*) from activities where kind = 'note.added' and length(summary->>'text') > 5)::int as notes,
              (select count(*) from activities where kind = 'customer.created')::int as customers`,
    );
    assert.equal(timeline.created, timeline.orders);
    assert.equal(timeline.customers, demoCustomerCount);
    assert.ok(timeline.notes >= 200 && timeline.notes <= 1_500, `${timeline.notes} notes`);
  });

  it('encrypts identities as the app does: a mobile decrypts to a valid E.164 number and is found by its blind index', async () => {
    const rows = await kehu.db.query<{ id: string; mobile_enc: string; mobile_bidx: string; email_enc: string | null }>(
      'select id, mobile_enc, mobile_bidx, email_enc from customers where mobile_enc is not null order by id limit 50',
    );
    assert.equal(rows.length, 50);
    const crypto = kehu.platform.crypto;
    for (const r of rows) {
      const mobile = openIdentity(crypto, 'mobile', r.mobile_enc, r.id);
      assert.match(mobile, /^\+861[3-9]\d{9}$/);
      assert.equal(normaliseMobile(mobile), mobile);
      assert.equal(r.mobile_bidx, blindIndexOf(crypto, 'mobile', mobile));
      if (r.email_enc) {
        const email = openIdentity(crypto, 'email', r.email_enc, r.id);
        assert.equal(normaliseEmail(email), email);
      }
      // the token is bound to its row
      assert.throws(() => openIdentity(crypto, 'mobile', r.mobile_enc, rows[(rows.indexOf(r) + 1) % rows.length].id));
    }
    const share = await one<{ mobile: number; email: number; wechat: number; address: number }>(
      `select count(mobile_enc)::int as mobile, count(email_enc)::int as email,
              count(wechat_open_id_enc)::int as wechat, count(address_enc)::int as address from customers`,
    );
    assert.ok(share.mobile > demoCustomerCount * 0.85);
    assert.ok(share.email > 0 && share.wechat > 0 && share.address > 0);
    assert.equal(
      await count('select count(*)::int as n from customers where mobile_bidx is not null and mobile_enc is null'),
      0,
    );
    // names carry their search terms
    const named = await kehu.db.query<{ name: string; name_terms: string[] }>(
      'select name, name_terms from customers order by id limit 20',
    );
    for (const c of named) assert.deepEqual(c.name_terms, nameTermsOf(c.name));
  });

  it('registers a touchpoint for every store and online shop, and points customers and orders at them', async () => {
    const types = await kehu.db.query<{ type: string; n: number }>(
      'select type, count(*)::int as n from touchpoints group by type',
    );
    const n = (t: string) => types.find((r) => r.type === t)?.n ?? 0;
    assert.ok(n('store') >= 10);
    for (const t of ['website', 'wechat_official_account', 'mini_program', 'email', 'after_sales', 'event'])
      assert.ok(n(t) >= 1, t);
    assert.ok(n('ecommerce_store') >= 3);
    // stores sit in several provinces
    assert.ok((await count(`select count(distinct province)::int as n from touchpoints where type = 'store'`)) >= 5);
    // a store order names a store, an online order its shop; the channel is the source
    assert.equal(
      await count(
        `select count(*)::int as n from orders o join touchpoints t on t.id = o.store_id
          where (o.source = 'store') <> (t.type = 'store')`,
      ),
      0,
    );
    // every store sells
    assert.equal(
      await count(
        `select count(*)::int as n from touchpoints t
          where t.type = 'store' and not exists (select 1 from orders o where o.store_id = t.id)`,
      ),
      0,
    );
    const store = await one<{ n: number }>(
      `select count(*)::int as n from customers c join touchpoints t on t.id = c.touchpoint_id
        where c.source = 'store' and t.type = 'store'`,
    );
    assert.equal(store.n, await count(`select count(*)::int as n from customers where source = 'store'`));
  });

  it('spreads customers over the sales staff, with tags, custom attributes and a product catalogue', async () => {
    const owners = await kehu.db.query<{ email: string | null; n: number }>(
      `select u.email, count(*)::int as n from customers c left join users u on u.id = c.owner_id group by u.email`,
    );
    const owned = (e: string | null) => owners.find((o) => o.email === e)?.n ?? 0;
    assert.ok(owned('sales@demo.kehu.cn') > 500);
    assert.ok(owned('online@demo.kehu.cn') > 500);
    assert.ok(owned(null) > 0 && owned(null) < demoCustomerCount / 4);

    const tags = await kehu.db.query<{ name: string; n: number }>(
      `select t.name, (select count(*) from customers c where c.tags @> array[t.name])::int as n from customer_tags t`,
    );
    assert.ok(tags.length >= 7);
    for (const t of tags) assert.ok(t.n >= 50 && t.n <= demoCustomerCount * 0.2, `${t.name}: ${t.n}`);
    assert.equal((await count(`select count(*)::int as n from customers where cardinality(tags) > 0`)) > 1_000, true);

    const defs = await kehu.db.query<{ key: string; type: string; options: { value: string }[] }>(
      'select key, type, options from customer_attribute_definitions',
    );
    assert.deepEqual(defs.map((d) => d.key).sort(), ['annual_budget', 'member_card_no', 'pets', 'skin_type']);
    for (const d of defs) {
      const values = await kehu.db.query<{ v: unknown }>(
        'select attributes -> $1::text as v from customers where attributes ? $1::text',
        [d.key],
      );
      assert.ok(values.length >= 100, `${d.key}: ${values.length}`);
      const allowed = new Set(d.options.map((o) => o.value));
      for (const { v } of values) {
        if (d.type === 'number') assert.equal(typeof v, 'number');
        else if (d.type === 'text') assert.equal(typeof v, 'string');
        else if (d.type === 'choice') assert.ok(allowed.has(v as string), String(v));
        else for (const x of v as string[]) assert.ok(allowed.has(x), x);
      }
    }

    const catalogue = await one<{ products: number; top: number; leaves: number }>(
      `select (select count(*) from products)::int as products,
              (select count(*) from product_categories where parent_id is null)::int as top,
              (select count(*) from product_categories c where not exists
                 (select 1 from product_categories k where k.parent_id = c.id))::int as leaves`,
    );
    assert.ok(catalogue.products >= 30 && catalogue.top >= 4 && catalogue.leaves > catalogue.top);
    assert.equal(await count('select count(*)::int as n from products where category_id is null'), 0);
  });
});
