/**
 * Crashes on a broken invariant (STYLE.md, Errors): a bug, never an expected
 * failure. The journal makes a restart safe, and the message carries the context.
 */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) fail(message);
}

/**
 * Crashes like a failed assert. Checks on hot paths call it as
 * `if (!condition) fail(\`...\`)`: assert's message is built on every call, and
 * a message with numbers in it (a timer's time, an EWT's inputs) cost more
 * than the check itself.
 */
export function fail(message: string): never {
  throw new Error(`engine invariant: ${message}`);
}
