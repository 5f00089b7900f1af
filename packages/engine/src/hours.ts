/**
 * Opening hours of a queue, evaluated in the queue's IANA time zone.
 *
 * The engine is pure, so there is no `Date` here: `Intl.DateTimeFormat` tells us a zone's
 * wall-clock fields at an epoch ms, and all calendar arithmetic is integer math on "wall ms"
 * (the local wall-clock reading written as if it were UTC, so `wallMs = atMs + offsetMs`).
 * Between two offset transitions wall time moves in step with real time, which turns "when does
 * the schedule next change?" into arithmetic plus a search for the transitions themselves.
 *
 * Rules (tests are named after them):
 * - H1: open when the local time lies in [openMinute, closeMinute) of a window for the local
 *   weekday and the local date is not a holiday.
 * - H2: a window ending at 1440 and one starting at 0 the next day are one continuous opening.
 * - H3: a boundary in a skipped local hour (spring forward) takes effect at the first instant
 *   whose local time is at or past it.
 * - H4: a boundary in a repeated local hour (fall back) takes effect at its first occurrence;
 *   openness follows the wall clock, so the repeated hour repeats the schedule too.
 * - H5: nextChangeMs is the exact first instant openness flips, or null beyond 400 days.
 * - H6: a local day starts at the first instant carrying its date (01:00 where midnight is
 *   skipped); nextLocalMidnightMs is strictly after its argument.
 * - H7: hoursProblem names the first invalid field, and the limits hold.
 *
 * The calendar is proleptic Gregorian; instants must lie in the years 1 to 9997, because Intl
 * writes earlier years with an era we do not read.
 */

import { assert } from './assert.ts';

/** One weekly opening window in local time: open on `day` during [openMinute, closeMinute). */
export interface WeeklyOpening {
  /** Local weekday, 0 = Sunday … 6 = Saturday. */
  day: number;
  /** Minute of the local day the window opens, 0..1439. */
  openMinute: number;
  /** Minute of the local day the window closes, 1..1440 and greater than openMinute. */
  closeMinute: number;
}

/** When a queue is open: weekly windows in a time zone, minus whole-day holidays. */
export interface OpeningHours {
  /** IANA time zone, e.g. "Europe/Berlin". */
  timeZone: string;
  weekly: WeeklyOpening[];
  /** Local dates "YYYY-MM-DD" on which the queue is closed all day. */
  holidays: string[];
}

/** The wall-clock reading of an instant in a time zone. */
export interface LocalTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  minuteOfDay: number;
  /** "YYYY-MM-DD" */
  date: string;
}

/** Most weekly windows one schedule may have; nextChangeMs walks them for every day it scans. */
export const weeklyOpeningsMax = 100;
/** Most holidays one schedule may list; isOpen scans them linearly. */
export const holidaysMax = 1_000;
/** How far ahead nextChangeMs looks before answering "never" (null). */
export const nextChangeHorizonDays = 400;

const secondMs = 1_000;
const minuteMs = 60_000;
const hourMs = 3_600_000;
const dayMs = 86_400_000;
const minutesPerDay = 1_440;
const weekdayNames = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const;

// Keys are caller-supplied strings, and zone names are case-insensitive, so the number of
// distinct valid keys is unbounded; clearing when full keeps memory bounded at no cost to results.
const formatterCacheSizeMax = 1_024;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Returns whether Intl knows `timeZone` (an IANA name such as "Europe/Berlin", or "UTC"). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch (error: unknown) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/** Returns a message naming the first problem with `hours` and how to fix it, or null when valid. */
export function hoursProblem(hours: OpeningHours): string | null {
  if (!isValidTimeZone(hours.timeZone)) {
    return `timeZone ${JSON.stringify(hours.timeZone)} is not a known IANA time zone; use a name such as "Europe/Berlin".`;
  }
  if (hours.weekly.length > weeklyOpeningsMax) {
    return `weekly has ${hours.weekly.length} windows but at most ${weeklyOpeningsMax} are allowed; merge adjacent windows.`;
  }
  for (const [index, opening] of hours.weekly.entries()) {
    const problem = openingProblem(opening, index);
    if (problem !== null) return problem;
  }
  const overlap = overlapProblem(hours.weekly);
  if (overlap !== null) return overlap;
  if (hours.holidays.length > holidaysMax) {
    return `holidays has ${hours.holidays.length} dates but at most ${holidaysMax} are allowed; remove past holidays.`;
  }
  for (const [index, holiday] of hours.holidays.entries()) {
    if (!isIsoDate(holiday)) {
      return `holidays[${index}] ${JSON.stringify(holiday)} is not a calendar date; write it as YYYY-MM-DD, e.g. "2026-12-25".`;
    }
  }
  return null;
}

/** Returns the wall-clock reading of `atMs` in `timeZone`, which must be valid. */
export function localTime(atMs: number, timeZone: string): LocalTime {
  assertInstant(atMs);
  const wallMs = wallClockMs(atMs, timeZone);
  const days = floorDiv(wallMs, dayMs);
  return {
    ...civilFromDays(days),
    weekday: weekdayOf(days),
    minuteOfDay: floorDiv(wallMs - days * dayMs, minuteMs),
    date: isoDate(days),
  };
}

/**
 * Returns whether the queue is open at `atMs`: the local time lies in [openMinute, closeMinute)
 * of a window for the local weekday and the local date is not a holiday.
 *
 * isOpen is constant on [atMs, nextChangeMs(hours, atMs)), so a caller on a hot path may cache
 * the answer until then. Because it depends on the wall clock alone, a repeated hour at a
 * fall-back transition is open twice when a window covers it.
 */
export function isOpen(hours: OpeningHours, atMs: number): boolean {
  const wallMs = wallClockMs(atMs, hours.timeZone);
  const days = floorDiv(wallMs, dayMs);
  const minute = floorDiv(wallMs - days * dayMs, minuteMs);
  const weekday = weekdayOf(days);
  // Windows first: most instants fail there, which spares the linear holiday scan.
  const isInWindow = hours.weekly.some(
    (opening) =>
      opening.day === weekday && opening.openMinute <= minute && minute < opening.closeMinute,
  );
  return isInWindow && !hours.holidays.includes(isoDate(days));
}

/**
 * Returns the smallest epoch ms t > atMs with isOpen(hours, t) !== isOpen(hours, atMs), or null
 * when there is none within nextChangeHorizonDays; `hours` must pass hoursProblem.
 *
 * A boundary in a skipped local hour takes effect at the first instant whose local time is at
 * or past it; a boundary in a repeated hour takes effect at its first occurrence.
 */
export function nextChangeMs(hours: OpeningHours, atMs: number): number | null {
  assertInstant(atMs);
  const problem = hoursProblem(hours);
  assert(problem === null, `nextChangeMs needs valid hours: ${problem ?? ''}`);
  const timeline = openTimeline(hours);
  const alwaysOpen = hours.holidays.length === 0 && timeline.byWeekday.every(isWholeDay);
  const alwaysClosed = timeline.byWeekday.every((windows) => windows.length === 0);
  if (alwaysOpen || alwaysClosed) return null;

  const wasOpen = isOpen(hours, atMs);
  return firstChangeMs(
    hours.timeZone,
    atMs,
    Math.min(atMs + nextChangeHorizonDays * dayMs, instantMsMax),
    (wallMs) => nextFlipWallMs(timeline, wallMs, wasOpen),
    (candidateMs) => isOpen(hours, candidateMs) !== wasOpen,
  );
}

/** Returns the epoch ms of the first local midnight strictly after `atMs` (the next local day's start). */
export function nextLocalMidnightMs(atMs: number, timeZone: string): number {
  assertInstant(atMs);
  const days = floorDiv(wallClockMs(atMs, timeZone), dayMs);
  // Where midnight is skipped (America/Santiago in September) the day starts at 01:00; Pacific/Apia
  // once skipped a whole day. A week is more than any zone has ever needed.
  const midnightMs = firstChangeMs(
    timeZone,
    atMs,
    atMs + 7 * dayMs,
    (wallMs) => (floorDiv(wallMs, dayMs) + 1) * dayMs,
    (candidateMs) => floorDiv(wallClockMs(candidateMs, timeZone), dayMs) > days,
  );
  assert(midnightMs !== null, `no local midnight within a week after ${atMs} in ${timeZone}`);
  return midnightMs;
}

/** Returns the epoch ms of the first instant of the local day containing `atMs`. */
export function startOfLocalDayMs(atMs: number, timeZone: string): number {
  assertInstant(atMs);
  const wallMs = wallClockMs(atMs, timeZone);
  const days = floorDiv(wallMs, dayMs);
  // One ms before midnight if the offset did not change today; otherwise step back until we
  // stand in an earlier day, from where the next midnight is the start of this one.
  let beforeMs = atMs - (wallMs - days * dayMs) - 1;
  for (let steps = 0; floorDiv(wallClockMs(beforeMs, timeZone), dayMs) >= days; steps += 1) {
    assert(steps < 48, `no earlier local day found before ${atMs} in ${timeZone}`);
    beforeMs -= hourMs;
  }
  return nextLocalMidnightMs(beforeMs, timeZone);
}

// --- Searching real time -------------------------------------------------------------------

/**
 * Returns the smallest t in (fromMs, limitMs] with hasChangedAt(t), or null.
 *
 * `nextWallCandidateMs(wallMs)` names the first wall time after `wallMs` at which the answer may
 * change if wall time moved in step with real time. It does until the next offset transition,
 * so each round takes the earlier of that candidate and the transition, and tests it.
 */
function firstChangeMs(
  timeZone: string,
  fromMs: number,
  limitMs: number,
  nextWallCandidateMs: (wallMs: number) => number | null,
  hasChangedAt: (atMs: number) => boolean,
): number | null {
  let atMs = fromMs;
  let offsetMs = wallClockMs(atMs, timeZone) - atMs;
  // Each round ends at a transition or a candidate; a few per day at most, so this bound only
  // catches a bug that would otherwise loop forever.
  for (let rounds = 0; rounds < 16 * nextChangeHorizonDays; rounds += 1) {
    const wallCandidateMs = nextWallCandidateMs(atMs + offsetMs);
    const candidateMs = wallCandidateMs === null ? null : wallCandidateMs - offsetMs;
    const scanEndMs = Math.min(candidateMs ?? limitMs, limitMs);
    const stepMs = firstOffsetTransitionMs(timeZone, atMs, offsetMs, scanEndMs) ?? candidateMs;
    if (stepMs === null || stepMs > limitMs) return null;
    if (hasChangedAt(stepMs)) return stepMs;
    atMs = stepMs;
    offsetMs = wallClockMs(atMs, timeZone) - atMs;
  }
  assert(false, `firstChangeMs did not settle after ${fromMs} in ${timeZone}`);
}

/**
 * Returns the first t in (fromMs, toMs] whose UTC offset differs from `offsetMs`, or null.
 *
 * Probing once a day assumes no zone changes its offset and changes it back within one day,
 * which holds for every zone in the tz database; bisection then finds the exact ms.
 */
function firstOffsetTransitionMs(
  timeZone: string,
  fromMs: number,
  offsetMs: number,
  toMs: number,
): number | null {
  const differs = (atMs: number): boolean => wallClockMs(atMs, timeZone) - atMs !== offsetMs;
  for (let lowMs = fromMs; lowMs < toMs;) {
    let highMs = Math.min(lowMs + dayMs, toMs);
    if (differs(highMs)) {
      while (highMs - lowMs > 1) {
        const middleMs = lowMs + Math.floor((highMs - lowMs) / 2);
        if (differs(middleMs)) highMs = middleMs;
        else lowMs = middleMs;
      }
      return highMs;
    }
    lowMs = highMs;
  }
  return null;
}

// --- The schedule as a timeline in wall time ------------------------------------------------

interface OpenTimeline {
  /** Per weekday, the day's windows as [openMinute, closeMinute), sorted and merged. */
  byWeekday: (readonly [number, number])[][];
  holidays: ReadonlySet<string>;
}

function openTimeline(hours: OpeningHours): OpenTimeline {
  const byWeekday = weekdayNames.map((_name, weekday) =>
    mergeWindows(
      hours.weekly
        .filter((opening) => opening.day === weekday)
        .map((opening) => [opening.openMinute, opening.closeMinute] as const),
    ),
  );
  return { byWeekday, holidays: new Set(hours.holidays) };
}

function mergeWindows(windows: (readonly [number, number])[]): (readonly [number, number])[] {
  const sorted = [...windows].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [openMinute, closeMinute] of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && openMinute <= last[1]) last[1] = Math.max(last[1], closeMinute);
    else merged.push([openMinute, closeMinute]);
  }
  return merged;
}

function isWholeDay(windows: (readonly [number, number])[]): boolean {
  const only = windows[0];
  return windows.length === 1 && only !== undefined && only[0] === 0 && only[1] === minutesPerDay;
}

/**
 * Returns the first wall ms after `wallMs` at which openness differs from `isOpenNow` (which
 * must be the openness at `wallMs`), or null when there is none within the horizon.
 */
function nextFlipWallMs(timeline: OpenTimeline, wallMs: number, isOpenNow: boolean): number | null {
  // The scan ends past the horizon so that a window still open at its end yields a flip beyond
  // the limit (rejected by the caller) instead of a false "never".
  const fromDays = floorDiv(wallMs, dayMs);
  for (const [startMs, endMs] of openWallIntervals(timeline, fromDays, nextChangeHorizonDays + 2)) {
    if (endMs <= wallMs) continue;
    assert(
      startMs <= wallMs === isOpenNow,
      `openness at wall ${wallMs} disagrees with isOpen (${isOpenNow})`,
    );
    return isOpenNow ? endMs : startMs;
  }
  return null;
}

/** Yields the open intervals in wall ms from the start of day `fromDays`, merged across midnight. */
function* openWallIntervals(
  timeline: OpenTimeline,
  fromDays: number,
  dayCount: number,
): Generator<readonly [number, number]> {
  let pending: [number, number] | null = null;
  for (let days = fromDays; days < fromDays + dayCount; days += 1) {
    if (timeline.holidays.has(isoDate(days))) continue;
    for (const [openMinute, closeMinute] of timeline.byWeekday[weekdayOf(days)] ?? []) {
      const startMs = days * dayMs + openMinute * minuteMs;
      const endMs = days * dayMs + closeMinute * minuteMs;
      // A window ending at 24:00 and one starting at 00:00 the next day are one interval.
      if (pending !== null && startMs <= pending[1]) {
        pending[1] = Math.max(pending[1], endMs);
        continue;
      }
      if (pending !== null) yield pending;
      pending = [startMs, endMs];
    }
  }
  if (pending !== null) yield pending;
}

// --- Validation -----------------------------------------------------------------------------

function openingProblem(opening: WeeklyOpening, index: number): string | null {
  const { day, openMinute, closeMinute } = opening;
  if (!Number.isInteger(day) || day < 0 || day > 6) {
    return `weekly[${index}].day is ${day}; use 0 (Sunday) to 6 (Saturday).`;
  }
  if (!Number.isInteger(openMinute) || openMinute < 0 || openMinute >= minutesPerDay) {
    return `weekly[${index}].openMinute is ${openMinute}; use a whole minute of the day from 0 to 1439.`;
  }
  if (!Number.isInteger(closeMinute) || closeMinute <= openMinute || closeMinute > minutesPerDay) {
    return `weekly[${index}].closeMinute is ${closeMinute}; use a whole minute after openMinute (${openMinute}) and at most 1440 (midnight); split windows that cross midnight in two.`;
  }
  return null;
}

function overlapProblem(weekly: WeeklyOpening[]): string | null {
  // Sorted by day, then open minute, ties by index so the message is deterministic.
  const order = weekly
    .map((opening, index) => ({ opening, index }))
    .sort(
      (a, b) =>
        a.opening.day - b.opening.day ||
        a.opening.openMinute - b.opening.openMinute ||
        a.index - b.index,
    );
  for (let position = 1; position < order.length; position += 1) {
    const earlier = order[position - 1];
    const later = order[position];
    assert(earlier !== undefined && later !== undefined, 'overlap scan out of range');
    if (
      earlier.opening.day === later.opening.day &&
      later.opening.openMinute < earlier.opening.closeMinute
    ) {
      const dayName = weekdayNames[later.opening.day] ?? String(later.opening.day);
      return `weekly[${earlier.index}] and weekly[${later.index}] overlap on ${dayName}; merge them into one window.`;
    }
  }
  return null;
}

function isIsoDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  // An impossible date such as 2026-02-30 does not survive the round trip through a day count.
  return isoDate(daysFromCivil(year, month, day)) === text;
}

// --- Calendar arithmetic --------------------------------------------------------------------

/** 0001-01-02 and 9998-01-01 UTC: a day of margin so that every local date has a 4-digit year. */
const instantMsMin = daysFromCivil(1, 1, 2) * dayMs;
const instantMsMax = daysFromCivil(9998, 1, 1) * dayMs;

function assertInstant(atMs: number): void {
  assert(
    Number.isSafeInteger(atMs) && atMs >= instantMsMin && atMs < instantMsMax,
    `instant ${atMs} is not an integer epoch ms in the years 1 to 9997`,
  );
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached !== undefined) return cached;
  // h23, not hour12: false, which some ICU versions render midnight as "24" with.
  const formatter = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  if (formatters.size >= formatterCacheSizeMax) formatters.clear();
  formatters.set(timeZone, formatter);
  return formatter;
}

/** Returns the local wall-clock reading of `atMs` as ms since 1970-01-01 00:00 local. */
function wallClockMs(atMs: number, timeZone: string): number {
  const fields = { year: NaN, month: NaN, day: NaN, hour: NaN, minute: NaN, second: NaN };
  for (const part of formatterFor(timeZone).formatToParts(atMs)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  const { year, month, day, hour, minute, second } = fields;
  assert(
    [year, month, day, hour, minute, second].every(Number.isInteger),
    `Intl returned unreadable fields for ${atMs} in ${timeZone}`,
  );
  // Intl resolves seconds only; the ms within the second are the same in every zone.
  const msOfSecond = atMs - floorDiv(atMs, secondMs) * secondMs;
  return (
    daysFromCivil(year, month, day) * dayMs +
    hour * hourMs +
    minute * minuteMs +
    second * secondMs +
    msOfSecond
  );
}

function floorDiv(dividend: number, divisor: number): number {
  return Math.floor(dividend / divisor);
}

/** 1970-01-01 was a Thursday (4). */
function weekdayOf(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

function isoDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const marchYear = month <= 2 ? year - 1 : year;
  const era = floorDiv(marchYear, 400);
  const yearOfEra = marchYear - era * 400;
  const marchMonth = (month + 9) % 12;
  const dayOfYear = floorDiv(153 * marchMonth + 2, 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + floorDiv(yearOfEra, 4) - floorDiv(yearOfEra, 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The proleptic Gregorian date of a day count since 1970-01-01 (civil_from_days). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const shifted = days + 719_468;
  const era = floorDiv(shifted, 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = floorDiv(
    dayOfEra - floorDiv(dayOfEra, 1_460) + floorDiv(dayOfEra, 36_524) - floorDiv(dayOfEra, 146_096),
    365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + floorDiv(yearOfEra, 4) - floorDiv(yearOfEra, 100));
  const marchMonth = floorDiv(5 * dayOfYear + 2, 153);
  const month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day: dayOfYear - floorDiv(153 * marchMonth + 2, 5) + 1 };
}
