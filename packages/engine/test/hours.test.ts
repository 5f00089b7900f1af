import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  holidaysMax,
  hoursProblem,
  isOpen,
  isValidTimeZone,
  localTime,
  nextChangeMs,
  nextLocalMidnightMs,
  startOfLocalDayMs,
  weeklyOpeningsMax,
  type OpeningHours,
  type WeeklyOpening,
} from '../src/hours.ts';

// Expected instants are written as UTC wall times worked out by hand from each zone's offset
// (Berlin +1 / +2 in summer, New York -5 / -4, Shanghai +8), never from the code under test.
const utc = (year: number, month: number, day: number, hour = 0, minute = 0): number =>
  Date.UTC(year, month - 1, day, hour, minute);
const minuteMs = 60_000;
const hourMs = 3_600_000;
const dayMs = 86_400_000;

const weekdays = (days: number[], openMinute: number, closeMinute: number): WeeklyOpening[] =>
  days.map((day) => ({ day, openMinute, closeMinute }));
const officeHours = (timeZone: string, holidays: string[] = []): OpeningHours => ({
  timeZone,
  weekly: weekdays([1, 2, 3, 4, 5], 9 * 60, 17 * 60),
  holidays,
});
const sundayOnly = (timeZone: string, openMinute: number, closeMinute: number): OpeningHours => ({
  timeZone,
  weekly: [{ day: 0, openMinute, closeMinute }],
  holidays: [],
});

/** Follows nextChangeMs `count` times from `fromMs`, returning every change instant. */
function changes(hours: OpeningHours, fromMs: number, count: number): (number | null)[] {
  const found: (number | null)[] = [];
  let atMs: number | null = fromMs;
  for (let index = 0; index < count && atMs !== null; index += 1) {
    atMs = nextChangeMs(hours, atMs);
    found.push(atMs);
  }
  return found;
}

describe('localTime', () => {
  it('[H1] reads the Berlin wall clock in winter and in summer', () => {
    expect(localTime(utc(2026, 1, 5, 8), 'Europe/Berlin')).toEqual({
      year: 2026,
      month: 1,
      day: 5,
      weekday: 1,
      minuteOfDay: 9 * 60,
      date: '2026-01-05',
    });
    expect(localTime(utc(2026, 7, 1, 7, 30), 'Europe/Berlin')).toMatchObject({
      weekday: 3,
      minuteOfDay: 9 * 60 + 30,
      date: '2026-07-01',
    });
  });

  it('[H1] crosses the date line forward in Asia/Shanghai and stays put in UTC', () => {
    expect(localTime(utc(2026, 6, 30, 16, 30), 'Asia/Shanghai')).toMatchObject({
      date: '2026-07-01',
      weekday: 3,
      minuteOfDay: 30,
    });
    expect(localTime(utc(2024, 2, 29, 23, 59), 'UTC')).toMatchObject({
      date: '2024-02-29',
      weekday: 4,
      minuteOfDay: 1439,
    });
  });

  it('[H1] handles instants before 1970 and quarter-hour offsets', () => {
    expect(localTime(-1, 'UTC')).toMatchObject({ date: '1969-12-31', minuteOfDay: 1439 });
    expect(localTime(utc(2026, 1, 1), 'Asia/Kathmandu')).toMatchObject({
      minuteOfDay: 5 * 60 + 45,
    });
  });
});

describe('isOpen', () => {
  const berlin = officeHours('Europe/Berlin', ['2026-01-06']);

  it('[H1] is open from 09:00 inclusive to 17:00 exclusive on a weekday', () => {
    expect(isOpen(berlin, utc(2026, 1, 5, 8) - 1)).toBe(false);
    expect(isOpen(berlin, utc(2026, 1, 5, 8))).toBe(true);
    expect(isOpen(berlin, utc(2026, 1, 5, 16) - 1)).toBe(true);
    expect(isOpen(berlin, utc(2026, 1, 5, 16))).toBe(false);
    // Summer time moves the same local hours one hour earlier in UTC.
    expect(isOpen(berlin, utc(2026, 7, 1, 7) - 1)).toBe(false);
    expect(isOpen(berlin, utc(2026, 7, 1, 7))).toBe(true);
  });

  it('[H1] is closed at the weekend and on a holiday', () => {
    expect(isOpen(berlin, utc(2026, 1, 10, 10))).toBe(false);
    expect(isOpen(berlin, utc(2026, 1, 6, 10))).toBe(false);
    expect(isOpen(berlin, utc(2026, 1, 7, 10))).toBe(true);
  });

  it('[H1] reads the weekday in local time, not UTC', () => {
    // Monday 00:30 in Shanghai is still Sunday in UTC.
    const shanghai: OpeningHours = {
      timeZone: 'Asia/Shanghai',
      weekly: weekdays([1], 0, 60),
      holidays: [],
    };
    expect(isOpen(shanghai, utc(2026, 1, 4, 16, 30))).toBe(true);
  });
});

describe('nextChangeMs', () => {
  const berlin = officeHours('Europe/Berlin', ['2026-01-06']);

  it('[H5] finds the next opening and closing of office hours in Berlin', () => {
    expect(nextChangeMs(berlin, utc(2026, 1, 3, 12))).toBe(utc(2026, 1, 5, 8));
    expect(nextChangeMs(berlin, utc(2026, 1, 5, 8))).toBe(utc(2026, 1, 5, 16));
    expect(nextChangeMs(berlin, utc(2026, 1, 5, 8) - 1)).toBe(utc(2026, 1, 5, 8));
    expect(nextChangeMs(berlin, utc(2026, 1, 5, 10, 17) + 123)).toBe(utc(2026, 1, 5, 16));
  });

  it('[H5] skips a holiday', () => {
    expect(nextChangeMs(berlin, utc(2026, 1, 5, 16))).toBe(utc(2026, 1, 7, 8));
  });

  it('[H5] crosses the Berlin DST changes over a weekend', () => {
    // Friday 17:00 CET to Monday 09:00 CEST, and Friday 17:00 CEST to Monday 09:00 CET.
    expect(nextChangeMs(berlin, utc(2026, 3, 27, 16))).toBe(utc(2026, 3, 30, 7));
    expect(nextChangeMs(berlin, utc(2026, 10, 23, 15))).toBe(utc(2026, 10, 26, 8));
  });

  it('[H2] treats Friday 22:00-24:00 and Saturday 00:00-06:00 as one opening', () => {
    const overnight: OpeningHours = {
      timeZone: 'Europe/Berlin',
      weekly: [
        { day: 5, openMinute: 22 * 60, closeMinute: 1440 },
        { day: 6, openMinute: 0, closeMinute: 6 * 60 },
      ],
      holidays: [],
    };
    expect(changes(overnight, utc(2026, 1, 9, 12), 2)).toEqual([
      utc(2026, 1, 9, 21),
      utc(2026, 1, 10, 5),
    ]);
    expect(isOpen(overnight, utc(2026, 1, 9, 23) - 1)).toBe(true);
    expect(isOpen(overnight, utc(2026, 1, 9, 23))).toBe(true);
    // A holiday on the Saturday ends the opening at midnight.
    const withHoliday = { ...overnight, holidays: ['2026-01-10'] };
    expect(changes(withHoliday, utc(2026, 1, 9, 12), 2)).toEqual([
      utc(2026, 1, 9, 21),
      utc(2026, 1, 9, 23),
    ]);
  });

  it('[H3] opens a 02:30 window at 03:00 CEST when Berlin springs forward', () => {
    const hours = sundayOnly('Europe/Berlin', 2 * 60 + 30, 4 * 60);
    expect(isOpen(hours, utc(2026, 3, 29, 1) - 1)).toBe(false);
    expect(changes(hours, utc(2026, 3, 28, 12), 2)).toEqual([
      utc(2026, 3, 29, 1),
      utc(2026, 3, 29, 2),
    ]);
  });

  it('[H3] closes a window ending at 02:30 at the spring-forward instant', () => {
    const hours = sundayOnly('Europe/Berlin', 0, 2 * 60 + 30);
    expect(changes(hours, utc(2026, 3, 28, 12), 2)).toEqual([
      utc(2026, 3, 28, 23),
      utc(2026, 3, 29, 1),
    ]);
  });

  it('[H3] never opens a window lying wholly inside the skipped hour', () => {
    const hours = sundayOnly('Europe/Berlin', 2 * 60 + 15, 2 * 60 + 45);
    expect(nextChangeMs(hours, utc(2026, 3, 28, 12))).toBe(utc(2026, 4, 5, 0, 15));
  });

  it('[H4] runs a window in the repeated Berlin hour at both occurrences', () => {
    // 02:30-02:45 local happens first at +02:00 (00:30Z) and again at +01:00 (01:30Z).
    const hours = sundayOnly('Europe/Berlin', 2 * 60 + 30, 2 * 60 + 45);
    expect(changes(hours, utc(2026, 10, 24, 12), 5)).toEqual([
      utc(2026, 10, 25, 0, 30),
      utc(2026, 10, 25, 0, 45),
      utc(2026, 10, 25, 1, 30),
      utc(2026, 10, 25, 1, 45),
      utc(2026, 11, 1, 1, 30),
    ]);
  });

  it('[H4] closes at the fall-back instant when local time returns before the opening', () => {
    // At 01:00Z the wall clock goes from 03:00 CEST back to 02:00 CET, before 02:30.
    const hours = sundayOnly('Europe/Berlin', 2 * 60 + 30, 4 * 60);
    expect(changes(hours, utc(2026, 10, 24, 12), 4)).toEqual([
      utc(2026, 10, 25, 0, 30),
      utc(2026, 10, 25, 1),
      utc(2026, 10, 25, 1, 30),
      utc(2026, 10, 25, 3),
    ]);
  });

  it('[H3] handles the New York spring-forward day', () => {
    expect(changes(sundayOnly('America/New_York', 0, 2 * 60 + 30), utc(2026, 3, 7, 12), 2)).toEqual(
      [utc(2026, 3, 8, 5), utc(2026, 3, 8, 7)],
    );
    expect(
      changes(sundayOnly('America/New_York', 2 * 60 + 30, 3 * 60 + 30), utc(2026, 3, 7, 12), 2),
    ).toEqual([utc(2026, 3, 8, 7), utc(2026, 3, 8, 7, 30)]);
    // Friday 17:00 EST to Monday 09:00 EDT.
    expect(nextChangeMs(officeHours('America/New_York'), utc(2026, 3, 6, 22))).toBe(
      utc(2026, 3, 9, 13),
    );
  });

  it('[H4] handles the New York fall-back day', () => {
    const hours = sundayOnly('America/New_York', 60, 90);
    expect(changes(hours, utc(2026, 10, 31, 12), 4)).toEqual([
      utc(2026, 11, 1, 5),
      utc(2026, 11, 1, 5, 30),
      utc(2026, 11, 1, 6),
      utc(2026, 11, 1, 6, 30),
    ]);
  });

  it('[H5] follows Asia/Shanghai office hours, which have no DST', () => {
    expect(changes(officeHours('Asia/Shanghai'), utc(2026, 1, 9, 9), 2)).toEqual([
      utc(2026, 1, 12, 1),
      utc(2026, 1, 12, 9),
    ]);
  });

  it('[H5] returns null for 24/7 and for no windows, and finds a holiday in a 24/7 week', () => {
    const allWeek: OpeningHours = {
      timeZone: 'UTC',
      weekly: weekdays([0, 1, 2, 3, 4, 5, 6], 0, 1440),
      holidays: [],
    };
    expect(nextChangeMs(allWeek, utc(2026, 1, 1))).toBeNull();
    expect(
      nextChangeMs({ timeZone: 'UTC', weekly: [], holidays: ['2026-01-02'] }, utc(2026, 1, 1)),
    ).toBeNull();
    const christmas = { ...allWeek, holidays: ['2026-12-25'] };
    expect(changes(christmas, utc(2026, 1, 1), 3)).toEqual([
      utc(2026, 12, 25),
      utc(2026, 12, 26),
      null,
    ]);
  });

  it('[H5] looks exactly 400 days ahead and no further', () => {
    const atMs = utc(2026, 1, 1);
    const allWeek = weekdays([0, 1, 2, 3, 4, 5, 6], 0, 1440);
    // 2026-01-01 plus 400 days is 2027-02-05.
    expect(nextChangeMs({ timeZone: 'UTC', weekly: allWeek, holidays: ['2027-02-05'] }, atMs)).toBe(
      atMs + 400 * dayMs,
    );
    expect(
      nextChangeMs({ timeZone: 'UTC', weekly: allWeek, holidays: ['2027-02-06'] }, atMs),
    ).toBeNull();
  });

  it('[H7] refuses hours that fail hoursProblem, as a bug in the caller', () => {
    expect(() => nextChangeMs({ timeZone: 'Nowhere/Land', weekly: [], holidays: [] }, 0)).toThrow(
      /Nowhere\/Land/,
    );
  });
});

describe('local days', () => {
  it('[H6] gives a 23-hour and a 25-hour day in Berlin', () => {
    expect(startOfLocalDayMs(utc(2026, 3, 29, 12), 'Europe/Berlin')).toBe(utc(2026, 3, 28, 23));
    expect(nextLocalMidnightMs(utc(2026, 3, 29, 12), 'Europe/Berlin')).toBe(utc(2026, 3, 29, 22));
    expect(startOfLocalDayMs(utc(2026, 10, 25, 12), 'Europe/Berlin')).toBe(utc(2026, 10, 24, 22));
    expect(nextLocalMidnightMs(utc(2026, 10, 25, 12), 'Europe/Berlin')).toBe(utc(2026, 10, 25, 23));
  });

  it('[H6] is strictly after a midnight and starts a day at that midnight', () => {
    const midnightMs = utc(2026, 1, 4, 16); // 2026-01-05 00:00 in Shanghai
    expect(startOfLocalDayMs(midnightMs, 'Asia/Shanghai')).toBe(midnightMs);
    expect(nextLocalMidnightMs(midnightMs, 'Asia/Shanghai')).toBe(midnightMs + dayMs);
    expect(nextLocalMidnightMs(midnightMs - 1, 'Asia/Shanghai')).toBe(midnightMs);
    expect(startOfLocalDayMs(utc(2026, 5, 5, 23, 59), 'UTC')).toBe(utc(2026, 5, 5));
  });

  it('[H6] starts the day at 01:00 where midnight is skipped (America/Santiago)', () => {
    // Chile springs forward from Saturday 24:00 (-04:00) to Sunday 01:00 (-03:00).
    expect(nextLocalMidnightMs(utc(2026, 9, 6, 2), 'America/Santiago')).toBe(utc(2026, 9, 6, 4));
    expect(startOfLocalDayMs(utc(2026, 9, 6, 12), 'America/Santiago')).toBe(utc(2026, 9, 6, 4));
  });
});

describe('hoursProblem', () => {
  const valid = officeHours('Europe/Berlin', ['2026-12-25', '2028-02-29']);
  const withOpening = (opening: WeeklyOpening): OpeningHours => ({ ...valid, weekly: [opening] });

  it('[H7] accepts a valid schedule and adjacent windows', () => {
    expect(hoursProblem(valid)).toBeNull();
    expect(
      hoursProblem({ ...valid, weekly: [...weekdays([1], 540, 720), ...weekdays([1], 720, 1020)] }),
    ).toBeNull();
  });

  it('[H7] names an unknown time zone', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('')).toBe(false);
    expect(hoursProblem({ ...valid, timeZone: 'Mars/Olympus' })).toMatch(/"Mars\/Olympus"/);
  });

  it('[H7] names a day, open minute or close minute out of range', () => {
    expect(hoursProblem(withOpening({ day: 7, openMinute: 0, closeMinute: 60 }))).toMatch(
      /weekly\[0\]\.day/,
    );
    expect(hoursProblem(withOpening({ day: 1.5, openMinute: 0, closeMinute: 60 }))).toMatch(
      /\.day/,
    );
    expect(hoursProblem(withOpening({ day: 1, openMinute: -1, closeMinute: 60 }))).toMatch(
      /\.openMinute/,
    );
    expect(hoursProblem(withOpening({ day: 1, openMinute: 1440, closeMinute: 1440 }))).toMatch(
      /\.openMinute/,
    );
    expect(hoursProblem(withOpening({ day: 1, openMinute: 0, closeMinute: 1441 }))).toMatch(
      /\.closeMinute/,
    );
    expect(hoursProblem(withOpening({ day: 1, openMinute: 60, closeMinute: 60 }))).toMatch(
      /\.closeMinute/,
    );
    expect(hoursProblem(withOpening({ day: 6, openMinute: 0, closeMinute: 1440 }))).toBeNull();
  });

  it('[H7] names two windows that overlap on the same day', () => {
    const weekly = [
      ...weekdays([1], 540, 720),
      ...weekdays([2], 600, 700),
      ...weekdays([1], 700, 800),
    ];
    expect(hoursProblem({ ...valid, weekly })).toBe(
      'weekly[0] and weekly[2] overlap on Monday; merge them into one window.',
    );
  });

  it('[H7] names a malformed or impossible holiday', () => {
    for (const holiday of ['2026-2-01', '2026-02-29', '2026-13-01', '2026-04-31', '26-01-01', '']) {
      expect(hoursProblem({ ...valid, holidays: [holiday] }), holiday).toMatch(/holidays\[0\]/);
    }
  });

  it('[H7] allows 100 windows and 1,000 holidays, and refuses one more of either', () => {
    const windows = Array.from({ length: weeklyOpeningsMax + 1 }, (_unused, index) => ({
      day: index % 7,
      openMinute: Math.floor(index / 7) * 60,
      closeMinute: Math.floor(index / 7) * 60 + 30,
    }));
    expect(hoursProblem({ ...valid, weekly: windows.slice(0, weeklyOpeningsMax) })).toBeNull();
    expect(hoursProblem({ ...valid, weekly: windows })).toMatch(/at most 100/);
    const dates = Array.from({ length: holidaysMax + 1 }, (_unused, index) =>
      new Date(utc(2026, 1, 1) + index * dayMs).toISOString().slice(0, 10),
    );
    expect(hoursProblem({ ...valid, holidays: dates.slice(0, holidaysMax) })).toBeNull();
    expect(hoursProblem({ ...valid, holidays: dates })).toMatch(/at most 1000/);
  });
});

// --- Properties against an independent reference ------------------------------------------

/** Zones with DST at odd hours, half-hour DST, quarter-hour offsets and skipped midnights. */
const zones = [
  { timeZone: 'UTC', transitionsMs: [] },
  { timeZone: 'Asia/Shanghai', transitionsMs: [] },
  { timeZone: 'Asia/Kathmandu', transitionsMs: [] },
  { timeZone: 'Europe/Berlin', transitionsMs: [utc(2026, 3, 29, 1), utc(2026, 10, 25, 1)] },
  { timeZone: 'America/New_York', transitionsMs: [utc(2026, 3, 8, 7), utc(2026, 11, 1, 6)] },
  {
    timeZone: 'America/St_Johns',
    transitionsMs: [utc(2026, 3, 8, 5, 30), utc(2026, 11, 1, 4, 30)],
  },
  { timeZone: 'America/Santiago', transitionsMs: [utc(2026, 4, 5, 3), utc(2026, 9, 6, 4)] },
  { timeZone: 'Asia/Beirut', transitionsMs: [utc(2026, 3, 28, 22), utc(2026, 10, 24, 21)] },
  {
    timeZone: 'Australia/Lord_Howe',
    transitionsMs: [utc(2026, 4, 4, 15), utc(2026, 10, 3, 15, 30)],
  },
  { timeZone: 'Pacific/Chatham', transitionsMs: [utc(2026, 4, 4, 14), utc(2026, 9, 26, 14)] },
];

const referenceFormatters = new Map<string, Intl.DateTimeFormat>();
const weekdayShortNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The local reading of an instant via Intl's own weekday and Date, sharing no code with hours.ts. */
function referenceLocal(atMs: number, timeZone: string) {
  let formatter = referenceFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    referenceFormatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(
    formatter.formatToParts(new Date(atMs)).map((part) => [part.type, part.value]),
  );
  const [year, month, day] = [Number(parts.year), Number(parts.month), Number(parts.day)];
  const weekday = weekdayShortNames.indexOf(parts.weekday ?? '');
  // Date cross-checks Intl's weekday from the calendar date alone.
  expect(new Date(Date.UTC(year, month - 1, day)).getUTCDay()).toBe(weekday);
  return {
    year,
    month,
    day,
    weekday,
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
    date: `${parts.year ?? ''}-${parts.month ?? ''}-${parts.day ?? ''}`,
  };
}

function referenceIsOpen(hours: OpeningHours, atMs: number): boolean {
  const local = referenceLocal(atMs, hours.timeZone);
  return (
    !hours.holidays.includes(local.date) &&
    hours.weekly.some(
      (opening) =>
        opening.day === local.weekday &&
        opening.openMinute <= local.minuteOfDay &&
        local.minuteOfDay < opening.closeMinute,
    )
  );
}

const zoneArbitrary = fc.constantFrom(...zones);

/** An instant in 2025-2027, half the time within two days of one of the zone's transitions. */
const caseArbitrary = zoneArbitrary.chain((zone) =>
  fc.record({
    timeZone: fc.constant(zone.timeZone),
    atMs:
      zone.transitionsMs.length === 0
        ? fc.integer({ min: utc(2025, 1, 1), max: utc(2028, 1, 1) })
        : fc.oneof(
            fc.integer({ min: utc(2025, 1, 1), max: utc(2028, 1, 1) }),
            fc
              .tuple(
                fc.constantFrom(...zone.transitionsMs),
                fc.integer({ min: -2 * dayMs, max: 2 * dayMs }),
              )
              .map(([transitionMs, offsetMs]) => transitionMs + offsetMs),
          ),
  }),
);

/**
 * Non-overlapping windows whose boundaries are multiples of `unitMinutes`, biased towards
 * midnight and the 02:00-03:00 hour in which most DST changes happen.
 */
function weeklyArbitrary(unitMinutes: number): fc.Arbitrary<WeeklyOpening[]> {
  const unitsPerDay = 1440 / unitMinutes;
  const boundary = fc.oneof(
    fc.constantFrom(
      0,
      unitsPerDay,
      (2 * 60) / unitMinutes,
      (2.5 * 60) / unitMinutes,
      (3 * 60) / unitMinutes,
    ),
    fc.integer({ min: 0, max: unitsPerDay }),
  );
  const day = fc.uniqueArray(boundary, { maxLength: 6 }).map((units) => {
    const sorted = [...units].sort((a, b) => a - b);
    const windows: [number, number][] = [];
    for (let index = 0; index + 1 < sorted.length; index += 2) {
      windows.push([sorted[index]! * unitMinutes, sorted[index + 1]! * unitMinutes]);
    }
    return windows;
  });
  return fc
    .tuple(day, day, day, day, day, day, day)
    .map((days) =>
      days.flatMap((windows, weekday) =>
        windows.map(([openMinute, closeMinute]) => ({ day: weekday, openMinute, closeMinute })),
      ),
    );
}

/** Holidays within a few days of the instant, so they matter. */
function holidaysNear(atMs: number, dayOffsets: number[]): string[] {
  return dayOffsets.map((offset) => new Date(atMs + offset * dayMs).toISOString().slice(0, 10));
}

const holidayOffsetsArbitrary = fc.uniqueArray(fc.integer({ min: -2, max: 8 }), { maxLength: 3 });

describe('properties', () => {
  it('[H1] localTime agrees with Intl and Date', () => {
    fc.assert(
      fc.property(caseArbitrary, ({ timeZone, atMs }) => {
        expect(localTime(atMs, timeZone)).toEqual(referenceLocal(atMs, timeZone));
      }),
      { numRuns: 500 },
    );
  });

  it('[H5] nextChangeMs equals a brute-force scan on a quarter-hour grid', () => {
    // Every offset and DST change of these zones lies on the UTC quarter-hour grid, so with
    // quarter-hour windows the first flip after atMs is the first grid point that differs.
    const quarterMs = 15 * minuteMs;
    const scanMs = 8 * dayMs;
    fc.assert(
      fc.property(
        caseArbitrary,
        weeklyArbitrary(15),
        holidayOffsetsArbitrary,
        ({ timeZone, atMs }, weekly, offsets) => {
          const hours: OpeningHours = { timeZone, weekly, holidays: holidaysNear(atMs, offsets) };
          expect(hoursProblem(hours)).toBeNull();
          const wasOpen = referenceIsOpen(hours, atMs);
          expect(isOpen(hours, atMs)).toBe(wasOpen);
          let expectedMs: number | null = null;
          for (
            let gridMs = (Math.floor(atMs / quarterMs) + 1) * quarterMs;
            gridMs <= atMs + scanMs;
            gridMs += quarterMs
          ) {
            if (referenceIsOpen(hours, gridMs) !== wasOpen) {
              expectedMs = gridMs;
              break;
            }
          }
          const actualMs = nextChangeMs(hours, atMs);
          if (expectedMs !== null) expect(actualMs).toBe(expectedMs);
          else expect(actualMs === null || actualMs > atMs + scanMs).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('[H5] isOpen is constant on [atMs, nextChangeMs) and flips at nextChangeMs', () => {
    fc.assert(
      fc.property(
        caseArbitrary,
        weeklyArbitrary(1),
        holidayOffsetsArbitrary,
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 8,
          maxLength: 8,
        }),
        ({ timeZone, atMs }, weekly, offsets, fractions) => {
          const hours: OpeningHours = { timeZone, weekly, holidays: holidaysNear(atMs, offsets) };
          const wasOpen = referenceIsOpen(hours, atMs);
          const changeMs = nextChangeMs(hours, atMs);
          if (changeMs === null) {
            // Only a schedule that never changes may say so within the sampled week.
            for (const fraction of fractions) {
              expect(referenceIsOpen(hours, atMs + Math.floor(fraction * 7 * dayMs))).toBe(wasOpen);
            }
            return;
          }
          expect(changeMs).toBeGreaterThan(atMs);
          expect(changeMs % minuteMs).toBe(0);
          expect(referenceIsOpen(hours, changeMs)).toBe(!wasOpen);
          expect(referenceIsOpen(hours, changeMs - 1)).toBe(wasOpen);
          for (const fraction of fractions) {
            const sampleMs = atMs + Math.floor(fraction * (changeMs - atMs));
            expect(referenceIsOpen(hours, sampleMs)).toBe(wasOpen);
          }
          // Minute boundaries just before the change are where an off-by-one would hide.
          for (
            let backMs = minuteMs;
            backMs <= 5 * minuteMs && changeMs - backMs >= atMs;
            backMs += minuteMs
          ) {
            expect(referenceIsOpen(hours, changeMs - backMs)).toBe(wasOpen);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('[H6] the local day runs from startOfLocalDayMs to nextLocalMidnightMs', () => {
    fc.assert(
      fc.property(caseArbitrary, ({ timeZone, atMs }) => {
        const date = referenceLocal(atMs, timeZone).date;
        const startMs = startOfLocalDayMs(atMs, timeZone);
        const endMs = nextLocalMidnightMs(atMs, timeZone);
        expect(startMs).toBeLessThanOrEqual(atMs);
        expect(endMs).toBeGreaterThan(atMs);
        expect(endMs - startMs).toBeGreaterThanOrEqual(22 * hourMs);
        expect(endMs - startMs).toBeLessThanOrEqual(26 * hourMs);
        expect(referenceLocal(startMs, timeZone).date).toBe(date);
        expect(referenceLocal(startMs - 1, timeZone).date < date).toBe(true);
        expect(referenceLocal(endMs - 1, timeZone).date).toBe(date);
        expect(referenceLocal(endMs, timeZone).date > date).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
