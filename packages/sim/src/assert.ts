/**
 * Crashes on a broken invariant (STYLE.md, Errors): a bug in the simulator or
 * the engine, never an expected failure; the message carries the context.
 */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`simulator invariant: ${message}`);
}
