import { describe, expect, it } from 'vitest';
import { lab, minuteMs, secondMs, type Lab } from './harness.ts';

/*
 * The EWT the engine tells a line behind one busy agent (R13), end to end:
 * positions 1–3 through placeOf, and the next to join through the queue's
 * status, under each built-in predictor. Found on the demo tenant: after one
 * caller hung up a few seconds into the day, erlangA told the fourth in line
 * 3:08 and the third 3:07.
 */

const handleMs = 180_000;

/** One agent serving q; `warmUp` runs before the line forms. */
function lineBehindOneBusyAgent(predictor: string, warmUp: (t: Lab) => void): Lab {
  const t = lab({
    queues: [{ id: 'q', ewtPredictor: predictor, expectedHandleMs: handleMs }],
    agents: [{ id: 'a1', serves: ['q'] }],
  });
  warmUp(t);
  t.enqueue('c0', 'q');
  t.advance(4 * secondMs);
  t.accept('a1');
  for (const id of ['c1', 'c2', 'c3']) t.enqueue(id, 'q');
  return t;
}

/** EWTs of positions 1–3 (placeOf) and of the next to join (the queue's status). */
function ewtsMs(t: Lab): (number | null | undefined)[] {
  const places = ['c1', 'c2', 'c3'].map((id) => t.placeOf(id));
  expect(places.map((place) => place?.position)).toEqual([1, 2, 3]);
  const status = t.engine.queueStatus('q' as never);
  expect(status?.waiting).toBe(3);
  return [...places.map((place) => place?.ewtMs), status?.ewtMs];
}

const warmUps: Record<string, (t: Lab) => void> = {
  'no contact completed yet': () => undefined,
  'three contacts completed': (t) => {
    for (const id of ['d1', 'd2', 'd3']) {
      t.enqueue(id, 'q');
      t.accept('a1');
      t.advance(2 * minuteMs);
      t.complete(id, 'a1');
      t.advance(minuteMs);
    }
  },
  // The demo: the first caller hung up after a few seconds while the agent was on another call.
  'one caller hung up after 5 s': (t) => {
    t.enqueue('d1', 'q');
    t.advance(4 * secondMs);
    t.accept('a1');
    t.enqueue('x1', 'q');
    t.advance(5 * secondMs);
    t.run({ type: 'abandonContact', contactId: 'x1' });
    t.advance(2 * minuteMs);
    t.complete('d1', 'a1');
    t.advance(minuteMs);
  },
};

describe('EWT of a line behind one busy agent', () => {
  for (const [name, warmUp] of Object.entries(warmUps)) {
    for (const predictor of ['erlangA', 'queueLength']) {
      it(`[R13] ${predictor}, ${name}: each place further back waits about one handle time more`, () => {
        const ewts = ewtsMs(lineBehindOneBusyAgent(predictor, warmUp)).map(Number);
        // With one agent, the head waits one (mean) handle time; each place behind it one more,
        // less what the abandonment ahead saves: never a quarter of a handle time or more.
        const firstMs = ewts[0] ?? Number.NaN;
        expect(firstMs).toBeGreaterThan(handleMs / 2);
        for (let index = 1; index < ewts.length; index++) {
          const stepMs = (ewts[index] ?? Number.NaN) - (ewts[index - 1] ?? Number.NaN);
          expect(stepMs, `position ${index + 1}`).toBeGreaterThanOrEqual(0.75 * firstMs);
          expect(stepMs, `position ${index + 1}`).toBeLessThanOrEqual(firstMs);
        }
        if (predictor === 'queueLength') expect(ewts).toEqual([1, 2, 3, 4].map((k) => k * firstMs));
      });
    }
  }

  it('[R13] HOL and LES tell every place the same recent wait, by their definition', () => {
    const hol = ewtsMs(lineBehindOneBusyAgent('headOfLine', warmUps['no contact completed yet']!));
    // The head joined when the agent accepted c0: it has waited nothing yet.
    expect(hol).toEqual([0, 0, 0, 0]);
    const les = ewtsMs(
      lineBehindOneBusyAgent('lastToEnterService', warmUps['no contact completed yet']!),
    );
    // c0 waited 4 s before the agent took it.
    expect(les).toEqual([4_000, 4_000, 4_000, 4_000]);
  });
});
