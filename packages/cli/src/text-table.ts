/*
 * Plain-text formatting shared by the commands: aligned tables and the few
 * ways numbers are shown. Output is for people; --json is for programs.
 */

/** Aligned rows: the first column left-aligned, the others right-aligned, two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    for (const [index, cell] of row.entries())
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
  return rows.map((row) =>
    row
      .map((cell, index) =>
        index === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}

/** A share as a percentage with one decimal, or – when there is none. */
export function percent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)}%`;
}

/** Milliseconds as whole seconds (`35 s`), or – when there is none. */
export function seconds(ms: number | null): string {
  return ms === null ? '–' : `${Math.round(ms / 1000)} s`;
}

/** Scenario ms as a clock, hh:mm; hours past 24 go on counting, as a run may cross midnight. */
export function clock(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const hours = String(Math.floor(minutes / 60)).padStart(2, '0');
  return `${hours}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A count with thousands separators, the same on every machine. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}
