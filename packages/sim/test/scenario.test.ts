import { describe, expect, it } from 'vitest';
import { intervalsMax, scenarioProblems, type Scenario } from '../src/scenario.ts';
import { simulate } from '../src/simulator.ts';

/*
 * A scenario's problems come back as values, each with the path of the field
 * to fix; the engine's own checks of queue and agent settings come through
 * too. simulate refuses (throws on) a scenario with problems.
 */

const hourMs = 3_600_000;

function valid(): Scenario {
  return {
    seed: 1,
    dayStartMs: 8 * hourMs,
    dayEndMs: 10 * hourMs,
    queues: [
      {
        settings: { id: 'q', name: 'Q' },
        arrivals: { kind: 'poisson', perInterval: [10, 10, 10, 10, 10, 10, 10, 10] },
        serviceTime: { kind: 'exponential', meanMs: 180_000 },
        patience: { kind: 'exponential', meanMs: 120_000 },
      },
    ],
    agents: [
      {
        id: 'a',
        count: 3,
        memberships: [{ queueId: 'q', priority: 0 }],
        shifts: [{ startMs: 8 * hourMs, endMs: 10 * hourMs }],
        breaks: [{ startMs: 9 * hourMs, endMs: 9.25 * hourMs }],
      },
    ],
  };
}

const pathsOf = (scenario: Scenario): string[] =>
  scenarioProblems(scenario).map((problem) => problem.path);

describe('scenarioProblems', () => {
  it('[valid] a sound scenario has no problems', () => {
    expect(scenarioProblems(valid())).toEqual([]);
  });

  it('[times] the day must end after it starts', () => {
    expect(pathsOf({ ...valid(), dayEndMs: 8 * hourMs })).toEqual(['/dayEndMs']);
  });

  it('[limit] intervals in a day: at the limit it runs, one past it is a problem', () => {
    const atLimit = {
      ...valid(),
      dayStartMs: 0,
      dayEndMs: intervalsMax * 1_000,
      intervalMs: 1_000,
    };
    expect(pathsOf(atLimit)).toEqual([]);
    expect(pathsOf({ ...atLimit, dayEndMs: (intervalsMax + 1) * 1_000 })).toEqual(['/intervalMs']);
  });

  it('[arrivals] rates must not be negative, nor cover more intervals than the day has', () => {
    const scenario = valid();
    const queue = scenario.queues[0];
    if (queue === undefined) throw new Error('no queue');
    const negative = { ...queue, arrivals: { kind: 'poisson' as const, perInterval: [1, -1] } };
    expect(pathsOf({ ...scenario, queues: [negative] })).toEqual([
      '/queues/0/arrivals/perInterval/1',
    ]);
    const long = {
      ...queue,
      arrivals: { kind: 'poisson' as const, perInterval: Array(9).fill(1) },
    };
    expect(pathsOf({ ...scenario, queues: [long] })).toEqual(['/queues/0/arrivals/perInterval']);
  });

  it('[arrivals] traced arrivals must be sorted and inside the day', () => {
    const scenario = valid();
    const queue = scenario.queues[0];
    if (queue === undefined) throw new Error('no queue');
    const trace = (times: number[]) => ({
      ...scenario,
      queues: [
        {
          ...queue,
          arrivals: { kind: 'trace' as const, contacts: times.map((atMs) => ({ atMs })) },
        },
      ],
    });
    expect(pathsOf(trace([8 * hourMs, 9 * hourMs]))).toEqual([]);
    expect(pathsOf(trace([9 * hourMs, 8.5 * hourMs]))).toEqual([
      '/queues/0/arrivals/contacts/1/atMs',
    ]);
    expect(pathsOf(trace([10 * hourMs]))).toEqual(['/queues/0/arrivals/contacts/0/atMs']);
  });

  it('[distributions] a mean must be positive and an empirical list non-empty', () => {
    const scenario = valid();
    const queue = scenario.queues[0];
    if (queue === undefined) throw new Error('no queue');
    expect(
      pathsOf({
        ...scenario,
        queues: [
          {
            ...queue,
            serviceTime: { kind: 'exponential', meanMs: 0 },
            patience: { kind: 'empirical', samplesMs: [] },
          },
        ],
      }),
    ).toEqual(['/queues/0/serviceTime/meanMs', '/queues/0/patience/samplesMs']);
  });

  it('[agents] breaks must lie inside a shift, and shifts must be apart', () => {
    const scenario = valid();
    const agent = scenario.agents[0];
    if (agent === undefined) throw new Error('no agent');
    expect(
      pathsOf({
        ...scenario,
        agents: [
          {
            ...agent,
            shifts: [
              { startMs: 8 * hourMs, endMs: 9 * hourMs },
              { startMs: 8.5 * hourMs, endMs: 10 * hourMs },
            ],
            breaks: [{ startMs: 7 * hourMs, endMs: 7.5 * hourMs }],
          },
        ],
      }),
    ).toEqual(['/agents/0/shifts/1', '/agents/0/breaks/0']);
  });

  it('[engine] the engine’s own refusals come back as problems: an unknown queue, bad settings', () => {
    const scenario = valid();
    const agent = scenario.agents[0];
    const queue = scenario.queues[0];
    if (agent === undefined || queue === undefined) throw new Error('no agent');
    const problems = scenarioProblems({
      ...scenario,
      queues: [{ ...queue, settings: { ...queue.settings, overflowQueueId: 'nowhere' } }],
      agents: [{ ...agent, memberships: [{ queueId: 'missing', priority: 0 }] }],
    });
    expect(problems.map((problem) => problem.path)).toEqual([
      '/queues/0/settings/overflowQueueId',
      '/agents/0',
    ]);
    expect(problems[1]?.message).toContain('missing');
  });

  it('[callbacks] a call-back share needs a queue that takes call-backs (R10)', () => {
    const scenario = valid();
    const queue = scenario.queues[0];
    if (queue === undefined) throw new Error('no queue');
    expect(
      pathsOf({
        ...scenario,
        queues: [
          {
            ...queue,
            settings: {
              ...queue.settings,
              callbacks: { isAllowed: false, retryDelayMs: 60_000, attemptsMax: 1 },
            },
            callback: { share: 0.5, afterWait: { kind: 'fixed', ms: 60_000 }, reachedShare: 1 },
          },
        ],
      }),
    ).toEqual(['/queues/0/callback']);
  });

  it('[simulate] refuses a scenario with problems, naming them', () => {
    expect(() => simulate({ ...valid(), dayEndMs: 0 })).toThrow(/dayEndMs/);
  });
});
