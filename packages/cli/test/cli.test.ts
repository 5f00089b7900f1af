/*
 * The `lineup` command as a user runs it: a child process of the real entry
 * (node --import tsx packages/cli/src/main.ts …), from the repository root,
 * judged by its exit code, stdout and stderr.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimulateOutput } from '@lineup/cli';
import {
  agentsForServiceLevel,
  bankTraceCandidates,
  findBankTraceDirectory,
  type QueueSection,
} from '@lineup/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const exampleScenario = 'docs/examples/small-center.json';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `lineup …` and waits for it to end, whatever its exit code. */
function lineup(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'packages/cli/src/main.ts', ...args],
      { cwd: repositoryRoot, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr });
      },
    );
  });
}

/**
 * The Anonymous Bank trace: $LINEUP_BANK_TRACE_DIR, else shared/ beside the
 * repository, else /work/shared. Missing, the test fails and says where it looked.
 */
function bankTraceDirectory(): string {
  const found = findBankTraceDirectory();
  if (found === null) {
    throw new Error(
      `The Anonymous Bank trace (january.txt) is in none of: ${bankTraceCandidates().join(', ')}. Set LINEUP_BANK_TRACE_DIR to its folder.`,
    );
  }
  return found;
}

/** Every row of a section says where each offered customer went. */
function expectRowsAddUp(section: QueueSection): void {
  for (const period of [...section.intervals, section.day]) {
    expect(
      period.answered +
        period.abandoned +
        period.callbacks +
        period.overflowed +
        period.timedOut +
        period.deflected +
        period.waitingAtEnd,
    ).toBe(period.offered);
  }
  const sum = (pick: (index: number) => number): number =>
    section.intervals.reduce((total, _, index) => total + pick(index), 0);
  expect(sum((index) => section.intervals[index]!.offered)).toBe(section.day.offered);
}

describe('lineup', () => {
  it('[cli] --help lists the commands', async () => {
    const run = await lineup('--help');
    expect(run.code).toBe(0);
    for (const command of ['simulate', 'staff', 'replay']) expect(run.stdout).toContain(command);
  });

  it('[cli] an unknown command is a mistake: exit 1, no stack', async () => {
    const run = await lineup('simulat');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("unknown command 'simulat'");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('lineup simulate', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'lineup-cli-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('[simulate] --json prints a report whose totals add up, and the same seed prints it again', async () => {
    const outPath = join(directory, 'report.json');
    const [first, second] = await Promise.all([
      lineup('simulate', exampleScenario, '--json', '--out', outPath),
      lineup('simulate', exampleScenario, '--json'),
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(await readFile(outPath, 'utf8')).toBe(first.stdout);

    const output = JSON.parse(first.stdout) as SimulateOutput;
    expect(output.stoppedBy).toBe('drained');
    const { queues, total } = output.report;
    expect(queues.map((queue) => queue.queueId)).toEqual(['support', 'billing', 'premium']);
    for (const section of [...queues, total]) expectRowsAddUp(section);
    // Each customer ends in one queue: its last stay's outcome counts once in "all queues".
    const sumOver = (pick: (section: QueueSection) => number): number =>
      queues.reduce((sum, section) => sum + pick(section), 0);
    expect(sumOver((section) => section.day.answered)).toBe(total.day.answered);
    expect(sumOver((section) => section.day.abandoned)).toBe(total.day.abandoned);
    expect(sumOver((section) => section.day.callbacks)).toBe(total.day.callbacks);
    // An overflowed customer is offered to two queues but is one customer.
    expect(sumOver((section) => section.day.offered - section.day.overflowed)).toBe(
      total.day.offered,
    );
    // The example exercises what it claims to: overflow and call-backs happen.
    expect(sumOver((section) => section.day.overflowed)).toBeGreaterThan(0);
    expect(total.day.callbacks).toBeGreaterThan(0);
  });

  it('[simulate] another seed gives another day; the text report prints the tables', async () => {
    const [text, json] = await Promise.all([
      lineup('simulate', exampleScenario, '--seed', '7'),
      lineup('simulate', exampleScenario, '--seed', '7', '--json'),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('seed 7');
    expect(text.stdout).toContain('Queue support: Support');
    const output = JSON.parse(json.stdout) as SimulateOutput;
    expect(output.seed).toBe(7);
    expect(text.stdout).toContain(
      `${output.report.total.day.offered.toLocaleString('en-US')} customers`,
    );
  });

  it('[simulate] --html writes a self-contained page with the charts and the day in numbers', async () => {
    const htmlPath = join(directory, 'r.html');
    const [run, json] = await Promise.all([
      lineup('simulate', exampleScenario, '--html', htmlPath),
      lineup('simulate', exampleScenario, '--json'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const html = await readFile(htmlPath, 'utf8');
    const output = JSON.parse(json.stdout) as SimulateOutput;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<svg[\s>]/g)).toHaveLength(3 * (output.report.queues.length + 1));
    expect(html).toContain(`<td>${output.report.total.day.offered}</td>`);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*http/i);
  });

  it('[simulate] an invalid scenario exits 1, names each bad path, and writes nothing', async () => {
    const scenario = JSON.parse(await readFile(join(repositoryRoot, exampleScenario), 'utf8')) as {
      queues: { serviceTime: unknown; patiance?: number }[];
      agents: { breaks: { startMs: number }[] }[];
    };
    scenario.queues[1]!.serviceTime = { kind: 'logNormal', meanMs: 'long', sdMs: 1 };
    scenario.queues[0]!.patiance = 60_000;
    const badPath = join(directory, 'bad.json');
    const outPath = join(directory, 'never.json');
    await writeFile(badPath, JSON.stringify(scenario));
    const run = await lineup('simulate', badPath, '--out', outPath);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('/queues/1/serviceTime/meanMs must be number');
    expect(run.stderr).toContain('/queues/0/patiance is not a known field');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(outPath)).toBe(false);

    // Shape right, meaning wrong: the simulator's own checks speak.
    delete scenario.queues[0]!.patiance;
    scenario.queues[1]!.serviceTime = { kind: 'exponential', meanMs: 300_000 };
    scenario.agents[0]!.breaks[0]!.startMs = 1;
    await writeFile(badPath, JSON.stringify(scenario));
    const meaning = await lineup('simulate', badPath);
    expect(meaning.code).toBe(1);
    expect(meaning.stderr).toContain('/agents/0/breaks/0 must lie inside one of the shifts');
  });

  it('[simulate] a missing file is a one-line mistake', async () => {
    const run = await lineup('simulate', 'no/such/scenario.json');
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('cannot read no/such/scenario.json');
  });
});

describe('lineup staff', () => {
  it('[staff] prints the Erlang C staffing for 200 calls/h, 180 s, 80 % in 20 s', async () => {
    const run = await lineup(
      'staff',
      '--calls-per-hour',
      '200',
      '--handle-seconds',
      '180',
      '--threshold-seconds',
      '20',
      '--target',
      '0.8',
    );
    expect(run.code, run.stderr).toBe(0);
    const expected = agentsForServiceLevel(
      { arrivalsPerHour: 200, handleMsMean: 180_000 },
      { serviceLevel: 0.8, thresholdMs: 20_000 },
    );
    expect(expected.ok && expected.value.agents).toBe(14);
    // 10 Erlangs: 13 agents reach 79.6 %, 14 reach 88.8 % (Erlang C by hand).
    expect(run.stdout).toMatch(/^load\s+200\s+180 s\s+–\s+14\s+88\.8%/m);
  });

  it('[staff] a bad option value is a one-line mistake', async () => {
    const run = await lineup(
      'staff',
      '--calls-per-hour',
      '200',
      '--handle-seconds',
      '180',
      '--target',
      '80',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("option '--target <share>' argument '80' is invalid");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('lineup replay', () => {
  it('[replay] replays two days of January beside the trace, with the defects counted', async () => {
    const january = join(bankTraceDirectory(), 'january.txt');
    const [text, json] = await Promise.all([
      lineup('replay', january, '--days', '2'),
      lineup('replay', january, '--days', '2', '--json'),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/PHANTOM rows \(skipped\)\s+240/);
    expect(text.stdout).toMatch(/answered with NO_SERVER \(kept; no agent\)\s+490/);
    expect(text.stdout).toContain('Month 1999-01: 2 days (1999-01-01 to 1999-01-02)');
    expect(text.stdout).toMatch(/^abandonment\s+\d+\.\d%\s+\d+\.\d%$/m);
    expect(text.stdout).toMatch(/^ASA \(mean wait, answered\)\s+\d+ s\s+\d+ s$/m);
    expect(text.stdout).toContain('Per hour of arrival (local time), 1999-01:');

    const output = JSON.parse(json.stdout) as {
      files: { defects: { phantomRows: number } }[];
      months: {
        dates: string[];
        wholeMonth: { trace: { calls: number }; replay: { calls: number } };
        byHour: { trace: { calls: number } }[];
        notEnded: Record<string, number>;
      }[];
    };
    expect(output.files[0]?.defects.phantomRows).toBe(240);
    const [month] = output.months;
    expect(month?.dates).toEqual(['1999-01-01', '1999-01-02']);
    const waiting = Object.values(month?.notEnded ?? {}).reduce((sum, n) => sum + n, 0);
    // Every call that asked for an agent is replayed; the hours add up to the month.
    expect(month!.wholeMonth.replay.calls + waiting).toBe(month!.wholeMonth.trace.calls);
    expect(month!.byHour.reduce((sum, hour) => sum + hour.trace.calls, 0)).toBe(
      month!.wholeMonth.trace.calls,
    );
  });

  it('[replay] --availability makes agents take breaks: the month waits longer, and says so', async () => {
    const january = join(bankTraceDirectory(), 'january.txt');
    const [always, mostly] = await Promise.all([
      lineup('replay', january, '--days', '2', '--json'),
      lineup('replay', january, '--days', '2', '--availability', '0.7', '--json'),
    ]);
    expect(always.code, always.stderr).toBe(0);
    expect(mostly.code, mostly.stderr).toBe(0);
    type Output = {
      availability: number;
      assumptions: string[];
      months: {
        shiftHours: number;
        readyHours: number;
        wholeMonth: { replay: { asaMs: number } };
      }[];
    };
    const [first, second] = [always, mostly].map((run) => JSON.parse(run.stdout) as Output);
    expect(first?.availability).toBe(1);
    expect(second?.availability).toBe(0.7);
    const month = second?.months[0];
    expect((month?.readyHours ?? 0) / (month?.shiftHours ?? 1)).toBeCloseTo(0.7, 2);
    expect(second?.assumptions.join(' ')).toContain('ready 70 % of it');
    expect(month?.wholeMonth.replay.asaMs).toBeGreaterThan(
      first?.months[0]?.wholeMonth.replay.asaMs ?? Infinity,
    );
  });

  it('[replay] an availability below the least is a one-line mistake', async () => {
    const run = await lineup('replay', 'package.json', '--availability', '0.05');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("option '--availability <share>' argument '0.05' is invalid");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('[replay] a file that is not the trace is a one-line mistake', async () => {
    const run = await lineup('replay', 'package.json');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('not the 17-column header');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
