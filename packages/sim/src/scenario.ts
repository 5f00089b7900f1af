import { Engine, queueDefaults, type EngineOptions } from '@lineup/engine';
import {
  agentsMax,
  asAgentId,
  asQueueId,
  capacityPerChannelMax,
  contactPriorityAbsMax,
  nameLengthMax,
  queuesMax,
  type Capacity,
  type Channel,
  type QueueInput,
} from '@lineup/protocol';
import type { Distribution } from './random.ts';

/*
 * What a simulation runs: queues with their engine settings, how customers
 * arrive at each and how long they talk and wait, agents with their
 * memberships, shifts and breaks, and the day to simulate. Plain data, so a
 * scenario can live in a JSON file. `scenarioProblems` lists everything wrong
 * with one, as values; `simulate` runs only a scenario without problems.
 *
 * All times in a scenario are ms after the scenario's time 0, which falls at
 * `originEpochMs` on the engine's clock (by default a Monday, 00:00 UTC, so
 * that 8 h reads as 08:00).
 */

/** Monday 6 January 2025, 00:00 UTC: the default time 0 of a scenario. */
export const originEpochMsDefault = 1_736_121_600_000;
/** Report intervals, and the rate intervals of Poisson arrivals: 15 minutes, as planners use. */
export const intervalMsDefault = 15 * 60_000;
/** How long after the day's end the simulation may run to serve who still waits: 2 hours. */
export const drainMsDefault = 2 * 60 * 60_000;

/** Intervals in a day at most (a week of 15-minute intervals is 672). */
export const intervalsMax = 2_000;
/** Longest simulated span from time 0 to the horizon: 31 days. */
export const simulatedMsMax = 31 * 24 * 60 * 60_000;
/** Contacts expected over a scenario at most, traced or drawn: bounds memory and run time. */
export const contactsMax = 2_000_000;
/** Values in one empirical distribution at most. */
export const empiricalSamplesMax = 1_000_000;
/** Shifts, and breaks, of one agent at most. */
export const shiftsPerAgentMax = 100;

/** How customers arrive at a queue. */
export type Arrivals =
  | {
      /** A Poisson process: expected arrivals in each interval of the day, from dayStartMs on. */
      kind: 'poisson';
      perInterval: readonly number[];
    }
  | {
      /** Arrivals as they happened (a trace), sorted by time. */
      kind: 'trace';
      contacts: readonly TraceContact[];
    };

/** One traced arrival; what it leaves out is drawn from the queue's distributions. */
export interface TraceContact {
  atMs: number;
  /** The customer's own service time. */
  serviceMs?: number;
  /** The customer's own patience: it hangs up after waiting this long. */
  patienceMs?: number;
  isVip?: boolean;
  priority?: number;
}

/** Customers who, after waiting a while, ask to be called back instead (R10). */
export interface CallbackBehaviour {
  /** Share of customers who would rather be called back than wait long, 0–1. */
  share: number;
  /** How long such a customer waits before asking. */
  afterWait: Distribution;
  /** Share of call-back attempts that reach the customer; the others ring out and are retried. */
  reachedShare: number;
}

/** A queue's engine settings, with plain-string ids so that a scenario reads as JSON. */
export type ScenarioQueueSettings = Omit<QueueInput, 'id' | 'overflowQueueId'> & {
  id: string;
  overflowQueueId?: string | null;
};

/** A queue: its engine settings and the customers who come to it. */
export interface ScenarioQueue {
  settings: ScenarioQueueSettings;
  /** The channel of its arrivals; default voice. */
  channel?: Channel;
  arrivals: Arrivals;
  serviceTime: Distribution;
  /** How long customers wait before hanging up; null: they never do. */
  patience: Distribution | null;
  /** Share of VIP customers (R2), 0–1; default 0. */
  vipShare?: number;
  callback?: CallbackBehaviour;
}

/** A span of scenario time, [startMs, endMs). */
export interface Span {
  startMs: number;
  endMs: number;
}

/** A break: the agent is not ready, with a reason, and finishes its contact first. */
export interface Break extends Span {
  reason?: string;
}

/** An agent, or `count` agents alike. */
export interface ScenarioAgent {
  /** The agent's id; with count above 1, the agents are `${id}-1` … `${id}-${count}`. */
  id: string;
  count?: number;
  memberships: readonly { queueId: string; priority: number }[];
  capacity?: Partial<Capacity>;
  /** When the agent works, sorted and apart; it logs in at the start and out after the end. */
  shifts: readonly Span[];
  /** Breaks inside its shifts, sorted and apart. */
  breaks?: readonly Break[];
}

/** A simulated day. */
export interface Scenario {
  /** Seed of every random draw: the same seed gives the same report. */
  seed: number;
  /** Epoch ms of scenario time 0; default originEpochMsDefault. */
  originEpochMs?: number;
  /** Arrivals come in [dayStartMs, dayEndMs); report intervals start at dayStartMs. */
  dayStartMs: number;
  dayEndMs: number;
  /** Length of a report interval and of a Poisson rate interval; default 15 minutes. */
  intervalMs?: number;
  /** The simulation stops by this time at the latest; default dayEndMs + drainMsDefault. */
  horizonMs?: number;
  queues: readonly ScenarioQueue[];
  agents: readonly ScenarioAgent[];
  /** How long an agent takes to accept an offer; default 0 (at once). */
  ringDelay?: Distribution;
}

/** One thing wrong with a scenario: where (a JSON-pointer-like path) and what to do. */
export interface ScenarioProblem {
  path: string;
  message: string;
}

/** One agent of a scenario, its `count` expanded. */
export interface AgentPlan {
  id: string;
  spec: ScenarioAgent;
}

/** The agents of a scenario, one per person, in scenario order. */
export function agentPlans(scenario: Scenario): AgentPlan[] {
  const plans: AgentPlan[] = [];
  for (const spec of scenario.agents) {
    const count = spec.count ?? 1;
    if (count === 1 && spec.count === undefined) plans.push({ id: spec.id, spec });
    else for (let n = 1; n <= count; n++) plans.push({ id: `${spec.id}-${n}`, spec });
  }
  return plans;
}

/** The scenario's settings with their defaults filled in. */
export interface ResolvedTimes {
  originEpochMs: number;
  dayStartMs: number;
  dayEndMs: number;
  intervalMs: number;
  horizonMs: number;
  /** Report intervals in the day: the last one may be cut short by dayEndMs. */
  intervalCount: number;
}

/** The scenario's times with defaults. */
export function resolvedTimes(scenario: Scenario): ResolvedTimes {
  const intervalMs = scenario.intervalMs ?? intervalMsDefault;
  return {
    originEpochMs: scenario.originEpochMs ?? originEpochMsDefault,
    dayStartMs: scenario.dayStartMs,
    dayEndMs: scenario.dayEndMs,
    intervalMs,
    horizonMs: scenario.horizonMs ?? scenario.dayEndMs + drainMsDefault,
    intervalCount: Math.ceil((scenario.dayEndMs - scenario.dayStartMs) / intervalMs),
  };
}

/** The channel a queue's arrivals use. */
export const channelOf = (queue: ScenarioQueue): Channel => queue.channel ?? 'voice';

/**
 * Creates the scenario's queues and agents in an engine at atMs, and returns
 * the engine's refusals as problems. Queues are created first without their
 * overflow target, which is set once every queue exists, so that queues may
 * overflow into each other in any order.
 */
export function setUpEngine(engine: Engine, scenario: Scenario, atMs: number): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const run = (path: string, command: Parameters<Engine['execute']>[0]): boolean => {
    const { rejection } = engine.execute(command);
    if (rejection !== null) problems.push({ path, message: rejection.message });
    return rejection === null;
  };
  for (const [index, queue] of scenario.queues.entries()) {
    const { overflowQueueId, ...settings } = queue.settings;
    const input: QueueInput = { ...settings, id: asQueueId(settings.id) };
    run(`/queues/${index}/settings`, { type: 'createQueue', atMs, queue: input });
  }
  for (const [index, queue] of scenario.queues.entries()) {
    const overflowQueueId = queue.settings.overflowQueueId;
    if (overflowQueueId === undefined || overflowQueueId === null) continue;
    run(`/queues/${index}/settings/overflowQueueId`, {
      type: 'updateQueue',
      atMs,
      queueId: asQueueId(queue.settings.id),
      changes: { overflowQueueId: asQueueId(overflowQueueId) },
    });
  }
  const specIndex = new Map(scenario.agents.map((spec, index) => [spec, index]));
  // One refusal per agent group says what is wrong; its other agents would repeat it.
  const refused = new Set<ScenarioAgent>();
  for (const plan of agentPlans(scenario)) {
    const spec = plan.spec;
    if (refused.has(spec)) continue;
    const isCreated = run(`/agents/${specIndex.get(spec) ?? 0}`, {
      type: 'createAgent',
      atMs,
      agent: {
        id: asAgentId(plan.id),
        name: plan.id,
        memberships: spec.memberships.map((membership) => ({
          queueId: asQueueId(membership.queueId),
          priority: membership.priority,
        })),
        ...(spec.capacity === undefined ? {} : { capacity: spec.capacity }),
      },
    });
    if (!isCreated) refused.add(spec);
  }
  return problems;
}

// --- Validation -------------------------------------------------------------------------------

type Report = (path: string, message: string) => void;

const isWhole = (value: number): boolean => Number.isSafeInteger(value);
const isShare = (value: number): boolean => Number.isFinite(value) && value >= 0 && value <= 1;
const isDuration = (value: number): boolean => Number.isFinite(value) && value >= 0;

/** Problems of a distribution of durations. */
function checkDistribution(report: Report, path: string, distribution: Distribution): void {
  switch (distribution.kind) {
    case 'fixed':
      if (!isDuration(distribution.ms)) report(`${path}/ms`, 'must be a duration ≥ 0 ms');
      return;
    case 'exponential':
      if (!(distribution.meanMs > 0 && Number.isFinite(distribution.meanMs)))
        report(`${path}/meanMs`, 'must be a positive number of ms');
      return;
    case 'logNormal':
      if (!(distribution.meanMs > 0 && Number.isFinite(distribution.meanMs)))
        report(`${path}/meanMs`, 'must be a positive number of ms');
      if (!isDuration(distribution.sdMs)) report(`${path}/sdMs`, 'must be ≥ 0 ms');
      return;
    case 'logNormalMedian':
      if (!(distribution.medianMs > 0 && Number.isFinite(distribution.medianMs)))
        report(`${path}/medianMs`, 'must be a positive number of ms');
      if (!(distribution.sigma >= 0 && distribution.sigma <= 10))
        report(`${path}/sigma`, 'must be between 0 and 10');
      return;
    case 'empirical': {
      const samples = distribution.samplesMs;
      if (samples.length === 0 || samples.length > empiricalSamplesMax) {
        report(`${path}/samplesMs`, `must hold 1 to ${empiricalSamplesMax} durations`);
        return;
      }
      const bad = samples.findIndex((value) => !isDuration(value));
      if (bad >= 0) report(`${path}/samplesMs/${bad}`, 'must be a duration ≥ 0 ms');
      return;
    }
  }
}

/** Problems of spans that must be sorted, apart, non-empty and inside [lowMs, highMs]. */
function checkSpans(
  report: Report,
  path: string,
  spans: readonly Span[],
  lowMs: number,
  highMs: number,
): void {
  if (spans.length > shiftsPerAgentMax) {
    report(path, `must hold at most ${shiftsPerAgentMax} spans`);
    return;
  }
  let previousEndMs = lowMs;
  for (const [index, span] of spans.entries()) {
    if (!isWhole(span.startMs) || !isWhole(span.endMs) || span.startMs >= span.endMs) {
      report(`${path}/${index}`, 'must have whole-ms startMs < endMs');
      continue;
    }
    if (span.startMs < previousEndMs)
      report(`${path}/${index}`, 'must start after the one before it ends (sorted, apart)');
    if (span.endMs > highMs) report(`${path}/${index}/endMs`, `must end within ${highMs} ms`);
    previousEndMs = span.endMs;
  }
}

function checkTimes(report: Report, scenario: Scenario, times: ResolvedTimes): void {
  if (!isWhole(scenario.seed)) report('/seed', 'must be a whole number');
  if (!isWhole(times.originEpochMs) || times.originEpochMs < 0)
    report('/originEpochMs', 'must be a whole epoch ms ≥ 0');
  if (!isWhole(times.dayStartMs) || times.dayStartMs < 0)
    report('/dayStartMs', 'must be a whole number of ms ≥ 0');
  if (!isWhole(times.dayEndMs) || times.dayEndMs <= times.dayStartMs)
    report('/dayEndMs', 'must be a whole number of ms after dayStartMs');
  if (!isWhole(times.intervalMs) || times.intervalMs < 1_000)
    report('/intervalMs', 'must be a whole number of ms, at least 1 000');
  else if (times.intervalCount > intervalsMax)
    report('/intervalMs', `makes more than ${intervalsMax} intervals in the day; use longer ones`);
  if (!isWhole(times.horizonMs) || times.horizonMs < times.dayEndMs)
    report('/horizonMs', 'must be a whole number of ms, not before dayEndMs');
  else if (times.horizonMs > simulatedMsMax)
    report('/horizonMs', `must be within ${simulatedMsMax} ms (31 days) of time 0`);
}

/** Expected contacts of one queue, for the contactsMax limit. */
function checkArrivals(
  report: Report,
  path: string,
  queue: ScenarioQueue,
  times: ResolvedTimes,
): number {
  const arrivals = queue.arrivals;
  if (arrivals.kind === 'poisson') {
    if (arrivals.perInterval.length > times.intervalCount)
      report(`${path}/perInterval`, `must have at most ${times.intervalCount} intervals`);
    let expected = 0;
    for (const [index, rate] of arrivals.perInterval.entries()) {
      if (!isDuration(rate)) report(`${path}/perInterval/${index}`, 'must be a number ≥ 0');
      else expected += rate;
    }
    return expected;
  }
  let previousMs = times.dayStartMs;
  for (const [index, contact] of arrivals.contacts.entries()) {
    const where = `${path}/contacts/${index}`;
    if (!isWhole(contact.atMs) || contact.atMs < previousMs || contact.atMs >= times.dayEndMs) {
      report(`${where}/atMs`, 'must be whole ms, sorted, within [dayStartMs, dayEndMs)');
      return arrivals.contacts.length;
    }
    previousMs = contact.atMs;
    if (contact.serviceMs !== undefined && !isDuration(contact.serviceMs))
      report(`${where}/serviceMs`, 'must be a duration ≥ 0 ms');
    if (contact.patienceMs !== undefined && !isDuration(contact.patienceMs))
      report(`${where}/patienceMs`, 'must be a duration ≥ 0 ms');
    const priority = contact.priority ?? 0;
    if (!isWhole(priority) || Math.abs(priority) > contactPriorityAbsMax)
      report(`${where}/priority`, `must be a whole number within ±${contactPriorityAbsMax}`);
  }
  return arrivals.contacts.length;
}

function checkQueue(
  report: Report,
  path: string,
  queue: ScenarioQueue,
  times: ResolvedTimes,
): number {
  const expected = checkArrivals(report, `${path}/arrivals`, queue, times);
  checkDistribution(report, `${path}/serviceTime`, queue.serviceTime);
  if (queue.patience !== null) checkDistribution(report, `${path}/patience`, queue.patience);
  if (queue.vipShare !== undefined && !isShare(queue.vipShare))
    report(`${path}/vipShare`, 'must be a share between 0 and 1');
  const channels = queue.settings.channels ?? queueDefaults.channels;
  const callbacks = queue.settings.callbacks ?? queueDefaults.callbacks;
  const channel = channelOf(queue);
  if (!channels.includes(channel) && !(channel === 'callback' && callbacks.isAllowed))
    report(`${path}/channel`, `must be one of the queue's channels (${channels.join(', ')})`);
  const callback = queue.callback;
  if (callback !== undefined) {
    if (!isShare(callback.share)) report(`${path}/callback/share`, 'must be between 0 and 1');
    if (!isShare(callback.reachedShare))
      report(`${path}/callback/reachedShare`, 'must be between 0 and 1');
    checkDistribution(report, `${path}/callback/afterWait`, callback.afterWait);
    if (callback.share > 0 && !callbacks.isAllowed)
      report(`${path}/callback`, 'needs settings.callbacks.isAllowed (R10)');
  }
  return expected;
}

function checkAgent(report: Report, path: string, spec: ScenarioAgent): void {
  const count = spec.count ?? 1;
  if (!isWhole(count) || count < 1 || count > agentsMax)
    report(`${path}/count`, `must be a whole number from 1 to ${agentsMax}`);
  if (spec.id.length === 0 || spec.id.length > nameLengthMax - 8)
    report(`${path}/id`, 'must be a short non-empty id');
  // A shift may run past the horizon: the simulation stops in the middle of it.
  checkSpans(report, `${path}/shifts`, spec.shifts, 0, simulatedMsMax);
  const breaks = spec.breaks ?? [];
  checkSpans(report, `${path}/breaks`, breaks, 0, simulatedMsMax);
  for (const [index, pause] of breaks.entries()) {
    const isInside = spec.shifts.some(
      (shift) => shift.startMs <= pause.startMs && pause.endMs <= shift.endMs,
    );
    if (!isInside) report(`${path}/breaks/${index}`, 'must lie inside one of the shifts');
  }
  for (const [channel, capacity] of Object.entries(spec.capacity ?? {})) {
    if (!isWhole(capacity) || capacity < 0 || capacity > capacityPerChannelMax)
      report(`${path}/capacity/${channel}`, `must be 0 to ${capacityPerChannelMax}`);
  }
}

/**
 * Everything wrong with a scenario, as values (STYLE.md, Errors); empty when
 * it can run. Queue and agent settings are checked by the engine itself, by
 * setting them up in a scratch engine, so the rules live in one place; give
 * the engine options the simulation will use (a queue may name an EWT
 * predictor that only they define).
 */
export function scenarioProblems(
  scenario: Scenario,
  engineOptions: EngineOptions = {},
): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const report: Report = (path, message) => {
    problems.push({ path, message });
  };
  const times = resolvedTimes(scenario);
  checkTimes(report, scenario, times);
  if (problems.length > 0) return problems;

  if (scenario.queues.length === 0 || scenario.queues.length > queuesMax)
    report('/queues', `must hold 1 to ${queuesMax} queues`);
  const queueIds = new Set<string>();
  let expectedContacts = 0;
  for (const [index, queue] of scenario.queues.entries()) {
    if (queueIds.has(queue.settings.id))
      report(`/queues/${index}/settings/id`, 'is used by another queue');
    queueIds.add(queue.settings.id);
    expectedContacts += checkQueue(report, `/queues/${index}`, queue, times);
  }
  if (expectedContacts > contactsMax)
    report('/queues', `expect at most ${contactsMax} contacts in all (${expectedContacts} now)`);
  if (scenario.ringDelay !== undefined) checkDistribution(report, '/ringDelay', scenario.ringDelay);

  const plans = agentPlans(scenario);
  if (plans.length > agentsMax) report('/agents', `must add up to at most ${agentsMax} agents`);
  for (const [index, spec] of scenario.agents.entries())
    checkAgent(report, `/agents/${index}`, spec);
  const agentIds = new Set<string>();
  for (const plan of plans) {
    if (agentIds.has(plan.id)) report('/agents', `agent id ${plan.id} is used twice`);
    agentIds.add(plan.id);
  }
  if (problems.length > 0) return problems;
  return setUpEngine(new Engine(engineOptions), scenario, times.originEpochMs);
}
