/*
 * Renders every chart docs/simulation.md shows, into docs/images/, and prints
 * the numbers of the page's tables that come with them:
 *
 * - small-center-service-level.svg: the service level per interval of the
 *   Support queue of docs/examples/small-center.json, with the scenario's own
 *   seed, as the HTML report draws it.
 * - replay-abandonment-by-hour.svg, replay-asa-by-hour.svg and
 *   replay-wait-distribution.svg: the whole of January and of October of the
 *   Anonymous Bank trace against their replay (replayMonth, as `lineup
 *   replay` runs it, default seed).
 * - ewt-rmse-simulated.svg, ewt-rmse-replay-january.svg and
 *   ewt-rmse-replay-october.svg: RMSE of each EWT predictor by position on
 *   arrival, on a simulated M/M/20+M queue and on each month's replay.
 *
 * Nothing is typed in: the charts and the printed numbers are what the code
 * computes. The trace is looked up as the tests look it up
 * (LINEUP_BANK_TRACE_DIR, or ../shared/data/anonymous-bank-1999); without it
 * the script stops and says so.
 *
 * The scenario is the repository's own example, checked by scenarioProblems;
 * the file's schema check lives in packages/cli, which the simulator may not
 * import (DESIGN.md §3).
 *
 * Run: npm run charts -w packages/sim (from the repository root), about a
 * minute.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayScenario, replaySeedDefault } from '../src/bank-replay.ts';
import { monthsOf, replayMonth, type MonthReplayRun } from '../src/bank-replay-comparison.ts';
import {
  bankTraceUtcOffsetMinutes,
  findBankTraceDirectory,
  readBankTrace,
  type BankCall,
} from '../src/bank-trace.ts';
import { renderLineChartSvg, type LineChart } from '../src/charts.ts';
import {
  ewtByPositionChart,
  monthLabel,
  replayByHourCharts,
  waitDistributionChart,
} from '../src/comparison-charts.ts';
import {
  compareEwtPredictors,
  erlangAScenario,
  type EwtComparison,
  type ErlangAScenarioOptions,
} from '../src/ewt-comparison.ts';
import { sectionCharts } from '../src/report-html.ts';
import { literaturePredictors } from '../src/predictors.ts';
import { isEwtScored, positionLabel } from '../src/report.ts';
import { scenarioProblems, type Scenario } from '../src/scenario.ts';
import { simulate } from '../src/simulator.ts';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const imagesPath = `${repositoryRoot}docs/images/`;
const scenarioPath = `${repositoryRoot}docs/examples/small-center.json`;

/** The predictors docs/simulation.md compares, in its tables' order. */
const predictorNames = ['QL', 'HOL', 'LES', 'ErlangA'] as const;
/**
 * Replayed callers answered after more than an hour are left out of the
 * EWT errors (and counted): the trace's longest answered wait is under half
 * an hour, so a longer one is a caller the replay left waiting overnight.
 */
const replayAnsweredWaitMsMax = 3_600_000;
/** The simulated queues of the EWT table, each run with seeds 1–3. */
const simulatedQueues: readonly (Omit<ErlangAScenarioOptions, 'seed'> & { label: string })[] = [
  { label: 'M/M/20+M, 19 Erlangs, 600 s', agents: 20, offeredErlangs: 19, patienceMsMean: 600_000 },
  { label: 'M/M/20+M, 22 Erlangs, 300 s', agents: 20, offeredErlangs: 22, patienceMsMean: 300_000 },
  { label: 'M/M/50+M, 52 Erlangs, 180 s', agents: 50, offeredErlangs: 52, patienceMsMean: 180_000 },
];
const simulatedSeeds = [1, 2, 3];

const print = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

async function writeChart(name: string, chart: LineChart | string): Promise<void> {
  const svg = typeof chart === 'string' ? chart : await renderLineChartSvg(chart);
  await writeFile(`${imagesPath}${name}`, `${svg}\n`);
  print(`wrote docs/images/${name}`);
}

async function smallCenterChart(): Promise<void> {
  const scenario = JSON.parse(await readFile(scenarioPath, 'utf8')) as Scenario;
  const problems = scenarioProblems(scenario);
  if (problems.length > 0) {
    throw new Error(`${scenarioPath} is not a valid scenario: ${JSON.stringify(problems)}`);
  }
  const { report } = simulate(scenario);
  const support = report.queues.find((section) => section.queueId === 'support');
  if (support === undefined) throw new Error(`${scenarioPath} has no queue "support".`);
  const charts = await sectionCharts(report, support);
  await writeChart('small-center-service-level.svg', charts.serviceLevel);
}

async function bankCalls(): Promise<BankCall[]> {
  const directory = findBankTraceDirectory();
  if (directory === null) {
    throw new Error(
      'The Anonymous Bank trace was not found: set LINEUP_BANK_TRACE_DIR to the folder of january.txt and october.txt.',
    );
  }
  const calls: BankCall[] = [];
  for (const file of ['january.txt', 'october.txt']) {
    const read = await readBankTrace(join(directory, file));
    if (!read.ok) throw new Error(`${file}: ${read.problem.message}`);
    // A loop, not a spread: a month is 35,000 calls, past what a spread may pass as arguments.
    for (const call of read.value.calls) calls.push(call);
  }
  return calls;
}

const seconds = (value: number | null): string => (value === null ? '–' : value.toFixed(1));
const percent = (ratio: number | null): string =>
  ratio === null ? '–' : `${(ratio * 100).toFixed(1)} %`;

function printReplay(runs: readonly MonthReplayRun[]): void {
  print();
  print(`Replay against the trace (seed ${replaySeedDefault}):`);
  for (const { summary } of runs) {
    const { trace, replay } = summary.wholeMonth;
    print(
      `  ${summary.month}: abandonment ${percent(trace.abandonmentRatio)} / ${percent(replay.abandonmentRatio)}, ` +
        `ASA ${seconds((trace.asaMs ?? 0) / 1000)} / ${seconds((replay.asaMs ?? 0) / 1000)} s (trace / replay)`,
    );
  }
}

function printComparison(label: string, comparison: EwtComparison, elapsedMs?: number): void {
  const first = comparison.predictors[0];
  const timing = elapsedMs === undefined ? '' : `, ${(elapsedMs / 1000).toFixed(1)} s`;
  print();
  print(
    `${label}: ${first?.count ?? 0} answered with a prediction, ${comparison.leftOutForWait} left out for waiting over an hour, ` +
      `served identically: ${comparison.isServedIdentically}${timing}`,
  );
  const buckets = (first?.byPosition ?? []).filter((bucket) => bucket.count > 0);
  print(
    `  predictor  RMSE  bias  | ${buckets.map((bucket) => `${positionLabel(bucket.positionMin, bucket.positionMax)} (${bucket.count})`).join('  ')}`,
  );
  for (const row of comparison.predictors) {
    const byPosition = buckets.map((bucket) =>
      seconds(
        row.byPosition.find((own) => own.positionMin === bucket.positionMin)?.rmseSeconds ?? null,
      ),
    );
    print(
      `  ${row.predictor.padEnd(9)} ${seconds(row.rmseSeconds)} ${seconds(row.biasSeconds)} | ${byPosition.join('  ')}`,
    );
  }
}

/** Largest QL errors shown per month: the predictions that weigh most in its RMSE. */
const largestErrorsShown = 3;

/** QL's largest errors on a replay (callers waiting over an hour left out), for the page's explanation. */
function printLargestErrors(scenario: Scenario): void {
  const run = simulate(
    {
      ...scenario,
      queues: scenario.queues.map((queue) => ({
        ...queue,
        settings: { ...queue.settings, ewtPredictor: 'QL' },
      })),
    },
    { predictors: literaturePredictors },
  );
  const errors = run.legs
    .filter((leg) => isEwtScored(leg) && (leg.waitMs ?? 0) <= replayAnsweredWaitMsMax)
    .map((leg) => ({ leg, errorMs: Math.abs((leg.predictedWaitMs ?? 0) - (leg.waitMs ?? 0)) }))
    .sort((a, b) => b.errorMs - a.errorMs || a.leg.contactIndex - b.leg.contactIndex)
    .slice(0, largestErrorsShown);
  for (const { leg } of errors) {
    // On the trace's local clock, as the replay's hours are.
    const local = new Date(
      (scenario.originEpochMs ?? 0) + leg.joinedAtMs + bankTraceUtcOffsetMinutes * 60_000,
    );
    print(
      `  QL's large error: queue ${leg.queueId}, position ${leg.position ?? '–'}, ` +
        `${local.toISOString().slice(0, 16).replace('T', ' ')} local: told ${seconds((leg.predictedWaitMs ?? 0) / 1000)} s, waited ${seconds((leg.waitMs ?? 0) / 1000)} s`,
    );
  }
}

/** The simulated rows: mean RMSE over the seeds, and seed 1's comparison of the overloaded queue for its chart. */
function simulatedComparisons(): EwtComparison {
  let chart: EwtComparison | null = null;
  print();
  print(`Simulated EWT RMSE (s), mean over seeds ${simulatedSeeds.join(', ')}:`);
  for (const queue of simulatedQueues) {
    const runs = simulatedSeeds.map((seed) =>
      compareEwtPredictors(erlangAScenario({ ...queue, seed }), predictorNames),
    );
    const means = predictorNames.map((name) => {
      const rmses = runs.map(
        (run) => run.predictors.find((row) => row.predictor === name)?.rmseSeconds ?? Number.NaN,
      );
      return `${name} ${seconds(rmses.reduce((sum, rmse) => sum + rmse, 0) / rmses.length)}`;
    });
    print(`  ${queue.label}: ${means.join(', ')}`);
    if (queue.offeredErlangs === 22) chart = runs[0] ?? null;
  }
  if (chart === null) throw new Error('the chart queue (22 Erlangs) is missing');
  printComparison('M/M/20+M, 22 Erlangs, 300 s, seed 1', chart);
  return chart;
}

await smallCenterChart();

const months = monthsOf(await bankCalls(), undefined);
const runs = months.map((month) =>
  replayMonth(month, { seed: replaySeedDefault, isSingleQueue: false }),
);
const byHour = replayByHourCharts(runs.map((run) => run.summary));
await writeChart('replay-abandonment-by-hour.svg', byHour.abandonment);
await writeChart('replay-asa-by-hour.svg', byHour.asa);
await writeChart(
  'replay-wait-distribution.svg',
  waitDistributionChart(
    months.map((month, index) => ({
      month: month.month,
      trace: month.calls,
      replay: runs[index]?.replayedCalls ?? [],
    })),
  ),
);
printReplay(runs);

await writeChart('ewt-rmse-simulated.svg', ewtByPositionChart(simulatedComparisons()));

for (const month of months) {
  const plan = replayScenario(month.calls, { seed: replaySeedDefault, isSingleQueue: false });
  const startNs = process.hrtime.bigint();
  const comparison = compareEwtPredictors(plan.scenario, predictorNames, {
    answeredWaitMsMax: replayAnsweredWaitMsMax,
  });
  const elapsedMs = Number(process.hrtime.bigint() - startNs) / 1e6;
  const label = `Replay, ${monthLabel(month.month)} (${month.dates.length} days)`;
  printComparison(label, comparison, elapsedMs);
  printLargestErrors(plan.scenario);
  printComparison(
    `${label}, every answered caller`,
    compareEwtPredictors(plan.scenario, predictorNames),
  );
  const name = monthLabel(month.month).split(' ')[0]?.toLowerCase() ?? month.month;
  await writeChart(`ewt-rmse-replay-${name}.svg`, ewtByPositionChart(comparison));
}
