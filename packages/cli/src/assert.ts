/** Crashes on a broken invariant: a bug, reported with its stack and exit code 70 (STYLE.md, Errors). */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
