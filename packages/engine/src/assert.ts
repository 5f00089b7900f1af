/**
 * Crashes on a broken invariant (STYLE.md, Errors): a bug, never an expected
 * failure. The journal makes a restart safe, and the message carries the context.
 */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`engine invariant: ${message}`);
}
