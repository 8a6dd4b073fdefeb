import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CustomerRow } from './customers.repository.ts';
import type { IdentityField } from './identities.ts';
import {
  aliasFields,
  checkChoices,
  mergeFields,
  planMerge,
  type ClearIdentities,
  type MergeSide,
} from './merge.plan.ts';

function row(id: string, over: Partial<CustomerRow> = {}): CustomerRow {
  return {
    id,
    name: '张三',
    name_placeholder: false,
    gender: 'unknown',
    birthday: null,
    occupation: null,
    income_band: null,
    education: null,
    country: 'CN',
    province: null,
    city: null,
    district: null,
    external_id: null,
    source: null,
    touchpoint_id: null,
    touchpoint_name: null,
    touchpoint_type: null,
    owner_id: null,
    tags: [],
    attributes: {},
    created_at: new Date(0),
    updated_at: new Date(0),
    order_count: 0,
    total_spent: '0.00',
    average_order_value: '0.00',
    first_order_at: null,
    last_order_at: null,
    last_seen_at: null,
    scores: null,
    mobile_enc: null,
    email_enc: null,
    wechat_open_id_enc: null,
    wechat_union_id_enc: null,
    id_number_enc: null,
    address_enc: null,
    ...over,
  };
}

describe('merge plan', () => {
  it('keeps the survivor’s values, fills its empty fields from the merged record, follows explicit choices', () => {
    const survivor = row('s', { name: '138****0001', name_placeholder: true, occupation: '工程师', tags: ['VIP'] });
    const merged = row('m', {
      name: '张三',
      gender: 'male',
      occupation: '教师',
      province: '浙江省',
      city: '杭州市',
      tags: ['VIP', '茶友'],
      attributes: { level: 'gold' },
    });
    const plan = planMerge({
      survivor,
      merged,
      identities: { survivor: { mobile: '+8613800000001' }, merged: { mobile: '+8613900000002', email: 'a@b.cn' } },
      choices: { occupation: 'merged' },
    });
    assert.deepEqual(plan.fields, {
      name: 'merged', // a made-up name counts as empty
      gender: 'merged',
      mobile: 'survivor',
      email: 'merged',
      region: 'merged',
      occupation: 'merged',
      'attributes.level': 'merged',
    });
    assert.equal(plan.columns.name, '张三');
    assert.equal(plan.columns.name_placeholder, false);
    assert.equal(plan.columns.occupation, '教师');
    assert.equal(plan.columns.city, '杭州市');
    assert.deepEqual(plan.identities, { email: 'a@b.cn' });
    assert.deepEqual(plan.aliases, [{ field: 'mobile', value: '+8613900000002' }]);
    assert.deepEqual(plan.tags, ['VIP', '茶友']);
    assert.deepEqual(plan.tagsAdded, ['茶友']);
    assert.deepEqual(plan.attributes, { set: { level: 'gold' }, unset: [] });
  });

  it('names unknown fields and wrong sides', () => {
    const problems = checkChoices({
      survivor: row('s', { attributes: { level: 'a' } }),
      merged: row('m'),
      identities: { survivor: {}, merged: {} },
      choices: { shoe: 'merged', 'attributes.level': 'merged', 'attributes.size': 'survivor', name: 'x' as MergeSide },
    });
    assert.deepEqual(
      problems.map((p) => [p.field, p.code]),
      [
        ['fields.shoe', 'CUSTOMER_MERGE_UNKNOWN_FIELD'],
        ['fields.attributes.size', 'CUSTOMER_MERGE_UNKNOWN_FIELD'],
        ['fields.name', 'CUSTOMER_MERGE_INVALID_SIDE'],
      ],
    );
  });

  it('loses no identifier, attribute or tag, whatever is chosen', () => {
    const ids = ['mobile', 'email', 'wechatOpenId', 'wechatUnionId', 'idNumber'] as const satisfies IdentityField[];
    const identities = fc.record(
      Object.fromEntries(ids.map((f) => [f, fc.option(fc.constantFrom('1', '2', '3'), { nil: undefined })])),
      {
        requiredKeys: [],
      },
    ) as fc.Arbitrary<ClearIdentities>;
    const side = fc.constantFrom<MergeSide>('survivor', 'merged');
    const attrs = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('x', 'y'));
    const tags = fc.uniqueArray(fc.constantFrom('t1', 't2', 't3'));
    fc.assert(
      fc.property(
        identities,
        identities,
        attrs,
        attrs,
        tags,
        tags,
        fc.option(fc.constantFrom('E1', 'E2'), { nil: null }),
        fc.option(fc.constantFrom('E1', 'E3'), { nil: null }),
        fc.dictionary(fc.constantFrom(...mergeFields), side),
        (si, mi, sa, ma, st, mt, se, me, choices) => {
          const survivor = row('s', { attributes: sa, tags: st, external_id: se });
          const merged = row('m', { attributes: ma, tags: mt, external_id: me });
          const plan = planMerge({ survivor, merged, identities: { survivor: si, merged: mi }, choices });
          for (const field of aliasFields) {
            const final =
              field === 'externalId'
                ? plan.columns.external_id !== undefined
                  ? plan.columns.external_id
                  : se
                : field in plan.identities
                  ? plan.identities[field as IdentityField]
                  : si[field as IdentityField];
            const kept = new Set([final, ...plan.aliases.filter((a) => a.field === field).map((a) => a.value)]);
            const values = field === 'externalId' ? [se, me] : [si[field], mi[field]];
            for (const v of values) if (v) assert.ok(kept.has(v), `${field} ${v} lost`);
          }
          const finalAttributes = { ...sa, ...(plan.attributes?.set ?? {}) };
          for (const k of plan.attributes?.unset ?? []) delete finalAttributes[k];
          assert.deepEqual(
            Object.keys(finalAttributes).sort(),
            [...new Set([...Object.keys(sa), ...Object.keys(ma)])].sort(),
          );
          assert.deepEqual([...(plan.tags ?? st)].sort(), [...new Set([...st, ...mt])].sort());
        },
      ),
    );
  });
});
