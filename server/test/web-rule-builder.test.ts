import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  asRuleRoot,
  countConditions,
  errorsByNode,
  isComplete,
  newCondition,
  unwrap,
  type RuleField,
  type RuleNode,
  type RuleRoot,
} from '../../web/src/components/rule-builder/model.ts';

// The rule builder's pure part (web/src/components/rule-builder/model.ts): the server's error
// paths must land on the node they name, and only finished rules are sent for a live count.

const fields: RuleField[] = [
  { key: 'profile.gender', group: 'profile', label: '性别', type: 'enum', ops: ['in', 'notIn'], windowed: false },
  { key: 'orders.count', group: 'orders', label: '订单数', type: 'number', ops: ['eq', 'gte'], windowed: true },
  {
    key: 'orders.boughtProduct',
    group: 'orders',
    label: '购买商品',
    type: 'number',
    ops: ['gte'],
    windowed: true,
    args: [{ name: 'productIds', type: 'products', label: '商品' }],
  },
  { key: 'profile.city', group: 'profile', label: '城市', type: 'text', ops: ['eq', 'isSet'], windowed: false },
];

test('rule builder: error paths map to the node and the part of it they name', () => {
  const errors = errorsByNode([
    { field: 'rules.or[2].and[0].value', message: 'a' },
    { field: 'rules.and[1].not.or[0].args.productIds', message: 'b' },
    { field: 'rules.and[1].not.or[0].field', message: 'c' },
    { field: 'rules', message: 'd' },
    { field: 'rules.and', message: 'e' },
    { field: 'name', message: 'not a rule error' },
  ]);
  assert.deepEqual(errors.get('or[2].and[0]'), [{ message: 'a', part: 'value' }]);
  assert.deepEqual(errors.get('and[1].or[0]'), [
    { message: 'b', part: 'args.productIds' },
    { message: 'c', part: 'field' },
  ]);
  assert.deepEqual(errors.get(''), [
    { message: 'd', part: '' },
    { message: 'e', part: 'and' },
  ]);
  assert.equal(errors.size, 3);
  // a rule nested in another body (value tiers: rules[0].rules)
  const nested = errorsByNode([{ field: 'rules[0].rules.and[0].op', message: 'x' }], 'rules[0].rules');
  assert.deepEqual(nested.get('and[0]'), [{ message: 'x', part: 'op' }]);
});

test('rule builder: a rule is counted only once every condition is filled in', () => {
  const rule = (and: RuleNode[]): RuleRoot => ({ version: 1, and });
  assert.equal(isComplete(rule([]), fields), true);
  assert.equal(isComplete(rule([newCondition()]), fields), false);
  assert.equal(isComplete(rule([{ field: 'profile.gender', op: 'in', value: [] }]), fields), false);
  assert.equal(isComplete(rule([{ field: 'profile.gender', op: 'in', value: ['female'] }]), fields), true);
  assert.equal(isComplete(rule([{ field: 'orders.count', op: 'between', value: [1, null] }]), fields), false);
  assert.equal(isComplete(rule([{ field: 'profile.city', op: 'isSet' }]), fields), true);
  // a required argument (which products) not chosen yet
  assert.equal(isComplete(rule([{ field: 'orders.boughtProduct', op: 'gte', value: 1 }]), fields), false);
  assert.equal(
    isComplete(rule([{ field: 'orders.boughtProduct', op: 'gte', value: 1, args: { productIds: ['p1'] } }]), fields),
    true,
  );
  const nested = rule([{ not: { or: [{ field: 'orders.count', op: 'gte' }] } }]);
  assert.equal(isComplete(nested, fields), false);
  assert.equal(countConditions(nested), 1);
});

test('rule builder: new conditions start sensibly, NOT wrappers unwrap, foreign JSON is checked', () => {
  assert.deepEqual(newCondition(fields[0]), { field: 'profile.gender', op: 'in', value: [] });
  // behaviour starts as "at least once"
  assert.deepEqual(newCondition(fields[2]), { field: 'orders.boughtProduct', op: 'gte', value: 1 });
  assert.deepEqual(unwrap({ not: { not: { field: 'a', op: 'eq' } } }), {
    negated: false,
    inner: { field: 'a', op: 'eq' },
  });
  assert.equal(unwrap({ not: { and: [] } }).negated, true);
  assert.deepEqual(asRuleRoot({ version: 1, or: [] }), { version: 1, or: [] });
  assert.deepEqual(asRuleRoot({ and: [] }), { version: 1, and: [] });
  assert.deepEqual(asRuleRoot('x'), { version: 1, and: [] });
});
