import {
  agentsForServiceLevel,
  intervalsMax,
  type QueueLoad,
  type ServiceLevelTarget,
} from '@lineup/sim';
import { mistake, success, type CommandResult } from './command-result.ts';
import { readTextFile } from './text-file.ts';
import { percent, table } from './text-table.ts';

/*
 * `lineup staff`: the fewest agents that reach a service-level target, for
 * one load given by options or for each interval of a CSV forecast (issue 7).
 * Erlang C when callers never hang up; Erlang A when they have a mean
 * patience. The formulas are the simulator's; this module reads the input and
 * lays out the answer. The command line speaks seconds, as planners do; the
 * JSON keeps Lineup's milliseconds.
 */

/** A CSV forecast larger than this is refused: 2,000 intervals take about 100 kB. */
export const intervalsFileBytesMax = 1024 * 1024;

/** The columns of an intervals file; patienceSeconds may be left out, or left empty in a row. */
export const intervalColumns = [
  'start',
  'callsPerHour',
  'handleSeconds',
  'patienceSeconds',
] as const;

/** One load to staff, named for the table (the interval's start, or "load"). */
export interface LabelledLoad {
  label: string;
  load: QueueLoad;
}

/** The staffing of one load; agents null when no staffing reaches the target (problem says why). */
export interface StaffRow {
  label: string;
  arrivalsPerHour: number;
  handleMsMean: number;
  patienceMsMean: number | null;
  formula: 'erlangC' | 'erlangA';
  agents: number | null;
  serviceLevel: number | null;
  asaMs: number | null;
  occupancy: number | null;
  abandonProbability: number | null;
  problem: string | null;
}

/** The JSON output of `lineup staff`. */
export interface StaffOutput {
  target: { serviceLevel: number; thresholdMs: number };
  intervals: StaffRow[];
}

/** Staffs each load (pure). */
export function staffRows(loads: readonly LabelledLoad[], target: ServiceLevelTarget): StaffRow[] {
  return loads.map(({ label, load }) => {
    const result = agentsForServiceLevel(load, target);
    const head = {
      label,
      arrivalsPerHour: load.arrivalsPerHour,
      handleMsMean: load.handleMsMean,
      patienceMsMean: load.patienceMsMean ?? null,
      formula: load.patienceMsMean === undefined ? ('erlangC' as const) : ('erlangA' as const),
    };
    if (!result.ok) {
      return {
        ...head,
        agents: null,
        serviceLevel: null,
        asaMs: null,
        occupancy: null,
        abandonProbability: null,
        problem: result.problem.message,
      };
    }
    const { agents, serviceLevel, asaMs, occupancy, abandonProbability } = result.value;
    return { ...head, agents, serviceLevel, asaMs, occupancy, abandonProbability, problem: null };
  });
}

/** A number of a CSV cell or an option, or null when it is not one. */
function numberOf(text: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** The loads of an intervals file (pure), or the first mistake in it with its line. */
export function parseIntervalsCsv(
  text: string,
  name: string,
): { ok: true; loads: LabelledLoad[] } | { ok: false; message: string } {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  const header = (lines[0] ?? '').split(',').map((cell) => cell.trim());
  const column = (name: string): number => header.indexOf(name);
  const missing = intervalColumns.slice(0, 3).filter((name) => column(name) < 0);
  if (missing.length > 0) {
    return {
      ok: false,
      message: `${name}: the first line must name the columns ${intervalColumns.join(',')} (patienceSeconds optional); ${missing.join(', ')} missing.`,
    };
  }
  const loads: LabelledLoad[] = [];
  for (const [index, line] of lines.entries()) {
    if (index === 0 || line.trim() === '') continue;
    const where = `${name}, line ${index + 1}`;
    if (loads.length >= intervalsMax)
      return {
        ok: false,
        message: `${where}: more than ${intervalsMax} intervals; split the file.`,
      };
    const cells = line.split(',');
    const cell = (name: string): string => cells[column(name)] ?? '';
    const callsPerHour = numberOf(cell('callsPerHour'));
    const handleSeconds = numberOf(cell('handleSeconds'));
    const patienceText = column('patienceSeconds') < 0 ? '' : cell('patienceSeconds');
    const patienceSeconds = numberOf(patienceText);
    if (callsPerHour === null || callsPerHour < 0)
      return { ok: false, message: `${where}: callsPerHour must be a number ≥ 0.` };
    if (handleSeconds === null || handleSeconds <= 0)
      return { ok: false, message: `${where}: handleSeconds must be a number > 0.` };
    if (patienceText.trim() !== '' && (patienceSeconds === null || patienceSeconds <= 0))
      return { ok: false, message: `${where}: patienceSeconds must be a number > 0, or empty.` };
    loads.push({
      label: cell('start').trim() || String(loads.length + 1),
      load: {
        arrivalsPerHour: callsPerHour,
        handleMsMean: handleSeconds * 1000,
        ...(patienceSeconds === null ? {} : { patienceMsMean: patienceSeconds * 1000 }),
      },
    });
  }
  if (loads.length === 0)
    return { ok: false, message: `${name} has no intervals after its header.` };
  return { ok: true, loads };
}

const tenths = (ms: number | null): string => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);

/** The staffing as a table (pure): one row per load, then a line on any row left unstaffed. */
export function formatStaffText(output: StaffOutput): string {
  const { serviceLevel, thresholdMs } = output.target;
  const rows = output.intervals;
  const usesErlangA = rows.some((row) => row.formula === 'erlangA');
  const usesErlangC = rows.some((row) => row.formula === 'erlangC');
  const formulas = [
    usesErlangC ? 'Erlang C where callers never hang up' : '',
    usesErlangA ? 'Erlang A where they have a mean patience' : '',
  ].filter((text) => text !== '');
  const lines = [
    `Fewest agents for ${percent(serviceLevel)} of calls answered within ${thresholdMs / 1000} s (${formulas.join(', ')}).`,
    '',
    ...table([
      ['interval', 'calls/h', 'handle', 'patience', 'agents', 'SL', 'ASA', 'occupancy', 'abandon'],
      ...rows.map((row) => [
        row.label,
        String(row.arrivalsPerHour),
        `${row.handleMsMean / 1000} s`,
        row.patienceMsMean === null ? '–' : `${row.patienceMsMean / 1000} s`,
        row.agents === null ? 'none' : String(row.agents),
        percent(row.serviceLevel),
        tenths(row.asaMs),
        percent(row.occupancy),
        row.formula === 'erlangC' ? '–' : percent(row.abandonProbability),
      ]),
    ]),
  ];
  for (const row of rows) if (row.problem !== null) lines.push('', `${row.label}: ${row.problem}`);
  return `${lines.join('\n')}\n`;
}

/** What the user gave on the command line (seconds, as planners say them). */
export interface StaffCommandOptions {
  callsPerHour?: number;
  handleSeconds?: number;
  patienceSeconds?: number;
  thresholdSeconds: number;
  target: number;
  intervalsPath?: string;
  isJson: boolean;
}

/** The loads the options describe, or the mistake in them. */
async function loadsOf(
  options: StaffCommandOptions,
): Promise<{ ok: true; loads: LabelledLoad[] } | { ok: false; message: string }> {
  const hasLoadOptions = options.callsPerHour !== undefined || options.handleSeconds !== undefined;
  if (options.intervalsPath !== undefined) {
    if (hasLoadOptions)
      return {
        ok: false,
        message: 'give either --intervals or --calls-per-hour and --handle-seconds, not both.',
      };
    const file = await readTextFile(options.intervalsPath, intervalsFileBytesMax);
    if (!file.ok) return file;
    const parsed = parseIntervalsCsv(file.text, options.intervalsPath);
    if (!parsed.ok || options.patienceSeconds === undefined) return parsed;
    // --patience-seconds fills in the rows that give none.
    const patienceMsMean = options.patienceSeconds * 1000;
    return {
      ok: true,
      loads: parsed.loads.map(({ label, load }) => ({ label, load: { patienceMsMean, ...load } })),
    };
  }
  if (options.callsPerHour === undefined || options.handleSeconds === undefined)
    return {
      ok: false,
      message: 'give --calls-per-hour and --handle-seconds, or --intervals file.csv.',
    };
  return {
    ok: true,
    loads: [
      {
        label: 'load',
        load: {
          arrivalsPerHour: options.callsPerHour,
          handleMsMean: options.handleSeconds * 1000,
          ...(options.patienceSeconds === undefined
            ? {}
            : { patienceMsMean: options.patienceSeconds * 1000 }),
        },
      },
    ],
  };
}

/** Staffs the load or the intervals file the options name; prints a table or JSON. */
export async function runStaffCommand(options: StaffCommandOptions): Promise<CommandResult> {
  if (!(options.target >= 0 && options.target < 1))
    return mistake('--target must be a share of calls at least 0 and below 1, such as 0.8.');
  if (options.handleSeconds !== undefined && !(options.handleSeconds > 0))
    return mistake('--handle-seconds must be above 0.');
  if (options.patienceSeconds !== undefined && !(options.patienceSeconds > 0))
    return mistake('--patience-seconds must be above 0.');
  const loads = await loadsOf(options);
  if (!loads.ok) return mistake(loads.message);
  const target = { serviceLevel: options.target, thresholdMs: options.thresholdSeconds * 1000 };
  const output: StaffOutput = { target, intervals: staffRows(loads.loads, target) };
  return success(options.isJson ? `${JSON.stringify(output, null, 2)}\n` : formatStaffText(output));
}
