/*
 * An ordered set with order statistics: a B+tree whose branches keep, for each
 * child, the child's largest item and its item count. It indexes waiting
 * contacts per queue (up to 500,000), free agents per queue and the timer
 * queue, so it sits on the hot path of every routing cycle.
 *
 * A B+tree rather than a balanced binary tree: nodes are flat arrays, so a
 * search is a binary search over contiguous memory and there is one node per
 * 32 to 64 items instead of one per item, which V8's allocator and GC prefer.
 *
 * Invariants (checked by test/ordered-set.test.ts against a sorted-array model):
 * - All leaves are at the same depth and hold the items in ascending order,
 *   linked left to right by `next`.
 * - Every node holds at most `nodeEntriesMax` entries (items in a leaf,
 *   children in a branch) and, except the root, at least `nodeEntriesMin`.
 *   A root branch has at least two children.
 * - In a branch, `keys[i]` is the largest item under `children[i]` (so every
 *   key is an item of the set) and `counts[i]` is the number of items under it.
 * - `head` is the leftmost leaf. Splits keep the left half in place and merges
 *   keep the left node, so the leftmost leaf is only replaced by `clear`.
 * - `smallest` is `head.keys[0]`. Only an insert or delete at index 0 of the
 *   head leaf changes it: a rebalance moves entries onto the end of the left
 *   node or off the end of it, never its first entry, and the head is always a
 *   left node.
 */

import { empty, insertAt, removeAt } from './lists.ts';

/** Entries per node at most; 64 beat 16, 32 and 128 overall in bench/ordered-set.bench.ts. */
const nodeEntriesMax = 64;
/** Entries per non-root node at least; a split of `nodeEntriesMax + 1` leaves two halves this big. */
const nodeEntriesMin = nodeEntriesMax >> 1;

type Compare<T> = (a: T, b: T) => number;

class Leaf<T> {
  readonly isLeaf = true;
  /** The next leaf to the right, or null for the rightmost. */
  next: Leaf<T> | null = null;
  constructor(readonly keys: T[]) {}
}

class Branch<T> {
  readonly isLeaf = false;
  constructor(
    readonly keys: T[],
    readonly children: Node<T>[],
    readonly counts: number[],
  ) {}
}

type Node<T> = Leaf<T> | Branch<T>;

/** Items under a node: O(1) for a leaf, O(entries) for a branch (only on splits and merges). */
function itemCount<T>(node: Node<T>): number {
  if (node.isLeaf) return node.keys.length;
  let sum = 0;
  for (const count of node.counts) sum += count;
  return sum;
}

/** The largest item under a node; callers only ask nodes that are not empty. */
function lastKey<T>(node: Node<T>): T {
  // The cast is safe: only an empty root has no keys, and it is never asked.
  return node.keys[node.keys.length - 1] as T;
}

/** Binary search: the index of the key equal to `item`, or `~insertionIndex` when absent. */
function search<T>(keys: readonly T[], item: T, compare: Compare<T>): number {
  let low = 0;
  let high = keys.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    // `middle` lies within [0, keys.length), so the cast only removes `undefined`.
    const order = compare(keys[middle] as T, item);
    if (order < 0) low = middle + 1;
    else if (order > 0) high = middle - 1;
    else return middle;
  }
  return ~low;
}

/** Items in `counts[0, slot)`, summing from the nearer end; `total` is the sum of all counts. */
function itemsBefore(counts: readonly number[], slot: number, total: number): number {
  let sum = 0;
  if (slot <= counts.length >> 1) {
    for (let i = 0; i < slot; i++) sum += counts[i] as number;
    return sum;
  }
  for (let i = slot; i < counts.length; i++) sum += counts[i] as number;
  return total - sum;
}

/** Moves the upper half of an overfull node into a new right sibling and returns it. */
function split<T>(node: Node<T>): Node<T> {
  const at = node.keys.length >> 1;
  if (node.isLeaf) {
    const right = new Leaf(node.keys.splice(at));
    right.next = node.next;
    node.next = right;
    return right;
  }
  return new Branch(node.keys.splice(at), node.children.splice(at), node.counts.splice(at));
}

/**
 * Moves `entries` entries between siblings `left` and `right` (rightward when
 * positive, leftward when negative) and returns the number of items moved,
 * signed the same way.
 * Both nodes are on the same level, so they are both leaves or both branches.
 */
function shift<T>(left: Node<T>, right: Node<T>, entries: number): number {
  if (entries > 0) {
    right.keys.unshift(...left.keys.splice(left.keys.length - entries));
  } else {
    left.keys.push(...right.keys.splice(0, -entries));
  }
  if (left.isLeaf) return entries;
  if (right.isLeaf) throw new Error('OrderedSet: sibling leaf and branch at one level');
  let moved = 0;
  if (entries > 0) {
    const counts = left.counts.splice(left.counts.length - entries);
    for (const count of counts) moved += count;
    right.children.unshift(...left.children.splice(left.children.length - entries));
    right.counts.unshift(...counts);
    return moved;
  }
  const counts = right.counts.splice(0, -entries);
  for (const count of counts) moved -= count;
  left.children.push(...right.children.splice(0, -entries));
  left.counts.push(...counts);
  return moved;
}

/**
 * Restores `nodeEntriesMin` for `parent.children[slot]` by merging it with a
 * sibling when both fit in one node, else by sharing entries evenly (so the
 * next few deletes do not rebalance again). `parent`'s items and largest item
 * stay the same; it may lose one child.
 */
function rebalance<T>(parent: Branch<T>, slot: number): void {
  const leftSlot = slot > 0 ? slot - 1 : slot;
  const left = parent.children[leftSlot];
  const right = parent.children[leftSlot + 1];
  if (left === undefined || right === undefined) {
    throw new Error(`OrderedSet: branch with ${parent.children.length} children has no sibling`);
  }
  const entries = left.keys.length + right.keys.length;
  if (entries <= nodeEntriesMax) {
    shift(left, right, -right.keys.length);
    if (left.isLeaf && right.isLeaf) left.next = right.next;
    parent.counts[leftSlot] =
      (parent.counts[leftSlot] as number) + (parent.counts[leftSlot + 1] as number);
    parent.keys.splice(leftSlot, 1);
    parent.children.splice(leftSlot + 1, 1);
    parent.counts.splice(leftSlot + 1, 1);
    return;
  }
  const moved = shift(left, right, left.keys.length - (entries >> 1));
  parent.counts[leftSlot] = (parent.counts[leftSlot] as number) - moved;
  parent.counts[leftSlot + 1] = (parent.counts[leftSlot + 1] as number) + moved;
  parent.keys[leftSlot] = lastKey(left);
}

/**
 * Iterates leaves left to right. It refuses to continue after the set changed,
 * since splits and merges move items between leaves and it would then skip or
 * repeat items silently.
 */
class Cursor<T> implements IterableIterator<T> {
  private readonly version: number;
  constructor(
    private readonly stamp: { version: number },
    private leaf: Leaf<T> | null,
    private index: number,
  ) {
    this.version = stamp.version;
  }

  next(): IteratorResult<T, undefined> {
    if (this.stamp.version !== this.version) {
      throw new Error('OrderedSet: changed during iteration; collect the items first');
    }
    while (this.leaf !== null) {
      const keys = this.leaf.keys;
      if (this.index < keys.length) {
        const value = keys[this.index] as T;
        this.index += 1;
        return { done: false, value };
      }
      this.leaf = this.leaf.next;
      this.index = 0;
    }
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/**
 * An ordered set with O(log n) insert, delete and rank, kept sorted by a
 * total-order comparator. Items are only ever compared, never inspected; two
 * items are the same when `compare` returns 0. Changing the set while iterating
 * is not supported: the iterator throws on its next step (collect items first).
 */
export class OrderedSet<T> {
  private root: Node<T> = new Leaf<T>([]);
  private head: Leaf<T> = this.root as Leaf<T>;
  /**
   * The smallest item, kept apart from `head`: first() runs on every routing
   * step for many sets, and reading it here saves two dependent loads (the
   * leaf and its array) that mostly miss the CPU cache.
   */
  private smallest: T | undefined = undefined;
  private itemsTotal = 0;
  /** Bumped by every change, so iterators can tell they are stale. */
  private readonly stamp = { version: 0 };
  /** Branches and child slots on the path of the last descent, root first; reused to avoid allocation. */
  private readonly pathBranches: Branch<T>[] = [];
  private readonly pathSlots: number[] = [];
  /** Number of branches on that path. */
  private pathDepth = 0;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  /** Number of items. */
  get size(): number {
    return this.itemsTotal;
  }

  /** Inserts an item; returns false (and changes nothing) if an equal item is present. */
  insert(item: T): boolean {
    let leaf: Leaf<T>;
    let position: number;
    if (this.itemsTotal > 0 && this.compare(lastKey(this.root), item) < 0) {
      // Beyond the largest item, the common case (a contact joins at the back of its line and of
      // the longest-wait order, a snapshot is restored in joining order): the path is known, so
      // the descent needs no comparisons.
      leaf = this.descendToEdge(false);
      position = leaf.keys.length;
    } else {
      leaf = this.descend(item);
      const found = search(leaf.keys, item, this.compare);
      if (found >= 0) return false;
      position = ~found;
    }
    insertAt(leaf.keys, position, item);
    if (position === 0 && leaf === this.head) this.smallest = item;
    this.itemsTotal += 1;
    this.stamp.version += 1;

    // Walk back up: each branch gains an item under `slot`, takes `item` as that
    // child's largest if it became so (only when `item` is the largest of all, as
    // descend picks a child whose largest item is bigger otherwise), and adopts a
    // split-off right sibling.
    let isMaxChanged = position === leaf.keys.length - 1;
    let child: Node<T> = leaf;
    let right = leaf.keys.length > nodeEntriesMax ? split(leaf) : null;
    for (let level = this.pathDepth - 1; level >= 0; level--) {
      const parent = this.pathBranches[level] as Branch<T>;
      const slot = this.pathSlots[level] as number;
      const isLastSlot = slot === parent.keys.length - 1;
      if (isMaxChanged) parent.keys[slot] = item;
      if (right === null) {
        parent.counts[slot] = (parent.counts[slot] as number) + 1;
      } else {
        const rightItems = itemCount(right);
        parent.keys.splice(slot, 0, lastKey(child));
        parent.children.splice(slot + 1, 0, right);
        parent.counts.splice(slot, 1, (parent.counts[slot] as number) + 1 - rightItems, rightItems);
        right = parent.keys.length > nodeEntriesMax ? split(parent) : null;
      }
      isMaxChanged &&= isLastSlot;
      child = parent;
    }
    if (right !== null) {
      const rightItems = itemCount(right);
      this.root = new Branch(
        [lastKey(child), lastKey(right)],
        [child, right],
        [this.itemsTotal - rightItems, rightItems],
      );
    }
    return true;
  }

  /** Deletes the item equal to `item`; returns false if none. */
  delete(item: T): boolean {
    // The smallest item is the one most often deleted (a line's head is offered, the longest
    // wait ends, the next timer fires): its path is known without comparisons.
    const isSmallest = this.smallest !== undefined && this.compare(this.smallest, item) === 0;
    const leaf = isSmallest ? this.descendToEdge(true) : this.descend(item);
    const found = isSmallest ? 0 : search(leaf.keys, item, this.compare);
    if (found < 0) return false;
    removeAt(leaf.keys, found);
    if (found === 0 && leaf === this.head) this.smallest = leaf.keys[0];
    this.itemsTotal -= 1;
    this.stamp.version += 1;

    // Walk back up: each branch loses an item under `slot`, refreshes that
    // child's largest item if the deleted one was it, and rebalances an underfull child.
    let isMaxChanged = found === leaf.keys.length;
    let child: Node<T> = leaf;
    for (let level = this.pathDepth - 1; level >= 0; level--) {
      const parent = this.pathBranches[level] as Branch<T>;
      const slot = this.pathSlots[level] as number;
      const isLastSlot = slot === parent.keys.length - 1;
      parent.counts[slot] = (parent.counts[slot] as number) - 1;
      // `child` is not empty: it held at least nodeEntriesMin >= 2 entries before.
      if (isMaxChanged) parent.keys[slot] = lastKey(child);
      if (child.keys.length < nodeEntriesMin) rebalance(parent, slot);
      isMaxChanged &&= isLastSlot;
      child = parent;
    }
    while (!this.root.isLeaf && this.root.children.length === 1) {
      this.root = this.root.children[0] as Node<T>;
    }
    return true;
  }

  /** Whether an item equal to `item` is present. */
  has(item: T): boolean {
    const leaf = this.descend(item);
    return search(leaf.keys, item, this.compare) >= 0;
  }

  /** The smallest item, or undefined when empty. O(1). */
  first(): T | undefined {
    return this.smallest;
  }

  /** The largest item, or undefined when empty. O(log n). */
  last(): T | undefined {
    return this.itemsTotal === 0 ? undefined : lastKey(this.root);
  }

  /** Number of items strictly smaller than `item` (whether or not it is present). O(log n). */
  rank(item: T): number {
    // Past the largest item (a contact about to join at the back of its line is ranked so):
    // one comparison instead of a descent.
    if (this.itemsTotal > 0 && this.compare(lastKey(this.root), item) < 0) return this.itemsTotal;
    let node = this.root;
    let before = 0;
    let total = this.itemsTotal;
    while (!node.isLeaf) {
      const found = search(node.keys, item, this.compare);
      const slot = found >= 0 ? found : ~found;
      if (slot === node.keys.length) return before + total;
      before += itemsBefore(node.counts, slot, total);
      total = node.counts[slot] as number;
      node = node.children[slot] as Node<T>;
    }
    const found = search(node.keys, item, this.compare);
    return before + (found >= 0 ? found : ~found);
  }

  /** The item at 0-based index, or undefined (also for negative or fractional indexes). O(log n). */
  at(index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.itemsTotal) return undefined;
    let node = this.root;
    let offset = index;
    while (!node.isLeaf) {
      const counts = node.counts;
      let slot = 0;
      let count = counts[0] as number;
      while (offset >= count && slot < counts.length) {
        offset -= count;
        slot += 1;
        count = counts[slot] as number;
      }
      const child = node.children[slot];
      if (child === undefined) throw new Error(`OrderedSet: counts below ${index} do not add up`);
      node = child;
    }
    return node.keys[offset];
  }

  /** Items in ascending order. */
  values(): IterableIterator<T> {
    return new Cursor(this.stamp, this.head, 0);
  }

  /** Items in ascending order, starting at the first item >= `from`. */
  valuesFrom(from: T): IterableIterator<T> {
    const leaf = this.descend(from);
    const found = search(leaf.keys, from, this.compare);
    // Past the end of a leaf, the cursor moves on to the next one.
    return new Cursor(this.stamp, leaf, found >= 0 ? found : ~found);
  }

  /** Removes every item. */
  clear(): void {
    this.head = new Leaf<T>([]);
    this.root = this.head;
    this.smallest = undefined;
    this.itemsTotal = 0;
    this.stamp.version += 1;
    empty(this.pathBranches);
    this.pathDepth = 0;
  }

  /**
   * Walks from the root to the leftmost leaf (`isLeft`) or the rightmost one,
   * recording the path as descend does; for the smallest and largest items
   * descend would take the same path.
   */
  private descendToEdge(isLeft: boolean): Leaf<T> {
    let node = this.root;
    let depth = 0;
    while (!node.isLeaf) {
      const slot = isLeft ? 0 : node.keys.length - 1;
      this.pathBranches[depth] = node;
      this.pathSlots[depth] = slot;
      depth += 1;
      node = node.children[slot] as Node<T>;
    }
    this.pathDepth = depth;
    return node;
  }

  /**
   * Walks from the root towards the leaf where `item` is or would be, recording
   * the path, and returns that leaf. At each branch it takes the first child
   * whose largest item is >= `item`, or the last child when there is none.
   */
  private descend(item: T): Leaf<T> {
    let node = this.root;
    let depth = 0;
    while (!node.isLeaf) {
      const found = search(node.keys, item, this.compare);
      const slot = found >= 0 ? found : Math.min(~found, node.keys.length - 1);
      this.pathBranches[depth] = node;
      this.pathSlots[depth] = slot;
      depth += 1;
      node = node.children[slot] as Node<T>;
    }
    this.pathDepth = depth;
    return node;
  }
}
