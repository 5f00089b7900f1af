import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueueCounters } from '@lineup/protocol';
import {
  QueueCounter,
  count,
  countSpan,
  countersOf,
  newTally,
  queueCounterKind,
  raise,
  windowSum,
  type Tally,
} from '../src/stats.ts';

/*
 * The window sum is cached per tally and slid forward minute by minute
 * instead of being summed afresh (stats.ts, slideWindow). Whatever the
 * writes and reads, it must equal a fresh sum of the same buckets.
 */

const minuteMs = 60_000;

/** One step: a write (count, raise or a span) or a read, after the clock moved forward. */
const stepArbitrary = fc.record({
  advanceMs: fc.oneof(
    fc.integer({ min: 0, max: 5_000 }),
    fc.integer({ min: 0, max: 3 * minuteMs }),
    fc.integer({ min: 0, max: 20 * minuteMs }),
  ),
  kind: fc.constantFrom('count', 'raise', 'span', 'read'),
  key: fc.constantFrom<keyof QueueCounters>('answered', 'handleMs', 'abandoned'),
  value: fc.integer({ min: 0, max: 100_000 }),
  spanMs: fc.integer({ min: 0, max: 20 * minuteMs }),
});

/** A fresh sum of a tally's window: the same buckets, in a copy the cache has never seen. */
function freshSum(tally: Tally<QueueCounters>, atMs: number): QueueCounters {
  const copy: Tally<QueueCounters> = {
    kind: tally.kind,
    today: tally.today.slice(),
    buckets: tally.buckets.map((bucket) => ({
      minute: bucket.minute,
      counters: bucket.counters.slice(),
    })),
    window: null,
  };
  return countersOf(queueCounterKind, windowSum(copy, atMs));
}

describe('statistics window', () => {
  it('[stats] the cached window sum, slid forward, always equals a fresh sum', () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { maxLength: 120 }), (steps) => {
        const tally = newTally(queueCounterKind);
        let nowMs = 1_736_150_400_000;
        for (const step of steps) {
          nowMs += step.advanceMs;
          if (step.kind === 'count') count(tally, QueueCounter[step.key], step.value, nowMs);
          else if (step.kind === 'raise')
            raise(tally, QueueCounter.waitMsAnsweredMax, step.value, nowMs);
          else if (step.kind === 'span')
            countSpan(tally, QueueCounter.handleMs, nowMs - step.spanMs, nowMs, 0);
          expect(countersOf(queueCounterKind, windowSum(tally, nowMs))).toEqual(
            freshSum(tally, nowMs),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
