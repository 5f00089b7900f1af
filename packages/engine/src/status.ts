import type { AgentReport, QueueReport, QueueStatus } from '@lineup/protocol';
import type { EwtInput, EwtPredictor } from './ewt.ts';
import type { Agent, Queue, State } from './state.ts';
import {
  AgentCounter,
  QueueCounter,
  abandonRateOf,
  agentStatistics,
  occupancyOf,
  queueStatistics,
  serviceLevelOf,
  windowStartMs,
  windowSum,
} from './stats.ts';
import { activityCounter, agentOf, queueOf } from './indexes.ts';

/*
 * A queue's live status (R13) and its statistics, computed on demand from
 * counters the evolve functions keep: O(1) for the status, O(members) for
 * the occupancy in a report.
 */

/** The predictors an engine knows, by name; validation guarantees a queue's exists. */
export type PredictorLookup = ReadonlyMap<string, EwtPredictor>;

/**
 * How many contacts' worth the day's average handle time (or the queue's
 * expected one) weighs against the last 15 minutes' in the handle time a
 * predictor gets. Chosen on the Anonymous Bank replay (docs/simulation.md,
 * "EWT predictors"): with few calls in the window, the window alone told
 * callers waits of an hour after one long call.
 */
export const handlePriorWeight = 10;

/**
 * The one input every predictor call is given, filled again before each
 * call: a status event asks for an EWT, several a routing cycle, and a new
 * object each time was a tenth of what a cycle allocated. A predictor is
 * pure and keeps nothing of it (EwtPredictor).
 */
const sharedInput: EwtInput = {
  position: 0,
  agentsWorking: 0,
  agentsFree: 0,
  handleMs: 0,
  headWaitMs: 0,
  lastEnteredServiceWaitMs: null,
  abandonRate: null,
  answeredOrAbandoned: 0,
};

/** What a predictor gets for a contact at `position` in `queue` at `atMs`, in `into`. */
function fillEwtInput(queue: Queue, position: number, atMs: number, into: EwtInput): EwtInput {
  const window = windowSum(queue.stats, atMs);
  const today = queue.stats.today;
  const todayHandled = today[QueueCounter.handled] as number;
  // The window's average, steadied by the day's (or the expected handle time) as if it were
  // handlePriorWeight more contacts: one long call in a quiet window moves it only so far.
  const priorMs =
    todayHandled > 0
      ? (today[QueueCounter.handleMs] as number) / todayHandled
      : queue.settings.expectedHandleMs;
  const head = queue.bySince.oldest();
  const agents = queue.agents;
  into.position = position;
  into.agentsWorking = agents.ready + agents.busy + agents.wrapUp;
  into.agentsFree = agents.ready;
  into.handleMs =
    ((window[QueueCounter.handleMs] as number) + handlePriorWeight * priorMs) /
    ((window[QueueCounter.handled] as number) + handlePriorWeight);
  into.headWaitMs = head === undefined ? 0 : Math.max(0, atMs - head.joinedAtMs);
  into.lastEnteredServiceWaitMs = queue.lastEnteredServiceWaitMs;
  into.abandonRate = abandonRateOf(window);
  into.answeredOrAbandoned =
    (window[QueueCounter.answered] as number) + (window[QueueCounter.abandoned] as number);
  return into;
}

/** The EWT of a contact at `position`, or null when the predictor cannot tell. */
export function ewtAt(
  queue: Queue,
  position: number,
  atMs: number,
  predictors: PredictorLookup,
): number | null {
  const predictor = predictors.get(queue.settings.ewtPredictor);
  if (predictor === undefined)
    throw new Error(`engine invariant: queue ${queue.settings.id} names unknown predictor`);
  const ewt = predictor(fillEwtInput(queue, position, atMs, sharedInput));
  return ewt === null ? null : Math.max(0, Math.round(ewt));
}

/** A queue's live status at atMs; `ewtMs` when the caller has just computed it. */
export function queueStatus(
  state: State,
  queue: Queue,
  atMs: number,
  predictors: PredictorLookup,
  ewtMs: number | null = ewtAt(queue, queue.waiting + 1, atMs, predictors),
): QueueStatus {
  const window = windowSum(queue.stats, atMs);
  return {
    queueId: queue.settings.id,
    waiting: queue.waiting,
    offered: queue.offered,
    longestWaitingSinceMs: queue.bySince.oldest()?.joinedAtMs ?? null,
    agents: { ...queue.agents },
    ewtMs,
    isOffline: queue.agents.serving === 0,
    isOpen: queue.isOpen,
    serviceLevel: serviceLevelOf(window),
    abandonRate: abandonRateOf(window),
  };
}

/**
 * A queue's status if it differs from the last one announced, compared on
 * the fields whose change is worth an event (statusSignature), else null.
 * Allocates nothing when it has not changed: it runs for every queue an
 * event touched. The EWT is computed at most once.
 */
export function changedStatus(
  state: State,
  queue: Queue,
  atMs: number,
  predictors: PredictorLookup,
): QueueStatus | null {
  const last = queue.lastStatusSignature;
  if (last === null || isCountChanged(queue, last))
    return queueStatus(state, queue, atMs, predictors);
  // The EWT is worth recomputing only if one of its inputs changed: the time alone
  // (a longer head-of-line wait, an older window) is left to the periodic snapshot.
  if (!queue.isEwtInputChanged) return null;
  const ewtMs = ewtAt(queue, queue.waiting + 1, atMs, predictors);
  return last[8] === (ewtMs ?? -1) ? null : queueStatus(state, queue, atMs, predictors, ewtMs);
}

/** Whether a status field other than the EWT differs from the last signature. */
function isCountChanged(queue: Queue, last: readonly number[]): boolean {
  const agents = queue.agents;
  return (
    last[0] !== queue.waiting ||
    last[1] !== queue.offered ||
    last[2] !== (queue.bySince.oldest()?.joinedAtMs ?? -1) ||
    last[3] !== agents.serving ||
    last[4] !== agents.ready ||
    last[5] !== agents.busy ||
    last[6] !== agents.wrapUp ||
    last[7] !== agents.notReady ||
    last[9] !== (agents.serving === 0 ? 1 : 0) ||
    last[10] !== (queue.isOpen ? 1 : 0)
  );
}

/**
 * The part of a status whose change is worth an event, as numbers (null as
 * -1, booleans as 0 and 1). Service level and abandon rate move with the
 * clock alone, so they ride along with other changes and the host's
 * periodic snapshot rather than triggering events.
 */
export function statusSignature(status: QueueStatus, into: number[] | null = null): number[] {
  // Written into the queue's last signature when it has one: this runs for every status event.
  const signature = into ?? [];
  const agents = status.agents;
  signature[0] = status.waiting;
  signature[1] = status.offered;
  signature[2] = status.longestWaitingSinceMs ?? -1;
  signature[3] = agents.serving;
  signature[4] = agents.ready;
  signature[5] = agents.busy;
  signature[6] = agents.wrapUp;
  signature[7] = agents.notReady;
  signature[8] = status.ewtMs ?? -1;
  signature[9] = status.isOffline ? 1 : 0;
  signature[10] = status.isOpen ? 1 : 0;
  return signature;
}

/**
 * A queue's statistics for today and the last 15 minutes, with its agents'
 * occupancy, or null there without it (`withOccupancy` false: O(1) rather
 * than O(members)).
 */
export function queueReport(
  state: State,
  queueId: string,
  atMs: number,
  withOccupancy: boolean,
): QueueReport {
  const queue = queueOf(state, queueId);
  const occupancy = withOccupancy
    ? membersOccupancy(state, queue, atMs)
    : { today: null, window: null };
  return {
    queueId: queue.settings.id,
    today: queueStatistics(queue.stats.today, occupancy.today),
    window: queueStatistics(windowSum(queue.stats, atMs), occupancy.window),
  };
}

/**
 * The occupancy of a queue's members, today and in the window: their working
 * (busy, wrap-up) time over that and their free time, read in place.
 */
function membersOccupancy(
  state: State,
  queue: Queue,
  atMs: number,
): { today: number | null; window: number | null } {
  const work = { todayWorking: 0, todayFree: 0, windowWorking: 0, windowFree: 0 };
  const working = (values: number[]) =>
    (values[AgentCounter.busyMs] as number) + (values[AgentCounter.wrapUpMs] as number);
  for (const agent of queue.members) {
    const today = agent.stats.today;
    const window = windowSum(agent.stats, atMs);
    work.todayWorking += working(today);
    work.todayFree += today[AgentCounter.freeMs] as number;
    work.windowWorking += working(window);
    work.windowFree += window[AgentCounter.freeMs] as number;
    const going = ongoingOf(state, agent, atMs);
    if (going === null || going.counter === AgentCounter.notReadyMs) continue;
    const isFree = going.counter === AgentCounter.freeMs;
    work[isFree ? 'todayFree' : 'todayWorking'] += going.todayMs;
    work[isFree ? 'windowFree' : 'windowWorking'] += going.windowMs;
  }
  return {
    today: occupancyOf(work.todayWorking, work.todayFree),
    window: occupancyOf(work.windowWorking, work.windowFree),
  };
}

/**
 * The agent's activity still going on at atMs, as countSpan will count it
 * when it ends: its counter, and its time today and in the window; null
 * when it counts nowhere (offline) or has not begun.
 */
function ongoingOf(
  state: State,
  agent: Agent,
  atMs: number,
): { counter: number; todayMs: number; windowMs: number } | null {
  const counter = activityCounter[agent.activity];
  if (counter === null || atMs <= agent.activitySinceMs) return null;
  return {
    counter,
    todayMs: Math.max(0, atMs - Math.max(agent.activitySinceMs, state.dayStartMs ?? 0)),
    windowMs: atMs - Math.max(agent.activitySinceMs, windowStartMs(atMs)),
  };
}

/** An agent's counters as of atMs, today's and the window's: the recorded ones and ongoingOf. */
function agentCountersAt(
  state: State,
  agent: Agent,
  atMs: number,
): { today: number[]; window: number[] } {
  const today = agent.stats.today.slice();
  const window = windowSum(agent.stats, atMs).slice();
  const going = ongoingOf(state, agent, atMs);
  if (going !== null) {
    today[going.counter] = (today[going.counter] as number) + going.todayMs;
    window[going.counter] = (window[going.counter] as number) + going.windowMs;
  }
  return { today, window };
}

/** An agent's statistics for today and the last 15 minutes. */
export function agentReport(state: State, agentId: string, atMs: number): AgentReport {
  const agent = agentOf(state, agentId);
  const { today, window } = agentCountersAt(state, agent, atMs);
  return {
    agentId: agent.id,
    today: agentStatistics(today),
    window: agentStatistics(window),
  };
}
