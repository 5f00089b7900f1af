/**
 * A seeded xorshift32 generator of numbers in [0, 1), for the benches and
 * their tests: every run builds the same centre and draws the same traffic.
 * Not the engine's own draws (src/rng.ts), which come from its state.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}
