/*
 * A map that keeps only its most recently used entries: past its bound, the
 * least recently used one is forgotten. A JavaScript Map iterates in
 * insertion order, so re-inserting on use keeps the oldest first: get, set
 * and the eviction are O(1).
 */

/** A bounded map that forgets its least recently used entry past `sizeMax`. */
export class RecentMap<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly sizeMax: number) {}

  /** The value of a key, marking it most recently used; undefined when forgotten or never set. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Sets a key as the most recently used, forgetting the least recently used past the bound. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.sizeMax) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  /** Whether it holds a key, without marking it used. */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** How many entries it holds. */
  get size(): number {
    return this.#entries.size;
  }
}
