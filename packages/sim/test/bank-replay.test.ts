import { describe, expect, it } from 'vitest';
import {
  availabilityCycleMs,
  localMidnightMs,
  priorityScore,
  replayScenario,
} from '../src/bank-replay.ts';
import {
  compareMonth,
  monthsOf,
  quantile,
  replayMonth,
  replayedCalls,
} from '../src/bank-replay-comparison.ts';
import type { BankCall } from '../src/bank-trace.ts';
import { scenarioProblems, shiftsPerAgentMax } from '../src/scenario.ts';
import { simulate } from '../src/simulator.ts';

const date = '1999-01-04';
const minuteMs = 60_000;
const eightMs = localMidnightMs(date) + 8 * 60 * minuteMs;

/** A trace call; arrival in minutes after 08:00 local time. */
function call(line: number, atMinutes: number, fields: Partial<BankCall>): BankCall {
  return {
    line,
    callId: String(line),
    date,
    arrivalMs: eightMs + atMinutes * minuteMs,
    queueType: 'PS',
    priority: 0,
    outcome: 'answered',
    waitMs: 0,
    serviceMs: 60_000,
    patienceMs: null,
    agentName: 'ANAT',
    ...fields,
  };
}

/** Runs a replay of these calls and returns them with the replay's outcomes, by line. */
function replay(calls: BankCall[]): Map<number, BankCall> {
  const plan = replayScenario(calls, { seed: 1, isSingleQueue: false });
  const result = simulate(plan.scenario);
  const replayed = replayedCalls(plan, result.legs);
  return new Map(replayed.calls.map((replayedCall) => [replayedCall.line, replayedCall]));
}

describe('replay of the bank trace', () => {
  it('[replay] an abandoned caller hangs up after its own patience when the agent is busy', () => {
    const calls = [
      call(1, 0, { serviceMs: 60_000 }),
      call(2, 0.5, {
        outcome: 'abandoned',
        waitMs: 10_000,
        patienceMs: 10_000,
        serviceMs: 0,
        agentName: null,
      }),
    ];
    const replayed = replay(calls);
    expect(replayed.get(1)).toMatchObject({ outcome: 'answered', waitMs: 0 });
    expect(replayed.get(2)).toMatchObject({ outcome: 'abandoned', waitMs: 10_000 });
    const side = compareMonth(calls, [...replayed.values()]);
    expect(side.trace.abandonmentRatio).toBe(0.5);
    expect(side.replay.abandonmentRatio).toBe(0.5);
  });

  it('[replay] a priority caller gets a 90 s head start over a regular one', () => {
    // One agent, busy 08:00–08:05; a regular caller joins at 08:01 and a priority one at 08:02.
    // Waits when the agent frees: 4 min against 3 min + 90 s head start, so the priority caller goes first.
    const calls = [
      call(1, 0, { serviceMs: 5 * minuteMs }),
      call(2, 1, { waitMs: 4 * minuteMs, serviceMs: minuteMs }),
      call(3, 2, { priority: 2, waitMs: 4 * minuteMs, serviceMs: minuteMs }),
    ];
    const plan = replayScenario(calls, { seed: 1, isSingleQueue: false });
    const contacts = plan.scenario.queues[0]?.arrivals;
    expect(
      contacts?.kind === 'trace' && contacts.contacts.map((contact) => contact.priority),
    ).toEqual([undefined, undefined, priorityScore]);
    const replayed = replay(calls);
    expect(replayed.get(3)?.waitMs).toBe(3 * minuteMs);
    expect(replayed.get(2)?.waitMs).toBe(5 * minuteMs);
  });

  it('[replay] agents serve the queue types they served in the trace', () => {
    const calls = [
      call(1, 0, { queueType: 'IN', agentName: 'Z2EYAL' }),
      call(2, 0, { queueType: 'PS', agentName: 'ANAT' }),
      call(3, 1, { queueType: 'NE', agentName: 'ANAT' }),
    ];
    const plan = replayScenario(calls, { seed: 1, isSingleQueue: false });
    expect(plan.scenario.queues.map((queue) => queue.settings.id)).toEqual(['PS', 'IN', 'NE']);
    expect(
      plan.scenario.agents.map((agent) => [agent.id, agent.memberships.map((m) => m.queueId)]),
    ).toEqual([
      ['ANAT', ['NE', 'PS']],
      ['Z2EYAL', ['IN']],
    ]);
    const single = replayScenario(calls, { seed: 1, isSingleQueue: true });
    expect(single.scenario.queues.map((queue) => queue.settings.id)).toEqual(['bank']);
  });

  it(`[replay] an agent with more than ${shiftsPerAgentMax} shifts becomes agents never on shift at once`, () => {
    // One call an hour: the gaps exceed 30 minutes, so each call is a shift of its own.
    const calls = Array.from({ length: shiftsPerAgentMax + 1 }, (_, index) =>
      call(index + 1, index * 60, {}),
    );
    const plan = replayScenario(calls, { seed: 1, isSingleQueue: false });
    expect(plan.scenario.agents.map((agent) => [agent.id, agent.shifts.length])).toEqual([
      ['ANAT', shiftsPerAgentMax],
      ['ANAT.2', 1],
    ]);
    expect(scenarioProblems(plan.scenario)).toEqual([]);
  });

  it('[replay] --days keeps the first days of each month', () => {
    const calls = [
      call(1, 0, { date: '1999-01-05' }),
      call(2, 0, { date: '1999-01-04' }),
      call(3, 0, { date: '1999-01-07' }),
      call(4, 0, { date: '1999-10-01' }),
    ];
    expect(monthsOf(calls, 2).map((month) => [month.month, month.dates])).toEqual([
      ['1999-01', ['1999-01-04', '1999-01-05']],
      ['1999-10', ['1999-10-01']],
    ]);
  });

  it('[replay] quantiles are nearest-rank', () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.95)).toBe(4);
    expect(quantile([7], 0)).toBe(7);
  });

  it('[replay] with availability a, an agent is ready a of each shift: a break in every hour of it', () => {
    // One shift, 08:00 to 09:41: calls every 20 minutes, the last ending at 09:41.
    const calls = Array.from({ length: 6 }, (_, index) => call(index + 1, index * 20, {}));
    const plan = replayScenario(calls, { seed: 1, isSingleQueue: false, availability: 0.75 });
    expect(scenarioProblems(plan.scenario)).toEqual([]);
    const [agent] = plan.scenario.agents;
    const shift = agent?.shifts[0];
    expect((shift?.endMs ?? 0) - (shift?.startMs ?? 0)).toBe(101 * minuteMs);
    // Two stretches of the shift: an hour and 41 minutes, each with a quarter of it on a break.
    expect(agent?.breaks?.map((pause) => pause.endMs - pause.startMs)).toEqual([
      availabilityCycleMs / 4,
      (41 * minuteMs) / 4,
    ]);
    for (const pause of agent?.breaks ?? []) {
      expect(pause.startMs).toBeGreaterThanOrEqual(shift?.startMs ?? Infinity);
      expect(pause.endMs).toBeLessThanOrEqual(shift?.endMs ?? 0);
    }
    expect(plan.readyMs / plan.shiftMs).toBeCloseTo(0.75, 6);
    expect(
      replayScenario(calls, { seed: 1, isSingleQueue: false }).scenario.agents[0]?.breaks,
    ).toBe(undefined);
  });

  it('[replay] agents on a break leave callers waiting: the lower the availability, the longer the wait', () => {
    // Two agents, a call every minute of 90 s each: busy, but never overloaded while both are ready.
    const calls = Array.from({ length: 240 }, (_, index) =>
      call(index + 1, index, {
        serviceMs: 90_000,
        agentName: index % 2 === 0 ? 'ANAT' : 'BENNY',
      }),
    );
    const [month] = monthsOf(calls, undefined);
    const asaOf = (availability: number): number =>
      month === undefined
        ? Number.NaN
        : (replayMonth(month, { seed: 1, isSingleQueue: false, availability }).summary.wholeMonth
            .replay.asaMs ?? Number.NaN);
    const waits = [1, 0.8, 0.6].map(asaOf);
    expect(waits[0]).toBeLessThan(waits[1] ?? 0);
    expect(waits[1]).toBeLessThan(waits[2] ?? 0);
  });

  it(`[replay] an agent whose shifts need more than ${shiftsPerAgentMax} breaks becomes agents never on shift at once`, () => {
    // 60 shifts of 1 h 41 min, 3 hours apart: two breaks each, 120 in all.
    const calls = Array.from({ length: 60 }, (_, shift) =>
      Array.from({ length: 6 }, (_, index) =>
        call(shift * 6 + index + 1, shift * 180 + index * 20, {}),
      ),
    ).flat();
    const plan = replayScenario(calls, { seed: 1, isSingleQueue: false, availability: 0.9 });
    expect(
      plan.scenario.agents.map((agent) => [agent.id, agent.shifts.length, agent.breaks?.length]),
    ).toEqual([
      ['ANAT', 50, 100],
      ['ANAT.2', 10, 20],
    ]);
    expect(scenarioProblems(plan.scenario)).toEqual([]);
  });
});
