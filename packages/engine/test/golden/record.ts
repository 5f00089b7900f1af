/*
 * Records the golden journals replayed by test/golden.test.ts. Run it only
 * when the engine's behaviour changes on purpose, with a bump of
 * ENGINE_VERSION when evolve or an event's shape changed (STYLE.md, Replay
 * equals live):
 *   npx tsx packages/engine/test/golden/record.ts
 * Each journal is a JSON-lines file: one line per command with the events
 * it gave and its refusal code, then a last line with the final snapshot.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { Engine, ENGINE_VERSION } from '../../src/index.ts';
import { runScenario, scenarioArb } from '../arbitraries.ts';

/** Journals: a name and the first seed searched for a scenario long enough to record. */
export const goldenJournals = [
  { name: 'mixed-a', seed: 11 },
  { name: 'mixed-b', seed: 2_000 },
  { name: 'mixed-c', seed: 3_000 },
] as const;

/** A recorded scenario has at least this many commands. */
export const goldenCommandsMin = 80;

/** The engine options every golden journal is recorded and replayed with. */
export const goldenOptions = { seed: 5, timeZone: 'UTC' } as const;

function record(firstSeed: number): string {
  for (let seed = firstSeed; seed < firstSeed + 1_000; seed++) {
    const [scenario] = fc.sample(scenarioArb({ halfStepsMax: 90 }), { seed, numRuns: 1 });
    if (scenario === undefined) continue;
    const engine = new Engine(goldenOptions);
    const entries = runScenario(engine, scenario);
    const isServing = entries.some((entry) =>
      entry.events.some((event) => event.type === 'contactAssigned'),
    );
    if (entries.length < goldenCommandsMin || !isServing) continue;
    const lines = entries.map((entry) => JSON.stringify(entry));
    lines.push(
      JSON.stringify({ engineVersion: ENGINE_VERSION, seed, snapshot: engine.snapshot() }),
    );
    return `${lines.join('\n')}\n`;
  }
  throw new Error(`no scenario of ${goldenCommandsMin} commands from seed ${firstSeed} on`);
}

if (process.argv[1]?.endsWith('record.ts') === true) {
  for (const journal of goldenJournals) {
    const url = new URL(`${journal.name}.jsonl`, import.meta.url);
    writeFileSync(url, record(journal.seed));
    process.stderr.write(`recorded ${url.pathname}\n`);
  }
}
