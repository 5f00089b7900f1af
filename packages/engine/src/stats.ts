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

/** Where each queue counter sits in a tally's arrays. */
export const QueueCounter = {
  offered: 0,
  answered: 1,
  answeredInThreshold: 2,
  abandoned: 3,
  abandonedInThreshold: 4,
  waitMsAnswered: 5,
  waitMsAbandoned: 6,
  waitMsAnsweredMax: 7,
  handled: 8,
  handleMs: 9,
  overflowed: 10,
  timedOut: 11,
  deflected: 12,
  transferredOut: 13,
} as const satisfies Record<keyof QueueCounters, number>;

/** Where each agent counter sits in a tally's arrays. */
export const AgentCounter = {
  offered: 0,
  answered: 1,
  rejected: 2,
  missed: 3,
  handled: 4,
  talkMs: 5,
  freeMs: 6,
  busyMs: 7,
  wrapUpMs: 8,
  notReadyMs: 9,
} as const satisfies Record<keyof AgentCounters, number>;

/**
 * A kind of tally: its counters' names in array order, and which of them
 * keep a maximum (named ...Max) rather than a sum.
 */
export interface CounterKind<C extends Counters> {
  readonly names: readonly (keyof C & string)[];
  readonly isMax: readonly boolean[];
}

/** A set of named counters, as reports and snapshots show them. */
type Counters = Record<string, number>;

/**
 * An array of `length` zeros: a plain array of numbers, cheaper to make than
 * a typed array (a restore makes sixteen per queue and agent). Filled by
 * push rather than made with `new Array(length)`, so that V8 keeps it packed:
 * reads need no check for holes.
 */
export function zeros(length: number): number[] {
  const values: number[] = [];
  for (let index = 0; index < length; index++) values.push(0);
  return values;
}

function kindOf<C extends Counters>(indexes: Record<keyof C & string, number>): CounterKind<C> {
  const names: (keyof C & string)[] = [];
  for (const name of Object.keys(indexes) as (keyof C & string)[]) names[indexes[name]] = name;
  return { names, isMax: names.map((name) => name.endsWith('Max')) };
}

/** The queue counters' kind. */
export const queueCounterKind: CounterKind<QueueCounters> = kindOf<QueueCounters>(QueueCounter);
/** The agent counters' kind. */
export const agentCounterKind: CounterKind<AgentCounters> = kindOf<AgentCounters>(AgentCounter);

/** One minute of counters. */
export interface Bucket {
  minute: number;
  counters: number[];
}

/**
 * Counters for today and for the window, as arrays of numbers indexed by
 * QueueCounter or AgentCounter: a routing cycle counts a dozen times, and a counter read
 * or written by name from a shared function was a megamorphic property
 * access each time (a tenth of a cycle). Counters are whole numbers (counts,
 * times in ms), exact in a double up to 2^53.
 */
export interface Tally<C extends Counters> {
  readonly kind: CounterKind<C>;
  today: number[];
  buckets: Bucket[];
  /**
   * The sum of the window that ends with `minute`, or null: status events
   * ask for the same queue's window many times between two changes of it.
   * Kept in step by every write (see write).
   */
  window: { minute: number; sum: number[] } | null;
}

/** A tally with every counter at zero. */
export function newTally<C extends Counters>(kind: CounterKind<C>): Tally<C> {
  const buckets: Bucket[] = [];
  for (let i = 0; i < windowMinutes; i++)
    buckets.push({ minute: -1, counters: zeros(kind.names.length) });
  return { kind, today: zeros(kind.names.length), buckets, window: null };
}

/** Counters by name, from an array of a kind. */
export function countersOf<C extends Counters>(kind: CounterKind<C>, values: number[]): C {
  const counters: Counters = {};
  for (let index = 0; index < kind.names.length; index++)
    counters[kind.names[index] as string] = values[index] as number;
  return counters as C;
}

/** An array of a kind from counters by name; a counter missing is zero. */
export function valuesOf<C extends Counters>(kind: CounterKind<C>, counters: Partial<C>): number[] {
  const values = zeros(kind.names.length);
  for (let index = 0; index < kind.names.length; index++)
    values[index] = counters[kind.names[index] as keyof C] ?? 0;
  return values;
}

/**
 * Writes one counter of the bucket for the minute of `atMs` (reset first if
 * it still holds an older minute), and keeps the cached window sum in step:
 * a cached sum of an earlier minute slides forward first (slideWindow), a
 * write inside the cached window updates it, anything else drops it.
 */
function write<C extends Counters>(
  tally: Tally<C>,
  index: number,
  value: number,
  isMax: boolean,
  atMs: number,
): void {
  const minute = Math.floor(atMs / minuteMs);
  const bucket = tally.buckets[minute % windowMinutes] as Bucket;
  let cached = tally.window;
  // Before the bucket is reset: sliding reads what it held.
  if (cached !== null && cached.minute < minute && !slideWindow(tally, cached, minute))
    cached = null;
  if (bucket.minute !== minute) {
    bucket.minute = minute;
    bucket.counters.fill(0);
    // What the bucket held was of a minute at least windowMinutes earlier: outside a cached
    // window that ends with this minute, which stays valid. Any other cached window is dropped.
    if (cached?.minute !== minute) cached = null;
  } else if (cached !== null && minute <= cached.minute - windowMinutes) {
    cached = null;
  }
  tally.window = cached;
  if (cached !== null) {
    const sum = cached.sum;
    sum[index] = isMax ? Math.max(sum[index] as number, value) : (sum[index] as number) + value;
  }
  const counters = bucket.counters;
  counters[index] = isMax
    ? Math.max(counters[index] as number, value)
    : (counters[index] as number) + value;
}

/** Adds `amount` to one counter, today and in the window. */
export function count<C extends Counters>(
  tally: Tally<C>,
  index: number,
  amount: number,
  atMs: number,
): void {
  tally.today[index] = (tally.today[index] as number) + amount;
  write(tally, index, amount, false, atMs);
}

/** Raises one counter to `value` if it is larger, today and in the window (for maxima). */
export function raise<C extends Counters>(
  tally: Tally<C>,
  index: number,
  value: number,
  atMs: number,
): void {
  tally.today[index] = Math.max(tally.today[index] as number, value);
  write(tally, index, value, true, atMs);
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
  index: number,
  fromMs: number,
  toMs: number,
  dayStartMs: number,
): void {
  const todayFromMs = Math.max(fromMs, dayStartMs);
  if (toMs > todayFromMs) tally.today[index] = (tally.today[index] as number) + toMs - todayFromMs;
  // Only the last windowMinutes minutes can still be read.
  let startMs = Math.max(fromMs, windowStartMs(toMs));
  while (startMs < toMs) {
    const endMs = Math.min(toMs, (Math.floor(startMs / minuteMs) + 1) * minuteMs);
    write(tally, index, endMs - startMs, false, startMs);
    startMs = endMs;
  }
}

/**
 * Sums the buckets of the window ending with the minute of `atMs`. Cached
 * until the tally changes; callers only read the sum (sharing it saves a
 * copy per status check).
 */
export function windowSum<C extends Counters>(tally: Tally<C>, atMs: number): number[] {
  const minute = Math.floor(atMs / minuteMs);
  const cached = tally.window;
  if (cached?.minute === minute) return cached.sum;
  if (cached !== null && cached.minute < minute && slideWindow(tally, cached, minute))
    return cached.sum;
  const { isMax } = tally.kind;
  const sum = zeros(isMax.length);
  for (const bucket of tally.buckets) {
    if (bucket.minute <= minute - windowMinutes || bucket.minute > minute) continue;
    const counters = bucket.counters;
    for (let index = 0; index < isMax.length; index++) {
      const value = counters[index] as number;
      // Maxima are not additive.
      sum[index] =
        isMax[index] === true
          ? Math.max(sum[index] as number, value)
          : (sum[index] as number) + value;
    }
  }
  tally.window = { minute, sum };
  return sum;
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
  cached: { minute: number; sum: number[] },
  minute: number,
): boolean {
  // After windowMinutes steps nothing of the cached window is left: a fresh sum is as cheap.
  if (minute - cached.minute >= windowMinutes) return false;
  const sum = cached.sum;
  const { isMax } = tally.kind;
  for (let step = cached.minute + 1; step <= minute; step++) {
    const leaving = tally.buckets[step % windowMinutes] as Bucket;
    if (leaving.minute !== step - windowMinutes) continue;
    const counters = leaving.counters;
    for (let index = 0; index < isMax.length; index++) {
      const value = counters[index] as number;
      if (isMax[index] !== true) sum[index] = (sum[index] as number) - value;
      else if (value !== 0 && value >= (sum[index] as number)) return false;
    }
  }
  cached.minute = minute;
  return true;
}

/** Resets today's counters (a new statistics day). */
export function resetToday<C extends Counters>(tally: Tally<C>): void {
  tally.today = zeros(tally.kind.names.length);
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const average = (sum: number, n: number): number | null => (n > 0 ? Math.round(sum / n) : null);

/** Answered within the threshold over answered plus abandoned after it; null before any. */
export function serviceLevelOf(values: number[]): number | null {
  return ratio(
    values[QueueCounter.answeredInThreshold] as number,
    (values[QueueCounter.answered] as number) +
      (values[QueueCounter.abandoned] as number) -
      (values[QueueCounter.abandonedInThreshold] as number),
  );
}

/** Abandoned over answered plus abandoned; null before any. */
export function abandonRateOf(values: number[]): number | null {
  const abandoned = values[QueueCounter.abandoned] as number;
  return ratio(abandoned, (values[QueueCounter.answered] as number) + abandoned);
}

/**
 * A queue's derived statistics. Service level counts answered within the
 * threshold over answered plus abandoned after it (short abandons are left
 * out); abandon rate is abandoned over answered plus abandoned.
 */
export function queueStatistics(values: number[], occupancy: number | null): QueueStatistics {
  const counters = countersOf(queueCounterKind, values);
  return {
    ...counters,
    serviceLevel: serviceLevelOf(values),
    abandonRate: abandonRateOf(values),
    asaMs: average(counters.waitMsAnswered, counters.answered),
    ahtMs: average(counters.handleMs, counters.handled),
    occupancy,
  };
}

/** Working (busy and wrap-up) time over that and the time free. */
export function occupancyOf(workingMs: number, freeMs: number): number | null {
  return ratio(workingMs, workingMs + freeMs);
}

/** An agent's derived statistics. */
export function agentStatistics(values: number[]): AgentStatistics {
  const counters = countersOf(agentCounterKind, values);
  return {
    ...counters,
    occupancy: occupancyOf(counters.busyMs + counters.wrapUpMs, counters.freeMs),
    ahtMs: average(counters.talkMs + counters.wrapUpMs, counters.handled),
  };
}
