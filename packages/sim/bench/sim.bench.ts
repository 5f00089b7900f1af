/*
 * Simulator throughput: a day of a 1,000-agent contact center (issue 7: "a
 * day of a 1,000-agent center in seconds").
 *
 * The day, 08:00–20:00 scenario time, seeded:
 * - Four voice queues: support (half the calls), sales, billing, and premium
 *   (priority 1, so agents serving it take it first, R3). Service times are
 *   log-normal; customers hang up after an exponential patience (mean 3–5
 *   minutes) and one in five asks for a call-back after two minutes (R10).
 *   Support waits at most 10 minutes, then overflows to billing (R12).
 * - 1,000 agents in four skill groups with backup memberships, half on an
 *   early shift (07:45–16:00), half on a late one (11:45–20:30), each with a
 *   lunch break; they accept offers after a log-normal ring of ~3 s; 15 s of
 *   wrap-up after support and billing calls.
 * - Poisson arrivals per 15 minutes, shaped to the staffing (about 85 %
 *   occupancy): about 103,000 calls over the day.
 *
 * What is counted: simulatedContactsPerSecond = contacts that arrived / wall
 * seconds of simulate(), setup and report included. One run after a warm-up
 * run of a shorter day, so that V8 has optimised the hot paths.
 *
 * Also (issue 7, Benchmark):
 * - erlangC: the Erlang C service level of 100 agents at 95 Erlangs (mean
 *   service 180 s, 20 s threshold) next to a long simulation of that M/M/100
 *   queue with infinite patience (erlangCCheck).
 * - ewtRmseSeconds: each EWT predictor's RMSE on the replay of the first week
 *   of January of the Anonymous Bank trace (ewtOnReplay); null when the trace
 *   is not found.
 *
 * Run: npm run bench -w packages/sim, or for one JSON object on stdout
 * (progress on stderr): npm run -s bench -w packages/sim -- --json
 */
import { loadavg } from 'node:os';
import type { Scenario, ScenarioAgent, ScenarioQueue } from '../src/scenario.ts';
import { simulate, type SimulationResult } from '../src/simulator.ts';
import { join } from 'node:path';
import { defaultPredictorName } from '@lineup/engine';
import { findBankTraceDirectory, readBankTrace, type BankCall } from '../src/bank-trace.ts';
import { localMidnightMs, replayScenario } from '../src/bank-replay.ts';
import { erlangC } from '../src/erlang.ts';
import { compareEwtPredictors } from '../src/ewt-comparison.ts';

const isJson = process.argv.includes('--json');
const progress = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const intervalMs = 15 * minuteMs;
const dayStartMs = 8 * hourMs;
const dayEndMs = 20 * hourMs;
const seed = 20_250_106;
/** Agents per skill group; each splits evenly into two shifts of four lunch waves. */
const agentsPerGroup = { support: 400, sales: 304, billing: 192, premium: 104 } as const;

/** Working agents in the interval starting at atMs, as a share of all: early, both, or late shift. */
function staffedShare(atMs: number): number {
  if (atMs < 11.75 * hourMs) return 0.5;
  if (atMs < 16 * hourMs) return 1;
  return 0.5;
}

/** Expected calls per interval for a queue handling `share` of the load at `meanServiceMs`. */
function ratePerInterval(share: number, meanServiceMs: number, dayEnd: number): number[] {
  const occupancy = 0.85;
  const agents = Object.values(agentsPerGroup).reduce((sum, count) => sum + count, 0);
  const rates: number[] = [];
  for (let startMs = dayStartMs; startMs < dayEnd; startMs += intervalMs) {
    // Roughly 7 % of agents are on a break or in wrap-up at any time; the rest carry the load.
    const erlangs = agents * staffedShare(startMs) * 0.93 * occupancy * share;
    rates.push((erlangs * intervalMs) / meanServiceMs);
  }
  return rates;
}

function queue(
  id: string,
  share: number,
  meanServiceMs: number,
  patienceMeanMs: number,
  dayEnd: number,
  settings: Partial<ScenarioQueue['settings']> = {},
): ScenarioQueue {
  return {
    settings: { id, name: id, channels: ['voice'], expectedHandleMs: meanServiceMs, ...settings },
    arrivals: { kind: 'poisson', perInterval: ratePerInterval(share, meanServiceMs, dayEnd) },
    serviceTime: { kind: 'logNormal', meanMs: meanServiceMs, sdMs: meanServiceMs * 0.8 },
    patience: { kind: 'exponential', meanMs: patienceMeanMs },
    vipShare: 0.05,
    callback: {
      share: 0.2,
      afterWait: { kind: 'fixed', ms: 2 * minuteMs },
      reachedShare: 0.8,
    },
  };
}

function agentGroups(): ScenarioAgent[] {
  const memberships: Record<keyof typeof agentsPerGroup, ScenarioAgent['memberships']> = {
    support: [
      { queueId: 'support', priority: 2 },
      { queueId: 'billing', priority: 1 },
    ],
    sales: [
      { queueId: 'sales', priority: 2 },
      { queueId: 'support', priority: 0 },
    ],
    billing: [
      { queueId: 'billing', priority: 2 },
      { queueId: 'support', priority: 1 },
    ],
    premium: [
      { queueId: 'premium', priority: 2 },
      { queueId: 'support', priority: 1 },
      { queueId: 'sales', priority: 1 },
    ],
  };
  const shifts = {
    early: { startMs: 7.75 * hourMs, endMs: 16 * hourMs, lunchMs: 11.75 * hourMs },
    // The late shift stays half an hour after the day, to serve the last callers and call-backs.
    late: { startMs: 11.75 * hourMs, endMs: 20.5 * hourMs, lunchMs: 15.75 * hourMs },
  };
  const groups: ScenarioAgent[] = [];
  for (const [group, count] of Object.entries(agentsPerGroup)) {
    for (const [name, shift] of Object.entries(shifts)) {
      // Lunch in four waves a quarter of an hour apart, so that no queue loses everyone at once.
      for (let wave = 0; wave < 4; wave++) {
        const lunchStartMs = shift.lunchMs + wave * intervalMs;
        groups.push({
          id: `${group}-${name}-${wave}`,
          count: count / 8,
          memberships: memberships[group as keyof typeof agentsPerGroup],
          shifts: [{ startMs: shift.startMs, endMs: shift.endMs }],
          breaks: [{ startMs: lunchStartMs, endMs: lunchStartMs + 30 * minuteMs, reason: 'lunch' }],
        });
      }
    }
  }
  return groups;
}

/** The 1,000-agent day; `dayEnd` shortens it for the warm-up. */
function centerScenario(dayEnd: number): Scenario {
  return {
    seed,
    dayStartMs,
    dayEndMs: dayEnd,
    queues: [
      queue('support', 0.5, 240_000, 240_000, dayEnd, {
        wrapUpMs: 15_000,
        maxWaitMs: 10 * minuteMs,
        overflowQueueId: 'billing',
      }),
      queue('sales', 0.25, 180_000, 180_000, dayEnd),
      queue('billing', 0.15, 300_000, 300_000, dayEnd, { wrapUpMs: 15_000 }),
      queue('premium', 0.1, 200_000, 300_000, dayEnd, { priority: 1 }),
    ],
    agents: agentGroups(),
    ringDelay: { kind: 'logNormal', meanMs: 3_000, sdMs: 1_500 },
  };
}

function run(scenario: Scenario, label: string): { result: SimulationResult; elapsedMs: number } {
  const startNs = process.hrtime.bigint();
  const result = simulate(scenario, {
    onProgress: (step) => {
      progress(
        `sim bench (${label}): ${Math.round(step.fraction * 100)} %, ${step.contacts} contacts`,
      );
    },
  });
  return { result, elapsedMs: Number(process.hrtime.bigint() - startNs) / 1e6 };
}

/** M/M/100 at 95 Erlangs, mean service 180 s, 20 s threshold (issue 7). */
const erlangCSetup = { agents: 100, erlangs: 95, handleMs: 180_000, thresholdMs: 20_000 };
/** Simulated days of the M/M/100 run: long enough that the empty start and the noise of a 95 % load fade. */
const erlangCDays = 7;

/** Erlang C's service level, and the simulator's on the same queue with nobody hanging up. */
function erlangCCheck(): {
  formulaServiceLevel: number;
  simulatedServiceLevel: number;
  answered: number;
  simulatedHours: number;
} {
  const { agents, erlangs, handleMs, thresholdMs } = erlangCSetup;
  const arrivalsPerHour = (erlangs * hourMs) / handleMs;
  const formula = erlangC({ agents, arrivalsPerHour, handleMsMean: handleMs, thresholdMs });
  if (!formula.ok) throw new Error(`erlangC: ${formula.problem.message}`);
  const endMs = erlangCDays * 24 * hourMs;
  const run = simulate({
    seed,
    dayStartMs: 0,
    dayEndMs: endMs,
    intervalMs: hourMs,
    queues: [
      {
        settings: {
          id: 'mm100',
          name: 'M/M/100',
          channels: ['voice'],
          expectedHandleMs: handleMs,
          serviceLevelThresholdMs: thresholdMs,
        },
        arrivals: {
          kind: 'poisson',
          perInterval: Array.from({ length: endMs / hourMs }, () => arrivalsPerHour),
        },
        serviceTime: { kind: 'exponential', meanMs: handleMs },
        patience: null,
      },
    ],
    agents: [
      {
        id: 'agent',
        count: agents,
        memberships: [{ queueId: 'mm100', priority: 0 }],
        shifts: [{ startMs: 0, endMs: endMs + 2 * hourMs }],
      },
    ],
  });
  const day = run.report.total.day;
  return {
    formulaServiceLevel: formula.value.serviceLevel,
    simulatedServiceLevel: day.serviceLevel ?? Number.NaN,
    answered: day.answered,
    simulatedHours: endMs / hourMs,
  };
}

/** The replay of the first week: `lineup replay`'s own scenario (bank-replay.ts), cut to 7 days. */
const replayDays = 7;

function replayWeekScenario(allCalls: readonly BankCall[]): Scenario {
  const firstDate = allCalls.map((call) => call.date).sort()[0] ?? '1999-01-01';
  const originMs = localMidnightMs(firstDate);
  const week = allCalls.filter((call) => call.arrivalMs - originMs < replayDays * 24 * hourMs);
  return replayScenario(week, { seed, isSingleQueue: false }).scenario;
}

/** The literature's predictors and the engine's default, on the replay of January's first week. */
const replayPredictors = {
  QL: 'QL',
  HOL: 'HOL',
  LES: 'LES',
  ErlangA: 'ErlangA',
  default: defaultPredictorName,
};

async function ewtOnReplay(log: (message: string) => void): Promise<{
  rmseSeconds: Record<string, number | null>;
  details: {
    calls: number;
    answeredWithPrediction: number;
    isServedIdentically: boolean;
    byPosition: Record<
      string,
      { positionMin: number; count: number; rmseSeconds: number | null }[]
    >;
  };
} | null> {
  const directory = findBankTraceDirectory();
  if (directory === null) {
    log(
      'sim bench: Anonymous Bank trace not found; set LINEUP_BANK_TRACE_DIR. ewtRmseSeconds is null.',
    );
    return null;
  }
  const read = await readBankTrace(join(directory, 'january.txt'));
  if (!read.ok) throw new Error(`January trace: ${read.problem.message}`);
  const scenario = replayWeekScenario(read.value.calls);
  const names = Object.values(replayPredictors);
  const comparison = compareEwtPredictors(scenario, [...new Set(names)]);
  const rowOf = (name: string) => comparison.predictors.find((row) => row.predictor === name);
  const rmseSeconds: Record<string, number | null> = {};
  const byPosition: Record<
    string,
    { positionMin: number; count: number; rmseSeconds: number | null }[]
  > = {};
  for (const [key, name] of Object.entries(replayPredictors)) {
    const row = rowOf(name);
    rmseSeconds[key] =
      row?.rmseSeconds === null || row === undefined ? null : Math.round(row.rmseSeconds * 10) / 10;
    if (key !== 'default')
      byPosition[key] = (row?.byPosition ?? []).map((bucket) => ({
        positionMin: bucket.positionMin,
        count: bucket.count,
        rmseSeconds: bucket.rmseSeconds === null ? null : Math.round(bucket.rmseSeconds * 10) / 10,
      }));
  }
  return {
    rmseSeconds,
    details: {
      calls: scenario.queues.reduce(
        (sum, queue) =>
          sum + (queue.arrivals.kind === 'trace' ? queue.arrivals.contacts.length : 0),
        0,
      ),
      answeredWithPrediction: rowOf('QL')?.count ?? 0,
      isServedIdentically: comparison.isServedIdentically,
      byPosition,
    },
  };
}

const loadBefore = loadavg()[0] ?? 0;
progress('sim bench: warm-up (two hours of the day)');
run(centerScenario(dayStartMs + 2 * hourMs), 'warm-up');
progress('sim bench: the day');
const { result, elapsedMs } = run(centerScenario(dayEndMs), 'day');
const load = { before: loadBefore, after: loadavg()[0] ?? 0 };

progress('sim bench: Erlang C against a long M/M/100 simulation');
const erlangCResult = erlangCCheck();
progress('sim bench: EWT predictors on the January replay (first week)');
const ewt = await ewtOnReplay(progress);

const day = result.report.total.day;
const contacts = day.offered;
const summary = {
  benchmark: 'sim',
  setup: {
    agents: result.agents.length,
    queues: result.report.queues.length,
    day: '08:00–20:00',
    seed,
  },
  contacts,
  elapsedMs: Math.round(elapsedMs),
  simulatedContactsPerSecond: Math.round(contacts / (elapsedMs / 1000)),
  steps: result.steps,
  engineEvents: result.engineEvents,
  engineEventsPerSecond: Math.round(result.engineEvents / (elapsedMs / 1000)),
  stoppedBy: result.stoppedBy,
  day: {
    answered: day.answered,
    abandoned: day.abandoned,
    callbacks: day.callbacks,
    overflowed: result.report.queues.reduce((sum, section) => sum + section.day.overflowed, 0),
    serviceLevel: day.serviceLevel,
    asaMs: day.asaMs === null ? null : Math.round(day.asaMs),
    occupancy: day.occupancy,
    ewtRmseMs: day.ewt.rmseMs === null ? null : Math.round(day.ewt.rmseMs),
  },
  erlangC: erlangCResult,
  ewtRmseSeconds: ewt?.rmseSeconds ?? null,
  ewtReplay: ewt?.details ?? null,
  load,
  node: process.version,
};

if (isJson) {
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} else {
  process.stdout.write(
    [
      `Simulated a day of ${summary.setup.agents} agents and ${summary.setup.queues} queues: ` +
        `${contacts} contacts in ${summary.elapsedMs} ms.`,
      `simulatedContactsPerSecond: ${summary.simulatedContactsPerSecond}`,
      `engine events: ${summary.engineEvents} (${summary.engineEventsPerSecond}/s), steps: ${summary.steps}, stopped: ${summary.stoppedBy}`,
      `day: answered ${day.answered}, abandoned ${day.abandoned}, call-backs ${day.callbacks}, ` +
        `SL ${((day.serviceLevel ?? 0) * 100).toFixed(1)} %, ASA ${summary.day.asaMs ?? '–'} ms, ` +
        `occupancy ${((day.occupancy ?? 0) * 100).toFixed(1)} %`,
      `Erlang C, 100 agents, 95 Erlangs, 20 s: formula SL ${(erlangCResult.formulaServiceLevel * 100).toFixed(2)} %, ` +
        `simulated ${(erlangCResult.simulatedServiceLevel * 100).toFixed(2)} % (${erlangCResult.answered} calls)`,
      `EWT RMSE on the January replay (s): ${JSON.stringify(summary.ewtRmseSeconds)}`,
      `load average: ${load.before.toFixed(2)} before, ${load.after.toFixed(2)} after`,
      '',
    ].join('\n'),
  );
}
