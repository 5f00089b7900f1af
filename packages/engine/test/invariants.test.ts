import { describe, expect, it } from 'vitest';
import { asAgentId, asContactId } from '@lineup/protocol';
import { invariantProblems } from '../src/index.ts';
import { lab } from './harness.ts';

/*
 * The engine's self-check (invariants.ts), which the server's fuzz test runs
 * on the journal after a storm of bad input: it passes on states the engine
 * reaches and names the rule a damaged state breaks, so a clean run means
 * something.
 */

/** A center with one agent holding a contact, one offered a contact, and one contact waiting. */
function busyCenter() {
  const t = lab({
    queues: [{ id: 'q' }],
    agents: [
      { id: 'ann', serves: ['q'] },
      { id: 'bob', serves: ['q'] },
    ],
  });
  t.enqueue('c1', 'q');
  t.accept(t.offerOf('ann') === null ? 'bob' : 'ann');
  t.enqueue('c2', 'q');
  t.enqueue('c3', 'q');
  return t;
}

describe('the engine self-check', () => {
  it('[R1][R4][R5] finds nothing wrong in a state the engine reached', () => {
    const t = busyCenter();
    expect(t.engine.inspect().contacts.size).toBe(3);
    expect(invariantProblems(t.engine.inspect())).toEqual([]);
  });

  it('[R5] names a contact held by two agents', () => {
    const t = busyCenter();
    const state = t.engine.inspect();
    const holder = [...state.agents.values()].find((agent) => agent.held.length > 0)!;
    const other = [...state.agents.values()].find((agent) => agent !== holder)!;
    other.held.push(holder.held[0]!);
    expect(invariantProblems(state)).toEqual([
      expect.stringMatching(
        /^\[R5\] contact c1 \(assigned\) is held by \["(ann|bob)","(ann|bob)"\]/,
      ),
    ]);
  });

  it('[R1] names a waiting contact missing from its line', () => {
    const t = busyCenter();
    const state = t.engine.inspect();
    const waiting = state.contacts.get(asContactId('c3'))!;
    expect(waiting.status).toBe('queued');
    for (const levels of state.queues.values().next().value!.lines.values())
      for (const line of levels) line?.delete(waiting);
    expect(invariantProblems(state)).toEqual(['[R1] contact c3 (queued) is in 0 lines']);
  });

  it('[R4] names a free agent left idle beside a contact it may take', () => {
    const t = busyCenter();
    const state = t.engine.inspect();
    const agent = state.agents.get(asAgentId('ann'))!;
    // Free ann of everything she has; c3 still waits, which the engine would never allow.
    agent.held.length = 0;
    agent.offerContactId = null;
    const problems = invariantProblems(state);
    expect(problems.some((problem) => problem.startsWith('[R4] agent ann is free with room'))).toBe(
      true,
    );
  });
});
