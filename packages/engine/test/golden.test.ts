import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Command, Event } from '@lineup/protocol';
import { Engine, ENGINE_VERSION, type EngineSnapshot } from '../src/index.ts';
import { goldenCommandsMin, goldenJournals, goldenOptions } from './golden/record.ts';

/*
 * Golden journals (STYLE.md, Tests): recorded command sequences with the
 * events they gave. Every build replays them: the same commands must give
 * the same events, byte for byte, and folding the recorded events through
 * evolve must rebuild the recorded final state. A deliberate change of
 * behaviour re-records them (golden/record.ts); one that would make an old
 * journal replay differently (evolve, an event's shape) also bumps
 * ENGINE_VERSION (STYLE.md, Replay equals live).
 */

interface Entry {
  command: Command;
  events: Event[];
  rejection: string | null;
}

function load(name: string): { entries: Entry[]; engineVersion: number; snapshot: EngineSnapshot } {
  const lines = readFileSync(new URL(`golden/${name}.jsonl`, import.meta.url), 'utf8')
    .trimEnd()
    .split('\n');
  const last = JSON.parse(lines.pop() ?? '{}') as {
    engineVersion: number;
    snapshot: EngineSnapshot;
  };
  return { entries: lines.map((line) => JSON.parse(line) as Entry), ...last };
}

/**
 * The recorded final state as this engine saves it: the recording may be in an older snapshot
 * form (saved contacts once listed every field), which restore reads as well.
 */
const savedForm = (snapshot: EngineSnapshot) => Engine.restore(snapshot, goldenOptions).snapshot();

describe('golden journals', () => {
  for (const journal of goldenJournals) {
    const golden = load(journal.name);

    it(`[determinism] ${journal.name}: was recorded by this engine version`, () => {
      expect(golden.engineVersion).toBe(ENGINE_VERSION);
      expect(golden.entries.length).toBeGreaterThanOrEqual(goldenCommandsMin);
      expect(
        golden.entries
          .flatMap((entry) => entry.events)
          .some((event) => event.type === 'contactAssigned'),
      ).toBe(true);
    });

    it(`[determinism] ${journal.name}: the recorded commands give the recorded events`, () => {
      const engine = new Engine(goldenOptions);
      golden.entries.forEach((entry, index) => {
        const decision = engine.execute(entry.command);
        expect(
          { events: decision.events, rejection: decision.rejection?.code ?? null },
          `command ${index}: ${entry.command.type}`,
        ).toEqual({ events: entry.events, rejection: entry.rejection });
      });
      expect(engine.snapshot()).toEqual(savedForm(golden.snapshot));
    });

    it(`[determinism] ${journal.name}: folding the recorded events rebuilds the recorded state`, () => {
      const engine = new Engine(goldenOptions);
      for (const entry of golden.entries) for (const event of entry.events) engine.evolve(event);
      expect(engine.snapshot()).toEqual(savedForm(golden.snapshot));
    });
  }
});
