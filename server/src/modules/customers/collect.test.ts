import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  adminEmail,
  adminPassword,
  createClockedKehu,
  signIn,
  type ClockedKehu,
  type Session,
} from '../../../test/auth-fixtures.ts';
import type { CollectedCustomer, CollectFailure, CollectResult, Collector } from './index.ts';

/**
 * The collector is what the tracking API, forms, webhooks and imports write customers through;
 * these tests drive it as those modules do and read the result back through the customers API.
 */
describe('customers: collecting a customer from outside (match, create, fill, overwrite)', () => {
  let kehu: ClockedKehu;
  let admin: Session;
  let collector: Collector;

  const collect = (input: Partial<CollectedCustomer> & Pick<CollectedCustomer, 'profile'>) =>
    kehu.db.transaction((tx) => collector.resolve(tx, { onMatch: 'fillEmpty', source: 'import', ...input }));
  const customer = async (id: string) => (await admin.call('GET', `/customers/${id}`)).json();

  before(async () => {
    kehu = await createClockedKehu({ KEHU_ADMIN_EMAIL: adminEmail, KEHU_ADMIN_PASSWORD: adminPassword });
    admin = await signIn(kehu, adminEmail, adminPassword);
    collector = await kehu.faces.customers.collector();
  });
  after(() => kehu.close());

  it('creates a customer the first time and finds the same one by mobile in any format', async () => {
    const first = await collect({ profile: { name: '林小雨', mobile: '138 0013 8000', city: null } });
    assert.equal(first.outcome, 'created');
    assert.equal(first.matchedBy, null);
    const again = await collect({ profile: { mobile: '+86 13800138000', email: 'LIN@example.com' } });
    assert.equal(again.customerId, first.customerId);
    assert.equal(again.matchedBy, 'mobile');
    assert.equal(again.outcome, 'updated');
    assert.deepEqual(again.changed, ['email']);
    const c = await customer(first.customerId);
    assert.equal(c.name, '林小雨');
    assert.equal(c.source, 'import');
    assert.match(c.email, /\*/, 'identities stay masked in the API');
  });

  it('fills only empty fields, or overwrites when asked; the same data twice changes nothing', async () => {
    const { customerId } = await collect({ profile: { name: '周一', email: 'zhou@example.com', occupation: '教师' } });
    const fill = await collect({ profile: { email: 'zhou@example.com', occupation: '医生', education: '本科' } });
    assert.deepEqual(fill.changed, ['education']);
    assert.equal((await customer(customerId)).occupation, '教师');
    const same = await collect({ profile: { email: 'zhou@example.com', occupation: '医生', education: '本科' } });
    assert.equal(same.outcome, 'unchanged');
    const over = await collect({ profile: { email: 'zhou@example.com', occupation: '医生' }, onMatch: 'overwrite' });
    assert.deepEqual(over.changed, ['occupation']);
    assert.equal((await customer(customerId)).occupation, '医生');
    const skip = await collect({ profile: { email: 'zhou@example.com', occupation: '律师' }, onMatch: 'skip' });
    assert.equal(skip.outcome, 'skipped');
    assert.equal((await customer(customerId)).occupation, '医生');
  });

  it('links external ids and member cards and matches on them later; a made-up name gives way to a real one', async () => {
    const ids = [{ kind: 'external' as const, namespace: 'shopify:demo', value: '820982911946154508' }];
    const created = await collect({ profile: { email: 'jon@example.com' }, ids, source: 'shopify' });
    assert.equal((await customer(created.customerId)).name, 'jon', 'named from the email until a name arrives');
    const byId = await collect({ profile: { name: 'Jon Snow' }, ids, source: 'shopify' });
    assert.equal(byId.customerId, created.customerId);
    assert.equal(byId.matchedBy, 'external:shopify:demo');
    assert.equal((await customer(created.customerId)).name, 'Jon Snow');
    assert.equal(await kehu.faces.customers.findByIdentity(kehu.db, ids[0]), created.customerId);
    const otherShop = await collect({
      profile: { name: 'Someone else' },
      ids: [{ ...ids[0], namespace: 'shopify:other' }],
    });
    assert.notEqual(otherShop.customerId, created.customerId, 'the same number in another namespace is another person');
  });

  it('never merges: identifiers of two different customers are reported as a conflict', async () => {
    const a = await collect({ profile: { name: 'A', mobile: '13900000001' } });
    const b = await collect({ profile: { name: 'B', email: 'b@example.com' } });
    const both = await collect({ profile: { mobile: '13900000001', email: 'b@example.com', city: null } });
    assert.equal(both.customerId, a.customerId, 'the mobile is the stronger identifier');
    assert.deepEqual(both.conflicts, [b.customerId]);
    assert.equal((await customer(a.customerId)).email, null, "B's email is not copied onto A");
  });

  it('lenient collectors drop bad fields and keep the rest; strict ones get the API 422', async () => {
    const lenient = await collect({
      profile: {
        name: '宽松',
        mobile: 'not a phone',
        email: 'ok@example.com',
        birthday: '2999-01-01',
        province: '火星',
      },
      lenient: true,
    });
    assert.equal(lenient.outcome, 'created');
    assert.deepEqual(lenient.dropped.map((d) => d.field).sort(), ['birthday', 'mobile', 'province']);
    const c = await customer(lenient.customerId);
    assert.equal(c.birthday, null);
    assert.notEqual(c.email, null);

    await assert.rejects(
      collect({ profile: { name: '严格', mobile: 'not a phone', birthday: '2999-01-01' } }),
      (err: { kind: string; fields?: { field: string }[]; field?: string }) => {
        assert.equal(err.kind, 'invalid');
        const fields = [err.field, ...(err.fields ?? []).map((f) => f.field)].sort();
        assert.deepEqual(fields, ['birthday', 'mobile']);
        return true;
      },
    );
  });

  it('writes the timeline and keeps the caller transaction whole when it rolls back', async () => {
    const { customerId } = await collect({
      profile: { name: '时间线', email: 'tl@example.com' },
      summary: { form: '春季' },
    });
    const timeline = (await admin.call('GET', `/customers/${customerId}/timeline`)).json();
    const created = timeline.items.find((i: { kind: string }) => i.kind === 'customer.created');
    assert.equal(created.summary.source, 'import');
    assert.equal(created.summary.form, '春季');

    await assert.rejects(
      kehu.db.transaction(async (tx) => {
        await collector.resolve(tx, {
          profile: { name: '回滚', email: 'rollback@example.com' },
          onMatch: 'fillEmpty',
          source: 'x',
        });
        throw new Error('the caller failed after collecting');
      }),
    );
    assert.equal(await collector.match(kehu.db, { profile: { email: 'rollback@example.com' } }), null);
  });

  it('two collectors creating the same person at once end with one customer', async () => {
    const ids = [{ kind: 'external' as const, namespace: 'tracking', value: 'user-42' }];
    const results = await Promise.all([
      collect({ profile: { name: '并发' }, ids }),
      collect({ profile: { name: '并发' }, ids }),
    ]);
    assert.equal(results[0].customerId, results[1].customerId);
    assert.deepEqual(results.map((r) => r.outcome).sort(), ['created', 'unchanged']);
  });

  it('resolveMany writes a chunk as resolve would row by row: new rows together, matched ones in one update', async () => {
    const many = (inputs: (Partial<CollectedCustomer> & Pick<CollectedCustomer, 'profile'>)[]) =>
      kehu.db.transaction((tx) =>
        collector.resolveMany(
          tx,
          inputs.map((i) => ({ onMatch: 'fillEmpty' as const, source: 'import', ...i })),
        ),
      );
    const ok = (r: CollectResult | CollectFailure) => {
      assert.ok('outcome' in r, JSON.stringify(r));
      return r;
    };
    const first = (
      await many([
        { profile: { mobile: '13700137001', tags: ['甲'] } },
        { profile: { name: '吴二', email: 'wu2@example.com', occupation: '教师' } },
        { profile: { name: '郑三', mobile: '13700137003' } },
        { profile: { name: '冯四', mobile: '13700137004' } },
      ])
    ).map(ok);
    assert.deepEqual(
      first.map((r) => r.outcome),
      ['created', 'created', 'created', 'created'],
    );
    const second = await many([
      {
        profile: { mobile: '137 0013 7001', name: '王一', email: 'wang1@example.com', tags: ['乙'] },
        summary: { importId: 'x' },
      },
      { profile: { email: 'WU2@example.com', occupation: '医生', education: '本科' } },
      { profile: { mobile: '13700137003', name: '郑三' } },
      { profile: { mobile: '13700137004', birthday: '2999-01-01' } },
      { profile: { mobile: '13700137005', name: '新人' } },
    ]);
    const [wang, wu, zheng] = second.slice(0, 3).map(ok);
    assert.deepEqual([wang.outcome, wang.matchedBy, wang.changed], ['updated', 'mobile', ['name', 'email', 'tags']]);
    assert.equal(wang.customerId, first[0].customerId);
    assert.deepEqual([wu.outcome, wu.matchedBy, wu.changed], ['updated', 'email', ['education']]);
    assert.equal(zheng.outcome, 'unchanged');
    assert.ok('error' in second[3] && second[3].error.kind === 'invalid', 'a birthday in the future is refused');
    assert.equal(ok(second[4]).outcome, 'created');

    const c = await customer(first[0].customerId);
    assert.equal(c.name, '王一', 'a real name replaces the made-up one');
    assert.deepEqual(c.tags, ['甲', '乙']);
    assert.equal((await collector.match(kehu.db, { profile: { email: 'wang1@example.com' } }))?.customerId, c.id);
    const w = await customer(first[1].customerId);
    assert.deepEqual([w.occupation, w.education], ['教师', '本科']);
    const timeline = (await admin.call('GET', `/customers/${c.id}/timeline`)).json().items;
    const change = timeline.find((i: { kind: string }) => i.kind === 'profile.updated');
    assert.deepEqual(change.summary.fields, ['name', 'email', 'tags']);
    assert.equal(change.summary.importId, 'x');
    assert.equal((await customer(first[3].customerId)).birthday, null, 'the refused row wrote nothing');
  });
});
