import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { abcClassOf, abcCuts } from './abc.ts';
import { lifecycleStageOf } from './lifecycle.ts';
import {
  fmScore,
  quintileCuts,
  rfmClassOf,
  rfmSegmentOf,
  rfmSegments,
  scoreHigherBetter,
  scoreLowerBetter,
  segmentGridFlat,
  type Score,
} from './rfm.ts';
import { defaultScoringSettings, grades, valueTiers } from '../scoring.settings.ts';
import { scoreCodes } from '../../customers/score-codes.ts';
import { abcClasses } from './abc.ts';
import { lifecycleStages } from './lifecycle.ts';
import { rfmClasses } from './rfm.ts';

describe('scoring domain: RFM scores', () => {
  it('quintile cuts are percentile_disc at 20/40/60/80 %', () => {
    assert.deepEqual(quintileCuts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), [2, 4, 6, 8]);
    assert.deepEqual(quintileCuts([5]), [5, 5, 5, 5]);
    assert.deepEqual(quintileCuts([1, 1, 1, 1, 1, 1, 2, 2, 3, 9]), [1, 1, 1, 2]);
  });

  it('equal values get equal scores, and a big tie stays in the lowest band', () => {
    const values = [1, 1, 1, 1, 1, 1, 2, 2, 3, 9];
    const cuts = quintileCuts(values);
    const scores = values.map((v) => scoreHigherBetter(v, cuts));
    assert.deepEqual(scores, [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
  });

  it('table: higher-is-better and lower-is-better against cut points (inclusive upper bounds)', () => {
    const cuts = [30, 90, 180, 365] as const;
    const cases: [number, Score][] = [
      [0, 5],
      [30, 5],
      [31, 4],
      [90, 4],
      [180, 3],
      [181, 2],
      [365, 2],
      [366, 1],
    ];
    for (const [days, score] of cases) assert.equal(scoreLowerBetter(days, cuts), score, `R ${days}`);
    const f = [1, 2, 3, 5] as const;
    const fcases: [number, Score][] = [
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 4],
      [6, 5],
    ];
    for (const [n, score] of fcases) assert.equal(scoreHigherBetter(n, f), score, `F ${n}`);
  });

  it('the Chinese eight compare R, F and M with the basis', () => {
    const basis = { r: 30, f: 2, m: 500 };
    const c = (recencyDays: number, frequency: number, monetary: number) =>
      rfmClassOf({ recencyDays, frequency, monetary }, basis);
    assert.equal(c(10, 3, 800), 'important_value');
    assert.equal(c(10, 1, 800), 'important_develop');
    assert.equal(c(60, 3, 800), 'important_keep');
    assert.equal(c(60, 1, 800), 'important_retain');
    assert.equal(c(10, 3, 100), 'general_value');
    assert.equal(c(10, 1, 100), 'general_develop');
    assert.equal(c(60, 3, 100), 'general_keep');
    assert.equal(c(60, 1, 100), 'general_retain');
    assert.equal(c(30, 2, 500), 'important_value', 'the basis itself counts as recent, frequent, high');
  });

  it('the English eleven: every cell of R × FM is one of the eleven, and each of the eleven is used', () => {
    assert.equal(segmentGridFlat.length, 25);
    assert.deepEqual(new Set(segmentGridFlat), new Set(rfmSegments));
    assert.equal(fmScore(1, 2), 2);
    assert.equal(fmScore(4, 5), 5);
    assert.equal(rfmSegmentOf(5, 5, 5), 'champions');
    assert.equal(rfmSegmentOf(5, 1, 1), 'new_customers');
    assert.equal(rfmSegmentOf(4, 1, 1), 'promising');
    assert.equal(rfmSegmentOf(3, 3, 3), 'need_attention');
    assert.equal(rfmSegmentOf(3, 1, 2), 'about_to_sleep');
    assert.equal(rfmSegmentOf(2, 3, 4), 'at_risk');
    assert.equal(rfmSegmentOf(1, 5, 5), 'cannot_lose_them');
    assert.equal(rfmSegmentOf(2, 1, 1), 'hibernating');
    assert.equal(rfmSegmentOf(1, 1, 1), 'lost');
    assert.equal(rfmSegmentOf(4, 4, 4), 'loyal');
    assert.equal(rfmSegmentOf(5, 2, 3), 'potential_loyalist');
  });
});

describe('scoring domain: ABC', () => {
  it('A brings the first 80 % of revenue, B the next 15 %, ties share a class', () => {
    // total 1000: 500 (0 % above) A, 300 (50 %) A, 100 (80 %) B, 50 + 50 (90 %) B, nothing left for C
    const m = [500, 300, 100, 50, 50];
    const cuts = abcCuts(m, 80, 15);
    assert.deepEqual(cuts, { aCut: 300, bCut: 50 });
    assert.deepEqual(
      m.map((x) => abcClassOf(x, cuts)),
      ['A', 'A', 'B', 'B', 'B'],
    );
    const c = abcCuts([600, 300, 50, 30, 20], 80, 15);
    assert.deepEqual(
      [600, 300, 50, 30, 20].map((x) => abcClassOf(x, c)),
      ['A', 'A', 'B', 'C', 'C'],
    );
    assert.deepEqual(abcCuts([0, 0], 80, 15), { aCut: null, bCut: null });
    assert.equal(abcClassOf(5, { aCut: null, bCut: null }), 'C');
  });

  it('one customer with nearly all revenue is A alone', () => {
    const cuts = abcCuts([900, 60, 40], 80, 15);
    assert.deepEqual(
      [900, 60, 40].map((x) => abcClassOf(x, cuts)),
      ['A', 'B', 'C'],
    );
  });
});

describe('scoring domain: lifecycle', () => {
  const s = defaultScoringSettings.lifecycle;
  const stage = (daysSinceFirst: number | null, daysSinceLast: number | null, n = 1) =>
    lifecycleStageOf({ daysSinceFirst, daysSinceLast, ordersInLoyalWindow: n }, s);
  it('table', () => {
    assert.equal(stage(null, null, 0), 'prospect');
    assert.equal(stage(0, 0), 'new');
    assert.equal(stage(29, 29), 'new');
    assert.equal(stage(30, 30), 'active');
    assert.equal(stage(200, 10, 5), 'loyal');
    assert.equal(stage(200, 10, 4), 'active');
    assert.equal(stage(200, 90, 5), 'loyal');
    assert.equal(stage(200, 91, 5), 'dormant');
    assert.equal(stage(400, 365), 'dormant');
    assert.equal(stage(400, 366), 'churned');
  });
});

describe('scoring domain: the codes the customers module filters by', () => {
  it('are the codes scoring writes', () => {
    const same = (a: readonly string[], b: readonly string[]) => assert.deepEqual([...a].sort(), [...b].sort());
    same(scoreCodes.rfmClass, rfmClasses);
    same(scoreCodes.rfmSegment, rfmSegments);
    same(scoreCodes.abcClass, abcClasses);
    same(scoreCodes.valueTier, valueTiers);
    same(scoreCodes.grade, grades);
    same(scoreCodes.lifecycleStage, lifecycleStages);
  });
});
