/*
 * The engine's randomness (the `random` strategy): a counter-based generator.
 * The seed lives in the state and the counter is the number of events so far,
 * so a draw needs no state of its own and replay draws the same numbers.
 */

/** A uniform integer in [0, bound) drawn from `seed` and `counter` (splitmix32 finaliser). */
export function drawBelow(seed: number, counter: number, bound: number): number {
  let x = (seed ^ Math.imul(counter, 0x9e3779b9)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  return Math.floor((x / 0x1_0000_0000) * bound);
}
