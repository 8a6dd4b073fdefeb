/** The codes the scoring models produce, in the order the screens list them (best first). */

export const rfmClasses = [
  'important_value',
  'important_develop',
  'important_keep',
  'important_retain',
  'general_value',
  'general_develop',
  'general_keep',
  'general_retain',
] as const;
export type RfmClass = (typeof rfmClasses)[number];

export const rfmSegments = [
  'champions',
  'loyal',
  'potential_loyalist',
  'new_customers',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cannot_lose_them',
  'hibernating',
  'lost',
] as const;
export type RfmSegment = (typeof rfmSegments)[number];

export const abcClasses = ['A', 'B', 'C'] as const;
export type AbcClass = (typeof abcClasses)[number];

export const valueTiers = ['high', 'medium', 'low'] as const;
export type ValueTier = (typeof valueTiers)[number];

export const grades = ['vip', 'active', 'potential', 'dormant'] as const;
export type Grade = (typeof grades)[number];

export const lifecycleStages = ['prospect', 'new', 'active', 'loyal', 'dormant', 'churned'] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

export const scoreValues = [1, 2, 3, 4, 5] as const;

/** One colour per lifecycle stage, used by the funnel, the flow chart and the 360 tag alike. */
export const stageColors: Record<LifecycleStage, string> = {
  prospect: '#8c8c8c',
  new: '#13c2c2',
  active: '#1677ff',
  loyal: '#52c41a',
  dormant: '#faad14',
  churned: '#f5222d',
};

export const abcColors: Record<AbcClass, string> = { A: '#1677ff', B: '#52c41a', C: '#bfbfbf' };

/** antd Tag colours for the 360 and the list columns. */
export const tagColors = {
  valueTier: { high: 'gold', medium: 'blue', low: 'default' },
  grade: { vip: 'gold', active: 'green', potential: 'blue', dormant: 'default' },
  abcClass: { A: 'blue', B: 'green', C: 'default' },
  lifecycleStage: {
    prospect: 'default',
    new: 'cyan',
    active: 'blue',
    loyal: 'green',
    dormant: 'orange',
    churned: 'red',
  },
} as const;

/** The list filters and columns this module adds to the customer list (query name = column key). */
export const scoreFilterKeys = ['rfmClass', 'rfmSegment', 'abcClass', 'valueTier', 'grade', 'lifecycleStage'] as const;
export type ScoreFilterKey = (typeof scoreFilterKeys)[number];

/** The codes of each filter, and the i18n prefix of their names. */
export const scoreFilterOptions: Record<ScoreFilterKey, { codes: readonly string[]; label: string }> = {
  rfmClass: { codes: rfmClasses, label: 'scoring.rfmClasses' },
  rfmSegment: { codes: rfmSegments, label: 'scoring.rfmSegments' },
  abcClass: { codes: abcClasses, label: 'scoring.abcClasses' },
  valueTier: { codes: valueTiers, label: 'scoring.valueTiers' },
  grade: { codes: grades, label: 'scoring.grades' },
  lifecycleStage: { codes: lifecycleStages, label: 'scoring.stages' },
};
