/*
 * The literature's EWT predictors (R13, issue 7) under their names, and the
 * comparison of predictors on simulated M/M/s+M queues (the Erlang-A
 * predictor's own tests are the engine's, ewt.test.ts). What the comparison asserts was
 * checked first over several loads and seeds (docs/simulation.md, "EWT
 * predictors"): ErlangA beat HOL by an order of magnitude and QL by a few
 * per cent in every run, so only those robust orderings are asserted.
 */
import {
  erlangAPredictor,
  headOfLinePredictor,
  lastToEnterServicePredictor,
  queueLengthPredictor,
} from '@lineup/engine';
import { describe, expect, it } from 'vitest';
import { compareEwtPredictors, erlangAScenario } from '../src/ewt-comparison.ts';
import { ErlangA, HOL, LES, QL } from '../src/predictors.ts';
import type { Scenario } from '../src/scenario.ts';

describe('the literature names', () => {
  it('[R13] QL, HOL, LES and ErlangA are the engine built-ins', () => {
    expect([QL, HOL, LES, ErlangA]).toEqual([
      queueLengthPredictor,
      headOfLinePredictor,
      lastToEnterServicePredictor,
      erlangAPredictor,
    ]);
  });
});

/** 22 Erlangs on 20 agents: overloaded, so lines are long and abandonment matters. */
const overloaded = (seed: number): Scenario =>
  erlangAScenario({ seed, agents: 20, offeredErlangs: 22, patienceMsMean: 300_000 });

describe('compareEwtPredictors', () => {
  const seeds = [1, 2, 3];
  const comparisons = seeds.map((seed) =>
    compareEwtPredictors(overloaded(seed), ['QL', 'HOL', 'LES', 'ErlangA', 'queueLength']),
  );
  const rmseOf = (predictor: string): number[] =>
    comparisons.map(
      (comparison) =>
        comparison.predictors.find((row) => row.predictor === predictor)?.rmseSeconds ?? Infinity,
    );

  it('[R13] every run serves the same customers the same way: routing ignores the EWT', () => {
    for (const comparison of comparisons) {
      expect(comparison.isServedIdentically).toBe(true);
      const counts = new Set(comparison.predictors.map((row) => row.count));
      expect(counts.size).toBe(1);
      expect([...counts][0]).toBeGreaterThan(500);
    }
  });

  it('[R13] the built-in by its engine name and by its literature name give the same errors', () => {
    expect(rmseOf('QL')).toEqual(rmseOf('queueLength'));
  });

  it('[R13] on M/M/s+M, ErlangA beats HOL in every seed and QL over the seeds', () => {
    const erlangA = rmseOf('ErlangA');
    const hol = rmseOf('HOL');
    const ql = rmseOf('QL');
    erlangA.forEach((rmse, index) => {
      expect(rmse).toBeLessThan(hol[index] ?? 0);
    });
    const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
    expect(sum(erlangA)).toBeLessThan(sum(ql));
  });

  it('[R13] reports by position bucket, and the buckets add up to the whole', () => {
    for (const row of comparisons[0]?.predictors ?? []) {
      expect(row.byPosition.reduce((total, bucket) => total + bucket.count, 0)).toBe(row.count);
    }
  });

  it('[R13] leaves out contacts answered after more than answeredWaitMsMax, and counts them', () => {
    const all = comparisons[0]?.predictors.find((row) => row.predictor === 'QL');
    const capped = compareEwtPredictors(overloaded(seeds[0] ?? 1), ['QL'], {
      answeredWaitMsMax: 60_000,
    });
    const row = capped.predictors[0];
    expect(comparisons[0]?.leftOutForWait).toBe(0);
    expect(capped.leftOutForWait).toBeGreaterThan(0);
    expect((row?.count ?? 0) + capped.leftOutForWait).toBe(all?.count);
    // The longest waits carry the largest errors of an overloaded queue: leaving them out lowers the RMSE.
    expect(row?.rmseSeconds ?? Infinity).toBeLessThan(all?.rmseSeconds ?? 0);
  });
});
