/*
 * Plain-text formatting shared by the commands: aligned tables and the few
 * ways numbers are shown. Output is for people; --json is for programs.
 */

// Tables and percentages look the same as in the simulator's own report.
export { percent, table } from '@lineup/sim';

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
