import { assert } from './assert.ts';
import { replayScenario, type ReplayPlan, type ReplayScenarioOptions } from './bank-replay.ts';
import {
  localHour,
  summarizeByHour,
  summarizeByMonth,
  type BankTraceSummary,
} from './bank-summary.ts';
import { bankTraceUtcOffsetMinutes, type BankCall } from './bank-trace.ts';
import type { LegRecord } from './records.ts';
import { simulate, type SimulateOptions, type StopReason } from './simulator.ts';

/*
 * The replay against the trace: abandonment, ASA and the wait distribution,
 * per month and per hour of the day. Both sides are measured by the same
 * code: each replayed contact becomes a copy of its trace call carrying the
 * replay's outcome and wait, and the simulator's summarizeByMonth and
 * summarizeByHour measure the trace's calls and these copies alike. So the
 * definitions are the trace's own (bank-summary.ts): abandonment =
 * abandoned / (answered + abandoned), ASA = mean wait of the answered.
 *
 * `lineup replay` prints these; bench/render-doc-charts.ts draws them for
 * docs/simulation.md. Both call replayMonth, so the page and the command
 * cannot disagree.
 */

/** Quantiles of the wait of answered calls, in ms; null when none was answered. */
export interface WaitQuantiles {
  p50: number | null;
  p80: number | null;
  p90: number | null;
  p95: number | null;
  /** The longest: in a replay, a caller left waiting overnight shows here. */
  max: number | null;
}

/** One side's measures over a group of calls. */
export interface ReplayMeasures {
  /** Calls that asked for an agent: answered + abandoned. */
  calls: number;
  answered: number;
  abandoned: number;
  abandonmentRatio: number | null;
  /** Mean wait of answered calls. */
  asaMs: number | null;
  answeredWaitQuantilesMs: WaitQuantiles;
}

/** The trace and the replay over the same group of calls. */
export interface SideBySide {
  trace: ReplayMeasures;
  replay: ReplayMeasures;
}

/** The replayed calls, and the contacts whose replay ended otherwise (by the leg's outcome). */
export interface ReplayedCalls {
  calls: BankCall[];
  /** Contacts with no answer or abandonment in the replay, by outcome: still waiting at the horizon, mostly. */
  notEnded: Record<string, number>;
}

/** Nearest-rank quantile of sorted values: the smallest value with at least q of them at or below it. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] ?? null;
}

function quantilesOf(calls: readonly BankCall[]): WaitQuantiles {
  const waits = calls
    .filter((call) => call.outcome === 'answered')
    .map((call) => call.waitMs)
    .sort((a, b) => a - b);
  return {
    p50: quantile(waits, 0.5),
    p80: quantile(waits, 0.8),
    p90: quantile(waits, 0.9),
    p95: quantile(waits, 0.95),
    max: waits.at(-1) ?? null,
  };
}

/** Measures of a group from its summary and its calls (for the quantiles). */
function measuresOf(summary: BankTraceSummary, calls: readonly BankCall[]): ReplayMeasures {
  return {
    calls: summary.answered + summary.abandoned,
    answered: summary.answered,
    abandoned: summary.abandoned,
    abandonmentRatio: summary.abandonmentRatio,
    asaMs: summary.answeredWaitMsMean,
    answeredWaitQuantilesMs: quantilesOf(calls),
  };
}

/**
 * The trace calls with the replay's outcomes (pure). The k-th arrival leg of
 * a queue is the k-th call of that queue: the simulator takes a queue's
 * traced arrivals in order, and a leg is recorded as each one arrives.
 */
export function replayedCalls(plan: ReplayPlan, legs: readonly LegRecord[]): ReplayedCalls {
  const legsByQueue: LegRecord[][] = plan.callsByQueue.map(() => []);
  for (const leg of legs) if (leg.isArrival) legsByQueue[leg.queueIndex]?.push(leg);
  const calls: BankCall[] = [];
  const notEnded: Record<string, number> = {};
  for (const [queueIndex, queueCalls] of plan.callsByQueue.entries()) {
    const queueLegs = legsByQueue[queueIndex] ?? [];
    assert(
      queueLegs.length === queueCalls.length,
      `queue ${queueIndex}: ${queueLegs.length} arrivals replayed for ${queueCalls.length} calls`,
    );
    for (const [index, call] of queueCalls.entries()) {
      const leg = queueLegs[index] as LegRecord;
      const waitMs = leg.waitMs ?? 0;
      if (leg.outcome === 'answered') {
        calls.push({
          ...call,
          outcome: 'answered',
          waitMs,
          patienceMs: null,
          agentName: leg.agentId,
        });
      } else if (leg.outcome === 'abandoned') {
        calls.push({
          ...call,
          outcome: 'abandoned',
          waitMs,
          patienceMs: waitMs,
          serviceMs: 0,
          agentName: null,
        });
      } else {
        notEnded[leg.outcome] = (notEnded[leg.outcome] ?? 0) + 1;
      }
    }
  }
  return { calls, notEnded };
}

/** Calls grouped by local hour of arrival, 0–23. */
function byHour(calls: readonly BankCall[]): BankCall[][] {
  const hours: BankCall[][] = Array.from({ length: 24 }, () => []);
  for (const call of calls) hours[localHour(call.arrivalMs, bankTraceUtcOffsetMinutes)]?.push(call);
  return hours;
}

/** The two sides over a whole month (the calls given are one month's). */
export function compareMonth(trace: readonly BankCall[], replay: readonly BankCall[]): SideBySide {
  const [traceSummary] = summarizeByMonth(trace);
  const [replaySummary] = summarizeByMonth(replay);
  assert(traceSummary !== undefined && replaySummary !== undefined, 'a month without calls');
  return { trace: measuresOf(traceSummary, trace), replay: measuresOf(replaySummary, replay) };
}

/** The two sides per local hour of arrival, leaving out hours where neither has a call. */
export function compareByHour(
  trace: readonly BankCall[],
  replay: readonly BankCall[],
): (SideBySide & { hour: number })[] {
  const traceHours = summarizeByHour(trace);
  const replayHours = summarizeByHour(replay);
  const traceCalls = byHour(trace);
  const replayCalls = byHour(replay);
  return traceHours.flatMap((traceSummary, hour) => {
    const replaySummary = replayHours[hour];
    assert(replaySummary !== undefined, `no hour ${hour}`);
    const side = {
      hour,
      trace: measuresOf(traceSummary, traceCalls[hour] ?? []),
      replay: measuresOf(replaySummary, replayCalls[hour] ?? []),
    };
    return side.trace.calls + side.replay.calls === 0 ? [] : [side];
  });
}

/** One month of calls, cut to its first days. */
export interface MonthCalls {
  month: string;
  dates: string[];
  calls: BankCall[];
}

/** Calls grouped by the month of their date column, each cut to its first `days` dates. */
export function monthsOf(calls: readonly BankCall[], days: number | undefined): MonthCalls[] {
  const byMonth = new Map<string, BankCall[]>();
  for (const call of calls) {
    const month = call.date.slice(0, 7);
    const list = byMonth.get(month);
    if (list === undefined) byMonth.set(month, [call]);
    else list.push(call);
  }
  return [...byMonth.keys()].sort().map((month) => {
    const all = byMonth.get(month) ?? [];
    const dates = [...new Set(all.map((call) => call.date))].sort().slice(0, days);
    const kept = new Set(dates);
    return { month, dates, calls: all.filter((call) => kept.has(call.date)) };
  });
}

/** One month replayed, beside its trace. */
export interface MonthReplay {
  /** YYYY-MM. */
  month: string;
  /** The dates replayed, YYYY-MM-DD. */
  dates: string[];
  queues: string[];
  agents: number;
  shifts: number;
  peakAgents: number;
  /** Hours on shift, summed over agents: the staffing the replay works with. */
  shiftHours: number;
  /** Hours on shift and not on a break: shiftHours × the availability, nearly. */
  readyHours: number;
  /** Hours of talk in the trace (ser_time of answered calls): shiftHours less this is what the replay takes as free. */
  traceTalkHours: number;
  /** Calls that asked for an agent but came after the simulator's 31 days: not replayed. */
  outsideWindow: number;
  /** Replayed contacts that were neither answered nor abandoned, by outcome (waiting at the horizon). */
  notEnded: Record<string, number>;
  stoppedBy: StopReason;
  steps: number;
  wholeMonth: SideBySide;
  byHour: (SideBySide & { hour: number })[];
}

/** A month's replay: its summary, and the month's calls carrying the replay's outcomes. */
export interface MonthReplayRun {
  summary: MonthReplay;
  /** As replayedCalls gives them: one per replayed call that was answered or abandoned. */
  replayedCalls: BankCall[];
}

const hourMs = 3_600_000;

/** Talk time of the answered calls, as the trace records it. */
function talkMs(calls: readonly BankCall[]): number {
  let sum = 0;
  for (const call of calls) if (call.outcome === 'answered') sum += call.serviceMs;
  return sum;
}

/** Replays one month and sets it beside its trace (pure but for the progress callback). */
export function replayMonth(
  month: MonthCalls,
  options: ReplayScenarioOptions,
  onProgress?: SimulateOptions['onProgress'],
): MonthReplayRun {
  const plan = replayScenario(month.calls, options);
  const result = simulate(plan.scenario, onProgress === undefined ? {} : { onProgress });
  const replayed = replayedCalls(plan, result.legs);
  return {
    summary: {
      month: month.month,
      dates: month.dates,
      queues: plan.scenario.queues.map((queue) => queue.settings.id),
      agents: plan.agents,
      shifts: plan.shifts,
      peakAgents: plan.peakAgents,
      shiftHours: plan.shiftMs / hourMs,
      readyHours: plan.readyMs / hourMs,
      traceTalkHours: talkMs(month.calls) / hourMs,
      outsideWindow: plan.outsideWindow,
      notEnded: replayed.notEnded,
      stoppedBy: result.stoppedBy,
      steps: result.steps,
      wholeMonth: compareMonth(month.calls, replayed.calls),
      byHour: compareByHour(month.calls, replayed.calls),
    },
    replayedCalls: replayed.calls,
  };
}
