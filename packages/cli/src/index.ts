/*
 * The `lineup` command's building blocks (DESIGN.md §3, cli): each command's
 * logic as functions that return values and strings, so that they are tested
 * without a process. src/main.ts wires them to the command line. Its only
 * public entry.
 */
export { type CommandResult } from './command-result.ts';
export {
  createProgressBar,
  renderProgressBar,
  progressDelayMs,
  progressBarWidthChars,
  type ProgressBar,
  type ProgressTerminal,
} from './progress.ts';
export {
  parseScenarioText,
  formatProblems,
  scenarioFileBytesMax,
  scenarioProblemsMax,
  type ScenarioFileResult,
} from './scenario-file.ts';
export {
  runSimulateCommand,
  simulateOutputOf,
  formatSimulateText,
  withSeed,
  type SimulateCommandOptions,
  type SimulateOutput,
} from './simulate-command.ts';
export {
  runStaffCommand,
  staffRows,
  parseIntervalsCsv,
  formatStaffText,
  intervalColumns,
  intervalsFileBytesMax,
  type LabelledLoad,
  type StaffRow,
  type StaffOutput,
  type StaffCommandOptions,
} from './staff-command.ts';
export {
  runReplayCommand,
  formatReplayText,
  replayDaysMax,
  type ReplayCommandOptions,
  type ReplayOutput,
  type TraceFileSummary,
} from './replay-command.ts';
