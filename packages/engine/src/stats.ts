import type {
  AgentCounters,
  AgentStatistics,
  QueueCounters,
  QueueStatistics,
} from '@lineup/protocol';

/*
 * Statistics kept incrementally (docs/routing.md, Statistics): raw counters for
 * "today" and for a sliding 15-minute window made of one-minute buckets. A
 * bucket is keyed by its minute, so it is reset when written in a later
 * minute and ignored when read after it left the window; no timer is needed
 * to slide the window. Reading sums 15 buckets: O(15).
 */

/** Width of the sliding window, in one-minute buckets. */
export const windowMinutes = 15;
const minuteMs = 60_000;

/** A set of named counters. */
type Counters = Record<string, number>;

/** One minute of counters. */
export interface Bucket<C extends Counters> {
  minute: number;
  counters: C;
}

/** Counters for today and for the window. */
export interface Tally<C extends Counters> {
  today: C;
  buckets: Bucket<C>[];
}

/** Fresh queue counters, all zero. */
export function zeroQueueCounters(): QueueCounters {
  return {
    offered: 0,
    answered: 0,
    answeredInThreshold: 0,
    abandoned: 0,
    abandonedInThreshold: 0,
    waitMsAnswered: 0,
    waitMsAbandoned: 0,
    waitMsAnsweredMax: 0,
    handled: 0,
    handleMs: 0,
    overflowed: 0,
    timedOut: 0,
    deflected: 0,
    transferredOut: 0,
  };
}

/** Fresh agent counters, all zero. */
export function zeroAgentCounters(): AgentCounters {
  return {
    offered: 0,
    answered: 0,
    rejected: 0,
    missed: 0,
    handled: 0,
    talkMs: 0,
    freeMs: 0,
    busyMs: 0,
    wrapUpMs: 0,
    notReadyMs: 0,
  };
}

/** A tally with every counter at zero. */
export function newTally<C extends Counters>(zero: () => C): Tally<C> {
  const buckets: Bucket<C>[] = [];
  for (let i = 0; i < windowMinutes; i++) buckets.push({ minute: -1, counters: zero() });
  return { today: zero(), buckets };
}

/**
 * Writes one counter of the bucket for the minute of `atMs` (reset first if
 * it still holds an older minute), and keeps the cached window sum in step:
 * a cached sum of an earlier minute slides forward first (slideWindow), a
 * write inside the cached window updates it, anything else drops it.
 */
function write<C extends Counters>(
  tally: Tally<C>,
  key: string,
  value: number,
  isMax: boolean,
  atMs: number,
  zero: () => C,
): void {
  const minute = Math.floor(atMs / minuteMs);
  const bucket = tally.buckets[minute % windowMinutes] as Bucket<C>;
  let cached = windowCache.get(tally);
  const hadCache = cached !== undefined;
  // Before the bucket is reset: sliding reads what it held.
  if (cached !== undefined && cached.minute < minute && !slideWindow(tally, cached, minute, zero))
    cached = undefined;
  if (bucket.minute !== minute) {
    bucket.minute = minute;
    zeroInPlace(bucket.counters, zero);
    // What the bucket held was of a minute at least windowMinutes earlier: outside a cached
    // window that ends with this minute, which stays valid. Any other cached window is dropped.
    if (cached?.minute !== minute) cached = undefined;
  } else if (cached !== undefined && minute <= cached.minute - windowMinutes) {
    cached = undefined;
  }
  if (cached === undefined) {
    if (hadCache) windowCache.delete(tally);
  } else {
    const sum = cached.sum;
    sum[key] = isMax ? Math.max(sum[key] as number, value) : (sum[key] as number) + value;
  }
  const counters = bucket.counters as Counters;
  counters[key] = isMax
    ? Math.max(counters[key] as number, value)
    : (counters[key] as number) + value;
}

/** Adds `amount` to one counter, today and in the window. */
export function count<C extends Counters>(
  tally: Tally<C>,
  key: keyof C & string,
  amount: number,
  atMs: number,
  zero: () => C,
): void {
  (tally.today as Counters)[key] = (tally.today[key] as number) + amount;
  write(tally, key, amount, false, atMs, zero);
}

/** Raises one counter to `value` if it is larger, today and in the window (for maxima). */
export function raise<C extends Counters>(
  tally: Tally<C>,
  key: keyof C & string,
  value: number,
  atMs: number,
  zero: () => C,
): void {
  const today = tally.today as Counters;
  today[key] = Math.max(today[key] as number, value);
  write(tally, key, value, true, atMs, zero);
}

/** Where the window that ends with the minute of `atMs` begins: windowMinutes whole minutes. */
export function windowStartMs(atMs: number): number {
  return (Math.floor(atMs / minuteMs) - windowMinutes + 1) * minuteMs;
}

/**
 * Adds the time span [fromMs, toMs) to a duration counter: to today from the
 * day's start on, and to each minute bucket of the window by its share, so
 * that a long state counts in every minute it lasted.
 */
export function countSpan<C extends Counters>(
  tally: Tally<C>,
  key: keyof C & string,
  fromMs: number,
  toMs: number,
  dayStartMs: number,
  zero: () => C,
): void {
  const todayFromMs = Math.max(fromMs, dayStartMs);
  if (toMs > todayFromMs)
    (tally.today as Counters)[key] = (tally.today[key] as number) + toMs - todayFromMs;
  // Only the last windowMinutes minutes can still be read.
  let startMs = Math.max(fromMs, windowStartMs(toMs));
  while (startMs < toMs) {
    const endMs = Math.min(toMs, (Math.floor(startMs / minuteMs) + 1) * minuteMs);
    write(tally, key, endMs - startMs, false, startMs, zero);
    startMs = endMs;
  }
}

/**
 * Window sums already computed, per tally: status events ask for the same
 * queue's window many times between two changes of it. A write to a tally
 * drops its entry; entries live only as long as their tally.
 */
const windowCache = new WeakMap<object, { minute: number; sum: Counters }>();

/** Sums the buckets of the window ending with the minute of `atMs`. Cached until the tally changes. */
export function windowSum<C extends Counters>(tally: Tally<C>, atMs: number, zero: () => C): C {
  const minute = Math.floor(atMs / minuteMs);
  const cached = windowCache.get(tally);
  // Callers only read the sum; sharing it saves a copy per status check.
  if (cached?.minute === minute) return cached.sum as C;
  if (cached !== undefined && cached.minute < minute && slideWindow(tally, cached, minute, zero))
    return cached.sum as C;
  const sum = zero() as Counters;
  const { keys, isMax } = shapeOf(zero, sum);
  for (const bucket of tally.buckets) {
    if (bucket.minute <= minute - windowMinutes || bucket.minute > minute) continue;
    const counters = bucket.counters as Counters;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string;
      const value = counters[key] as number;
      // Maxima are not additive.
      sum[key] =
        isMax[index] === true ? Math.max(sum[key] as number, value) : (sum[key] as number) + value;
    }
  }
  windowCache.set(tally, { minute, sum });
  return sum as C;
}

/**
 * Moves a cached window sum forward to the window ending with `minute`, one
 * minute at a time: each step drops the bucket of the minute that leaves the
 * window, if it still holds that minute. A full sum reads 15 buckets of
 * every counter, and each queue needed one per minute of the clock: at
 * 100,000 waiting that was 3% of a routing cycle. Counters are whole numbers
 * (times in ms, counts), so subtracting gives exactly the sum that adding up
 * would. A maximum cannot be taken back: when the leaving bucket may hold
 * the window's maximum, this returns false and the caller sums afresh.
 */
function slideWindow<C extends Counters>(
  tally: Tally<C>,
  cached: { minute: number; sum: Counters },
  minute: number,
  zero: () => C,
): boolean {
  // After windowMinutes steps nothing of the cached window is left: a fresh sum is as cheap.
  if (minute - cached.minute >= windowMinutes) return false;
  const sum = cached.sum;
  const { keys, isMax } = shapeOf(zero, sum);
  for (let step = cached.minute + 1; step <= minute; step++) {
    const leaving = tally.buckets[step % windowMinutes] as Bucket<C>;
    if (leaving.minute !== step - windowMinutes) continue;
    const counters = leaving.counters as Counters;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string;
      const value = counters[key] as number;
      if (isMax[index] !== true) sum[key] = (sum[key] as number) - value;
      else if (value !== 0 && value >= (sum[key] as number)) return false;
    }
  }
  cached.minute = minute;
  return true;
}

/** The keys of a counter set and which of them keep a maximum (named ...Max), per kind of tally. */
const shapes = new Map<() => Counters, { keys: string[]; isMax: boolean[] }>();
function shapeOf(zero: () => Counters, sample: Counters): { keys: string[]; isMax: boolean[] } {
  let shape = shapes.get(zero);
  if (shape === undefined) {
    const keys = Object.keys(sample);
    shape = { keys, isMax: keys.map((key) => key.endsWith('Max')) };
    shapes.set(zero, shape);
  }
  return shape;
}

/**
 * Sets every counter to zero in place. A bucket is reused each time its
 * minute comes round again; a new object per reuse was most of the garbage
 * of a routing cycle. Nothing else holds a bucket's counters (copies are
 * deep), so reusing the object is safe.
 */
function zeroInPlace<C extends Counters>(counters: C, zero: () => C): void {
  const keys = shapeOf(zero, counters).keys;
  const target: Counters = counters;
  for (let index = 0; index < keys.length; index++) target[keys[index] as string] = 0;
}

/** Resets today's counters (a new statistics day). */
export function resetToday<C extends Counters>(tally: Tally<C>, zero: () => C): void {
  windowCache.delete(tally);
  tally.today = zero();
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const average = (sum: number, n: number): number | null => (n > 0 ? Math.round(sum / n) : null);

/** Answered within the threshold over answered plus abandoned after it; null before any. */
export function serviceLevelOf(counters: QueueCounters): number | null {
  return ratio(
    counters.answeredInThreshold,
    counters.answered + counters.abandoned - counters.abandonedInThreshold,
  );
}

/**
 * A queue's derived statistics. Service level counts answered within the
 * threshold over answered plus abandoned after it (short abandons are left
 * out); abandon rate is abandoned over answered plus abandoned.
 */
export function queueStatistics(
  counters: QueueCounters,
  occupancy: number | null,
): QueueStatistics {
  return {
    ...counters,
    serviceLevel: serviceLevelOf(counters),
    abandonRate: ratio(counters.abandoned, counters.answered + counters.abandoned),
    asaMs: average(counters.waitMsAnswered, counters.answered),
    ahtMs: average(counters.handleMs, counters.handled),
    occupancy,
  };
}

/** Busy and wrap-up time over the time logged in and ready (free, busy or in wrap-up). */
export function agentOccupancy(counters: AgentCounters): number | null {
  const working = counters.busyMs + counters.wrapUpMs;
  return ratio(working, working + counters.freeMs);
}

/** An agent's derived statistics. */
export function agentStatistics(counters: AgentCounters): AgentStatistics {
  return {
    ...counters,
    occupancy: agentOccupancy(counters),
    ahtMs: average(counters.talkMs + counters.wrapUpMs, counters.handled),
  };
}
