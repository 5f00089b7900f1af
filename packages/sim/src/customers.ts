import { poissonArrivals, Random, sampleMs } from './random.ts';
import type { ResolvedTimes, Scenario, ScenarioQueue, TraceContact } from './scenario.ts';

/*
 * The customers of each queue: when they arrive, and what each brings with
 * it — its service time, its patience, whether it is a VIP, whether and when
 * it would rather be called back. Everything about a customer is drawn when
 * it arrives, from its queue's own random streams, always the same draws in
 * the same order: two scenarios that differ only in staffing or routing then
 * meet exactly the same customers (common random numbers), which makes their
 * comparison sharp.
 */

/** A call nobody answers rings this long before the agent gives up (R10). */
export const callbackNoAnswerMs = 30_000;

/** One arrival: its time in scenario ms, and the traced contact when there is one. */
export interface Arrival {
  atMs: number;
  trace: TraceContact | null;
}

/** One queue's arrivals and the random streams of its customers. */
export interface CustomerSource {
  spec: ScenarioQueue;
  arrivals: Iterator<Arrival>;
  /** Draws each customer's own service time, patience and choices. */
  customers: Random;
  /** Draws how call-back attempts go. */
  callbacks: Random;
}

/** What a customer brings: drawn on arrival, or taken from its trace. */
export interface CustomerDraw {
  isVip: boolean;
  serviceMs: number;
  /** Hangs up after waiting this long; null: never. */
  patienceMs: number | null;
  /** Asks for a call-back after waiting this long; null: never. */
  askCallbackAfterMs: number | null;
}

/**
 * The customer sources of a scenario, one per queue. Stream 0 of the seed is
 * the engine's and stream 1 the agents'; queue i has streams 2 + 3i to 4 + 3i.
 */
export function customerSources(scenario: Scenario, times: ResolvedTimes): CustomerSource[] {
  return scenario.queues.map((spec, index) => ({
    spec,
    arrivals: arrivalTimes(spec, times, new Random(scenario.seed, 2 + 3 * index)),
    customers: new Random(scenario.seed, 3 + 3 * index),
    callbacks: new Random(scenario.seed, 4 + 3 * index),
  }));
}

/** Arrival times of a queue, in scenario ms, soonest first. */
function* arrivalTimes(
  queue: ScenarioQueue,
  times: ResolvedTimes,
  random: Random,
): Generator<Arrival> {
  const arrivals = queue.arrivals;
  if (arrivals.kind === 'trace') {
    for (const trace of arrivals.contacts) yield { atMs: trace.atMs, trace };
    return;
  }
  const rate = {
    startMs: times.dayStartMs,
    intervalMs: times.intervalMs,
    perInterval: arrivals.perInterval,
  };
  // Whole ms, rounded down so that an arrival stays inside its interval and the day.
  for (const atMs of poissonArrivals(random, rate)) yield { atMs: Math.floor(atMs), trace: null };
}

/** Draws the next customer of a source; a trace's own values win over the draws. */
export function drawCustomer(source: CustomerSource, trace: TraceContact | null): CustomerDraw {
  const spec = source.spec;
  const random = source.customers;
  // Every draw is made, used or not, so that changing one setting (a VIP share, a patience)
  // leaves every other draw of every customer alone.
  const vipDraw = random.nextFloat();
  const serviceMs = sampleMs(random, spec.serviceTime);
  const patienceMs = spec.patience === null ? null : sampleMs(random, spec.patience);
  const callbackDraw = random.nextFloat();
  const callback = spec.callback;
  const afterMs = callback === undefined ? null : sampleMs(random, callback.afterWait);
  return {
    isVip: trace?.isVip ?? vipDraw < (spec.vipShare ?? 0),
    serviceMs: trace?.serviceMs ?? serviceMs,
    patienceMs: trace?.patienceMs ?? patienceMs,
    askCallbackAfterMs:
      callback !== undefined && afterMs !== null && callbackDraw < callback.share ? afterMs : null,
  };
}

/** How one call-back attempt goes: it reaches the customer and lasts the service time, or rings out. */
export function drawCallbackAttempt(
  source: CustomerSource,
  serviceMs: number,
): { outcome: 'reached' | 'noAnswer'; durationMs: number } {
  const reachedShare = source.spec.callback?.reachedShare ?? 1;
  return source.callbacks.nextFloat() < reachedShare
    ? { outcome: 'reached', durationMs: serviceMs }
    : { outcome: 'noAnswer', durationMs: callbackNoAnswerMs };
}
