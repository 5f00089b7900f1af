import { describe, expect, it } from 'vitest';
import {
  logNormalShapeOf,
  meanMsOf,
  poissonArrivals,
  Random,
  sampleMs,
  type Distribution,
} from '../src/random.ts';

/*
 * The simulator's randomness: seeded and repeatable, and each distribution
 * draws what its parameters say. Sample sizes are chosen so that a correct
 * generator fails these bounds (four or more standard errors) about never.
 */

const draws = (random: Random, distribution: Distribution, count: number): number[] =>
  Array.from({ length: count }, () => sampleMs(random, distribution));

const meanOf = (values: readonly number[]): number =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

const sdOf = (values: readonly number[]): number => {
  const mean = meanOf(values);
  return Math.sqrt(
    values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1),
  );
};

describe('Random', () => {
  it('[seed] the same seed and stream draw the same numbers; others differ', () => {
    const sequence = (seed: number, stream: number): number[] => {
      const random = new Random(seed, stream);
      return Array.from({ length: 8 }, () => random.nextUint32());
    };
    expect(sequence(42, 0)).toEqual(sequence(42, 0));
    expect(sequence(42, 1)).not.toEqual(sequence(42, 0));
    expect(sequence(43, 0)).not.toEqual(sequence(42, 0));
  });

  it('[uniform] floats are in [0, 1) with mean ½ and variance 1/12', () => {
    const random = new Random(1);
    const values = Array.from({ length: 100_000 }, () => random.nextFloat());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    // Standard error of the mean: √(1/12 / n) ≈ 0.0009.
    expect(Math.abs(meanOf(values) - 0.5)).toBeLessThan(0.004);
    expect(Math.abs(sdOf(values) ** 2 - 1 / 12)).toBeLessThan(0.002);
  });
});

describe('distributions', () => {
  it('[exponential] has the mean and standard deviation it is given', () => {
    const values = draws(new Random(2), { kind: 'exponential', meanMs: 180_000 }, 50_000);
    // Standard error of the mean: 180 000 / √50 000 ≈ 805 ms.
    expect(Math.abs(meanOf(values) - 180_000)).toBeLessThan(4_000);
    expect(Math.abs(sdOf(values) - 180_000)).toBeLessThan(6_000);
  });

  it('[log-normal] by mean and sd has that mean and sd; by median, that median', () => {
    const values = draws(
      new Random(3),
      { kind: 'logNormal', meanMs: 240_000, sdMs: 120_000 },
      50_000,
    );
    expect(Math.abs(meanOf(values) - 240_000)).toBeLessThan(3_000);
    expect(Math.abs(sdOf(values) - 120_000)).toBeLessThan(5_000);
    const shape = logNormalShapeOf(240_000, 120_000);
    const sorted = draws(
      new Random(4),
      { kind: 'logNormalMedian', medianMs: shape.median, sigma: shape.sigma },
      50_001,
    ).sort((a, b) => a - b);
    expect(Math.abs((sorted[25_000] ?? 0) - shape.median)).toBeLessThan(3_000);
    expect(
      meanMsOf({ kind: 'logNormalMedian', medianMs: shape.median, sigma: shape.sigma }),
    ).toBeCloseTo(240_000, 6);
  });

  it('[empirical] draws only the values given, each about equally often', () => {
    const values = draws(
      new Random(5),
      { kind: 'empirical', samplesMs: [10_000, 20_000, 30_000] },
      30_000,
    );
    const counts = new Map<number, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([10_000, 20_000, 30_000]);
    for (const count of counts.values()) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });

  it('[ms] durations are whole ms and never negative', () => {
    const values = draws(new Random(6), { kind: 'logNormal', meanMs: 1.7, sdMs: 3 }, 1_000);
    for (const value of values) {
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
    }
    expect(draws(new Random(6), { kind: 'fixed', ms: 60_000 }, 3)).toEqual([
      60_000, 60_000, 60_000,
    ]);
  });
});

describe('Poisson arrivals', () => {
  it('[Poisson] each interval gets its own rate; none spill into the next', () => {
    const intervalMs = 900_000;
    const perInterval = [40, 0, 400, 10];
    const counts = [0, 0, 0, 0];
    const runs = 200;
    for (let run = 0; run < runs; run++) {
      let previousMs = 0;
      for (const atMs of poissonArrivals(new Random(run, 9), {
        startMs: 0,
        intervalMs,
        perInterval,
      })) {
        expect(atMs).toBeGreaterThanOrEqual(previousMs);
        previousMs = atMs;
        const interval = Math.floor(atMs / intervalMs);
        counts[interval] = (counts[interval] ?? 0) + 1;
      }
    }
    expect(counts[1]).toBe(0);
    // Means over 200 runs; the standard error of a Poisson(λ) mean is √(λ / 200).
    for (const [index, rate] of perInterval.entries()) {
      const mean = (counts[index] ?? 0) / runs;
      expect(Math.abs(mean - rate)).toBeLessThanOrEqual(4 * Math.sqrt(rate / runs) + 1e-9);
    }
  });

  it('[Poisson] gaps inside an interval are exponential: their sd equals their mean', () => {
    const times = [
      ...poissonArrivals(new Random(10), {
        startMs: 0,
        intervalMs: 3_600_000,
        perInterval: [20_000],
      }),
    ];
    const gaps = times.slice(1).map((atMs, index) => atMs - (times[index] ?? 0));
    const mean = meanOf(gaps);
    expect(Math.abs(mean - 180)).toBeLessThan(6);
    expect(Math.abs(sdOf(gaps) / mean - 1)).toBeLessThan(0.05);
  });
});
