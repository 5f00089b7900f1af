import { describe, expect, it } from 'vitest';
import {
  abandonRateMax,
  abandonmentPerMs,
  answeredPriorWeight,
  builtInPredictors,
  digammaDifference,
  erlangAPredictor as ErlangA,
  erlangAWaitMs,
  headOfLinePredictor,
  lastToEnterServicePredictor,
  patienceMsMin,
  queueDefaults,
  queueLengthPredictor as QL,
  type EwtInput,
} from '../src/index.ts';

/*
 * The EWT predictors (R13): Erlang-A (QL_m, ewt-erlang-a.ts) against its
 * defining sum and its limits — a queue's default, `erlangA` — and the
 * arithmetic of the other built-ins. Its
 * comparison with the other predictors on simulated and real data is in
 * packages/sim (docs/simulation.md, "EWT predictors").
 */

const input = (overrides: Partial<EwtInput> = {}): EwtInput => ({
  position: 10,
  agentsWorking: 20,
  agentsFree: 0,
  handleMs: 180_000,
  headWaitMs: 60_000,
  lastEnteredServiceWaitMs: 50_000,
  abandonRate: 0.1,
  answeredOrAbandoned: 200,
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
    // Read with answeredPriorWeight more answers, rates of 100 % and 97 % are both above the clip.
    expect(abandonmentPerMs(input({ abandonRate: 1, answeredOrAbandoned: 10_000 }))).toBe(
      abandonmentPerMs(input({ abandonRate: 0.97, answeredOrAbandoned: 10_000 })),
    );
    expect(abandonmentPerMs(input({ abandonRate: 1, answeredOrAbandoned: 10_000 }))).toBe(
      abandonRateMax / 60_000,
    );
    expect(
      abandonmentPerMs(
        input({
          abandonRate: 0.9,
          headWaitMs: 1_000,
          lastEnteredServiceWaitMs: 0,
          handleMs: 10_000,
        }),
      ),
    ).toBe(1 / patienceMsMin);
    // A few outcomes weigh little against answeredPriorWeight answered contacts: one hang-up
    // among two contacts is read as 1 in 12, and a short wait as at least h/s.
    expect(
      abandonmentPerMs(
        input({
          abandonRate: 0.5,
          answeredOrAbandoned: 2,
          headWaitMs: 3_000,
          lastEnteredServiceWaitMs: 0,
        }),
      ),
    ).toBeCloseTo(1 / (2 + answeredPriorWeight) / (180_000 / 20), 15);
    // No real wait yet: no evidence of patience, so QL.
    const noWait = input({ headWaitMs: 0, lastEnteredServiceWaitMs: 500 });
    expect(ErlangA(noWait)).toBe(QL(noWait));
  });

  it('[R13] a queue chooses it by the name erlangA, and gets it unless it names another', () => {
    expect(builtInPredictors.erlangA).toBe(ErlangA);
    expect(queueDefaults.ewtPredictor).toBe('erlangA');
  });
});

describe('the other built-in predictors', () => {
  it('[R13] QL divides the line by the working agents; HOL and LES tell a recent wait to every position', () => {
    expect(QL(input())).toBe(500 * 180);
    // HOL: the head's wait so far, at every position (not scaled by position).
    expect(headOfLinePredictor(input())).toBe(60_000);
    expect(headOfLinePredictor(input({ position: 1 }))).toBe(60_000);
    expect(lastToEnterServicePredictor(input())).toBe(50_000);
  });
});
