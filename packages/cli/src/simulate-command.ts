import {
  simulate,
  formatReportText,
  renderReportHtml,
  type Scenario,
  type SimulationReport,
  type SimulationResult,
  type StopReason,
} from '@lineup/sim';
import { mistake, success, type CommandResult } from './command-result.ts';
import { createProgressBar, type ProgressTerminal } from './progress.ts';
import { formatProblems, parseScenarioText, scenarioFileBytesMax } from './scenario-file.ts';
import { readTextFile, writeTextFile } from './text-file.ts';
import { clock, count } from './text-table.ts';

/*
 * `lineup simulate <scenario.json>`: runs a scenario file's day through the
 * engine and prints the report (issue 7). The scenario is checked whole
 * before anything runs; an invalid one lists its problems and writes nothing.
 */

/** What the user asked for on the command line. */
export interface SimulateCommandOptions {
  isJson: boolean;
  /** Replaces the scenario's own seed: the same seed gives the same report. */
  seed?: number;
  /** Also writes the JSON output to this file. */
  outPath?: string;
  /** Also writes the report as a self-contained HTML page with charts to this file. */
  htmlPath?: string;
}

/** The JSON output: how the run ended, and the report (packages/sim/src/report.ts defines it). */
export interface SimulateOutput {
  seed: number;
  stoppedBy: StopReason;
  /** Scenario ms when the simulation stopped. */
  endMs: number;
  /** Commands sent to the engine, ticks included. */
  steps: number;
  engineEvents: number;
  report: SimulationReport;
}

/** The scenario with the seed the user gave, if any. */
export function withSeed(scenario: Scenario, seed: number | undefined): Scenario {
  return seed === undefined ? scenario : { ...scenario, seed };
}

/** The JSON output of a run. */
export function simulateOutputOf(scenario: Scenario, result: SimulationResult): SimulateOutput {
  return {
    seed: scenario.seed,
    stoppedBy: result.stoppedBy,
    endMs: result.endMs,
    steps: result.steps,
    engineEvents: result.engineEvents,
    report: result.report,
  };
}

const stopExplanations: Record<StopReason, string> = {
  drained: 'the day was over and every contact had ended',
  horizon: 'the horizon came with contacts still waiting; they count as waiting',
  eventsMax: 'the step limit came first: the report covers only what was simulated',
};

/** The text output: one line on the run, then the report's tables. */
export function formatSimulateText(name: string, output: SimulateOutput): string {
  const report = output.report;
  const head =
    `${name}: ${clock(report.dayStartMs)}–${clock(report.dayEndMs)}, seed ${output.seed}, ` +
    `${count(report.total.day.offered)} customers; stopped at ${clock(output.endMs)} because ` +
    `${stopExplanations[output.stoppedBy]} (${count(output.steps)} engine steps).`;
  return `${head}\n\n${formatReportText(report)}`;
}

/** Reads, checks and runs a scenario file; prints text or JSON, and writes --out and --html. */
export async function runSimulateCommand(
  path: string,
  options: SimulateCommandOptions,
  terminal: ProgressTerminal,
): Promise<CommandResult> {
  const file = await readTextFile(path, scenarioFileBytesMax);
  if (!file.ok) return mistake(file.message);
  const parsed = parseScenarioText(file.text);
  if (!parsed.ok) {
    const plural = parsed.problems.length === 1 ? 'problem' : 'problems';
    return mistake(
      `${path} is not a valid scenario (${parsed.problems.length} ${plural}; see docs/simulation.md):\n` +
        formatProblems(parsed.problems),
    );
  }
  const scenario = withSeed(parsed.scenario, options.seed);
  const bar = createProgressBar(terminal, 'simulating');
  const result = simulate(scenario, { onProgress: bar.onProgress });
  bar.finish();
  const output = simulateOutputOf(scenario, result);
  const json = `${JSON.stringify(output, null, 2)}\n`;
  if (options.outPath !== undefined) {
    const failure = await writeTextFile(options.outPath, json);
    if (failure !== null) return mistake(failure);
  }
  if (options.htmlPath !== undefined) {
    const html = await renderReportHtml(output.report, `${path}, seed ${output.seed}`);
    const failure = await writeTextFile(options.htmlPath, html);
    if (failure !== null) return mistake(failure);
  }
  return success(options.isJson ? json : formatSimulateText(path, output));
}
