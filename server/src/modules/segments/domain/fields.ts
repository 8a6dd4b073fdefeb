import { scoreCodes } from '../../customers/index.ts';
/**
 * The field catalogue of segment rules (format v1, docs/api/segment-rules.md): every field a
 * rule may name, its type, the operators that type allows and what arguments it takes. The
 * compiler (compile.ts) and the in-memory evaluator (evaluate.ts) both follow it; GET
 * /segments/fields hands it to the rule builder.
 */

export type FieldType = 'number' | 'money' | 'date' | 'text' | 'enum' | 'tags' | 'bool' | 'segment';
export type FieldGroup = 'profile' | 'tags' | 'attributes' | 'orders' | 'events' | 'scores' | 'segments';
export type ArgType = 'products' | 'categories' | 'stores' | 'event' | 'text';
export type ArgDef = { name: string; type: ArgType; required: boolean };

export const numberOps = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between'] as const;
export const dateOps = [
  'eq',
  'before',
  'after',
  'between',
  'withinLastDays',
  'moreThanDaysAgo',
  'isSet',
  'notSet',
] as const;
export const textOps = ['eq', 'neq', 'in', 'notIn', 'contains', 'startsWith', 'isSet', 'notSet'] as const;
export const enumOps = ['in', 'notIn'] as const;
export const optionalEnumOps = ['in', 'notIn', 'isSet', 'notSet'] as const;
export const tagOps = ['hasAny', 'hasAll', 'hasNone'] as const;
export const ops = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'before',
  'after',
  'withinLastDays',
  'moreThanDaysAgo',
  'isSet',
  'notSet',
  'in',
  'notIn',
  'contains',
  'startsWith',
  'hasAny',
  'hasAll',
  'hasNone',
  'is',
  'since',
] as const;
export type Op = (typeof ops)[number];
/** The positive operators each kind of value is compiled for (negative ones negate them). */
export type NumOp = 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'between';
export type DateOp = 'eq' | 'before' | 'after' | 'between' | 'withinLastDays' | 'moreThanDaysAgo' | 'isSet';
export type TextOp = 'eq' | 'in' | 'contains' | 'startsWith' | 'isSet';

/** How a field is read: the compiler and the evaluator switch on `source`. */
export type FieldSource =
  | { kind: 'column'; column: ProfileColumn }
  | { kind: 'age' }
  | { kind: 'birthdayPart'; part: 'month' | 'day' }
  | { kind: 'tags' }
  | { kind: 'attribute'; key: string; attributeType: AttributeType }
  | { kind: 'consent'; purpose: string; channel: string }
  | { kind: 'stats'; column: StatsColumn }
  | { kind: 'orderAggregate'; measure: 'count' | 'total' | 'average' }
  | { kind: 'orderTimes'; by: 'product' | 'category' | 'store' | 'channel' }
  | { kind: 'eventTimes'; by: 'event' | 'page' }
  | { kind: 'notDoneSince' }
  | { kind: 'memberOf' };

export type ProfileColumn =
  | 'gender'
  | 'occupation'
  | 'income_band'
  | 'education'
  | 'country'
  | 'province'
  | 'city'
  | 'district'
  | 'source'
  | 'touchpoint_id'
  | 'owner_id'
  | 'created_at';
export type StatsColumn =
  | 'last_order_at'
  | 'first_order_at'
  | 'r_score'
  | 'f_score'
  | 'm_score'
  | 'rfm_class'
  | 'rfm_segment'
  | 'abc_class'
  | 'value_tier'
  | 'grade'
  | 'lifecycle_stage';
export type AttributeType = 'text' | 'number' | 'date' | 'choice' | 'multi_choice';

export type FieldDef = {
  key: string;
  group: FieldGroup;
  type: FieldType;
  ops: readonly Op[];
  /** Takes `window` (last N days, between dates, since the first order). */
  windowed: boolean;
  args?: ArgDef[];
  /** Fixed choices (enum fields); values outside them are refused. Labels are i18n keys or literal labels. */
  options?: { value: string; label: string }[];
  /** When true, enum values are ids checked only for shape (touchpoints, owners). */
  idValues?: boolean;
  source: FieldSource;
  /** Literal label (custom attributes); otherwise `segmentFields.<key>` is translated. */
  label?: string;
};

const timesOps = numberOps;
const opt = (prefix: string, values: readonly string[]) =>
  values.map((value) => ({ value, label: `${prefix}.${value}` }));

export const rfmClasses = scoreCodes.rfmClass;
export const rfmSegments = scoreCodes.rfmSegment;
export const consentStates = ['granted', 'withdrawn', 'pending', 'none'] as const;

const text = (key: string, column: ProfileColumn): FieldDef => ({
  key,
  group: 'profile',
  type: 'text',
  ops: textOps,
  windowed: false,
  source: { kind: 'column', column },
});
const scoreEnum = (key: string, column: StatsColumn, values: readonly string[]): FieldDef => ({
  key,
  group: 'scores',
  type: 'enum',
  ops: optionalEnumOps,
  windowed: false,
  // the names the customers module gives its score codes (scores.messages.ts)
  options: opt(`scoring.${key.split('.')[1]}`, values),
  source: { kind: 'stats', column },
});
const score = (key: string, column: StatsColumn): FieldDef => ({
  key,
  group: 'scores',
  type: 'number',
  ops: numberOps,
  windowed: false,
  source: { kind: 'stats', column },
});

/** The fixed part of the catalogue (custom attributes and consents are added per business). */
export const staticFields: FieldDef[] = [
  {
    key: 'profile.gender',
    group: 'profile',
    type: 'enum',
    ops: enumOps,
    windowed: false,
    options: opt('segmentOptions.gender', ['female', 'male', 'unknown']),
    source: { kind: 'column', column: 'gender' },
  },
  { key: 'profile.age', group: 'profile', type: 'number', ops: numberOps, windowed: false, source: { kind: 'age' } },
  {
    key: 'profile.birthdayMonth',
    group: 'profile',
    type: 'number',
    ops: numberOps,
    windowed: false,
    source: { kind: 'birthdayPart', part: 'month' },
  },
  {
    key: 'profile.birthdayDay',
    group: 'profile',
    type: 'number',
    ops: numberOps,
    windowed: false,
    source: { kind: 'birthdayPart', part: 'day' },
  },
  text('profile.occupation', 'occupation'),
  text('profile.incomeBand', 'income_band'),
  text('profile.education', 'education'),
  text('profile.country', 'country'),
  text('profile.province', 'province'),
  text('profile.city', 'city'),
  text('profile.district', 'district'),
  text('profile.source', 'source'),
  {
    key: 'profile.touchpoint',
    group: 'profile',
    type: 'enum',
    ops: optionalEnumOps,
    windowed: false,
    idValues: true,
    source: { kind: 'column', column: 'touchpoint_id' },
  },
  {
    key: 'profile.owner',
    group: 'profile',
    type: 'enum',
    ops: optionalEnumOps,
    windowed: false,
    idValues: true,
    source: { kind: 'column', column: 'owner_id' },
  },
  {
    key: 'profile.createdAt',
    group: 'profile',
    type: 'date',
    ops: dateOps,
    windowed: false,
    source: { kind: 'column', column: 'created_at' },
  },
  { key: 'tags', group: 'tags', type: 'tags', ops: tagOps, windowed: false, source: { kind: 'tags' } },
  {
    key: 'orders.count',
    group: 'orders',
    type: 'number',
    ops: numberOps,
    windowed: true,
    source: { kind: 'orderAggregate', measure: 'count' },
  },
  {
    key: 'orders.total',
    group: 'orders',
    type: 'money',
    ops: numberOps,
    windowed: true,
    source: { kind: 'orderAggregate', measure: 'total' },
  },
  {
    key: 'orders.average',
    group: 'orders',
    type: 'money',
    ops: numberOps,
    windowed: true,
    source: { kind: 'orderAggregate', measure: 'average' },
  },
  {
    key: 'orders.lastOrderAt',
    group: 'orders',
    type: 'date',
    ops: dateOps,
    windowed: false,
    source: { kind: 'stats', column: 'last_order_at' },
  },
  {
    key: 'orders.firstOrderAt',
    group: 'orders',
    type: 'date',
    ops: dateOps,
    windowed: false,
    source: { kind: 'stats', column: 'first_order_at' },
  },
  {
    key: 'orders.boughtProduct',
    group: 'orders',
    type: 'number',
    ops: timesOps,
    windowed: true,
    args: [{ name: 'productIds', type: 'products', required: true }],
    source: { kind: 'orderTimes', by: 'product' },
  },
  {
    key: 'orders.boughtCategory',
    group: 'orders',
    type: 'number',
    ops: timesOps,
    windowed: true,
    args: [{ name: 'categoryIds', type: 'categories', required: true }],
    source: { kind: 'orderTimes', by: 'category' },
  },
  {
    key: 'orders.usedStore',
    group: 'orders',
    type: 'number',
    ops: timesOps,
    windowed: true,
    args: [{ name: 'storeIds', type: 'stores', required: true }],
    source: { kind: 'orderTimes', by: 'store' },
  },
  {
    key: 'orders.usedChannel',
    group: 'orders',
    type: 'number',
    ops: timesOps,
    windowed: true,
    args: [{ name: 'sources', type: 'text', required: true }],
    source: { kind: 'orderTimes', by: 'channel' },
  },
  {
    key: 'events.count',
    group: 'events',
    type: 'number',
    ops: timesOps,
    windowed: true,
    args: [{ name: 'event', type: 'event', required: true }],
    source: { kind: 'eventTimes', by: 'event' },
  },
  {
    key: 'events.visitedPage',
    group: 'events',
    type: 'number',
    ops: timesOps,
    windowed: true,
    args: [{ name: 'urlContains', type: 'text', required: true }],
    source: { kind: 'eventTimes', by: 'page' },
  },
  {
    key: 'events.notDoneSince',
    group: 'events',
    type: 'date',
    ops: ['since'],
    windowed: false,
    args: [{ name: 'event', type: 'event', required: true }],
    source: { kind: 'notDoneSince' },
  },
  score('scores.rScore', 'r_score'),
  score('scores.fScore', 'f_score'),
  score('scores.mScore', 'm_score'),
  scoreEnum('scores.rfmClass', 'rfm_class', rfmClasses),
  scoreEnum('scores.rfmSegment', 'rfm_segment', rfmSegments),
  scoreEnum('scores.abcClass', 'abc_class', scoreCodes.abcClass),
  scoreEnum('scores.valueTier', 'value_tier', scoreCodes.valueTier),
  scoreEnum('scores.grade', 'grade', scoreCodes.grade),
  scoreEnum('scores.lifecycleStage', 'lifecycle_stage', scoreCodes.lifecycleStage),
  {
    key: 'segment.memberOf',
    group: 'segments',
    type: 'segment',
    ops: ['in', 'notIn'],
    windowed: false,
    source: { kind: 'memberOf' },
  },
];

/** The business's custom attributes, each typed by its definition. */
export function attributeField(def: {
  key: string;
  label: string;
  type: AttributeType;
  options: { value: string; label: string }[];
}): FieldDef {
  const base = { key: `attributes.${def.key}`, group: 'attributes' as const, windowed: false, label: def.label };
  const source: FieldSource = { kind: 'attribute', key: def.key, attributeType: def.type };
  switch (def.type) {
    case 'number':
      return { ...base, type: 'number', ops: numberOps, source };
    case 'date':
      return { ...base, type: 'date', ops: dateOps, source };
    case 'choice':
      return { ...base, type: 'enum', ops: optionalEnumOps, options: def.options, source };
    case 'multi_choice':
      return { ...base, type: 'tags', ops: tagOps, options: def.options, source };
    case 'text':
      return { ...base, type: 'text', ops: textOps, source };
  }
}

/** Consent state per purpose and channel: `consent.marketing.sms` in [granted]. */
export function consentFields(purposes: readonly string[], channels: readonly string[]): FieldDef[] {
  return purposes.flatMap((purpose) =>
    channels.map((channel): FieldDef => ({
      key: `consent.${purpose}.${channel}`,
      group: 'profile',
      type: 'enum',
      ops: enumOps,
      windowed: false,
      options: opt('segmentOptions.consent', consentStates),
      source: { kind: 'consent', purpose, channel },
    })),
  );
}

export type FieldCatalogue = ReadonlyMap<string, FieldDef>;

export function catalogueOf(fields: readonly FieldDef[]): FieldCatalogue {
  return new Map(fields.map((f) => [f.key, f]));
}
