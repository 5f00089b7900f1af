/*
 * The samples behind a queue's chart of the last hour (hour-chart.tsx): at
 * most one per sampling step, the newest status of a step replacing the
 * step's sample, an hour kept; and the sentence that says what they show.
 */

import { timeOfDay, type Language } from '../shared/languages.ts';
import { wallboardWords } from './wallboard-words.ts';

/** One sample of a queue's status. */
export interface Sample {
  atMs: number;
  waiting: number;
  /** 0–1, or null before the first answered or abandoned contact of the window. */
  serviceLevel: number | null;
}

/** How long samples are kept: the chart's span. */
export const chartSpanMs = 3_600_000;
/** Least time between two samples of one queue. */
export const sampleEveryMs = 5_000;

/** Adds a sample unless the last one is too recent, and drops those older than the span. */
export function withSample(samples: readonly Sample[], sample: Sample): Sample[] {
  const last = samples.at(-1);
  const kept = samples.filter((item) => item.atMs > sample.atMs - chartSpanMs);
  if (last !== undefined && sample.atMs - last.atMs < sampleEveryMs) {
    // Within the sampling step the newest status replaces the last sample.
    kept[kept.length - 1] = { ...sample, atMs: last.atMs };
    return kept;
  }
  return [...kept, sample];
}

/**
 * The samples with the server's history of the queue in front (its minute
 * samples, each charted at its peak): those older than the first sample the
 * page took, within the span of the newest one.
 */
export function withHistory(
  samples: readonly Sample[],
  history: readonly { atMs: number; waitingMax: number; serviceLevel: number | null }[],
): Sample[] {
  const firstMs = samples[0]?.atMs ?? Number.POSITIVE_INFINITY;
  const lastMs = samples.at(-1)?.atMs ?? history.at(-1)?.atMs ?? 0;
  const older = history
    .filter((item) => item.atMs < firstMs && item.atMs > lastMs - chartSpanMs)
    .map((item) => ({
      atMs: item.atMs,
      waiting: item.waitingMax,
      serviceLevel: item.serviceLevel,
    }));
  return [...older, ...samples];
}

/** The chart's sentence: the highest waiting count and the service level's range. */
export function summaryOf(samples: readonly Sample[], language: Language = 'en'): string {
  const t = wallboardWords[language];
  if (samples.length === 0) return t.noSamples;
  const waitingMax = Math.max(...samples.map((sample) => sample.waiting));
  const levels = samples.flatMap((sample) =>
    sample.serviceLevel === null ? [] : [Math.round(sample.serviceLevel * 100)],
  );
  const level =
    levels.length === 0
      ? t.noServiceLevel
      : t.serviceLevelRange(Math.min(...levels), Math.max(...levels));
  return t.chartSummary(timeOfDay(samples[0]?.atMs ?? 0, language), String(waitingMax), level);
}

/** Month and weekday names as uPlot's date formats take them (its DateNames). */
export interface ChartDateNames {
  MMMM: string[];
  MMM: string[];
  WWWW: string[];
  WWW: string[];
}

const months = Array.from({ length: 12 }, (_, index) => index + 1);
const chineseDigits = ['日', '一', '二', '三', '四', '五', '六'];

/** Chinese month and weekday names; English keeps uPlot's own (null). */
export const chartDateNames: Record<Language, ChartDateNames | null> = {
  en: null,
  zh: {
    MMMM: months.map((month) => `${month}月`),
    MMM: months.map((month) => `${month}月`),
    WWWW: chineseDigits.map((day) => `星期${day}`),
    WWW: chineseDigits.map((day) => `周${day}`),
  },
};

/**
 * The chart's time-axis format (a uPlot template such as `{h}:{mm}{aa}`) in
 * the page's language: Chinese reads the 24-hour clock and dates as 月 and 日.
 */
export function chartTimeTemplate(template: string, language: Language): string {
  if (language === 'en') return template;
  return template
    .replaceAll('{h}{aa}', '{H}:00')
    .replaceAll('{h}', '{H}')
    .replace(/\{(aa|AA|a)\}/g, '')
    .replaceAll('{M}/{D}/{YY}', '{YYYY}年{M}月{D}日')
    .replaceAll('{M}/{D}', '{M}月{D}日');
}
