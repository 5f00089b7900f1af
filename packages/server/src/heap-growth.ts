import { setFlagsFromString } from 'node:v8';

/*
 * How far the JavaScript heap grows between two full garbage collections
 * (docs/api.md, Settings: heapGrowthPercent). After a full collection V8
 * sets the next one's threshold at the live heap times a factor it chooses
 * itself, between 1.1 and 4: low when collecting costs the process little
 * over time. A server under steady load is such a process, so V8 picks about
 * 1.5, and a full collection comes every few seconds; each one stops the
 * server's thread for 10–25 ms and slows it for 100–200 ms while it marks,
 * and every contact routed meanwhile waits. A fixed, larger factor makes
 * them rarer for more memory: the heap may grow to (1 + percent/100) times
 * what it holds live before the next one.
 */

/** The default: the heap may grow to four times its live size, V8's own largest step. */
export const heapGrowthPercentDefault = 300;
/** The largest growth allowed: ten times the live heap. */
export const heapGrowthPercentMax = 900;

/**
 * Sets the heap growth of this whole process, worker threads included; 0
 * leaves the factor to V8. Takes effect from the next full collection.
 * Throws a RangeError for a value that is not a whole number from 0 to
 * heapGrowthPercentMax.
 */
export function setHeapGrowthPercent(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > heapGrowthPercentMax)
    throw new RangeError(
      `The heap growth must be a whole percentage from 0 to ${heapGrowthPercentMax}; got ${percent}.`,
    );
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
