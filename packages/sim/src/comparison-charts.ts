import type { MonthReplay } from './bank-replay-comparison.ts';
import type { BankCall } from './bank-trace.ts';
import type { ChartPoint, LineChart } from './charts.ts';
import type { EwtComparison } from './ewt-comparison.ts';
import { positionLabel } from './report.ts';

/*
 * The charts of docs/simulation.md that compare (issue 7): the replay of the
 * bank trace against the trace, per hour of arrival and as a distribution of
 * waits, and EWT predictors by position on arrival. Each function turns what
 * the comparison code returns into a chart (charts.ts draws it), so the
 * charts show what `lineup replay` and compareEwtPredictors compute and
 * nothing typed in.
 */

/** Hours of the day with fewer trace calls than this in a month are left out: a handful of night calls make noise, not a profile. */
export const chartHourCallsMin = 100;
/** Position buckets with fewer scored contacts than this are left out of the EWT charts. */
export const chartPositionCountMin = 10;

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "1999-01" as "January 1999", for legends. */
export function monthLabel(month: string): string {
  const name = monthNames[Number(month.slice(5, 7)) - 1];
  return name === undefined ? month : `${name} ${month.slice(0, 4)}`;
}

const trace = 'trace';
const replay = 'replay';

/**
 * Abandonment and ASA per local hour of arrival, trace (solid) against
 * replay (dashed), one colour per month; hours with fewer than
 * chartHourCallsMin trace calls are left out.
 */
export function replayByHourCharts(months: readonly MonthReplay[]): {
  abandonment: LineChart;
  asa: LineChart;
} {
  const abandonment: ChartPoint[] = [];
  const asa: ChartPoint[] = [];
  for (const month of months) {
    const series = monthLabel(month.month);
    for (const row of month.byHour) {
      if (row.trace.calls < chartHourCallsMin) continue;
      for (const [variant, side] of [
        [trace, row.trace],
        [replay, row.replay],
      ] as const) {
        if (side.abandonmentRatio !== null)
          abandonment.push({ x: row.hour, series, variant, value: side.abandonmentRatio });
        if (side.asaMs !== null)
          asa.push({ x: row.hour, series, variant, value: side.asaMs / 1000 });
      }
    }
  }
  // From the first hour shown to the end of the last: the night hours are left out.
  const hours = abandonment.map((point) => Number(point.x));
  const x = {
    title: 'hour of arrival (local time)',
    format: 'd',
    ...(hours.length === 0
      ? {}
      : { domain: [Math.min(...hours), Math.max(...hours) + 1] as [number, number] }),
  };
  return {
    abandonment: { points: abandonment, x, y: { title: 'abandonment', format: '.0%' } },
    asa: { points: asa, x, y: { title: 'ASA (s)', format: 'd' } },
  };
}

/** For each wait, the share of answered calls that waited at most that long (null: none answered). */
export function answeredWithinShares(
  calls: readonly BankCall[],
  waitsMs: readonly number[],
): (number | null)[] {
  const waits = calls
    .filter((call) => call.outcome === 'answered')
    .map((call) => call.waitMs)
    .sort((a, b) => a - b);
  if (waits.length === 0) return waitsMs.map(() => null);
  // One pass over the sorted waits for the ascending limits: O(calls log calls + limits).
  const limits = [...waitsMs]
    .map((waitMs, index) => ({ waitMs, index }))
    .sort((a, b) => a.waitMs - b.waitMs || a.index - b.index);
  const shares: (number | null)[] = waitsMs.map(() => null);
  let within = 0;
  for (const limit of limits) {
    while (within < waits.length && (waits[within] ?? Infinity) <= limit.waitMs) within++;
    shares[limit.index] = within / waits.length;
  }
  return shares;
}

/** One month's calls on both sides: the trace's, and the same calls with the replay's outcomes. */
export interface MonthCallsSideBySide {
  month: string;
  trace: readonly BankCall[];
  replay: readonly BankCall[];
}

/** The chart's waits: 0 to 5 minutes in steps of 5 s, where the trace's answered waits lie (p95 under 160 s). */
const waitSecondsMax = 300;
const waitSecondsStep = 5;

/**
 * The distribution of answered calls' waits: the share answered within t
 * seconds, t from 0 to 5 minutes, trace (solid) against replay (dashed), one
 * colour per month.
 */
export function waitDistributionChart(months: readonly MonthCallsSideBySide[]): LineChart {
  const waitsSeconds = Array.from(
    { length: waitSecondsMax / waitSecondsStep + 1 },
    (_, index) => index * waitSecondsStep,
  );
  const waitsMs = waitsSeconds.map((waitSeconds) => waitSeconds * 1000);
  const points: ChartPoint[] = [];
  for (const month of months) {
    const series = monthLabel(month.month);
    for (const [variant, calls] of [
      [trace, month.trace],
      [replay, month.replay],
    ] as const) {
      answeredWithinShares(calls, waitsMs).forEach((share, index) => {
        if (share !== null)
          points.push({ x: waitsSeconds[index] ?? 0, series, variant, value: share });
      });
    }
  }
  return {
    points,
    x: { title: 'wait (s)', format: 'd', domain: [0, waitSecondsMax] },
    y: { title: 'answered within the wait', format: '.0%', domain: [0, 1] },
  };
}

/**
 * RMSE of the EWT by position on arrival, one line per predictor, over the
 * buckets where every predictor scored at least chartPositionCountMin
 * contacts.
 */
export function ewtByPositionChart(comparison: EwtComparison): LineChart {
  const buckets = (comparison.predictors[0]?.byPosition ?? []).filter((_, index) =>
    comparison.predictors.every(
      (row) => (row.byPosition[index]?.count ?? 0) >= chartPositionCountMin,
    ),
  );
  const categories = buckets.map((bucket) => positionLabel(bucket.positionMin, bucket.positionMax));
  const points: ChartPoint[] = comparison.predictors.flatMap((row) =>
    row.byPosition.flatMap((bucket) => {
      const label = positionLabel(bucket.positionMin, bucket.positionMax);
      return categories.includes(label) && bucket.rmseSeconds !== null
        ? [{ x: label, series: row.predictor, value: bucket.rmseSeconds }]
        : [];
    }),
  );
  return {
    points,
    x: { title: 'position on arrival', categories },
    y: { title: 'RMSE of the EWT (s)', format: 'd' },
  };
}
