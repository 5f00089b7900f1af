import { describe, expect, it } from 'vitest';
import { localMidnightMs } from '../src/bank-replay.ts';
import { monthsOf, replayMonth } from '../src/bank-replay-comparison.ts';
import type { BankCall } from '../src/bank-trace.ts';
import { renderLineChartSvg } from '../src/charts.ts';
import {
  answeredWithinShares,
  chartHourCallsMin,
  chartPositionCountMin,
  ewtByPositionChart,
  replayByHourCharts,
  waitDistributionChart,
} from '../src/comparison-charts.ts';
import type { EwtComparison, PredictorComparison } from '../src/ewt-comparison.ts';

/*
 * The charts of docs/simulation.md that compare the replay with the trace and
 * EWT predictors with each other (issue 7), drawn from small fixtures: what a
 * reader of the page would check — the series in the legend, the hours and
 * positions shown, the values — and that the result is one SVG document.
 */

const minuteMs = 60_000;
const secondMs = 1_000;

/** A call on `date` at 08:00 local time plus `atSeconds`. */
function call(line: number, date: string, atSeconds: number, fields: Partial<BankCall>): BankCall {
  return {
    line,
    callId: String(line),
    date,
    arrivalMs: localMidnightMs(date) + 8 * 60 * minuteMs + atSeconds * secondMs,
    queueType: 'PS',
    priority: 0,
    outcome: 'answered',
    waitMs: 0,
    serviceMs: 30 * secondMs,
    patienceMs: null,
    agentName: 'ANAT',
    ...fields,
  };
}

/**
 * A month's morning: chartHourCallsMin calls from 08:00, one every 30 s and
 * each talking 30 s, every fifth one abandoning after 20 s of waiting in the
 * trace; and two calls at 21:00, too few for the charts.
 */
function morning(date: string, firstLine: number): BankCall[] {
  const calls = Array.from({ length: chartHourCallsMin }, (_, index) =>
    index % 5 === 4
      ? call(firstLine + index, date, index * 30, {
          outcome: 'abandoned',
          waitMs: 20 * secondMs,
          patienceMs: 20 * secondMs,
          serviceMs: 0,
          agentName: null,
        })
      : call(firstLine + index, date, index * 30, { waitMs: 10 * secondMs }),
  );
  calls.push(call(firstLine + chartHourCallsMin, date, 13 * 3600, {}));
  calls.push(call(firstLine + chartHourCallsMin + 1, date, 13 * 3600 + 60, {}));
  return calls;
}

/** One SVG document: what a browser shows as an image. */
function expectSvg(svg: string): void {
  expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(svg.trimEnd()).toMatch(/<\/svg>$/);
  expect(svg.match(/<svg[\s>]/g)).toHaveLength(1);
}

/** The text shown in an SVG: labels, titles, legends. */
function textsOf(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1] ?? '');
}

const months = monthsOf([...morning('1999-01-04', 1), ...morning('1999-10-04', 1_000)], undefined);
const runs = months.map((month) => replayMonth(month, { seed: 1, isSingleQueue: false }));

describe('replay charts', () => {
  it('[doc-charts] abandonment and ASA per hour: trace and replay for each month, busy hours only', async () => {
    const charts = replayByHourCharts(runs.map((run) => run.summary));
    const hours = new Set(charts.abandonment.points.map((point) => point.x));
    expect([...hours]).toEqual([8]);
    expect(
      charts.abandonment.points.map((point) => [point.series, point.variant, point.value]),
    ).toEqual([
      ['January 1999', 'trace', 0.2],
      [
        'January 1999',
        'replay',
        runs[0]?.summary.byHour.find((row) => row.hour === 8)?.replay.abandonmentRatio,
      ],
      ['October 1999', 'trace', 0.2],
      [
        'October 1999',
        'replay',
        runs[1]?.summary.byHour.find((row) => row.hour === 8)?.replay.abandonmentRatio,
      ],
    ]);
    // The trace's ASA: every answered call waited 10 s.
    expect(
      charts.asa.points.filter((point) => point.variant === 'trace').map((point) => point.value),
    ).toEqual([10, 10]);
    for (const chart of [charts.abandonment, charts.asa]) {
      const svg = await renderLineChartSvg(chart);
      expectSvg(svg);
      expect(textsOf(svg)).toEqual(
        expect.arrayContaining(['January 1999', 'October 1999', 'trace', 'replay']),
      );
    }
  });

  it('[doc-charts] the wait distribution is the share of answered calls within each wait', async () => {
    const calls = [
      call(1, '1999-01-04', 0, { waitMs: 0 }),
      call(2, '1999-01-04', 0, { waitMs: 0 }),
      call(3, '1999-01-04', 0, { waitMs: 10 * secondMs }),
      call(4, '1999-01-04', 0, { waitMs: 60 * secondMs }),
      call(5, '1999-01-04', 0, { outcome: 'abandoned', waitMs: 5 * secondMs, agentName: null }),
    ];
    expect(answeredWithinShares(calls, [300_000, 0, 5_000, 10_000])).toEqual([1, 0.5, 0.5, 0.75]);
    expect(answeredWithinShares(calls.slice(4), [0])).toEqual([null]);

    const chart = waitDistributionChart(
      months.map((month, index) => ({
        month: month.month,
        trace: month.calls,
        replay: runs[index]?.replayedCalls ?? [],
      })),
    );
    // 0 to 300 s in steps of 5 s, for two sides of two months.
    expect(chart.points).toHaveLength(61 * 4);
    const traceJanuary = chart.points.filter(
      (point) => point.series === 'January 1999' && point.variant === 'trace',
    );
    expect(traceJanuary.find((point) => point.x === 5)?.value).toBe(2 / 82);
    expect(traceJanuary.find((point) => point.x === 10)?.value).toBe(1);
    const svg = await renderLineChartSvg(chart);
    expectSvg(svg);
    expect(textsOf(svg)).toEqual(expect.arrayContaining(['wait (s)', 'trace', 'replay']));
  });
});

describe('EWT chart', () => {
  const row = (predictor: string, rmses: number[]): PredictorComparison => ({
    predictor,
    count: 130,
    rmseSeconds: 20,
    biasSeconds: 0,
    byPosition: [
      { positionMin: 1, positionMax: 1, count: 100, rmseSeconds: rmses[0] ?? null },
      {
        positionMin: 2,
        positionMax: 3,
        count: chartPositionCountMin,
        rmseSeconds: rmses[1] ?? null,
      },
      {
        positionMin: 4,
        positionMax: 7,
        count: chartPositionCountMin - 1,
        rmseSeconds: rmses[2] ?? null,
      },
      { positionMin: 8, positionMax: 15, count: 0, rmseSeconds: null },
    ],
  });
  const comparison: EwtComparison = {
    predictors: [row('QL', [4, 12, 30]), row('ErlangA', [4, 11, 25])],
    leftOutForWait: 0,
    isServedIdentically: true,
  };

  it('[doc-charts] draws a line per predictor over the positions with enough contacts', async () => {
    const chart = ewtByPositionChart(comparison);
    expect(chart.x.categories).toEqual(['1', '2–3']);
    expect(chart.points.map((point) => [point.series, point.x, point.value])).toEqual([
      ['QL', '1', 4],
      ['QL', '2–3', 12],
      ['ErlangA', '1', 4],
      ['ErlangA', '2–3', 11],
    ]);
    const svg = await renderLineChartSvg(chart);
    expectSvg(svg);
    const texts = textsOf(svg);
    expect(texts).toEqual(
      expect.arrayContaining(['QL', 'ErlangA', '1', '2–3', 'position on arrival']),
    );
    expect(texts).not.toContain('4–7');
  });
});
