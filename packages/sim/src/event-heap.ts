/*
 * The simulator's agenda: what people will do next, soonest first. A binary
 * min-heap ordered by time, then by the order things were scheduled in, so
 * that two tasks due at the same ms always run in the same order and a seed
 * replays exactly. Push and pop cost O(log n); peeking is O(1).
 */

interface Entry<T> {
  atMs: number;
  /** Scheduling order: the tie-break that makes the order total. */
  seq: number;
  task: T;
}

/** A time-ordered queue of tasks with a deterministic order for equal times. */
export class EventHeap<T> {
  private readonly entries: Entry<T>[] = [];
  private seq = 0;

  /** Tasks waiting. */
  get size(): number {
    return this.entries.length;
  }

  /** Schedules a task at atMs, after every task already scheduled for that ms. */
  push(atMs: number, task: T): void {
    const entries = this.entries;
    const entry: Entry<T> = { atMs, seq: this.seq++, task };
    let index = entries.length;
    entries.push(entry);
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = entries[parentIndex] as Entry<T>;
      if (!isBefore(entry, parent)) break;
      entries[index] = parent;
      index = parentIndex;
    }
    entries[index] = entry;
  }

  /** When the soonest task is due, or null when none waits. */
  peekMs(): number | null {
    return this.entries[0]?.atMs ?? null;
  }

  /** Removes and returns the soonest task, or undefined when none waits. */
  pop(): T | undefined {
    const entries = this.entries;
    const first = entries[0];
    const last = entries.pop();
    if (first === undefined || last === undefined) return undefined;
    if (entries.length === 0) return first.task;
    // Sift the last entry down from the root.
    const count = entries.length;
    let index = 0;
    for (;;) {
      const leftIndex = 2 * index + 1;
      if (leftIndex >= count) break;
      const rightIndex = leftIndex + 1;
      const left = entries[leftIndex] as Entry<T>;
      const right = entries[rightIndex];
      const childIndex = right !== undefined && isBefore(right, left) ? rightIndex : leftIndex;
      const child = entries[childIndex] as Entry<T>;
      if (!isBefore(child, last)) break;
      entries[index] = child;
      index = childIndex;
    }
    entries[index] = last;
    return first.task;
  }
}

function isBefore<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
