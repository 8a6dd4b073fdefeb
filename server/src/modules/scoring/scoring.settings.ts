import { z } from 'zod';

/**
 * The scoring models' settings (one stored row per model, scoring_settings), each with its
 * defaults; a stored value that no longer validates falls back to the defaults.
 */

const Cuts = z.array(z.number().nonnegative()).length(4);
/** Four ascending cut points: each is the upper bound (inclusive) of a band, see domain/rfm.ts. */
const AscendingCuts = Cuts.refine((c) => c.every((v, i) => i === 0 || v >= c[i - 1]), 'cuts_not_ascending');

export const RfmSettings = z
  .strictObject({
    /** Calendar days (business time zone, today included) whose orders count. */
    windowDays: z.number().int().min(7).max(3650),
    method: z.enum(['quintile', 'thresholds']),
    /** With method `thresholds`: r in days since the last order, f in orders, m in yuan. */
    thresholds: z.strictObject({ r: AscendingCuts, f: AscendingCuts, m: AscendingCuts }).optional(),
    /** The Chinese eight: each R, F, M compared with the average of the scored customers, or with `classThresholds`. */
    classBy: z.enum(['average', 'thresholds']),
    classThresholds: z
      .strictObject({
        /** Recent: at most this many days since the last order. */
        r: z.number().nonnegative(),
        /** Frequent: at least this many orders in the window. */
        f: z.number().nonnegative(),
        /** High spend: at least this much in the window (yuan). */
        m: z.number().nonnegative(),
      })
      .optional(),
  })
  .refine((s) => s.method !== 'thresholds' || s.thresholds !== undefined, {
    message: 'required',
    path: ['thresholds'],
  })
  .refine((s) => s.classBy !== 'thresholds' || s.classThresholds !== undefined, {
    message: 'required',
    path: ['classThresholds'],
  });
export type RfmSettings = z.infer<typeof RfmSettings>;

export const AbcSettings = z
  .strictObject({
    /** Percent of revenue the A customers bring (the top of the Pareto curve). */
    a: z.number().gt(0).lt(100),
    /** Percent of revenue the B customers bring after A; C is the rest. */
    b: z.number().gte(0).lt(100),
  })
  .refine((s) => s.a + s.b <= 100, { message: 'abc_over_100', path: ['b'] });
export type AbcSettings = z.infer<typeof AbcSettings>;

export const LifecycleSettings = z
  .strictObject({
    /** An order in the last activeDays days keeps a customer active (see docs: until dormantDays). */
    activeDays: z.number().int().min(1).max(3650),
    /** Dormant: no order for more than this many days. */
    dormantDays: z.number().int().min(1).max(3650),
    /** Churned: no order for more than this many days. */
    churnedDays: z.number().int().min(1).max(3650),
    /** New: the first order is at most this many days old. */
    newDays: z.number().int().min(1).max(3650),
    /** Loyal: at least loyalOrders orders in the last loyalWindowDays days. */
    loyalOrders: z.number().int().min(2).max(10_000),
    loyalWindowDays: z.number().int().min(1).max(3650),
  })
  .refine((s) => s.activeDays <= s.dormantDays, { message: 'active_after_dormant', path: ['activeDays'] })
  .refine((s) => s.dormantDays < s.churnedDays, { message: 'dormant_after_churned', path: ['dormantDays'] });
export type LifecycleSettings = z.infer<typeof LifecycleSettings>;

export const valueTiers = ['high', 'medium', 'low'] as const;
export const grades = ['vip', 'active', 'potential', 'dormant'] as const;
export type ValueTier = (typeof valueTiers)[number];
export type Grade = (typeof grades)[number];

/** An ordered rule list: the first rule a customer matches gives the value; nobody matched gets the last value. */
function ruleList<T extends string>(values: readonly [T, ...T[]]) {
  return z.strictObject({
    rules: z
      .array(
        z.strictObject({
          value: z.enum(values),
          /** A segment rule, format v1 (docs/api/segment-rules.md), checked by the segments module. */
          rules: z.record(z.string(), z.unknown()),
        }),
      )
      .max(20),
  });
}
export const ValueTierSettings = ruleList(valueTiers);
export const GradeSettings = ruleList(grades);
export type RuleListSettings = { rules: { value: string; rules: Record<string, unknown> }[] };

export const scoringModels = ['rfm', 'abc', 'lifecycle', 'valueTiers', 'grades'] as const;
export type ScoringModel = (typeof scoringModels)[number];

export const settingsSchemas = {
  rfm: RfmSettings,
  abc: AbcSettings,
  lifecycle: LifecycleSettings,
  valueTiers: ValueTierSettings,
  grades: GradeSettings,
} as const;

export type ScoringSettings = {
  rfm: RfmSettings;
  abc: AbcSettings;
  lifecycle: LifecycleSettings;
  valueTiers: z.infer<typeof ValueTierSettings>;
  grades: z.infer<typeof GradeSettings>;
};

export const defaultScoringSettings: ScoringSettings = {
  rfm: { windowDays: 365, method: 'quintile', classBy: 'average' },
  abc: { a: 80, b: 15 },
  lifecycle: { activeDays: 90, dormantDays: 90, churnedDays: 365, newDays: 30, loyalOrders: 5, loyalWindowDays: 365 },
  // value tiers by ABC class, grades by lifecycle stage and ABC class (docs/guide/scoring.md);
  // an empty list (stored by the business) puts everybody in the lowest value
  valueTiers: {
    rules: [
      { value: 'high', rules: { version: 1, and: [{ field: 'scores.abcClass', op: 'in', value: ['A'] }] } },
      { value: 'medium', rules: { version: 1, and: [{ field: 'scores.abcClass', op: 'in', value: ['B'] }] } },
    ],
  },
  grades: {
    rules: [
      {
        value: 'vip',
        rules: {
          version: 1,
          and: [
            { field: 'scores.abcClass', op: 'in', value: ['A'] },
            { field: 'scores.lifecycleStage', op: 'in', value: ['new', 'active', 'loyal'] },
          ],
        },
      },
      {
        value: 'active',
        rules: { version: 1, and: [{ field: 'scores.lifecycleStage', op: 'in', value: ['new', 'active', 'loyal'] }] },
      },
      {
        value: 'potential',
        rules: { version: 1, and: [{ field: 'scores.lifecycleStage', op: 'in', value: ['prospect'] }] },
      },
    ],
  },
};
