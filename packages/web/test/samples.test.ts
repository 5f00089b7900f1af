import { describe, expect, it } from 'vitest';
import {
  chartDateNames,
  chartSpanMs,
  chartTimeTemplate,
  sampleEveryMs,
  summaryOf,
  withHistory,
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

  it("[web] the server's minutes before the page opened go in front, each at its peak", () => {
    const minute = (atMs: number, waitingMax: number) => ({
      atMs,
      waiting: 0,
      waitingMax,
      serviceLevel: 0.9,
    });
    const live = [sample(chartSpanMs + 90_000, 1), sample(chartSpanMs + 95_000, 2)];
    const merged = withHistory(live, [
      minute(0, 9), // older than the hour before the newest sample: left out
      minute(120_000, 3),
      minute(chartSpanMs + 60_000, 4),
      minute(chartSpanMs + 120_000, 5), // the page has its own samples from then on
    ]);
    expect(merged.map((item) => [item.atMs, item.waiting])).toEqual([
      [120_000, 3],
      [chartSpanMs + 60_000, 4],
      [chartSpanMs + 90_000, 1],
      [chartSpanMs + 95_000, 2],
    ]);
    expect(withHistory([], [minute(0, 2)]).map((item) => item.waiting)).toEqual([2]);
  });

  it('[web] the time axis reads the 24-hour clock and 月/日 dates in Chinese, and stays as uPlot has it in English', () => {
    expect(chartTimeTemplate('{h}:{mm}{aa}', 'zh')).toBe('{H}:{mm}');
    expect(chartTimeTemplate('{h}{aa}', 'zh')).toBe('{H}:00');
    expect(chartTimeTemplate('\n{M}/{D}/{YY}', 'zh')).toBe('\n{YYYY}年{M}月{D}日');
    expect(chartTimeTemplate('{M}/{D}', 'zh')).toBe('{M}月{D}日');
    expect(chartTimeTemplate('{YYYY}-{MM}-{DD} {h}:{mm}{aa}', 'zh')).toBe(
      '{YYYY}-{MM}-{DD} {H}:{mm}',
    );
    expect(chartTimeTemplate('{h}:{mm}{aa}', 'en')).toBe('{h}:{mm}{aa}');
    expect(chartDateNames.zh?.MMM[11]).toBe('12月');
    expect(chartDateNames.zh?.WWW[0]).toBe('周日');
    expect(chartDateNames.en).toBeNull();
  });
});
