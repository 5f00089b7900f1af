/*
 * Reading the JSON files a setting names (the settings file, the web chat's
 * FAQ): one way to say what is wrong with one, naming the field. It imports
 * nothing of the server, so that any module may read a file without a cycle.
 */

/** A compiled TypeBox check, as far as reading a file needs it. */
interface Checker<T> {
  Check(value: unknown): value is T;
  Errors(value: unknown): Iterable<{ instancePath: string; message: string }>;
}

/**
 * The value a JSON file's text gives, checked by a compiled schema, or what
 * is wrong with it, naming the field: how every file a setting names is read.
 */
export function parseJsonFile<T>(
  check: Checker<T>,
  text: string,
): { ok: true; value: T } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error: unknown) {
    return { ok: false, message: `it is not JSON (${(error as Error).message})` };
  }
  if (check.Check(value)) return { ok: true, value };
  const [first] = check.Errors(value);
  const at = first?.instancePath === '' ? 'the top level' : (first?.instancePath ?? '?');
  return { ok: false, message: `${at}: ${first?.message ?? 'is not valid'}` };
}
