import { describe, expect, it } from 'vitest';
import { formatReportText, type PeriodStatistics, type QueueSection } from '../src/report.ts';
import type { LegRecord } from '../src/records.ts';
import type { Scenario, ScenarioQueue, Span } from '../src/scenario.ts';
import { simulate, type SimulationProgress } from '../src/simulator.ts';

/*
 * The simulator against what a planner would check by hand: the same seed
 * gives the same report; a tiny day gives the waits worked out on paper;
 * every contact is accounted for; priorities, shifts and breaks are obeyed;
 * and on M/M/c load the simulated service level and ASA agree with Erlang C.
 */

const secondMs = 1_000;
const minuteMs = 60 * secondMs;
const hourMs = 60 * minuteMs;

/** A queue with Poisson arrivals at `perInterval` for `intervals` intervals. */
function poissonQueue(
  id: string,
  perInterval: number,
  intervals: number,
  rest: Partial<ScenarioQueue> = {},
): ScenarioQueue {
  return {
    settings: { id, name: id, channels: ['voice'] },
    arrivals: {
      kind: 'poisson',
      perInterval: Array.from({ length: intervals }, () => perInterval),
    },
    serviceTime: { kind: 'exponential', meanMs: 180_000 },
    patience: { kind: 'exponential', meanMs: 240_000 },
    ...rest,
  };
}

/** A busy two-hour day: two queues, overflow, call-backs, a break, agents on two shifts. */
function busyDay(seed: number): Scenario {
  return {
    seed,
    dayStartMs: 8 * hourMs,
    dayEndMs: 10 * hourMs,
    queues: [
      poissonQueue('sales', 30, 8, {
        settings: {
          id: 'sales',
          name: 'Sales',
          channels: ['voice'],
          maxWaitMs: 3 * minuteMs,
          overflowQueueId: 'support',
          wrapUpMs: 10_000,
        },
        vipShare: 0.1,
        callback: { share: 0.3, afterWait: { kind: 'fixed', ms: minuteMs }, reachedShare: 0.7 },
      }),
      poissonQueue('support', 20, 8, {
        serviceTime: { kind: 'logNormal', meanMs: 200_000, sdMs: 120_000 },
      }),
    ],
    agents: [
      {
        id: 'early',
        count: 5,
        memberships: [
          { queueId: 'sales', priority: 1 },
          { queueId: 'support', priority: 0 },
        ],
        shifts: [{ startMs: 7.75 * hourMs, endMs: 9.5 * hourMs }],
        breaks: [{ startMs: 8.75 * hourMs, endMs: 9 * hourMs, reason: 'coffee' }],
      },
      {
        id: 'late',
        count: 5,
        memberships: [{ queueId: 'support', priority: 1 }],
        shifts: [{ startMs: 8.5 * hourMs, endMs: 10.5 * hourMs }],
      },
    ],
    ringDelay: { kind: 'logNormal', meanMs: 3_000, sdMs: 1_000 },
  };
}

/** Every period of a section: its intervals and its day. */
const periodsOf = (section: QueueSection): PeriodStatistics[] => [
  ...section.intervals,
  section.day,
];

describe('seeded runs', () => {
  it('[determinism] the same seed gives the same report and records', () => {
    const first = simulate(busyDay(7));
    const second = simulate(busyDay(7));
    expect(second.report).toEqual(first.report);
    expect(second.legs).toEqual(first.legs);
    expect(second.steps).toBe(first.steps);
    expect(first.report.total.day.offered).toBeGreaterThan(300);
  });

  it('[determinism] another seed gives another day', () => {
    const first = simulate(busyDay(7));
    const other = simulate(busyDay(8));
    expect(other.report).not.toEqual(first.report);
    expect(other.report.total.day.offered).not.toBe(first.report.total.day.offered);
  });
});

describe('a day worked out by hand', () => {
  /**
   * One agent, calls at 0, 10, 20 and 200 s of a 15-minute day, each 60 s
   * long: they are answered at 0, 60, 120 and 200 s, so they wait 0, 50, 100
   * and 0 s. The queue-length EWT with a 60 s handle time gives 0, 60, 120
   * and 0 s on arrival (positions 1, 1, 2, 1).
   */
  const tinyDay = (contacts: { atMs: number; patienceMs?: number }[]): Scenario => ({
    seed: 1,
    dayStartMs: 0,
    dayEndMs: 15 * minuteMs,
    queues: [
      {
        settings: { id: 'q', name: 'Q', expectedHandleMs: 60_000 },
        arrivals: { kind: 'trace', contacts },
        serviceTime: { kind: 'fixed', ms: 60_000 },
        patience: null,
      },
    ],
    agents: [
      {
        id: 'a',
        memberships: [{ queueId: 'q', priority: 0 }],
        shifts: [{ startMs: 0, endMs: 15 * minuteMs }],
      },
    ],
  });

  it('[hand] waits, service level, ASA, occupancy and EWT errors are exact', () => {
    const result = simulate(
      tinyDay([{ atMs: 0 }, { atMs: 10_000 }, { atMs: 20_000 }, { atMs: 200_000 }]),
    );
    expect(result.stoppedBy).toBe('drained');
    expect(result.legs.map((leg) => leg.waitMs)).toEqual([0, 50_000, 100_000, 0]);
    expect(result.legs.map((leg) => leg.position)).toEqual([1, 1, 2, 1]);
    expect(result.legs.map((leg) => leg.predictedWaitMs)).toEqual([0, 60_000, 120_000, 0]);
    expect(result.legs.map((leg) => leg.agentId)).toEqual(['a', 'a', 'a', 'a']);
    const day = result.report.queues[0]?.day;
    expect(day).toMatchObject({
      offered: 4,
      answered: 4,
      abandoned: 0,
      answeredInThreshold: 2,
      serviceLevel: 0.5,
      asaMs: 37_500,
      waitMsMax: 100_000,
    });
    // Busy 0–180 s and 200–260 s of the 900 s day.
    expect(day?.occupancy).toBeCloseTo(240 / 900, 12);
    // Errors 0, 10, 20 and 0 s.
    expect(day?.ewt.count).toBe(4);
    expect(day?.ewt.maeMs).toBe(7_500);
    expect(day?.ewt.biasMs).toBe(7_500);
    expect(day?.ewt.rmseMs).toBeCloseTo(Math.sqrt((10_000 ** 2 + 20_000 ** 2) / 4), 6);
    expect(result.report.queues[0]?.ewtByPosition.slice(0, 2)).toEqual([
      {
        positionMin: 1,
        positionMax: 1,
        ewt: { count: 3, maeMs: 10_000 / 3, rmseMs: Math.sqrt(1e8 / 3), biasMs: 10_000 / 3 },
      },
      {
        positionMin: 2,
        positionMax: 3,
        ewt: { count: 1, maeMs: 20_000, rmseMs: 20_000, biasMs: 20_000 },
      },
    ]);
    // The engine's own statistics agree.
    expect(result.engineReports[0]?.today).toMatchObject({
      answered: 4,
      answeredInThreshold: 2,
      asaMs: 37_500,
      occupancy: 240 / 900,
    });
  });

  it('[hand] a customer who runs out of patience abandons at arrival + patience', () => {
    // The second caller would wait 50 s but hangs up after 30 s; the third is served at 60 s.
    const result = simulate(
      tinyDay([{ atMs: 0 }, { atMs: 10_000, patienceMs: 30_000 }, { atMs: 20_000 }]),
    );
    expect(result.legs.map((leg) => [leg.outcome, leg.waitMs, leg.leftAtMs])).toEqual([
      ['answered', 0, 0],
      ['abandoned', 30_000, 40_000],
      ['answered', 40_000, 60_000],
    ]);
    // Answered in 0 s, abandoned after 30 s, answered in 40 s: 1 in threshold of 3 reached.
    expect(result.report.queues[0]?.day).toMatchObject({
      abandoned: 1,
      abandonedInThreshold: 0,
      serviceLevel: 1 / 3,
      abandonRate: 1 / 3,
      asaMs: 20_000,
    });
  });
});

describe('conservation', () => {
  /** The busy day, cut at its end so that some callers are still waiting. */
  const cutDay = (seed: number): Scenario => {
    const day = busyDay(seed);
    const support = day.queues[1];
    return {
      ...day,
      horizonMs: day.dayEndMs,
      queues: [
        day.queues[0] as ScenarioQueue,
        {
          ...(support as ScenarioQueue),
          // Some callers never hang up; a full line turns new ones away.
          patience: null,
          settings: { id: 'support', name: 'Support', channels: ['voice'], maxSize: 5 },
        },
      ],
    };
  };

  it('[conservation] offered = answered + abandoned + callbacks + overflowed + timedOut + deflected + waiting, in every row', () => {
    const result = simulate(cutDay(11));
    expect(result.stoppedBy).toBe('horizon');
    const sections = [...result.report.queues, result.report.total];
    for (const section of sections) {
      for (const period of periodsOf(section)) {
        expect(period.offered).toBe(
          period.answered +
            period.abandoned +
            period.callbacks +
            period.overflowed +
            period.timedOut +
            period.deflected +
            period.waitingAtEnd,
        );
      }
      const sum = (field: keyof PeriodStatistics): number =>
        section.intervals.reduce((total, period) => total + (period[field] as number), 0);
      for (const field of ['offered', 'answered', 'abandoned', 'waitingAtEnd'] as const)
        expect(section.day[field]).toBe(sum(field));
    }
    // Every outcome happened, so that each term above was tested.
    const sales = result.report.queues[0]?.day;
    const support = result.report.queues[1]?.day;
    const total = result.report.total.day;
    expect(sales?.overflowed).toBeGreaterThan(0);
    expect(sales?.callbacks).toBeGreaterThan(0);
    expect(total.abandoned).toBeGreaterThan(0);
    expect(support?.deflected).toBeGreaterThan(0);
    expect(support?.waitingAtEnd).toBeGreaterThan(0);
    // Each customer counts once in all queues: overflow moves it, and its last stay counts.
    expect(total.offered).toBe(
      (sales?.offered ?? 0) + (support?.offered ?? 0) - (sales?.overflowed ?? 0),
    );
    expect(total.offered).toBe(new Set(result.legs.map((leg) => leg.contactId)).size);
  });

  it('[conservation] the report agrees with the engine’s own statistics', () => {
    const result = simulate(cutDay(12));
    for (const [index, section] of result.report.queues.entries()) {
      const engine = result.engineReports[index]?.today;
      const day = section.day;
      const legs = result.legs.filter((leg) => leg.queueIndex === index);
      // The engine counts a called-back customer answered when the call-back is assigned.
      const callbacksMade = legs.filter((leg) => leg.callbackAttempts > 0).length;
      expect(engine).toMatchObject({
        offered: day.offered - day.deflected,
        answered: day.answered + callbacksMade,
        abandoned: day.abandoned,
        overflowed: day.overflowed,
        timedOut: day.timedOut,
        deflected: day.deflected,
      });
    }
  });
});

describe('routing under load', () => {
  it('[R3] a queue of higher priority gets a shorter ASA from agents it shares', () => {
    // 12 agents serve both queues; 9.6 Erlangs of load in all (80 % occupancy), split evenly.
    const scenario: Scenario = {
      seed: 5,
      dayStartMs: 0,
      dayEndMs: 8 * hourMs,
      queues: [
        poissonQueue('gold', 24, 32, {
          settings: { id: 'gold', name: 'Gold', priority: 1 },
          patience: null,
        }),
        poissonQueue('basic', 24, 32, {
          settings: { id: 'basic', name: 'Basic', priority: 0 },
          patience: null,
        }),
      ],
      agents: [
        {
          id: 'both',
          count: 12,
          memberships: [
            { queueId: 'gold', priority: 0 },
            { queueId: 'basic', priority: 0 },
          ],
          shifts: [{ startMs: 0, endMs: 9 * hourMs }],
        },
      ],
    };
    const result = simulate(scenario);
    const [gold, basic] = result.report.queues.map((section) => section.day);
    expect(gold?.answered).toBeGreaterThan(500);
    expect(basic?.answered).toBeGreaterThan(500);
    expect(gold?.asaMs ?? Infinity).toBeLessThan((basic?.asaMs ?? 0) / 3);
    expect(gold?.serviceLevel ?? 0).toBeGreaterThan(basic?.serviceLevel ?? 1);
  });

  it('[shifts] no contact is assigned to an agent outside its shift or during its break', () => {
    const scenario = busyDay(21);
    const result = simulate(scenario);
    const spansOf = new Map<string, { shifts: readonly Span[]; breaks: readonly Span[] }>();
    for (const spec of scenario.agents) {
      for (let n = 1; n <= (spec.count ?? 1); n++)
        spansOf.set(`${spec.id}-${n}`, { shifts: spec.shifts, breaks: spec.breaks ?? [] });
    }
    const answered = result.legs.filter((leg) => leg.outcome === 'answered');
    expect(answered.length).toBeGreaterThan(200);
    const inside = (atMs: number, spans: readonly Span[]): boolean =>
      spans.some((span) => span.startMs <= atMs && atMs < span.endMs);
    for (const leg of answered) {
      const spans = spansOf.get(leg.agentId ?? '');
      expect(spans, `agent of ${leg.contactId}`).toBeDefined();
      const atMs = leg.leftAtMs ?? -1;
      expect(inside(atMs, spans?.shifts ?? []), `${leg.contactId} at ${atMs}`).toBe(true);
      expect(inside(atMs, spans?.breaks ?? []), `${leg.contactId} at ${atMs}`).toBe(false);
    }
    // The early shift did work up to its end, then left: the late shift took everything after.
    const earlyLate = (leg: LegRecord): boolean =>
      (leg.agentId ?? '').startsWith('early') && (leg.leftAtMs ?? 0) >= 9.5 * hourMs;
    expect(answered.some(earlyLate)).toBe(false);
    expect(
      answered.some(
        (leg) => (leg.agentId ?? '').startsWith('early') && (leg.leftAtMs ?? 0) >= 9.25 * hourMs,
      ),
    ).toBe(true);
  });
});

describe('limits and progress', () => {
  it('[limit] stops after eventsMax steps and says so', () => {
    const result = simulate(busyDay(3), { eventsMax: 200 });
    expect(result.stoppedBy).toBe('eventsMax');
    expect(result.steps).toBe(200);
    expect(result.report.total.day.waitingAtEnd).toBeGreaterThanOrEqual(0);
  });

  it('[progress] reports progress about ten times a day, in order, ending at 1', () => {
    const steps: SimulationProgress[] = [];
    simulate(busyDay(3), { onProgress: (step) => steps.push(step) });
    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(steps.length).toBeLessThanOrEqual(10);
    for (let index = 1; index < steps.length; index++) {
      expect(steps[index]?.fraction).toBeGreaterThanOrEqual(steps[index - 1]?.fraction ?? 0);
      expect(steps[index]?.contacts).toBeGreaterThanOrEqual(steps[index - 1]?.contacts ?? 0);
    }
    expect(steps.at(-1)?.fraction).toBe(1);
  });

  it('[report] prints one row per interval and a day row per queue', () => {
    const text = formatReportText(simulate(busyDay(3)).report);
    expect(text).toContain('Queue sales: Sales (service level within 20 s)');
    expect(text).toContain('08:00–08:15');
    expect(text).toContain('09:45–10:00');
    expect(text.match(/^day /gm)?.length).toBe(3);
  });
});

/** Erlang C for c servers at a Erlangs: P(wait), via the Erlang B recurrence (stable for any c). */
function erlangC(servers: number, erlangs: number): number {
  let blocking = 1;
  for (let k = 1; k <= servers; k++) blocking = (erlangs * blocking) / (k + erlangs * blocking);
  return (servers * blocking) / (servers - erlangs * (1 - blocking));
}

describe('Erlang C', () => {
  it('[Erlang C] on M/M/c load the simulated service level and ASA fall in the confidence interval', () => {
    // c = 10 agents, a = 8 Erlangs, mean service 180 s, threshold 20 s; nobody abandons.
    const servers = 10;
    const erlangs = 8;
    const serviceMs = 180_000;
    const thresholdMs = 20_000;
    const waitProbability = erlangC(servers, erlangs);
    const serviceLevel =
      1 - waitProbability * Math.exp((-(servers - erlangs) * thresholdMs) / serviceMs);
    const asaMs = (waitProbability * serviceMs) / (servers - erlangs);
    // Published value for this case: P(wait) ≈ 0.409, SL ≈ 67.2 %, ASA ≈ 36.8 s.
    expect(waitProbability).toBeCloseTo(0.4092, 3);

    const seeds = 24;
    const hours = 48;
    const perInterval = (erlangs * 15 * minuteMs) / serviceMs;
    const levels: number[] = [];
    const asas: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const result = simulate({
        seed,
        dayStartMs: 0,
        dayEndMs: hours * hourMs,
        queues: [
          poissonQueue('q', perInterval, hours * 4, {
            settings: { id: 'q', name: 'Q', serviceLevelThresholdMs: thresholdMs },
            serviceTime: { kind: 'exponential', meanMs: serviceMs },
            patience: null,
          }),
        ],
        agents: [
          {
            id: 'a',
            count: servers,
            memberships: [{ queueId: 'q', priority: 0 }],
            shifts: [{ startMs: 0, endMs: (hours + 2) * hourMs }],
          },
        ],
      });
      const day = result.report.queues[0]?.day;
      levels.push(day?.serviceLevel ?? 0);
      asas.push(day?.asaMs ?? 0);
    }
    // 99 % interval of the mean over seeds: Student's t with 23 degrees of freedom.
    const t99 = 2.807;
    const interval = (values: number[]): [number, number] => {
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      const variance =
        values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
      const half = (t99 * Math.sqrt(variance)) / Math.sqrt(values.length);
      return [mean - half, mean + half];
    };
    const [slLow, slHigh] = interval(levels);
    const [asaLow, asaHigh] = interval(asas);
    expect(serviceLevel).toBeGreaterThan(slLow);
    expect(serviceLevel).toBeLessThan(slHigh);
    expect(asaMs).toBeGreaterThan(asaLow);
    expect(asaMs).toBeLessThan(asaHigh);
    // The interval is narrow enough to mean something.
    expect(slHigh - slLow).toBeLessThan(0.05);
  });
});
