import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AttributeDefinitionRef, RegionNode } from '../customers/index.ts';
import type { FormDefinition } from './forms.definition.ts';
import { validateSubmission, type RawSubmission } from './forms.validate.ts';

const both = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const definition: FormDefinition = {
  title: both('t', 't'),
  description: both('', ''),
  submitLabel: both('提交', 'Submit'),
  successMessage: both('谢谢', 'Thanks'),
  fields: [
    { key: 'name', label: both('姓名', 'Name'), required: true },
    { key: 'mobile', label: both('手机号', 'Mobile'), required: false },
    { key: 'email', label: both('邮箱', 'Email'), required: false },
    { key: 'birthday', label: both('生日', 'Birthday'), required: false },
    { key: 'region', label: both('地区', 'Region'), required: false },
    { key: 'attributes.hobbies', label: both('爱好', 'Hobbies'), required: false },
    { key: 'attributes.visits', label: both('到店次数', 'Visits'), required: false },
  ],
  consents: [
    {
      id: 'terms',
      purpose: 'privacy_policy',
      channel: 'any',
      label: both('同意', 'Agree'),
      policyText: both('', ''),
      required: true,
    },
  ],
};
const attributes: AttributeDefinitionRef[] = [
  {
    key: 'hobbies',
    label: '爱好',
    type: 'multi_choice',
    isRequired: false,
    options: [
      { value: 'run', label: '跑步' },
      { value: 'read', label: '阅读' },
    ],
  },
  { key: 'visits', label: '到店次数', type: 'number', isRequired: false, options: [] },
];
const regions: RegionNode[] = [
  { code: '44', name: '广东省', children: [{ code: '4403', name: '深圳市' }] },
  { code: '11', name: '北京市', children: [{ code: '1101', name: '北京市' }] },
];

const check = (fields: RawSubmission['fields'], consents = ['terms'], locale: 'zh-CN' | 'en' = 'zh-CN') =>
  validateSubmission(definition, attributes, regions, { fields, consents }, locale);
const problems = (r: ReturnType<typeof check>) =>
  'problems' in r ? r.problems.map((p) => `${p.field}:${p.code}`) : [];

describe('forms: checking a submission', () => {
  it('turns good answers into a profile, trimming and typing them', () => {
    const r = check({
      name: '  李四 ',
      mobile: '138-0013-8000',
      birthday: '1990-02-28',
      province: '广东省',
      city: '深圳市',
      'attributes.hobbies': ['run', 'read', 'run'],
      'attributes.visits': '12',
      ignored: 'whatever',
    });
    assert.ok('ok' in r, JSON.stringify(r));
    assert.deepEqual(r.ok.profile, {
      name: '李四',
      mobile: '138-0013-8000',
      birthday: '1990-02-28',
      province: '广东省',
      city: '深圳市',
      attributes: { hobbies: ['run', 'read'], visits: 12 },
    });
    assert.equal(r.ok.answers.region, '广东省 深圳市');
    assert.deepEqual(
      r.ok.consents.map((c) => c.id),
      ['terms'],
    );
  });

  const cases: [string, RawSubmission['fields'], string[], string[]][] = [
    [
      'everything missing',
      {},
      [],
      ['name:FORM_FIELD_REQUIRED', 'mobile:FORM_IDENTIFIER_REQUIRED', 'consent.terms:FORM_CONSENT_REQUIRED'],
    ],
    ['a bad email', { name: 'a', email: 'a@b' }, ['terms'], ['email:CUSTOMER_INVALID_EMAIL']],
    ['letters for a mobile', { name: 'a', mobile: 'call me' }, ['terms'], ['mobile:CUSTOMER_INVALID_MOBILE']],
    [
      'an impossible birthday',
      { name: 'a', mobile: '13800138000', birthday: '2023-02-30' },
      ['terms'],
      ['birthday:FORM_FIELD_INVALID'],
    ],
    [
      'a city of another province',
      { name: 'a', mobile: '13800138000', province: '北京市', city: '深圳市' },
      ['terms'],
      ['region:FORM_FIELD_INVALID'],
    ],
    [
      'a city without a province',
      { name: 'a', mobile: '13800138000', city: '深圳市' },
      ['terms'],
      ['region:FORM_FIELD_REQUIRED'],
    ],
    [
      'an option that does not exist',
      { name: 'a', mobile: '13800138000', 'attributes.hobbies': ['fly'] },
      ['terms'],
      ['attributes.hobbies:FORM_FIELD_INVALID'],
    ],
    [
      'text for a number',
      { name: 'a', mobile: '13800138000', 'attributes.visits': 'many' },
      ['terms'],
      ['attributes.visits:FORM_FIELD_INVALID'],
    ],
    ['a name too long', { name: 'x'.repeat(101), mobile: '13800138000' }, ['terms'], ['name:FORM_FIELD_TOO_LONG']],
    [
      'objects where text belongs',
      { name: { $ne: 1 } as unknown as string, mobile: '13800138000' },
      ['terms'],
      ['name:FORM_FIELD_REQUIRED'],
    ],
  ];
  for (const [what, fields, consents, want] of cases) {
    it(`refuses ${what}`, () => {
      assert.deepEqual(problems(check(fields, consents)), want);
    });
  }

  it('labels problems in the form’s language', () => {
    const r = check({}, [], 'en');
    assert.ok('problems' in r);
    assert.deepEqual(r.problems[0], { field: 'name', code: 'FORM_FIELD_REQUIRED', params: { label: 'Name' } });
  });
});
