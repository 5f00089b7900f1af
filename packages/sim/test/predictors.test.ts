/*
 * The literature's EWT predictors (R13, issue 7): the Erlang-A (QL_m)
 * predictor against its defining sum and its limits, and the comparison of
 * predictors on simulated M/M/s+M queues. What the comparison asserts was
 * checked first over several loads and seeds (docs/simulation.md, "EWT
 * predictors"): ErlangA beat HOL by an order of magnitude and QL by a few
 * per cent in every run, so only those robust orderings are asserted.
 */
import type { EwtInput } from '@lineup/engine';
import { describe, expect, it } from 'vitest';
import { compareEwtPredictors, erlangAScenario } from '../src/ewt-comparison.ts';
import {
  abandonRateMax,
  abandonmentPerMs,
  digammaDifference,
  ErlangA,
  erlangAWaitMs,
  HOL,
  LES,
  patienceMsMin,
  QL,
} from '../src/predictors.ts';
import type { Scenario } from '../src/scenario.ts';

const input = (overrides: Partial<EwtInput> = {}): EwtInput => ({
  position: 10,
  agentsWorking: 20,
  agentsFree: 0,
  handleMs: 180_000,
  headWaitMs: 60_000,
  lastEnteredServiceWaitMs: 50_000,
  abandonRate: 0.1,
  ...overrides,
});

/** Σ_{k<n} 1/(sμ + kθ), term by term: the definition erlangAWaitMs computes in O(1). */
function directSumMs(n: number, agents: number, handleMs: number, thetaPerMs: number): number {
  let sum = 0;
  for (let k = 0; k < n; k++) sum += 1 / (agents / handleMs + k * thetaPerMs);
  return sum;
}

describe('Erlang-A predictor', () => {
  it('[R13] equals the defining sum Σ 1/(sμ + kθ) for small and large positions', () => {
    for (const [n, agents, theta] of [
      [1, 1, 1e-5],
      [7, 3, 1e-4],
      [50, 20, 1 / 300_000],
      [5_000, 100, 1 / 120_000],
      [200, 1_000, 1e-12],
    ] as const) {
      const expected = directSumMs(n, agents, 180_000, theta);
      const relativeError = Math.abs(erlangAWaitMs(n, agents, 180_000, theta) / expected - 1);
      expect(relativeError).toBeLessThan(1e-9);
    }
    expect(digammaDifference(0.5, 0)).toBe(0);
  });

  it('[R13] approaches QL (n·h/s) as abandonment goes to 0', () => {
    const withoutAbandons = input({ abandonRate: 0 });
    expect(ErlangA(withoutAbandons)).toBe(QL(withoutAbandons));
    expect(ErlangA(input({ abandonRate: null }))).toBe(QL(input()));
    const nearlyNone = ErlangA(input({ abandonRate: 1e-9 })) ?? Number.NaN;
    expect(nearlyNone).toBeCloseTo((10 * 180_000) / 20, -1);
    // With abandonment the wait is shorter than QL's.
    expect(ErlangA(input()) ?? Infinity).toBeLessThan(QL(input()) ?? 0);
  });

  it('[R13] is 0 for a contact a free agent can take, null when nobody works the queue', () => {
    expect(ErlangA(input({ position: 2, agentsFree: 2 }))).toBe(0);
    expect(ErlangA(input({ agentsWorking: 0 }))).toBeNull();
    expect(ErlangA(input({ position: 3, agentsFree: 2 }))).toBe(
      QL(input({ abandonRate: 0, position: 1 })),
    );
  });

  it('[R13] grows with position', () => {
    let previous = -1;
    for (let position = 1; position <= 2_000; position += 7) {
      const waitMs = ErlangA(input({ position })) ?? Number.NaN;
      expect(waitMs).toBeGreaterThan(previous);
      previous = waitMs;
    }
  });

  it('[R13] predicts a shorter wait the more customers abandon', () => {
    let previous = Infinity;
    for (const abandonRate of [0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.8]) {
      const waitMs = ErlangA(input({ position: 40, abandonRate })) ?? Number.NaN;
      expect(waitMs).toBeLessThan(previous);
      previous = waitMs;
    }
  });

  it('[R13] bounds the patience it infers: abandon rate clipped, mean patience at least patienceMsMin', () => {
    expect(abandonmentPerMs(input({ abandonRate: 1 }))).toBe(
      abandonmentPerMs(input({ abandonRate: abandonRateMax })),
    );
    expect(
      abandonmentPerMs(input({ abandonRate: 0.9, headWaitMs: 1_000, lastEnteredServiceWaitMs: 0 })),
    ).toBe(1 / patienceMsMin);
    // No real wait yet: no evidence of patience, so QL.
    const noWait = input({ headWaitMs: 0, lastEnteredServiceWaitMs: 500 });
    expect(ErlangA(noWait)).toBe(QL(noWait));
  });

  it('[R13] QL, HOL and LES are the engine built-ins', () => {
    expect(QL(input())).toBe(500 * 180);
    // HOL: the head's wait so far, at every position (not scaled by position).
    expect(HOL(input())).toBe(60_000);
    expect(HOL(input({ position: 1 }))).toBe(60_000);
    expect(LES(input())).toBe(50_000);
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
