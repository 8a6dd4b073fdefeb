/**
 * The codes the scoring module writes into customer_stats' score columns (docs/guide/scoring.md);
 * the customer list filters by them. The scoring module's domain tests check they match its own.
 */
export const scoreCodes = {
  rfmClass: [
    'important_value',
    'important_develop',
    'important_keep',
    'important_retain',
    'general_value',
    'general_develop',
    'general_keep',
    'general_retain',
  ],
  rfmSegment: [
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
  ],
  abcClass: ['A', 'B', 'C'],
  valueTier: ['high', 'medium', 'low'],
  grade: ['vip', 'active', 'potential', 'dormant'],
  lifecycleStage: ['prospect', 'new', 'active', 'loyal', 'dormant', 'churned'],
} as const satisfies Record<string, readonly [string, ...string[]]>;

/** Filter key → customer_stats column. */
export const scoreColumns = {
  rfmClass: 'rfm_class',
  rfmSegment: 'rfm_segment',
  abcClass: 'abc_class',
  valueTier: 'value_tier',
  grade: 'grade',
  lifecycleStage: 'lifecycle_stage',
} as const satisfies Record<keyof typeof scoreCodes, string>;
