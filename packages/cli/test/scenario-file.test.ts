import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseScenarioText, scenarioProblemsMax } from '@lineup/cli';
import { describe, expect, it } from 'vitest';

const example = readFileSync(
  fileURLToPath(new URL('../../../docs/examples/small-center.json', import.meta.url)),
  'utf8',
);

/** The example scenario, changed by `edit`, as a file's text. */
function edited(
  edit: (scenario: Record<string, unknown> & { queues: Record<string, unknown>[] }) => void,
): string {
  const scenario = JSON.parse(example) as Record<string, unknown> & {
    queues: Record<string, unknown>[];
  };
  edit(scenario);
  return JSON.stringify(scenario);
}

/** The problems of a scenario text, as `path message` lines. */
function problemsOf(text: string): string[] {
  const result = parseScenarioText(text);
  return result.ok ? [] : result.problems.map((problem) => `${problem.path} ${problem.message}`);
}

describe('scenario files', () => {
  it('[scenario-file] the example scenario is valid', () => {
    const result = parseScenarioText(example);
    expect(result.ok).toBe(true);
  });

  it('[scenario-file] text that is not JSON is one problem at the root', () => {
    expect(problemsOf('{"seed": ')).toEqual([expect.stringMatching(/^\/ is not valid JSON: /)]);
  });

  it('[scenario-file] a distribution is checked as the variant its kind names', () => {
    const text = edited((scenario) => {
      scenario.queues[0]!['serviceTime'] = { kind: 'exponential', meanMs: 'x' };
    });
    expect(problemsOf(text)).toEqual(['/queues/0/serviceTime/meanMs must be number']);
  });

  it('[scenario-file] an unknown kind lists the kinds there are', () => {
    const text = edited((scenario) => {
      scenario.queues[0]!['arrivals'] = { kind: 'poison', perInterval: [] };
    });
    expect(problemsOf(text)).toEqual(['/queues/0/arrivals/kind must be one of poisson, trace']);
  });

  it('[scenario-file] an unknown field is named with the fields there are', () => {
    const text = edited((scenario) => {
      scenario['sead'] = 1;
    });
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^\/sead is not a known field \(known: seed, originEpochMs, /),
    ]);
  });

  it('[scenario-file] a missing field is required, and an engine setting lists its allowed values', () => {
    const text = edited((scenario) => {
      delete scenario['dayEndMs'];
      (scenario.queues[0]!['settings'] as Record<string, unknown>)['strategy'] = 'fastest';
    });
    const problems = problemsOf(text);
    expect(problems).toContain('/dayEndMs is required');
    expect(problems).toContainEqual(
      expect.stringMatching(/^\/queues\/0\/settings\/strategy must be .*"longestIdle"/),
    );
  });

  it(`[scenario-file] lists at most ${scenarioProblemsMax} problems`, () => {
    const text = edited((scenario) => {
      scenario.queues[0]!['arrivals'] = {
        kind: 'trace',
        contacts: Array.from({ length: 100 }, () => ({ atMs: 'soon' })),
      };
    });
    expect(problemsOf(text)).toHaveLength(scenarioProblemsMax);
  });

  it("[scenario-file] a well-shaped scenario is then checked by the simulator's rules", () => {
    const text = edited((scenario) => {
      scenario['dayEndMs'] = 0;
    });
    expect(problemsOf(text)).toEqual(['/dayEndMs must be a whole number of ms after dayStartMs']);
  });
});
