import { describe, expect, it } from 'vitest';
import {
  chartSpanMs,
  sampleEveryMs,
  summaryOf,
  withSample,
  type Sample,
} from '../src/wallboard/samples.ts';

/*
 * The wallboard chart's samples: one per step, the newest status of a step
 * kept (a peak between two steps shows), an hour at most, and the sentence
 * a screen reader hears.
 */

const sample = (atMs: number, waiting: number, serviceLevel: number | null = null): Sample => ({
  atMs,
  waiting,
  serviceLevel,
});

describe('the chart samples', () => {
  it('[web] a status within the sampling step replaces the step sample; a later one adds one', () => {
    let samples = withSample([], sample(0, 1));
    samples = withSample(samples, sample(sampleEveryMs - 1, 4));
    expect(samples).toEqual([sample(0, 4)]);
    samples = withSample(samples, sample(sampleEveryMs, 2));
    expect(samples.map((item) => item.waiting)).toEqual([4, 2]);
  });

  it('[web] samples older than an hour are dropped', () => {
    let samples: Sample[] = [];
    for (let atMs = 0; atMs <= chartSpanMs + 10 * sampleEveryMs; atMs += sampleEveryMs)
      samples = withSample(samples, sample(atMs, 1));
    expect(samples[0]?.atMs).toBeGreaterThan(10 * sampleEveryMs);
    expect(samples.length).toBe(chartSpanMs / sampleEveryMs);
  });

  it('[web] the sentence gives the peak and the service level range', () => {
    expect(summaryOf([])).toBe('No samples yet.');
    const said = summaryOf([sample(0, 2, 0.9), sample(5_000, 5, null), sample(10_000, 1, 0.75)]);
    expect(said).toMatch(/at most 5 waiting, service level 75–90 %\.$/);
    expect(summaryOf([sample(0, 0)])).toMatch(/no service level yet\.$/);
  });
});
