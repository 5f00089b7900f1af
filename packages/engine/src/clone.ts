/**
 * A deep copy of JSON-able data. The engine's records are plain data by
 * design (STYLE.md, State is plain data), so a JSON round trip copies them
 * exactly; `structuredClone` is a host API outside the engine's ES2022 lib.
 */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
