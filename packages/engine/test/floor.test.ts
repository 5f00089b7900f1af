import { describe, expect, it } from 'vitest';
import { FloorCentre } from '../bench/floor.ts';
import { seededRandom } from '../bench/seeded.ts';

/*
 * The engine bench's floor (bench/floor.ts) is only worth its ratio if it
 * keeps doing the engine's cycle: a floor that let agents fall idle, or
 * stopped offering, would run ever faster and make the engine look slower.
 * Its speed is the bench's to measure, never asserted here.
 */

/** 200 agents over 20 queues, each agent in 1–3 of them, agent i always in queue i mod 20. */
function centre(): FloorCentre {
  const random = seededRandom(42);
  const memberships = Array.from({ length: 200 }, (_, a) => {
    const queues = new Set([a % 20]);
    const wanted = 1 + Math.floor(random() * 3);
    while (queues.size < wanted) queues.add(Math.floor(random() * 20));
    return [...queues];
  });
  return new FloorCentre({ memberships, queueCount: 20 }, 0, 3, random);
}

describe('engine bench floor', () => {
  it.each([5, 500])(
    'keeps %i contacts waiting and every agent at work, with the engine cycle’s events',
    (waiting) => {
      const floor = centre();
      floor.fill(waiting);
      expect(floor.waiting()).toBe(waiting);
      expect(floor.busy()).toBe(200);
      const cycles = 20_000;
      const events = floor.run(cycles);
      // One joins and one is taken per cycle, so the lines stay near their size; an agent whose
      // queues were empty takes the next contact joining one of them, so none idles for good.
      expect(floor.waiting()).toBeGreaterThanOrEqual(waiting);
      expect(floor.waiting()).toBeLessThanOrEqual(waiting + 50);
      expect(floor.busy()).toBeGreaterThanOrEqual(190);
      // The engine emits about 8.4 events a cycle in the bench; the floor at most 9 (it
      // announces a queue's status without checking that it changed).
      expect(events / cycles).toBeGreaterThan(7.5);
      expect(events / cycles).toBeLessThanOrEqual(9);
    },
  );
});
