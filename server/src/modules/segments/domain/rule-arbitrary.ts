import fc from 'fast-check';
import { addDays } from './dates.ts';
import type { FieldDef, Op } from './fields.ts';
import type { Fixture } from './rule-fixture.ts';
import { cities, eventNames, sources, tagWords, TODAY, urls } from './rule-fixture.ts';
import type { Condition, RuleNode, SegmentRule } from './rule.ts';

/** Test-only: fast-check arbitraries of valid rules over a fixture's vocabulary. */

const numberRange: Record<string, [number, number]> = {
  'profile.age': [0, 80],
  'profile.birthdayMonth': [0, 13],
  'profile.birthdayDay': [0, 32],
  'attributes.score': [-6, 21],
};

const someOf = <T>(xs: readonly T[]) => fc.uniqueArray(fc.constantFrom(...xs), { minLength: 1, maxLength: xs.length });

const dateValue = fc.oneof(
  fc.integer({ min: -5, max: 95 }).map((n) => addDays(TODAY, -n)),
  fc.integer({ min: 1, max: 70 }).map((lastDays) => ({ lastDays })),
);

function valueArb(def: FieldDef, op: Op, f: Fixture): fc.Arbitrary<unknown> | null {
  if (op === 'isSet' || op === 'notSet') return null;
  switch (def.type) {
    case 'number': {
      const [lo, hi] = numberRange[def.key] ?? [-1, 6];
      const n = fc.integer({ min: lo, max: hi });
      return op === 'between' ? fc.tuple(n, n).map(([a, b]) => [Math.min(a, b), Math.max(a, b)]) : n;
    }
    case 'money': {
      const m = fc.oneof(
        fc.integer({ min: -2, max: 60 }).map((n) => (n * 1000) / 100),
        fc.integer({ min: 0, max: 200_000 }).map((n) => (n / 100).toFixed(2)),
        fc.constant(0),
      );
      return op === 'between' ? fc.tuple(m, m).map(([a, b]) => (Number(a) <= Number(b) ? [a, b] : [b, a])) : m;
    }
    case 'date':
      if (op === 'withinLastDays' || op === 'moreThanDaysAgo') return fc.integer({ min: 1, max: 70 });
      if (op === 'between')
        return fc
          .tuple(fc.integer({ min: -5, max: 95 }), fc.integer({ min: 0, max: 40 }))
          .map(([a, len]) => [addDays(TODAY, -a - len), addDays(TODAY, -a)]);
      return dateValue;
    case 'text': {
      const words =
        def.key === 'attributes.nickname'
          ? ['小王', '王', '王小明', 'Anna', 'A']
          : [...cities.filter(Boolean), '杭州', '州市', 'Hang', '教师'];
      return op === 'in' || op === 'notIn' ? someOf(words) : fc.constantFrom(...words);
    }
    case 'enum':
      if (def.idValues) return someOf(f.touchpoints);
      return someOf((def.options ?? []).map((o) => o.value));
    case 'tags':
      return someOf(def.key === 'tags' ? tagWords : (def.options ?? []).map((o) => o.value));
    case 'segment':
      return someOf(f.segmentIds);
    case 'bool':
      return fc.boolean();
  }
}

function argsArb(def: FieldDef, f: Fixture): fc.Arbitrary<Record<string, unknown> | undefined> {
  if (!def.args?.length) return fc.constant(undefined);
  const name = def.args[0].name;
  const v: fc.Arbitrary<unknown> =
    name === 'productIds'
      ? someOf(f.productIds)
      : name === 'categoryIds'
        ? someOf(f.categoryIds)
        : name === 'storeIds'
          ? someOf(f.touchpoints)
          : name === 'sources'
            ? someOf(sources)
            : name === 'event'
              ? fc.constantFrom(...eventNames)
              : fc.constantFrom(...urls.map((u) => u.slice(8, 20)), '%_', 'example');
  return v.map((x) => ({ [name]: x }));
}

const windowArb = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: 1, max: 70 }).map((lastDays) => ({ lastDays })),
  fc.tuple(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 30 })).map(([a, len]) => ({
    from: addDays(TODAY, -a - len),
    to: addDays(TODAY, -a),
  })),
  fc.constant({ sinceFirstOrder: true as const }),
);

export function conditionArb(fields: readonly FieldDef[], f: Fixture): fc.Arbitrary<Condition> {
  return fc.constantFrom(...fields).chain((def) =>
    fc.constantFrom(...def.ops).chain((op) => {
      const value = valueArb(def, op, f);
      return fc
        .record({
          value: value ?? fc.constant(undefined),
          args: argsArb(def, f),
          window: def.windowed ? windowArb : fc.constant(undefined),
        })
        .map(({ value: v, args, window }) => {
          const c: Condition = { field: def.key, op };
          if (v !== undefined) c.value = v;
          if (args) c.args = args;
          if (window) c.window = window;
          return c;
        });
    }),
  );
}

export function ruleArb(fields: readonly FieldDef[], f: Fixture): fc.Arbitrary<SegmentRule> {
  const cond = conditionArb(fields, f);
  const { node } = fc.letrec<{ node: RuleNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      cond,
      fc.array(tie('node'), { maxLength: 3 }).map((and) => ({ and })),
      fc.array(tie('node'), { maxLength: 3 }).map((or) => ({ or })),
      tie('node').map((not) => ({ not })),
    ),
  }));
  return fc
    .tuple(fc.boolean(), fc.array(node, { maxLength: 4 }))
    .map(([isAnd, list]) => (isAnd ? { version: 1, and: list } : { version: 1, or: list }) as SegmentRule);
}
