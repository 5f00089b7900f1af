import { describe, expect, it } from 'vitest';
import { localMidnightMs, priorityScore, replayScenario } from '../src/bank-replay.ts';
import { compareMonth, monthsOf, quantile, replayedCalls } from '../src/bank-replay-comparison.ts';
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
});
