import type { LegRecord, OccupancyTime } from './records.ts';
import type { ResolvedTimes } from './scenario.ts';

/*
 * The simulation's report: per queue and per interval (15 minutes by
 * default), and for the whole day — offered, answered, abandoned, service
 * level, ASA, occupancy and EWT accuracy — plus the same for all queues
 * together. The report is plain data: its JSON form is the object itself;
 * `formatReportText` prints it as aligned tables.
 *
 * Definitions (as docs/routing.md, Statistics, unless said otherwise):
 * - A stay counts in the interval in which it began (the customer's arrival,
 *   or its overflow into the queue); a stay that began after the day's end
 *   counts in the last interval, so that the intervals add up to the day.
 * - offered = answered + abandoned + callbacks + overflowed + timedOut +
 *   deflected + waitingAtEnd, in every row.
 * - service level = answered within the threshold / (answered + abandoned
 *   after the threshold); waits count from the customer's first join, so an
 *   overflowed customer's whole wait counts (R12).
 * - ASA = mean wait of the answered.
 * - occupancy = occupied / (occupied + available) time of the queue's member
 *   agents: occupied is holding a contact or an offer, or wrap-up; available
 *   is ready and free; not ready and logged out count in neither.
 * - EWT accuracy compares the EWT the engine gave a contact on arrival
 *   (contactQueued, R13) with its real wait, for contacts answered in the
 *   queue they arrived at: mean absolute error, root mean square error, and
 *   bias (mean of predicted − real: positive means waits were overestimated).
 * - "All queues" counts each customer once, in the interval it arrived, with
 *   the outcome of its last stay.
 */

/** How well predicted waits matched real ones. Errors are null when count is 0. */
export interface EwtAccuracy {
  count: number;
  maeMs: number | null;
  rmseMs: number | null;
  biasMs: number | null;
}

/** One queue's (or all queues') figures over one period. */
export interface PeriodStatistics {
  /** Scenario ms: the period is [startMs, endMs). */
  startMs: number;
  endMs: number;
  offered: number;
  answered: number;
  abandoned: number;
  /** Customers who hung up asking for a call-back (R10). */
  callbacks: number;
  /** Of those, call-backs that reached the customer by the end. */
  callbacksReached: number;
  overflowed: number;
  timedOut: number;
  deflected: number;
  waitingAtEnd: number;
  answeredInThreshold: number;
  abandonedInThreshold: number;
  serviceLevel: number | null;
  abandonRate: number | null;
  asaMs: number | null;
  /** Longest wait of an answered or abandoned customer. */
  waitMsMax: number | null;
  occupancy: number | null;
  ewt: EwtAccuracy;
}

/** EWT accuracy of contacts that arrived at positions positionMin … positionMax (null: no upper end). */
export interface PositionAccuracy {
  positionMin: number;
  positionMax: number | null;
  ewt: EwtAccuracy;
}

/** One queue, or all queues together (queueId null). */
export interface QueueSection {
  queueId: string | null;
  name: string;
  /** The queue's service-level threshold; null for all queues, where each queue's own applies. */
  serviceLevelThresholdMs: number | null;
  day: PeriodStatistics;
  intervals: PeriodStatistics[];
  ewtByPosition: PositionAccuracy[];
}

/** The report of one simulated day. */
export interface SimulationReport {
  originEpochMs: number;
  dayStartMs: number;
  dayEndMs: number;
  intervalMs: number;
  queues: QueueSection[];
  total: QueueSection;
}

/** What a report is computed from. */
export interface ReportInput {
  times: ResolvedTimes;
  queues: readonly { id: string; name: string; serviceLevelThresholdMs: number }[];
  legs: readonly LegRecord[];
  /** Per queue in scenario order, then one for all agents. */
  occupancy: readonly OccupancyTime[];
}

/** A position bucket as the tables write it: "1", "2–3", "16–31", "256+". */
export function positionLabel(positionMin: number, positionMax: number | null): string {
  if (positionMax === null) return `${positionMin}+`;
  return positionMax === positionMin ? String(positionMin) : `${positionMin}–${positionMax}`;
}

/** Lower bounds of the position buckets of EWT accuracy: powers of two, so any size reads well. */
export const positionBucketStarts: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** Sums a period's figures are derived from. */
interface Tally {
  offered: number;
  answered: number;
  abandoned: number;
  callbacks: number;
  callbacksReached: number;
  overflowed: number;
  timedOut: number;
  deflected: number;
  waitingAtEnd: number;
  answeredInThreshold: number;
  abandonedInThreshold: number;
  waitMsAnswered: number;
  waitMsMax: number | null;
  ewt: ErrorSums;
}

interface ErrorSums {
  count: number;
  absolute: number;
  squared: number;
  signed: number;
}

const newErrorSums = (): ErrorSums => ({ count: 0, absolute: 0, squared: 0, signed: 0 });
const newTally = (): Tally => ({
  offered: 0,
  answered: 0,
  abandoned: 0,
  callbacks: 0,
  callbacksReached: 0,
  overflowed: 0,
  timedOut: 0,
  deflected: 0,
  waitingAtEnd: 0,
  answeredInThreshold: 0,
  abandonedInThreshold: 0,
  waitMsAnswered: 0,
  waitMsMax: null,
  ewt: newErrorSums(),
});

/** A section's tallies: one per interval, one for the day, one per position bucket. */
interface SectionTally {
  intervals: Tally[];
  day: Tally;
  positions: ErrorSums[];
}

const newSectionTally = (intervalCount: number): SectionTally => ({
  intervals: Array.from({ length: intervalCount }, newTally),
  day: newTally(),
  positions: positionBucketStarts.map(newErrorSums),
});

/**
 * Counts one outcome. `leg` gives the outcome and wait; `arrival`, when the
 * prediction to score is another stay's (all queues), its prediction.
 */
function count(tally: Tally, leg: LegRecord, thresholdMs: number, arrival: LegRecord): void {
  tally.offered += 1;
  const waitMs = leg.waitMs ?? 0;
  switch (leg.outcome) {
    case 'waiting':
      tally.waitingAtEnd += 1;
      return;
    case 'answered':
      tally.answered += 1;
      tally.waitMsAnswered += waitMs;
      if (waitMs <= thresholdMs) tally.answeredInThreshold += 1;
      tally.waitMsMax = Math.max(tally.waitMsMax ?? 0, waitMs);
      if (arrival.outcome === 'answered' && arrival.predictedWaitMs !== null)
        addError(tally.ewt, arrival.predictedWaitMs, waitMs);
      return;
    case 'abandoned':
      tally.abandoned += 1;
      if (waitMs <= thresholdMs) tally.abandonedInThreshold += 1;
      tally.waitMsMax = Math.max(tally.waitMsMax ?? 0, waitMs);
      return;
    case 'callback':
      tally.callbacks += 1;
      if (leg.callbackOutcome === 'reached') tally.callbacksReached += 1;
      return;
    case 'overflowed':
      tally.overflowed += 1;
      return;
    case 'timedOut':
      tally.timedOut += 1;
      return;
    case 'deflected':
      tally.deflected += 1;
      return;
  }
}

function addError(sums: ErrorSums, predictedMs: number, realMs: number): void {
  const error = predictedMs - realMs;
  sums.count += 1;
  sums.absolute += Math.abs(error);
  sums.squared += error * error;
  sums.signed += error;
}

function addTally(into: Tally, from: Tally): void {
  into.offered += from.offered;
  into.answered += from.answered;
  into.abandoned += from.abandoned;
  into.callbacks += from.callbacks;
  into.callbacksReached += from.callbacksReached;
  into.overflowed += from.overflowed;
  into.timedOut += from.timedOut;
  into.deflected += from.deflected;
  into.waitingAtEnd += from.waitingAtEnd;
  into.answeredInThreshold += from.answeredInThreshold;
  into.abandonedInThreshold += from.abandonedInThreshold;
  into.waitMsAnswered += from.waitMsAnswered;
  if (from.waitMsMax !== null) into.waitMsMax = Math.max(into.waitMsMax ?? 0, from.waitMsMax);
  into.ewt.count += from.ewt.count;
  into.ewt.absolute += from.ewt.absolute;
  into.ewt.squared += from.ewt.squared;
  into.ewt.signed += from.ewt.signed;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function accuracyOf(sums: ErrorSums): EwtAccuracy {
  return {
    count: sums.count,
    maeMs: ratio(sums.absolute, sums.count),
    rmseMs: sums.count > 0 ? Math.sqrt(sums.squared / sums.count) : null,
    biasMs: ratio(sums.signed, sums.count),
  };
}

function statisticsOf(
  tally: Tally,
  startMs: number,
  endMs: number,
  occupiedMs: number,
  availableMs: number,
): PeriodStatistics {
  const reached = tally.answered + tally.abandoned - tally.abandonedInThreshold;
  return {
    startMs,
    endMs,
    offered: tally.offered,
    answered: tally.answered,
    abandoned: tally.abandoned,
    callbacks: tally.callbacks,
    callbacksReached: tally.callbacksReached,
    overflowed: tally.overflowed,
    timedOut: tally.timedOut,
    deflected: tally.deflected,
    waitingAtEnd: tally.waitingAtEnd,
    answeredInThreshold: tally.answeredInThreshold,
    abandonedInThreshold: tally.abandonedInThreshold,
    serviceLevel: ratio(tally.answeredInThreshold, reached),
    abandonRate: ratio(tally.abandoned, tally.answered + tally.abandoned),
    asaMs: ratio(tally.waitMsAnswered, tally.answered),
    waitMsMax: tally.waitMsMax,
    occupancy: ratio(occupiedMs, occupiedMs + availableMs),
    ewt: accuracyOf(tally.ewt),
  };
}

/** The index of the position bucket of a position. */
function bucketOf(position: number): number {
  let bucket = 0;
  while (
    bucket + 1 < positionBucketStarts.length &&
    position >= (positionBucketStarts[bucket + 1] ?? Number.POSITIVE_INFINITY)
  )
    bucket += 1;
  return bucket;
}

function sectionOf(
  tally: SectionTally,
  head: Pick<QueueSection, 'queueId' | 'name' | 'serviceLevelThresholdMs'>,
  times: ResolvedTimes,
  occupancy: OccupancyTime | undefined,
): QueueSection {
  let occupiedMs = 0;
  let availableMs = 0;
  const intervals = tally.intervals.map((interval, index) => {
    const startMs = times.dayStartMs + index * times.intervalMs;
    const endMs = Math.min(times.dayEndMs, startMs + times.intervalMs);
    const occupied = occupancy?.occupiedMs[index] ?? 0;
    const available = occupancy?.availableMs[index] ?? 0;
    occupiedMs += occupied;
    availableMs += available;
    addTally(tally.day, interval);
    return statisticsOf(interval, startMs, endMs, occupied, available);
  });
  return {
    ...head,
    day: statisticsOf(tally.day, times.dayStartMs, times.dayEndMs, occupiedMs, availableMs),
    intervals,
    ewtByPosition: positionAccuracies(tally.positions),
  };
}

function positionAccuracies(positions: readonly ErrorSums[]): PositionAccuracy[] {
  return positions.map((sums, index) => ({
    positionMin: positionBucketStarts[index] ?? 1,
    positionMax:
      index + 1 < positionBucketStarts.length ? (positionBucketStarts[index + 1] ?? 1) - 1 : null,
    ewt: accuracyOf(sums),
  }));
}

/**
 * Whether a stay's EWT is scored: the contact arrived at this queue, was
 * answered there, and was told a position and an EWT on arrival (R13).
 */
export function isEwtScored(leg: LegRecord): boolean {
  return (
    leg.isArrival &&
    leg.outcome === 'answered' &&
    leg.predictedWaitMs !== null &&
    leg.position !== null
  );
}

/** EWT accuracy over the scored stays among these, overall and by position on arrival. */
export function ewtAccuracyOfLegs(legs: readonly LegRecord[]): {
  all: EwtAccuracy;
  byPosition: PositionAccuracy[];
} {
  const all = newErrorSums();
  const positions = positionBucketStarts.map(newErrorSums);
  for (const leg of legs) {
    if (!isEwtScored(leg)) continue;
    addError(all, leg.predictedWaitMs ?? 0, leg.waitMs ?? 0);
    addError(
      positions[bucketOf(leg.position ?? 1)] as ErrorSums,
      leg.predictedWaitMs ?? 0,
      leg.waitMs ?? 0,
    );
  }
  return { all: accuracyOf(all), byPosition: positionAccuracies(positions) };
}

/** Computes the report from a simulation's records. */
export function buildReport(input: ReportInput): SimulationReport {
  const { times, queues, legs } = input;
  const intervalOf = (atMs: number): number =>
    Math.min(
      times.intervalCount - 1,
      Math.max(0, Math.floor((atMs - times.dayStartMs) / times.intervalMs)),
    );
  const thresholdOf = (leg: LegRecord): number =>
    queues[leg.queueIndex]?.serviceLevelThresholdMs ?? 0;
  const perQueue = queues.map(() => newSectionTally(times.intervalCount));
  const all = newSectionTally(times.intervalCount);

  // The last stay of each contact, which holds its outcome for "all queues".
  const lastLegs = new Map<number, LegRecord>();
  for (const leg of legs) lastLegs.set(leg.contactIndex, leg);

  for (const leg of legs) {
    const section = perQueue[leg.queueIndex];
    if (section === undefined) continue;
    const interval = intervalOf(leg.enteredAtMs);
    const tally = section.intervals[interval];
    if (tally !== undefined) count(tally, leg, thresholdOf(leg), leg);
    if (isEwtScored(leg)) {
      const bucket = bucketOf(leg.position ?? 1);
      addError(section.positions[bucket] as ErrorSums, leg.predictedWaitMs ?? 0, leg.waitMs ?? 0);
      addError(all.positions[bucket] as ErrorSums, leg.predictedWaitMs ?? 0, leg.waitMs ?? 0);
    }
    if (!leg.isArrival) continue;
    const last = lastLegs.get(leg.contactIndex) ?? leg;
    const allTally = all.intervals[interval];
    if (allTally !== undefined) count(allTally, last, thresholdOf(last), leg);
  }

  return {
    originEpochMs: times.originEpochMs,
    dayStartMs: times.dayStartMs,
    dayEndMs: times.dayEndMs,
    intervalMs: times.intervalMs,
    queues: queues.map((queue, index) =>
      sectionOf(
        perQueue[index] as SectionTally,
        {
          queueId: queue.id,
          name: queue.name,
          serviceLevelThresholdMs: queue.serviceLevelThresholdMs,
        },
        times,
        input.occupancy[index],
      ),
    ),
    total: sectionOf(
      all,
      { queueId: null, name: 'All queues', serviceLevelThresholdMs: null },
      times,
      input.occupancy[queues.length],
    ),
  };
}

// --- Text ----------------------------------------------------------------------------------------

/** Scenario ms as a clock, hh:mm (hours past 24 go on counting: a run may cross midnight). */
function clock(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A duration as m:ss, or – when there is none. */
function duration(ms: number | null): string {
  if (ms === null) return '–';
  const seconds = Math.round(Math.abs(ms) / 1000);
  const sign = ms < 0 && seconds > 0 ? '-' : '';
  return `${sign}${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** A share as a percentage with one decimal, or – when there is none. */
export function percent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)}%`;
}

/** Aligned rows: the first column left-aligned, the others right-aligned, two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    for (const [index, cell] of row.entries())
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
  return rows.map((row) =>
    row
      .map((cell, index) =>
        index === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}

const periodHeader = [
  'interval',
  'offered',
  'answered',
  'abandoned',
  'callback',
  'overflow',
  'timeout',
  'deflect',
  'waiting',
  'SL',
  'ASA',
  'occupancy',
  'EWT MAE',
  'EWT RMSE',
];

function periodRow(label: string, period: PeriodStatistics): string[] {
  return [
    label,
    String(period.offered),
    String(period.answered),
    String(period.abandoned),
    String(period.callbacks),
    String(period.overflowed),
    String(period.timedOut),
    String(period.deflected),
    String(period.waitingAtEnd),
    percent(period.serviceLevel),
    duration(period.asaMs),
    percent(period.occupancy),
    duration(period.ewt.maeMs),
    duration(period.ewt.rmseMs),
  ];
}

function sectionText(section: QueueSection): string[] {
  const threshold =
    section.serviceLevelThresholdMs === null
      ? "each queue's service-level threshold"
      : `service level within ${section.serviceLevelThresholdMs / 1000} s`;
  const title =
    section.queueId === null
      ? `${section.name} (${threshold})`
      : `Queue ${section.queueId}: ${section.name} (${threshold})`;
  const rows = [
    periodHeader,
    ...section.intervals.map((period) =>
      periodRow(`${clock(period.startMs)}–${clock(period.endMs)}`, period),
    ),
    periodRow('day', section.day),
  ];
  const positions = section.ewtByPosition.filter((bucket) => bucket.ewt.count > 0);
  const lines = [title, ...table(rows)];
  if (positions.length === 0) return lines;
  lines.push('', 'EWT accuracy by position on arrival (answered contacts)');
  lines.push(
    ...table([
      ['position', 'count', 'MAE', 'RMSE', 'bias'],
      ...positions.map((bucket) => [
        positionLabel(bucket.positionMin, bucket.positionMax),
        String(bucket.ewt.count),
        duration(bucket.ewt.maeMs),
        duration(bucket.ewt.rmseMs),
        duration(bucket.ewt.biasMs),
      ]),
    ]),
  );
  return lines;
}

/** The report as plain-text tables: each queue, then all queues, per interval and for the day. */
export function formatReportText(report: SimulationReport): string {
  const sections = [...report.queues, report.total].map((section) =>
    sectionText(section).join('\n'),
  );
  const legend =
    'SL: answered within the threshold / (answered + abandoned after it). ASA, MAE, RMSE in m:ss. ' +
    'Occupancy: time with a contact, an offer or in wrap-up / that plus ready and free time.';
  return `${sections.join('\n\n')}\n\n${legend}\n`;
}
