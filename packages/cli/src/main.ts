import { replayAvailabilityDefault, replayAvailabilityMin, replaySeedDefault } from '@lineup/sim';
import { Command, InvalidArgumentError } from 'commander';
import type { CommandResult } from './command-result.ts';
import type { ProgressTerminal } from './progress.ts';
import { replayDaysMax, runReplayCommand } from './replay-command.ts';
import { runSimulateCommand } from './simulate-command.ts';
import { runStaffCommand } from './staff-command.ts';
import {
  dataDirDefault,
  runServeCommand,
  serveOptionsOf,
  servePortDefault,
} from './serve-command.ts';

/*
 * The `lineup` command: commander wiring and exit codes, nothing else; each
 * command's logic is in its own module. Exit codes: 0 done; 1 the user's
 * mistake (a one-line message, or a scenario's list of problems, on stderr;
 * commander's own option errors exit 1 too); 70 a bug (EX_SOFTWARE: the stack
 * on stderr, to be reported).
 */

const exitMistake = 1;
const exitBug = 70;

const terminal: ProgressTerminal = {
  isTty: process.stderr.isTTY,
  write: (text) => process.stderr.write(text),
  nowMs: () => performance.now(),
};

// A reader that stops early (`lineup simulate x.json | head`) closes the pipe: not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

/** Prints a command's result and sets the exit code. */
function finish(command: string, result: CommandResult): void {
  if (result.ok) {
    process.stdout.write(result.stdout);
    return;
  }
  process.stderr.write(`lineup ${command}: ${result.message}\n`);
  process.exitCode = exitMistake;
}

// Option parsers: a bad value is the user's mistake, which commander reports in one line, exit 1.
function numberOf(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new InvalidArgumentError('Not a number.');
  return value;
}
function wholeNumber(text: string): number {
  const value = numberOf(text);
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError('Not a whole number.');
  return value;
}
function atLeastZero(text: string): number {
  const value = numberOf(text);
  if (value < 0) throw new InvalidArgumentError('Must be 0 or more.');
  return value;
}
function aboveZero(text: string): number {
  const value = numberOf(text);
  if (value <= 0) throw new InvalidArgumentError('Must be above 0.');
  return value;
}
function share(text: string): number {
  const value = numberOf(text);
  if (value < 0 || value >= 1)
    throw new InvalidArgumentError('Must be a share at least 0 and below 1, such as 0.8.');
  return value;
}
function availability(text: string): number {
  const value = numberOf(text);
  if (value < replayAvailabilityMin || value > 1)
    throw new InvalidArgumentError(
      `Must be a share from ${replayAvailabilityMin} to 1, such as 0.85.`,
    );
  return value;
}

function days(text: string): number {
  const value = wholeNumber(text);
  if (value < 1 || value > replayDaysMax)
    throw new InvalidArgumentError(`Must be a whole number from 1 to ${replayDaysMax}.`);
  return value;
}

function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description("run a scenario's day through the routing engine and print its report")
    .argument('<scenario>', 'scenario file (JSON; see docs/simulation.md and docs/examples/)')
    .option('--json', 'print the report as JSON instead of tables')
    .option('--seed <n>', "seed of every random draw, instead of the scenario's", wholeNumber)
    .option('--out <file>', 'also write the JSON report to this file')
    .option('--html <file>', 'also write the report as an HTML page with charts to this file')
    .action(
      async (
        path: string,
        options: { json?: true; seed?: number; out?: string; html?: string },
      ) => {
        const result = await runSimulateCommand(
          path,
          {
            isJson: options.json === true,
            ...(options.seed === undefined ? {} : { seed: options.seed }),
            ...(options.out === undefined ? {} : { outPath: options.out }),
            ...(options.html === undefined ? {} : { htmlPath: options.html }),
          },
          terminal,
        );
        finish('simulate', result);
      },
    );
}

function registerStaff(program: Command): void {
  program
    .command('staff')
    .description(
      'fewest agents for a service-level target, per interval (Erlang C, or Erlang A with patience)',
    )
    .option('--calls-per-hour <n>', 'calls offered per hour', atLeastZero)
    .option('--handle-seconds <s>', 'mean handle time, seconds', aboveZero)
    .option('--threshold-seconds <s>', 'service-level threshold, seconds', atLeastZero, 20)
    .option('--target <share>', 'share of calls to answer within the threshold', share, 0.8)
    .option('--patience-seconds <s>', "callers' mean patience, seconds: uses Erlang A", aboveZero)
    .option(
      '--intervals <file>',
      'CSV with columns start,callsPerHour,handleSeconds[,patienceSeconds], one interval a line',
    )
    .option('--json', 'print JSON instead of a table')
    .action(
      async (options: {
        callsPerHour?: number;
        handleSeconds?: number;
        thresholdSeconds: number;
        target: number;
        patienceSeconds?: number;
        intervals?: string;
        json?: true;
      }) => {
        const result = await runStaffCommand({
          ...(options.callsPerHour === undefined ? {} : { callsPerHour: options.callsPerHour }),
          ...(options.handleSeconds === undefined ? {} : { handleSeconds: options.handleSeconds }),
          ...(options.patienceSeconds === undefined
            ? {}
            : { patienceSeconds: options.patienceSeconds }),
          ...(options.intervals === undefined ? {} : { intervalsPath: options.intervals }),
          thresholdSeconds: options.thresholdSeconds,
          target: options.target,
          isJson: options.json === true,
        });
        finish('staff', result);
      },
    );
}

function registerReplay(program: Command): void {
  program
    .command('replay')
    .description(
      'replay the Anonymous Bank trace through the engine and compare it with the trace, per month and hour',
    )
    .argument('<file...>', 'original monthly files of the trace (january.txt, october.txt)')
    .option('--days <n>', 'replay only the first n days of each month', days)
    .option('--seed <n>', 'seed of the draws the trace leaves open', wholeNumber, replaySeedDefault)
    .option('--single-queue', 'one queue for all call types, every agent serving it')
    .option(
      '--availability <share>',
      'share of its inferred shift an agent is ready, through breaks (1: always)',
      availability,
      replayAvailabilityDefault,
    )
    .option('--json', 'print JSON instead of tables')
    .action(
      async (
        paths: string[],
        options: {
          days?: number;
          seed: number;
          singleQueue?: true;
          availability: number;
          json?: true;
        },
      ) => {
        const result = await runReplayCommand(
          paths,
          {
            ...(options.days === undefined ? {} : { days: options.days }),
            seed: options.seed,
            isSingleQueue: options.singleQueue === true,
            availability: options.availability,
            isJson: options.json === true,
          },
          terminal,
        );
        finish('replay', result);
      },
    );
}

function port(text: string): number {
  const value = wholeNumber(text);
  if (value < 0 || value > 65_535)
    throw new InvalidArgumentError('Must be a port from 0 to 65535.');
  return value;
}

/** The operator key LINEUP_OPERATOR_KEY gives, if any. */
function operatorKeyOf(env: NodeJS.ProcessEnv): { operatorKey?: string } {
  const key = env.LINEUP_OPERATOR_KEY;
  return key === undefined || key === '' ? {} : { operatorKey: key };
}

function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the Lineup server: REST API, durable journal, a demo tenant on first start')
    .option('--port <n>', 'port to listen on (0: any free port)', port, servePortDefault)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'folder of the journal (created when missing)', dataDirDefault)
    .option('--no-demo', 'do not create the demo tenant on the first start')
    .option('--config <file>', 'settings file (JSON): limits, rates, sockets; flags win over it')
    .addHelpText(
      'after',
      '\nThe operator key comes from LINEUP_OPERATOR_KEY, or is minted and printed on the first start.\nSettings: docs/api.md, Settings.',
    )
    .action(
      async (
        flags: { port: number; host: string; dataDir: string; demo: boolean; config?: string },
        command: Command,
      ) => {
        const given = Object.fromEntries(
          (['port', 'host', 'dataDir', 'demo'] as const).map((name) => [
            name,
            command.getOptionValueSource(name) === 'cli',
          ]),
        );
        const options = await serveOptionsOf(flags, given);
        if ('message' in options) {
          process.stderr.write(`lineup serve: ${options.message}\n`);
          process.exitCode = 2;
          return;
        }
        process.exitCode = await runServeCommand({ ...options, ...operatorKeyOf(process.env) });
      },
    );
}

/** The command table, in the order `lineup --help` lists it. */
const commands: readonly ((program: Command) => void)[] = [
  registerServe,
  registerSimulate,
  registerStaff,
  registerReplay,
];

const program = new Command()
  .name('lineup')
  .description(
    'Lineup, an open-source ACD: serve a contact center, simulate a day, staff it, replay a real trace.',
  )
  .showHelpAfterError('(run lineup --help for usage)');
for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error: unknown) {
  process.stderr.write(
    `lineup: internal error, please report it with the command you ran:\n${
      error instanceof Error ? (error.stack ?? error.message) : String(error)
    }\n`,
  );
  process.exitCode = exitBug;
}
