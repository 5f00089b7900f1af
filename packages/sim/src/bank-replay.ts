import { assert } from './assert.ts';
import { inferStaffing, type AgentShift } from './bank-shifts.ts';
import { bankTraceUtcOffsetMinutes, type BankCall, type BankQueueType } from './bank-trace.ts';
import type { Distribution } from './random.ts';
import {
  drainMsDefault,
  shiftsPerAgentMax,
  simulatedMsMax,
  type Scenario,
  type Break,
  type ScenarioAgent,
  type ScenarioQueue,
  type TraceContact,
} from './scenario.ts';
import { queueSizeMax } from '@lineup/protocol';

/*
 * A scenario built from the Anonymous Bank trace (issue 7: "replays the
 * arrivals and services through the engine with the customers' own
 * patience"). Each choice below is one the trace leaves open; the replay
 * prints them (replayAssumptions) so that nobody reads its numbers without
 * them.
 *
 * - Who is replayed: every call that asked for an agent (answered or
 *   abandoned in queue). Calls that hung up in the voice menu never reached a
 *   queue, in the trace or in Lineup.
 * - Queues: one per trace queue type (PS, PE, IN, NE, NW, TT), each agent a
 *   member of the types it served in the trace. One queue for all (option
 *   isSingleQueue) pools every agent on every call, which the bank did not
 *   do: in October seven agents served internet support (IN) and nothing
 *   else.
 * - Arrivals: each call when it asked for an agent, with its own service
 *   time. An abandoned call has no service time; should the replay answer it
 *   sooner than it hung up, it gets one drawn from the answered calls of its
 *   queue type.
 * - Patience: an abandoned caller's wait is its patience, exactly. An
 *   answered caller's patience is only known to exceed its wait; it is taken
 *   as infinite (it never hangs up), the largest value consistent with the
 *   trace, so the replay's abandonment is a lower bound given its staffing.
 * - Priority customers (priority 2) get the README's 90 s head start through
 *   aging: 2 points per minute of wait, and a score of 3 for priority
 *   callers, so that 3 points equal 90 s of waiting (R2).
 * - Agents: the shifts inferStaffing merges from each agent's calls (gaps of
 *   at most 30 minutes). A shift runs from its first call's start to its last
 *   call's end; the agent is ready throughout, so gaps count as time free to
 *   answer.
 * - Availability (option, default 1): the share of its shift an agent is
 *   ready. The bank's agents wrapped up, took breaks and did other work, none
 *   of which the trace records, so the inferred shifts overstate who was
 *   ready. Below 1, every hour of a shift holds one break of (1 − a) of the
 *   hour, at a minute of the hour that differs between agents (golden-ratio
 *   staggering), so that the bank does not go quiet all at once; the last
 *   hour starts with its break, so that no shift ends on one. Breaks are
 *   deterministic: the seed draws only what the trace leaves open.
 */

/** The README: a priority customer is served in order of time in queue, with a 90 s head start. */
export const priorityHeadStartMs = 90_000;
/** Aging of every replay queue, in points per minute of wait (R2). */
export const replayAgingPointsPerMinute = 2;
/** A priority customer's score: the head start in points at the queues' aging rate. */
export const priorityScore = (priorityHeadStartMs / 60_000) * replayAgingPointsPerMinute;
/** The trace's code of a priority customer. */
const tracePriorityCustomer = 2;
/** Report intervals of a replay: an hour, so that a 31-day month stays within intervalsMax. */
export const replayIntervalMs = 60 * 60_000;
/** A shift of one call of 0 s (a known defect) would be empty; it lasts this long instead. */
const shiftMsMin = 1_000;
/** Used only when no call in the replay was answered, so no service time was ever seen. */
const fallbackServiceMs = 180_000;
/** The seed of `lineup replay` and of the doc charts unless told otherwise: the trace's year. */
export const replaySeedDefault = 1999;
/** An agent is always ready for its whole inferred shift unless told otherwise. */
export const replayAvailabilityDefault = 1;
/** The least availability: below it, a month of callers who never hang up would hardly drain. */
export const replayAvailabilityMin = 0.1;
/** With availability below 1, each such stretch of a shift holds one break. */
export const availabilityCycleMs = 60 * 60_000;
/** A break shorter than this (the end of a shift, a high availability) is left out. */
const breakMsMin = 1_000;
/** Spreads agents' break minutes over the hour: consecutive agents' fractions k·φ⁻¹ mod 1 never bunch. */
const staggerStep = (Math.sqrt(5) - 1) / 2;
/** The reason a replayed agent is not ready between calls. */
const breakReason = 'away';
/** The id of the one queue when isSingleQueue. */
export const singleQueueId = 'bank';

/** The trace's queue types in the README's order, with names (a Record, so none is forgotten). */
const queueNames: Record<BankQueueType, string> = {
  PS: 'Regular banking',
  PE: 'English',
  IN: 'Internet support',
  NE: 'Stock exchange',
  NW: 'Prospective customers',
  TT: 'Call-backs',
};

const queueNameById = new Map<string, string>(Object.entries(queueNames));

/** How to build the replay. */
export interface ReplayScenarioOptions {
  seed: number;
  isSingleQueue: boolean;
  /** Share of its inferred shift an agent is ready, replayAvailabilityMin to 1; default 1. */
  availability?: number;
}

/** A replay scenario and what is needed to read its results against the trace. */
export interface ReplayPlan {
  scenario: Scenario;
  /** For each queue of the scenario, its calls in arrival order: the k-th is the queue's k-th contact. */
  callsByQueue: BankCall[][];
  /** Calls that asked for an agent but fall outside the scenario's 31 days (after the last midnight). */
  outsideWindow: number;
  agents: number;
  shifts: number;
  /** Most agents on shift in one 15-minute interval. */
  peakAgents: number;
  /** Time on shift, summed over the scenario's agents. */
  shiftMs: number;
  /** Time on shift and not on a break, summed over the scenario's agents: shiftMs × availability, nearly. */
  readyMs: number;
}

/** The assumptions a replay makes, in words, for its output. */
export function replayAssumptions(
  options: Pick<ReplayScenarioOptions, 'availability'> = {},
): string[] {
  const availability = options.availability ?? replayAvailabilityDefault;
  const readiness =
    availability === 1
      ? 'are ready for the whole shift: no breaks, no wrap-up, no other work in the gaps'
      : `are ready ${Math.round(availability * 1000) / 10} % of it: each hour of a shift holds one break of ${Math.round((1 - availability) * 60 * 10) / 10} minutes (availability ${availability}), at a minute of the hour that differs between agents`;
  return [
    'Replayed: every call that asked for an agent (answered or abandoned in queue); calls that hung up in the voice menu are left out on both sides.',
    "An abandoned caller's patience is its wait in the trace; an answered caller's patience is unknown (only longer than its wait) and taken as infinite: replayed, it never hangs up.",
    "Service times are the calls' own; an abandoned call answered in the replay gets one drawn from the answered calls of its queue type.",
    `Priority customers (priority 2) get a ${priorityHeadStartMs / 1000} s head start: aging ${replayAgingPointsPerMinute} points per minute, score ${priorityScore}.`,
    `Agents work the shifts inferred from their own calls (gaps of at most 30 minutes merged) and ${readiness}.`,
    'Answered calls with NO_SERVER are replayed, but their agent is unknown, so their work adds load without adding a shift.',
  ];
}

/**
 * The breaks that leave an agent ready `availability` of each shift: one per
 * hour of shift (a last, shorter hour gets a shorter break), starting at
 * `stagger` (0 to 1) of the room the hour leaves around it, except in the
 * shift's last hour, which starts with its break. Sorted and apart.
 */
export function availabilityBreaks(
  shifts: readonly { startMs: number; endMs: number }[],
  availability: number,
  stagger: number,
): Break[] {
  const breaks: Break[] = [];
  if (availability >= 1) return breaks;
  for (const shift of shifts) {
    for (
      let cycleStartMs = shift.startMs;
      cycleStartMs < shift.endMs;
      cycleStartMs += availabilityCycleMs
    ) {
      const cycleMs = Math.min(availabilityCycleMs, shift.endMs - cycleStartMs);
      const breakMs = Math.round((1 - availability) * cycleMs);
      if (breakMs < breakMsMin) continue;
      // The shift's last hour starts with its break, so that the agent ends the shift ready: a
      // break reaching the shift's end would leave the late callers waiting for the morning.
      const isLast = cycleStartMs + cycleMs >= shift.endMs;
      const startMs = cycleStartMs + (isLast ? 0 : Math.floor(stagger * (cycleMs - breakMs)));
      breaks.push({ startMs, endMs: startMs + breakMs, reason: breakReason });
    }
  }
  return breaks;
}

/** Agent ids must be tokens (protocol ids); the trace's names are, but a stray character must not fail the run. */
function agentIdOf(name: string, index: number): string {
  const token = name.replace(/[^A-Za-z0-9._:@-]/g, '-');
  return /^[A-Za-z0-9]/.test(token) ? token : `agent-${index}`;
}

const isReplayed = (call: BankCall): boolean => call.outcome !== 'hungUpInVru';

/** Local midnight of a trace date (YYYY-MM-DD), as epoch ms. */
export function localMidnightMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - bankTraceUtcOffsetMinutes * 60_000;
}

/** The empirical service times of answered calls, per queue type. */
function serviceTimes(calls: readonly BankCall[]): Map<string, number[]> {
  const byType = new Map<string, number[]>();
  for (const call of calls) {
    if (call.outcome !== 'answered') continue;
    const samples = byType.get(call.queueType);
    if (samples === undefined) byType.set(call.queueType, [call.serviceMs]);
    else samples.push(call.serviceMs);
  }
  return byType;
}

function traceContactOf(call: BankCall, originMs: number): TraceContact {
  return {
    atMs: call.arrivalMs - originMs,
    ...(call.outcome === 'answered' ? { serviceMs: call.serviceMs } : {}),
    ...(call.patienceMs === null ? {} : { patienceMs: call.patienceMs }),
    ...(call.priority === tracePriorityCustomer ? { priority: priorityScore } : {}),
  };
}

/**
 * Each agent's shifts as scenario agents, with the queue types it served and
 * the breaks its availability asks for. An agent with more than
 * shiftsPerAgentMax shifts or breaks becomes several scenario agents (NAME,
 * NAME.2 …) that are never on shift at once, which the engine cannot tell
 * from one.
 */
function agentsOf(
  shifts: readonly AgentShift[],
  queueIdsByAgent: ReadonlyMap<string, ReadonlySet<string>>,
  originMs: number,
  availability: number,
): ScenarioAgent[] {
  const byAgent = new Map<string, AgentShift[]>();
  for (const shift of shifts) {
    const list = byAgent.get(shift.agentName);
    if (list === undefined) byAgent.set(shift.agentName, [shift]);
    else list.push(shift);
  }
  const agents: ScenarioAgent[] = [];
  const names = [...byAgent.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [nameIndex, name] of names.entries()) {
    const id = agentIdOf(name, agents.length);
    const memberships = [...(queueIdsByAgent.get(name) ?? [])]
      .sort()
      .map((queueId) => ({ queueId, priority: 0 }));
    const stagger = (nameIndex * staggerStep) % 1;
    const spans = (byAgent.get(name) ?? [])
      .map((shift) => ({
        startMs: shift.startMs - originMs,
        endMs: Math.max(shift.endMs, shift.startMs + shiftMsMin) - originMs,
      }))
      .sort((a, b) => a.startMs - b.startMs);
    // Parts of at most shiftsPerAgentMax shifts and as many breaks, filled in shift order.
    let part: { shifts: typeof spans; breaks: Break[] } = { shifts: [], breaks: [] };
    const parts = [part];
    for (const span of spans) {
      const breaks = availabilityBreaks([span], availability, stagger);
      assert(
        breaks.length <= shiftsPerAgentMax,
        `a shift of ${name} needs ${breaks.length} breaks`,
      );
      if (
        part.shifts.length + 1 > shiftsPerAgentMax ||
        part.breaks.length + breaks.length > shiftsPerAgentMax
      ) {
        part = { shifts: [], breaks: [] };
        parts.push(part);
      }
      part.shifts.push(span);
      part.breaks.push(...breaks);
    }
    for (const [index, { shifts: own, breaks }] of parts.entries()) {
      agents.push({
        id: index === 0 ? id : `${id}.${index + 1}`,
        memberships,
        shifts: own,
        ...(breaks.length === 0 ? {} : { breaks }),
      });
    }
  }
  return agents;
}

/**
 * The scenario that replays these calls (pure). Time 0 is local midnight of
 * the first date; report intervals are hours; the run may drain for two
 * hours after the last arrival, but not past the simulator's 31 days.
 */
export function replayScenario(
  calls: readonly BankCall[],
  options: ReplayScenarioOptions,
): ReplayPlan {
  const dates = [...new Set(calls.map((call) => call.date))].sort();
  const originMs = localMidnightMs(dates[0] ?? '1999-01-01');
  const inWindow = (call: BankCall): boolean =>
    call.arrivalMs >= originMs && call.arrivalMs - originMs < simulatedMsMax;
  const asked = calls.filter(isReplayed);
  const replayed = asked
    .filter(inWindow)
    .sort((a, b) => a.arrivalMs - b.arrivalMs || a.line - b.line);

  const queueOf = (call: BankCall): string =>
    options.isSingleQueue ? singleQueueId : call.queueType;
  const queueIds = options.isSingleQueue
    ? [singleQueueId]
    : (Object.keys(queueNames) as BankQueueType[]).filter((type) =>
        replayed.some((call) => call.queueType === type),
      );
  const callsByQueue = queueIds.map((queueId) =>
    replayed.filter((call) => queueOf(call) === queueId),
  );

  const samplesByType = serviceTimes(replayed);
  const allSamples = [...samplesByType.values()].flat();
  const serviceTimeOf = (queueId: string): Distribution => {
    const samples = samplesByType.get(queueId) ?? allSamples;
    return samples.length > 0
      ? { kind: 'empirical', samplesMs: samples }
      : { kind: 'fixed', ms: fallbackServiceMs };
  };
  const queues: ScenarioQueue[] = queueIds.map((queueId, index) => {
    const service = serviceTimeOf(options.isSingleQueue ? '' : queueId);
    return {
      settings: {
        id: queueId,
        name: queueNameById.get(queueId) ?? 'All calls',
        channels: ['voice'],
        agingPointsPerMinute: replayAgingPointsPerMinute,
        // Nobody is turned away: a month's calls all fit.
        maxSize: queueSizeMax,
      },
      arrivals: {
        kind: 'trace',
        contacts: (callsByQueue[index] ?? []).map((call) => traceContactOf(call, originMs)),
      },
      serviceTime: service,
      patience: null,
    };
  });

  const staffing = inferStaffing(replayed);
  const queueIdsByAgent = new Map<string, Set<string>>();
  for (const call of replayed) {
    if (call.agentName === null) continue;
    const set = queueIdsByAgent.get(call.agentName) ?? new Set<string>();
    set.add(queueOf(call));
    queueIdsByAgent.set(call.agentName, set);
  }
  const availability = options.availability ?? replayAvailabilityDefault;
  assert(
    availability >= replayAvailabilityMin && availability <= 1,
    `availability ${availability} is outside ${replayAvailabilityMin}…1`,
  );
  const agents = agentsOf(staffing.shifts, queueIdsByAgent, originMs, availability);

  const lastAtMs = replayed.reduce((last, call) => Math.max(last, call.arrivalMs - originMs), 0);
  const dayEndMs = Math.min(
    simulatedMsMax,
    Math.ceil((lastAtMs + 1) / replayIntervalMs) * replayIntervalMs,
  );
  return {
    scenario: {
      seed: options.seed,
      originEpochMs: originMs,
      dayStartMs: 0,
      dayEndMs,
      intervalMs: replayIntervalMs,
      horizonMs: Math.min(simulatedMsMax, dayEndMs + drainMsDefault),
      queues,
      agents,
    },
    callsByQueue,
    outsideWindow: asked.length - replayed.length,
    agents: new Set(staffing.shifts.map((shift) => shift.agentName)).size,
    shifts: staffing.shifts.length,
    peakAgents: staffing.intervals.reduce((peak, interval) => Math.max(peak, interval.agents), 0),
    shiftMs: spanMs(agents.flatMap((agent) => agent.shifts)),
    readyMs:
      spanMs(agents.flatMap((agent) => agent.shifts)) -
      spanMs(agents.flatMap((agent) => agent.breaks ?? [])),
  };
}

function spanMs(spans: readonly { startMs: number; endMs: number }[]): number {
  return spans.reduce((sum, span) => sum + span.endMs - span.startMs, 0);
}
