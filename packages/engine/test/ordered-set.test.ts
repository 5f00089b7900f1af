import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderedSet } from '../src/ordered-set.ts';

interface Entry {
  key: number;
  id: number;
}

const compareNumbers = (a: number, b: number): number => a - b;
const compareEntries = (a: Entry, b: Entry): number => a.key - b.key || a.id - b.id;

function setOf(items: readonly number[]): OrderedSet<number> {
  const set = new OrderedSet(compareNumbers);
  for (const item of items) set.insert(item);
  return set;
}

/** A deterministic shuffle (xorshift), so a failure replays without fast-check. */
function shuffled(count: number, seed: number): number[] {
  const items = Array.from({ length: count }, (_, i) => i);
  let state = seed;
  for (let i = count - 1; i > 0; i--) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const j = (state >>> 0) % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

describe('OrderedSet', () => {
  it('an empty set has no items, no ends and rank 0', () => {
    const set = new OrderedSet(compareNumbers);
    expect(set.size).toBe(0);
    expect(set.first()).toBeUndefined();
    expect(set.last()).toBeUndefined();
    expect(set.rank(5)).toBe(0);
    expect(set.at(0)).toBeUndefined();
    expect(set.has(5)).toBe(false);
    expect(set.delete(5)).toBe(false);
    expect([...set.values()]).toEqual([]);
    expect([...set.valuesFrom(5)]).toEqual([]);
  });

  it('keeps inserted items in ascending order whatever the insertion order', () => {
    const set = setOf([5, 1, 4, 2, 3]);
    expect(set.size).toBe(5);
    expect([...set.values()]).toEqual([1, 2, 3, 4, 5]);
    expect(set.first()).toBe(1);
    expect(set.last()).toBe(5);
  });

  it('refuses an item equal to one already present and leaves the set unchanged', () => {
    const set = new OrderedSet(compareEntries);
    expect(set.insert({ key: 1, id: 7 })).toBe(true);
    expect(set.insert({ key: 1, id: 7 })).toBe(false);
    expect(set.size).toBe(1);
    expect(set.insert({ key: 1, id: 8 })).toBe(true);
    expect(set.size).toBe(2);
  });

  it('finds items by comparison, not by identity', () => {
    const set = new OrderedSet(compareEntries);
    const stored = { key: 3, id: 1 };
    set.insert(stored);
    expect(set.has({ key: 3, id: 1 })).toBe(true);
    expect(set.at(0)).toBe(stored);
    expect(set.delete({ key: 3, id: 1 })).toBe(true);
    expect(set.size).toBe(0);
  });

  it('deleting an absent item returns false and changes nothing', () => {
    const set = setOf([1, 3]);
    expect(set.delete(2)).toBe(false);
    expect(set.delete(4)).toBe(false);
    expect([...set.values()]).toEqual([1, 3]);
  });

  it('deletes an item so it is no longer found, counted or iterated', () => {
    const set = setOf([1, 2, 3]);
    expect(set.delete(2)).toBe(true);
    expect(set.has(2)).toBe(false);
    expect(set.size).toBe(2);
    expect(set.rank(3)).toBe(1);
    expect([...set.values()]).toEqual([1, 3]);
  });

  it('ranks an item by the number of smaller items, present or not', () => {
    const set = setOf([10, 20, 30]);
    expect(set.rank(5)).toBe(0);
    expect(set.rank(10)).toBe(0);
    expect(set.rank(15)).toBe(1);
    expect(set.rank(30)).toBe(2);
    expect(set.rank(35)).toBe(3);
  });

  it('returns the item at a 0-based index, and undefined outside 0..size-1 or for fractions', () => {
    const set = setOf([10, 20, 30]);
    expect(set.at(0)).toBe(10);
    expect(set.at(2)).toBe(30);
    expect(set.at(3)).toBeUndefined();
    expect(set.at(-1)).toBeUndefined();
    expect(set.at(0.5)).toBeUndefined();
  });

  it('iterates from the first item at or after a given one', () => {
    const set = setOf([10, 20, 30]);
    expect([...set.valuesFrom(20)]).toEqual([20, 30]);
    expect([...set.valuesFrom(15)]).toEqual([20, 30]);
    expect([...set.valuesFrom(0)]).toEqual([10, 20, 30]);
    expect([...set.valuesFrom(31)]).toEqual([]);
  });

  it('iterates across many nodes from any starting point', () => {
    const set = setOf(shuffled(5_000, 7));
    expect([...set.valuesFrom(4_321)]).toEqual(Array.from({ length: 679 }, (_, i) => 4_321 + i));
    expect([...set.values()].length).toBe(5_000);
  });

  it('an iterator throws once the set changes under it instead of skipping items', () => {
    const set = setOf([1, 2, 3]);
    const iterator = set.values();
    expect(iterator.next()).toEqual({ done: false, value: 1 });
    set.insert(4);
    expect(() => iterator.next()).toThrow(/changed during iteration/);
  });

  it('clear removes every item and the set stays usable', () => {
    const set = setOf(shuffled(1_000, 3));
    set.clear();
    expect(set.size).toBe(0);
    expect(set.first()).toBeUndefined();
    expect([...set.values()]).toEqual([]);
    set.insert(2);
    set.insert(1);
    expect([...set.values()]).toEqual([1, 2]);
  });

  it('agrees with a sorted array on random sequences of operations', () => {
    const operation = fc.oneof(
      {
        weight: 5,
        arbitrary: fc.tuple(fc.constant('insert' as const), fc.integer({ min: 0, max: 400 })),
      },
      {
        weight: 4,
        arbitrary: fc.tuple(fc.constant('delete' as const), fc.integer({ min: 0, max: 400 })),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constant('has' as const), fc.integer({ min: -1, max: 401 })),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constant('rank' as const), fc.integer({ min: -1, max: 401 })),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constant('at' as const), fc.integer({ min: -1, max: 401 })),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constant('from' as const), fc.integer({ min: -1, max: 401 })),
      },
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 2_000, size: 'max' }), (operations) => {
        const set = new OrderedSet(compareNumbers);
        const model: number[] = [];
        const lowerBound = (item: number): number => {
          const index = model.findIndex((present) => present >= item);
          return index === -1 ? model.length : index;
        };
        for (const [name, item] of operations) {
          const index = lowerBound(item);
          const isPresent = model[index] === item;
          switch (name) {
            case 'insert':
              expect(set.insert(item)).toBe(!isPresent);
              if (!isPresent) model.splice(index, 0, item);
              break;
            case 'delete':
              expect(set.delete(item)).toBe(isPresent);
              if (isPresent) model.splice(index, 1);
              break;
            case 'has':
              expect(set.has(item)).toBe(isPresent);
              break;
            case 'rank':
              expect(set.rank(item)).toBe(index);
              break;
            case 'at':
              expect(set.at(item)).toBe(model[item]);
              break;
            case 'from':
              expect([...set.valuesFrom(item)]).toEqual(model.slice(index));
              break;
          }
          expect(set.size).toBe(model.length);
          expect(set.first()).toBe(model[0]);
          expect(set.last()).toBe(model[model.length - 1]);
        }
        expect([...set.values()]).toEqual(model);
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with a sorted array when bulk inserts and deletes grow and shrink a deep tree', () => {
    // Point operations over a few hundred keys only ever build a root and leaves;
    // ranges of thousands of keys also split, merge and rebalance branches.
    const keysMax = 30_000;
    const range = fc.record({
      isInsert: fc.boolean(),
      start: fc.integer({ min: 0, max: keysMax }),
      length: fc.integer({ min: 1, max: 4_000 }),
      stride: fc.integer({ min: 1, max: 3 }),
    });
    const probes = fc.array(fc.integer({ min: -1, max: keysMax + 1 }), {
      minLength: 5,
      maxLength: 5,
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(range, probes), { maxLength: 20 }), (steps) => {
        const set = new OrderedSet(compareNumbers);
        const isPresent = new Uint8Array(keysMax + 1);
        for (const [{ isInsert, start, length, stride }, probeKeys] of steps) {
          for (let key = start; key < Math.min(start + length, keysMax + 1); key += stride) {
            const changed = isInsert ? set.insert(key) : set.delete(key);
            expect(changed).toBe(isInsert ? isPresent[key] === 0 : isPresent[key] === 1);
            isPresent[key] = isInsert ? 1 : 0;
          }
          const model = [...isPresent.keys()].filter((key) => isPresent[key] === 1);
          expect(set.size).toBe(model.length);
          expect([...set.values()]).toEqual(model);
          for (const probe of probeKeys) {
            const rank = model.findIndex((key) => key >= probe);
            expect(set.rank(probe)).toBe(rank === -1 ? model.length : rank);
            expect(set.at(rank)).toBe(rank === -1 ? undefined : model[rank]);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('stays consistent while 100,000 items are inserted in random order and all deleted', () => {
    const count = 100_000;
    const set = new OrderedSet(compareEntries);
    const entries = shuffled(count, 2024).map((key) => ({ key, id: key % 7 }));
    for (const entry of entries) expect(set.insert(entry)).toBe(true);
    expect(set.size).toBe(count);
    expect(set.first()).toEqual({ key: 0, id: 0 });
    expect(set.last()).toEqual({ key: count - 1, id: (count - 1) % 7 });
    expect(set.rank({ key: 54_321, id: 0 })).toBe(54_321);
    expect(set.at(54_321)?.key).toBe(54_321);

    // Deleting in a different random order; every 5,000 deletes, the set must
    // still report the smallest remaining key and consistent ranks.
    const remaining = new Uint8Array(count).fill(1);
    const order = shuffled(count, 99);
    for (let i = 0; i < count; i++) {
      const key = order[i]!;
      expect(set.delete({ key, id: key % 7 })).toBe(true);
      remaining[key] = 0;
      if (i % 5_000 === 4_999) {
        const smallest = remaining.indexOf(1);
        expect(set.size).toBe(count - i - 1);
        expect(set.first()?.key).toBe(smallest === -1 ? undefined : smallest);
        const probe = order[i + 1];
        if (probe !== undefined) {
          const smaller = remaining.subarray(0, probe).reduce((sum, flag) => sum + flag, 0);
          expect(set.rank({ key: probe, id: -1 })).toBe(smaller);
          expect(set.at(smaller)?.key).toBe(probe);
        }
      }
    }
    expect(set.size).toBe(0);
    expect(set.first()).toBeUndefined();
    expect([...set.values()]).toEqual([]);
  });
  it('serves 100,000 randomly inserted items from the front in ascending order', () => {
    // The queue workload: deleting from the front rebalances the leftmost nodes
    // against fuller right siblings, which random deletes rarely do.
    const count = 100_000;
    const set = setOf(shuffled(count, 5));
    for (let key = 0; key < count; key++) {
      expect(set.first()).toBe(key);
      expect(set.delete(key)).toBe(true);
      if (key % 5_000 === 0) {
        expect(set.size).toBe(count - key - 1);
        expect(set.rank(key + 2_500)).toBe(2_499);
        expect(set.at(2_499)).toBe(key + 2_500);
      }
    }
    expect(set.size).toBe(0);
  });
});
