/**
 * ABC by cumulative revenue (Pareto): customers sorted by spend in the window, highest first; a
 * customer is A when the revenue of everyone ranked above them is below a % of the total, B below
 * a + b %, else C. Customers with equal spend are one group (the same class): the share "above" a
 * group excludes the whole group. The class boundaries come out as spend cut points, so one
 * customer's class can be recomputed later against the last run's cuts.
 */

export const abcClasses = ['A', 'B', 'C'] as const;
export type AbcClass = (typeof abcClasses)[number];
export type AbcCuts = { aCut: number | null; bCut: number | null };

export function abcCuts(monetary: readonly number[], a: number, b: number): AbcCuts {
  const sorted = [...monetary].sort((x, y) => y - x);
  const total = sorted.reduce((s, m) => s + m, 0);
  if (total <= 0) return { aCut: null, bCut: null };
  let aCut: number | null = null;
  let bCut: number | null = null;
  let above = 0;
  for (let i = 0; i < sorted.length;) {
    const m = sorted[i];
    let group = 0;
    let j = i;
    for (; j < sorted.length && sorted[j] === m; j++) group += m;
    const share = above / total;
    if (share < a / 100) aCut = m;
    if (share < (a + b) / 100) bCut = m;
    above += group;
    i = j;
  }
  return { aCut, bCut };
}

export function abcClassOf(m: number, cuts: AbcCuts): AbcClass {
  if (cuts.aCut !== null && m >= cuts.aCut) return 'A';
  if (cuts.bCut !== null && m >= cuts.bCut) return 'B';
  return 'C';
}
