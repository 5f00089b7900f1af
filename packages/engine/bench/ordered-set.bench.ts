/*
 * Nanoseconds per operation of OrderedSet at the sizes the engine meets: a
 * small queue, a large one, and the largest allowed (queueSizeMax, 500,000).
 * Items are `{ key, id }` compared by key then id, as waiting contacts are.
 *
 * Run: npx tsx packages/engine/bench/ordered-set.bench.ts [--json]
 */
import { OrderedSet } from '../src/ordered-set.ts';
import { seededRandom } from './seeded.ts';

interface Entry {
  key: number;
  id: number;
}

const compareEntries = (a: Entry, b: Entry): number => a.key - b.key || a.id - b.id;

const sizes = [1_000, 100_000, 500_000];
/** Items inserted then deleted per timed round: a tenth of the size, so the size barely moves. */
const batchFraction = 0.1;
/** Timed operations per measurement, so that timer resolution does not matter. */
const operationsPerMeasurement = 1_000_000;

/** Keys in a range much smaller than the item count, so ties are broken by id as in a real queue. */
function entries(count: number, firstId: number, random: () => number): Entry[] {
  return Array.from({ length: count }, (_, i) => ({
    key: Math.floor(random() * 100_000),
    id: firstId + i,
  }));
}

/** Runs `round` until it has done `operationsPerMeasurement` operations; returns ns per operation. */
function measure(round: () => number): number {
  let operations = 0;
  let elapsedNs = 0n;
  while (operations < operationsPerMeasurement) {
    const startNs = process.hrtime.bigint();
    operations += round();
    elapsedNs += process.hrtime.bigint() - startNs;
  }
  return Number(elapsedNs) / operations;
}

interface Result {
  size: number;
  insertNs: number;
  deleteNs: number;
  firstNs: number;
  rankNs: number;
  queueNs: number;
}

function benchmark(size: number): Result {
  const random = seededRandom(size);
  const set = new OrderedSet(compareEntries);
  for (const entry of entries(size, 0, random)) set.insert(entry);
  const batchSize = Math.ceil(size * batchFraction);
  const batch = entries(batchSize, size, random);
  const probes = entries(batchSize, 0, random);

  // Insert and delete alternate in rounds, so each round starts at `size` items.
  let insertElapsedNs = 0n;
  let deleteElapsedNs = 0n;
  let rounds = 0;
  while (rounds * batchSize < operationsPerMeasurement) {
    const insertStartNs = process.hrtime.bigint();
    for (const entry of batch) set.insert(entry);
    const deleteStartNs = process.hrtime.bigint();
    for (const entry of batch) set.delete(entry);
    const endNs = process.hrtime.bigint();
    insertElapsedNs += deleteStartNs - insertStartNs;
    deleteElapsedNs += endNs - deleteStartNs;
    rounds += 1;
  }
  if (set.size !== size) throw new Error(`bench: size ${set.size} after rounds, expected ${size}`);

  let sink = 0;
  const firstNs = measure(() => {
    for (let i = 0; i < batchSize; i++) sink += set.first()?.id ?? 0;
    return batchSize;
  });
  const rankNs = measure(() => {
    for (const probe of probes) sink += set.rank(probe);
    return batchSize;
  });
  const queueNs = measureQueue(size);
  // Using `sink` keeps the loops from being optimised away.
  if (sink < 0) throw new Error('bench: impossible sink');

  const operations = rounds * batchSize;
  return {
    size,
    insertNs: Number(insertElapsedNs) / operations,
    deleteNs: Number(deleteElapsedNs) / operations,
    firstNs,
    rankNs,
    queueNs,
  };
}

/**
 * The waiting-contact workload: contacts of one priority join at the back and
 * leave from the front. Returns ns per join-and-leave pair at a steady `size`.
 */
function measureQueue(size: number): number {
  const set = new OrderedSet(compareEntries);
  let nextId = 0;
  while (set.size < size) set.insert({ key: 0, id: nextId++ });
  const batchSize = Math.ceil(size * batchFraction);
  // Items are allocated in the timed loop, as contacts are; an item in the set must never change.
  return measure(() => {
    for (let i = 0; i < batchSize; i++) {
      set.insert({ key: 0, id: nextId++ });
      const head = set.first();
      if (head !== undefined) set.delete(head);
    }
    if (set.size !== size) throw new Error(`bench: queue size ${set.size}, expected ${size}`);
    return batchSize;
  });
}

// A warm-up pass lets V8 optimise before anything is recorded.
benchmark(sizes[0] ?? 1_000);
const results = sizes.map(benchmark);
if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(results)}\n`);
} else {
  process.stdout.write(
    'size      insert ns  delete ns   first ns    rank ns   queue ns (join at back + leave front)\n',
  );
  for (const { size, insertNs, deleteNs, firstNs, rankNs, queueNs } of results) {
    const cells = [insertNs, deleteNs, firstNs, rankNs, queueNs].map((ns) =>
      ns.toFixed(1).padStart(9),
    );
    process.stdout.write(`${String(size).padEnd(8)}${cells.join('  ')}\n`);
  }
}
