import {
  monthsOf,
  readBankTrace,
  replayAssumptions,
  replayAvailabilityDefault,
  replayMonth,
  type BankCall,
  type BankTrace,
  type BankTraceDefects,
  type MonthReplay,
  type ReplayMeasures,
} from '@lineup/sim';
import { mistake, success, type CommandResult } from './command-result.ts';
import { createProgressBar, type ProgressTerminal } from './progress.ts';
import { count, percent, seconds, table } from './text-table.ts';

/*
 * `lineup replay <file...>`: reads the original Anonymous Bank files, replays
 * each month's calls through the engine (@lineup/sim's bank-replay.ts says how) and
 * prints the replay beside the trace, per month and per hour (issue 7), as
 * @lineup/sim's bank-replay-comparison.ts measures them.
 */

/** Days of a month at most: a month has no more. */
export const replayDaysMax = 31;

/** What the user asked for on the command line. */
export interface ReplayCommandOptions {
  /** Replays only the first this many days of each month (the trace side is cut alike). */
  days?: number;
  seed: number;
  isSingleQueue: boolean;
  /** Share of its inferred shift a replayed agent is ready (bank-replay.ts); default 1. */
  availability?: number;
  isJson: boolean;
}

/** A file read, with the defects its reader met. */
export interface TraceFileSummary {
  path: string;
  /** Data lines after the header. */
  rows: number;
  /** Calls kept after the defects that skip a row. */
  calls: number;
  lineEnds: BankTrace['lineEnds'];
  defects: BankTraceDefects;
}

/** The JSON output of `lineup replay`. */
export interface ReplayOutput {
  seed: number;
  isSingleQueue: boolean;
  availability: number;
  days: number | null;
  files: TraceFileSummary[];
  assumptions: readonly string[];
  months: MonthReplay[];
}

const defectLabels: Record<keyof BankTraceDefects, string> = {
  phantomRows: 'PHANTOM rows (skipped)',
  answeredWithoutAgent: 'answered with NO_SERVER (kept; no agent)',
  zeroServiceTime: 'answered with ser_time 0 (kept)',
  serviceCrossingMidnight: 'services crossing midnight (kept; duration from ser_time)',
  serviceStartBeforeQueueExit: 'ser_start before q_exit (kept; service starts when the wait ends)',
  priorityAndTypeJoined: '16-field lines, priority and type joined (split and kept)',
  negativeVruTime: 'negative vru_time (kept)',
  abandonedWithService: 'HANG after queueing with a service time (kept as abandoned)',
  unknownQueueType: 'unknown queue type (skipped)',
  unparsableLines: 'unparsable lines (skipped)',
};

function fileText(file: TraceFileSummary): string[] {
  const ends = file.lineEnds === 'crlf' ? 'CRLF' : file.lineEnds === 'lf' ? 'LF' : 'mixed';
  const rows = Object.entries(defectLabels).map(([name, label]) => [
    `  ${label}`,
    count(file.defects[name as keyof BankTraceDefects]),
  ]);
  return [
    `${file.path}: ${count(file.rows)} rows, ${ends} line ends, ${count(file.calls)} calls kept. Defects:`,
    ...table(rows),
  ];
}

const measureRows: [string, (measures: ReplayMeasures) => string][] = [
  ['calls asking for an agent', (m) => count(m.calls)],
  ['answered', (m) => count(m.answered)],
  ['abandoned', (m) => count(m.abandoned)],
  ['abandonment', (m) => percent(m.abandonmentRatio)],
  ['ASA (mean wait, answered)', (m) => seconds(m.asaMs)],
  ['wait p50 (answered)', (m) => seconds(m.answeredWaitQuantilesMs.p50)],
  ['wait p80 (answered)', (m) => seconds(m.answeredWaitQuantilesMs.p80)],
  ['wait p90 (answered)', (m) => seconds(m.answeredWaitQuantilesMs.p90)],
  ['wait p95 (answered)', (m) => seconds(m.answeredWaitQuantilesMs.p95)],
  ['longest wait (answered)', (m) => seconds(m.answeredWaitQuantilesMs.max)],
];

function monthText(month: MonthReplay): string[] {
  const first = month.dates[0] ?? '';
  const last = month.dates.at(-1) ?? '';
  const lines = [
    `Month ${month.month}: ${month.dates.length} days (${first} to ${last}); ${month.queues.length} ${month.queues.length === 1 ? 'queue' : 'queues'} (${month.queues.join(', ')}); ` +
      `${month.agents} agents in ${count(month.shifts)} inferred shifts, at most ${month.peakAgents} at once; ` +
      `${count(Math.round(month.shiftHours))} agent-hours on shift` +
      (month.readyHours < month.shiftHours
        ? `, ${count(Math.round(month.readyHours))} of them ready,`
        : '') +
      ` for ${count(Math.round(month.traceTalkHours))} hours of talk in the trace ` +
      `(${percent(month.traceTalkHours / month.readyHours)}).`,
    '',
    ...table([
      ['', 'trace', 'replay'],
      ...measureRows.map(([label, show]) => [
        label,
        show(month.wholeMonth.trace),
        show(month.wholeMonth.replay),
      ]),
    ]),
  ];
  const notEnded = Object.entries(month.notEnded);
  if (notEnded.length > 0 || month.outsideWindow > 0) {
    const parts = notEnded.map(([outcome, n]) => `${count(n)} ${outcome} when the run stopped`);
    if (month.outsideWindow > 0)
      parts.push(`${count(month.outsideWindow)} after the simulator's 31 days (not replayed)`);
    lines.push(`Left out of the replay side: ${parts.join('; ')}.`);
  }
  lines.push(
    '',
    `Per hour of arrival (local time), ${month.month}:`,
    ...table([
      [
        'hour',
        'calls',
        'aband. trace',
        'aband. replay',
        'ASA trace',
        'ASA replay',
        'p90 trace',
        'p90 replay',
      ],
      ...month.byHour.map((row) => [
        `${String(row.hour).padStart(2, '0')}:00`,
        count(row.trace.calls),
        percent(row.trace.abandonmentRatio),
        percent(row.replay.abandonmentRatio),
        seconds(row.trace.asaMs),
        seconds(row.replay.asaMs),
        seconds(row.trace.answeredWaitQuantilesMs.p90),
        seconds(row.replay.answeredWaitQuantilesMs.p90),
      ]),
    ]),
  );
  return lines;
}

/** The replay as text (pure): the files and their defects, each month, then the assumptions. */
export function formatReplayText(output: ReplayOutput): string {
  const sections = [
    ...output.files.map((file) => fileText(file).join('\n')),
    ...output.months.map((month) => monthText(month).join('\n')),
    ['How the replay was built:', ...output.assumptions.map((line) => `- ${line}`)].join('\n'),
  ];
  return `${sections.join('\n\n')}\n`;
}

/** Reads the trace files, replays each month, and prints the comparison as text or JSON. */
export async function runReplayCommand(
  paths: readonly string[],
  options: ReplayCommandOptions,
  terminal: ProgressTerminal,
): Promise<CommandResult> {
  const files: TraceFileSummary[] = [];
  const calls: BankCall[] = [];
  for (const path of paths) {
    const read = await readBankTrace(path);
    if (!read.ok) return mistake(read.problem.message);
    const trace = read.value;
    files.push({
      path,
      rows: trace.rows,
      calls: trace.calls.length,
      lineEnds: trace.lineEnds,
      defects: trace.defects,
    });
    // A loop, not a spread: a month is 35,000 calls, past what a spread may pass as arguments.
    for (const call of trace.calls) calls.push(call);
  }
  const availability = options.availability ?? replayAvailabilityDefault;
  const months = monthsOf(calls, options.days).filter((month) => month.calls.length > 0);
  if (months.length === 0) return mistake(`no calls in ${paths.join(', ')}.`);
  const replays = months.map((month) => {
    const bar = createProgressBar(terminal, `replaying ${month.month}`);
    const replay = replayMonth(
      month,
      { seed: options.seed, isSingleQueue: options.isSingleQueue, availability },
      bar.onProgress,
    );
    bar.finish();
    return replay.summary;
  });
  const output: ReplayOutput = {
    seed: options.seed,
    isSingleQueue: options.isSingleQueue,
    availability,
    days: options.days ?? null,
    files,
    assumptions: replayAssumptions({ availability }),
    months: replays,
  };
  return success(
    options.isJson ? `${JSON.stringify(output, null, 2)}\n` : formatReplayText(output),
  );
}
