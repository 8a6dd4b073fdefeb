import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseJsonKeepingBigIds } from './json.ts';
import { fenOf, yuan } from './money.ts';
import { chineseCity, chineseProvince } from './regions.ts';
import {
  customerFromShopifyCustomer,
  orderPlan,
  paymentState,
  personName,
  refundOrderId,
  refundPlan,
  ShopifyMappingError,
} from './shopify.ts';

const fixture = (name: string) =>
  parseJsonKeepingBigIds(readFileSync(join(import.meta.dirname, '../fixtures', name), 'utf8')) as Record<
    string,
    unknown
  >;
const ns = 'shopify:jsmith.myshopify.com';

describe('Shopify orders → Kehu orders', () => {
  it("maps Shopify's sample orders/create: items at their price, total_discounts as the discount, shipping left out", () => {
    const plan = orderPlan(fixture('shopify-orders-create.json'), ns);
    assert.equal(plan.externalId, '820982911946154508', 'all 18 digits of the id');
    assert.equal(plan.name, '#9999');
    assert.equal(plan.placedAt, '2022-01-01T00:00:00.000Z');
    assert.deepEqual(plan.items, [
      { sku: 'SKU2006-001', name: 'Aviator sunglasses', quantity: 1, price: '89.99' },
      { sku: 'SKU2006-020', name: 'Mid-century lounger', quantity: 1, price: '159.99' },
      { sku: 'SKU2006-035', name: 'Coffee table', quantity: 1, price: '119.99' },
    ]);
    assert.equal(plan.subtotal, '369.97');
    assert.equal(plan.discount, '20.00');
    assert.equal(plan.paidAmount, '349.97', 'items − discounts; the 10.00 shipping in total_price is not goods');
    assert.equal(plan.payment, 'voided');
    assert.equal(plan.financialStatus, 'voided');
    assert.equal(plan.cancelled, true);
    assert.deepEqual(plan.refunds, []);
  });

  it('names the buyer from the order: Shopify customer id, email, name, the default address', () => {
    const plan = orderPlan(fixture('shopify-orders-create.json'), ns);
    assert.deepEqual(plan.customer, {
      profile: {
        name: 'John Smith',
        email: 'john@example.com',
        country: 'CA',
        province: 'Ontario',
        city: 'Ottawa',
        address: '123 Elm St.',
      },
      ids: [{ kind: 'external', namespace: ns, value: '115310627314723954' }],
      shopifyId: '115310627314723954',
    });
  });

  it('keeps a guest checkout: the order email and the billing name, no external id', () => {
    const order = { ...fixture('shopify-orders-create.json'), customer: null, email: 'guest@example.com' };
    const plan = orderPlan(order, ns);
    assert.deepEqual(plan.customer?.ids, []);
    assert.equal(plan.customer?.profile.email, 'guest@example.com');
    assert.equal(plan.customer?.profile.name, 'Steve Shipper');
    const nobody = orderPlan({ ...order, email: null, contact_email: null }, ns);
    assert.equal(nobody.customer, null);
  });

  it('caps a discount above the items at the items (paid never negative)', () => {
    const order = { ...fixture('shopify-orders-create.json'), total_discounts: '500.00' };
    const plan = orderPlan(order, ns);
    assert.equal(plan.discount, '369.97');
    assert.equal(plan.paidAmount, '0.00');
  });

  it('falls back to current_total_discounts, then to the lines, when total_discounts is absent', () => {
    const base = fixture('shopify-orders-create.json');
    const { total_discounts: _dropped, ...rest } = base;
    assert.equal(orderPlan({ ...rest, current_total_discounts: '5.00' }, ns).discount, '5.00');
    const lines = (base.line_items as Record<string, unknown>[]).map((l, i) => ({
      ...l,
      total_discount: i === 0 ? '3.50' : '0.00',
    }));
    const { current_total_discounts: _c, ...noCurrent } = rest;
    assert.equal(orderPlan({ ...noCurrent, line_items: lines }, ns).discount, '3.50');
  });

  it('gives a line without a SKU one from its variant, and skips lines with quantity 0', () => {
    const base = fixture('shopify-orders-create.json');
    const lines = base.line_items as Record<string, unknown>[];
    const plan = orderPlan(
      {
        ...base,
        line_items: [
          { ...lines[0], sku: '', variant_id: '808950810000000001' },
          { ...lines[1], sku: null, variant_id: null },
          { ...lines[2], quantity: 0 },
        ],
      },
      ns,
    );
    assert.deepEqual(
      plan.items.map((l) => l.sku),
      ['SHOPIFY-808950810000000001', 'SHOPIFY-788032119674292922'],
    );
  });

  it('refuses what it cannot read: no id, a bad date, a bad price', () => {
    const base = fixture('shopify-orders-create.json');
    const reason = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        assert.ok(err instanceof ShopifyMappingError);
        return err.reason;
      }
      return null;
    };
    assert.equal(
      reason(() => orderPlan({ ...base, id: 1.5 }, ns)),
      'no_order_id',
    );
    assert.equal(
      reason(() => orderPlan({ ...base, processed_at: 'yesterday', created_at: null }, ns)),
      'bad_date',
    );
    const lines = base.line_items as Record<string, unknown>[];
    assert.equal(
      reason(() => orderPlan({ ...base, line_items: [{ ...lines[0], price: 'free' }] }, ns)),
      'bad_amount',
    );
  });

  it('acts on financial_status: paid-like states record, pending ones wait, voided never', () => {
    for (const s of ['paid', 'partially_refunded', 'refunded']) assert.equal(paymentState(s), 'paid');
    for (const s of ['pending', 'authorized', 'partially_paid', 'expired', null, undefined])
      assert.equal(paymentState(s), 'unpaid');
    assert.equal(paymentState('voided'), 'voided');
  });

  it('carries the refunds an order already has', () => {
    const refund = fixture('shopify-refunds-create.json');
    const plan = orderPlan({ ...fixture('shopify-orders-create.json'), refunds: [refund] }, ns);
    assert.deepEqual(plan.refunds, [{ refundId: '890088186047892319', amount: '89.99' }]);
  });
});

describe('Shopify refunds', () => {
  it('counts the money its successful refund transactions returned', () => {
    const refund = fixture('shopify-refunds-create.json');
    assert.deepEqual(refundPlan(refund), { refundId: '890088186047892319', amount: '89.99' });
    assert.equal(refundOrderId(refund), '820982911946154508');
  });

  it('ignores failed and pending transactions and other kinds', () => {
    const refund = fixture('shopify-refunds-create.json');
    const t = (refund.transactions as Record<string, unknown>[])[0];
    const transactions = [
      { ...t, amount: '10.00' },
      { ...t, status: 'failure', amount: '50.00' },
      { ...t, status: 'pending', amount: '50.00' },
      { ...t, kind: 'sale', amount: '50.00' },
      { ...t, status: undefined, amount: '1.25' },
    ];
    assert.equal(refundPlan({ ...refund, transactions })?.amount, '11.25');
  });

  it('without transactions, counts the refunded lines’ subtotal (a number in the payload)', () => {
    const refund = fixture('shopify-refunds-create.json');
    const lines = refund.refund_line_items as Record<string, unknown>[];
    const plan = refundPlan({
      ...refund,
      transactions: [],
      refund_line_items: [lines[0], { ...lines[0], subtotal: 159.99 }],
    });
    assert.equal(plan?.amount, '249.98');
  });

  it('has no plan without a refund id', () => {
    assert.equal(refundPlan({ order_id: 1 }), null);
  });
});

describe('Shopify customers', () => {
  it("maps Shopify's sample customers/create", () => {
    assert.deepEqual(customerFromShopifyCustomer(fixture('shopify-customers-create.json'), ns), {
      profile: { name: 'Bob Biller', email: 'bob@biller.com' },
      ids: [{ kind: 'external', namespace: ns, value: '706405506930370084' }],
      shopifyId: '706405506930370084',
    });
  });

  it('writes Chinese names family name first and maps a Chinese address to the region tree', () => {
    const plan = customerFromShopifyCustomer(
      {
        id: 7,
        first_name: '小明',
        last_name: '王',
        phone: '+8613800138000',
        addresses: [
          { address1: '文三路 90 号', city: 'Hangzhou', province: 'Zhejiang', country_code: 'CN', default: false },
          { address1: '南京西路 1 号', city: '静安区', province: 'Shanghai', country_code: 'CN', default: true },
        ],
      },
      ns,
    );
    assert.deepEqual(plan?.profile, {
      name: '王小明',
      mobile: '+8613800138000',
      country: 'CN',
      province: '上海市',
      city: '上海市',
      address: '南京西路 1 号',
    });
  });
});

describe('names, regions and money', () => {
  it('joins names', () => {
    assert.equal(personName('John', 'Smith'), 'John Smith');
    assert.equal(personName('小明', '王'), '王小明');
    assert.equal(personName(null, 'Smith'), 'Smith');
    assert.equal(personName('', null), undefined);
  });

  it('names Chinese provinces and cities as the region tree does', () => {
    assert.equal(chineseProvince('Zhejiang'), '浙江省');
    assert.equal(chineseProvince('ZJ'), '浙江省');
    assert.equal(chineseProvince('CN-GD'), '广东省');
    assert.equal(chineseProvince('Inner Mongolia'), '内蒙古自治区');
    assert.equal(chineseProvince('浙江'), '浙江省');
    assert.equal(chineseProvince('上海市'), '上海市');
    assert.equal(chineseProvince('Atlantis'), null);
    assert.equal(chineseCity('浙江省', '杭州'), '杭州市');
    assert.equal(chineseCity('浙江省', '杭州市'), '杭州市');
    assert.equal(chineseCity('浙江省', 'Hangzhou'), null);
    assert.equal(chineseCity('北京市', 'Beijing'), '北京市');
  });

  it('reads amounts as strings or numbers, rounding a third decimal half up', () => {
    assert.equal(fenOf('89.99'), 8999n);
    assert.equal(fenOf(89.99), 8999n);
    assert.equal(fenOf('155.575'), 15558n);
    assert.equal(fenOf('155.574'), 15557n);
    assert.equal(fenOf('0'), 0n);
    assert.equal(fenOf(1e-7), 0n);
    for (const bad of ['-1', '1,00', '', 'NaN', null, undefined, -0.5, Number.NaN]) assert.equal(fenOf(bad), null);
  });

  it('turns any fen amount into yuan and back', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 14n }), (fen) => {
        assert.equal(fenOf(yuan(fen)), fen);
      }),
    );
  });
});
