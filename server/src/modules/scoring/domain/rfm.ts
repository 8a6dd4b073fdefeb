import { scoreCodes } from '../../customers/index.ts';

/**
 * RFM: recency (days since the last order), frequency (orders) and monetary (spend) over a window,
 * each scored 1–5 against four ascending cut points, and the two naming schemes.
 *
 * A cut point is the inclusive upper bound of a band, so equal values always get the same score:
 * - F and M (more is better): score = 1 + the number of cuts strictly below the value;
 * - R (fewer days is better): score = 5 − the number of cuts strictly below the value.
 * By quintile the cuts are the 20/40/60/80th percentiles (percentile_disc) of the scored customers;
 * a large tie (everyone with one order) then stays in one band instead of being split arbitrarily.
 */

export type Cuts = readonly [number, number, number, number];
export type Score = 1 | 2 | 3 | 4 | 5;

export const QUINTILES = [0.2, 0.4, 0.6, 0.8] as const;

/** percentile_disc(p) as PostgreSQL computes it: the first value whose cumulative share reaches p. */
export function percentileDisc(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('no values');
  const i = Math.max(0, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.min(i, sorted.length - 1)];
}

export function quintileCuts(values: readonly number[]): Cuts {
  const sorted = [...values].sort((a, b) => a - b);
  return QUINTILES.map((p) => percentileDisc(sorted, p)) as unknown as Cuts;
}

export function scoreHigherBetter(value: number, cuts: Cuts): Score {
  return (1 + cuts.filter((c) => value > c).length) as Score;
}

export function scoreLowerBetter(value: number, cuts: Cuts): Score {
  return (5 - cuts.filter((c) => value > c).length) as Score;
}

/** The Chinese eight, indexed by (recent ? 4 : 0) + (frequent ? 2 : 0) + (high spend ? 1 : 0). */
export const rfmClasses = [
  'general_retain', // 一般挽留: not recent, infrequent, low
  'important_retain', // 重要挽留: not recent, infrequent, high
  'general_keep', // 一般保持: not recent, frequent, low
  'important_keep', // 重要保持: not recent, frequent, high
  'general_develop', // 一般发展: recent, infrequent, low
  'important_develop', // 重要发展: recent, infrequent, high
  'general_value', // 一般价值: recent, frequent, low
  'important_value', // 重要价值: recent, frequent, high
] as const;
export type RfmClass = (typeof rfmClasses)[number];

/** What "recent / frequent / high" is measured against: the averages of the scored customers, or thresholds. */
export type ClassBasis = { r: number; f: number; m: number };

export function rfmClassOf(
  raw: { recencyDays: number; frequency: number; monetary: number },
  basis: ClassBasis,
): RfmClass {
  const recent = raw.recencyDays <= basis.r;
  const frequent = raw.frequency >= basis.f;
  const high = raw.monetary >= basis.m;
  return rfmClasses[(recent ? 4 : 0) + (frequent ? 2 : 0) + (high ? 1 : 0)];
}

// the customers module keeps the one list of codes its score columns hold
export const rfmSegments = scoreCodes.rfmSegment;
export type RfmSegment = (typeof rfmSegments)[number];

/**
 * The English eleven on the R score × the FM score (the mean of F and M, halves rounded up):
 * rows R = 5 … 1, columns FM = 1 … 5 (docs/guide/scoring.md shows the same table).
 */
export const segmentGrid: readonly (readonly RfmSegment[])[] = [
  /* R=1 */ ['lost', 'hibernating', 'at_risk', 'at_risk', 'cannot_lose_them'],
  /* R=2 */ ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cannot_lose_them'],
  /* R=3 */ ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal', 'loyal'],
  /* R=4 */ ['promising', 'potential_loyalist', 'potential_loyalist', 'loyal', 'champions'],
  /* R=5 */ ['new_customers', 'potential_loyalist', 'potential_loyalist', 'champions', 'champions'],
];

export function fmScore(f: Score, m: Score): Score {
  return Math.floor((f + m + 1) / 2) as Score;
}

export function rfmSegmentOf(r: Score, f: Score, m: Score): RfmSegment {
  return segmentGrid[r - 1][fmScore(f, m) - 1];
}

/** The grid flattened for SQL: element (r − 1) × 5 + fm (1-based). */
export const segmentGridFlat: readonly RfmSegment[] = segmentGrid.flat();
