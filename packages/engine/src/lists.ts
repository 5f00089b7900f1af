/*
 * Changes to arrays on the routing path that allocate nothing. `splice`
 * returns a new array of what it removed on every call, and setting
 * `length = 0` drops the array's storage, so the next push allocates it
 * again; both ran several times per routing cycle.
 */

/** Inserts `item` at `index` of `list`, moving the rest one place up. */
export function insertAt<T>(list: T[], index: number, item: T): void {
  let i = list.length;
  list.push(item);
  for (; i > index; i--) list[i] = list[i - 1] as T;
  list[index] = item;
}

/** Removes the item at `index` of `list`, moving the rest one place down. */
export function removeAt(list: unknown[], index: number): void {
  const last = list.length - 1;
  for (let i = index; i < last; i++) list[i] = list[i + 1];
  list.pop();
}

/** Empties `list` and keeps its storage for the next items (pop keeps it; `length = 0` does not). */
export function empty(list: unknown[]): void {
  for (let i = list.length; i > 0; i--) list.pop();
}
