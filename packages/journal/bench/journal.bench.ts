/*
 * Throughput of the SQLite journal (DESIGN.md §4), on a real file in a
 * temporary folder, removed at the end.
 *
 * Append: `clients` concurrent writers, each appending one entry per command
 * (as the server does) and waiting for its acknowledgement before the next:
 * group commit with the default window, WAL, synchronous=FULL. Reported:
 * entries/s, entries per commit, commit duration (the transaction with its
 * fsync) and append latency (call to acknowledgement), p50 and p99.
 *
 * Replay: a reopened journal read from seq 0 to the end through readBatches,
 * events parsed, as a restart does before it folds them through `evolve`.
 * Budget: ≥ 1,000,000 events/s.
 *
 * Events are engine-shaped (test/events.ts): a routing cycle is an enqueue
 * (contactQueued, offerCreated, queueStatusChanged) and an accept
 * (contactAssigned, queueStatusChanged).
 *
 * Loops are bounded by count and by wall time.
 *
 * Run: npm run bench -w packages/journal, or for one JSON object on stdout
 * (progress on stderr): npm run bench -w packages/journal -- --json
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { asTenantId } from '@lineup/protocol';
import {
  commitWindowMsDefault,
  openSqliteJournal,
  readBatches,
  sqliteJournalFileName,
  type Journal,
  type JournalOptions,
} from '../src/index.ts';
import { commandEvents } from '../test/events.ts';

/** Concurrent writers, each with one append in flight: commands arriving together. */
const clients = 64;
/** Appends measured at most, and wall time spent appending, at most. */
const appendEntriesMaxCount = 200_000;
const appendMsMax = 5_000;
/** Entries written for the replay (2.5 events each), and wall time spent reading, at most. */
const replayEntries = 800_000;
const replayMsMax = 20_000;
/** Entries per append while filling the replay log: fast to write, same bytes to read. */
const fillEntriesPerAppend = 1_000;
/** Entries replayed once before measuring, so that V8 has optimised the read path. */
const warmUpEntries = 100_000;
const budgetReplayEventsPerSecond = 1_000_000;

const tenantId = asTenantId('bench');
const isJson = process.argv.includes('--json');
const progress = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

function open(dataDir: string, options: JournalOptions = {}): Journal {
  const opened = openSqliteJournal({ ...options, dataDir });
  if (!opened.ok) throw new Error(opened.refusal.message);
  return opened.journal;
}

/** The value below which `p` of the sorted samples fall (nearest rank). */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

interface AppendResult {
  entries: number;
  entriesPerSecond: number;
  commits: number;
  entriesPerCommit: number;
  commitP50Ms: number;
  commitP99Ms: number;
  appendP50Ms: number;
  appendP99Ms: number;
}

async function benchAppend(dataDir: string): Promise<AppendResult> {
  const commitMs: number[] = [];
  const appendMs: number[] = [];
  const journal = open(dataDir, { onCommit: (report) => commitMs.push(report.durationMs) });
  let next = 0;
  const startMs = performance.now();
  const deadlineMs = startMs + appendMsMax;
  const client = async (): Promise<void> => {
    while (next < appendEntriesMaxCount && performance.now() < deadlineMs) {
      const i = next;
      next += 1;
      const calledMs = performance.now();
      const result = await journal.append(tenantId, [
        { atMs: i, commandId: `cmd-${i}`, events: commandEvents(i) },
      ]);
      if (!result.ok) throw new Error(result.refusal.message);
      appendMs.push(performance.now() - calledMs);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsedMs = performance.now() - startMs;
  const { commits, entriesCommitted } = journal.stats();
  await journal.close();
  commitMs.sort((a, b) => a - b);
  appendMs.sort((a, b) => a - b);
  return {
    entries: entriesCommitted,
    entriesPerSecond: Math.round(entriesCommitted / (elapsedMs / 1000)),
    commits,
    entriesPerCommit: round2(entriesCommitted / commits),
    commitP50Ms: round2(percentile(commitMs, 0.5)),
    commitP99Ms: round2(percentile(commitMs, 0.99)),
    appendP50Ms: round2(percentile(appendMs, 0.5)),
    appendP99Ms: round2(percentile(appendMs, 0.99)),
  };
}

interface ReplayResult {
  entries: number;
  events: number;
  bytesPerEvent: number;
  fileMb: number;
  elapsedMs: number;
  cpuMs: number;
  replayEventsPerSecond: number;
  /** Less sensitive than wall time to other processes on a shared 2-core machine. */
  replayEventsPerCpuSecond: number;
}

/** Reads up to `entriesMax` entries from the start as a restart does, counting what it parsed. */
async function replay(
  journal: Journal,
  entriesMax: number,
): Promise<{ entries: number; events: number }> {
  let entries = 0;
  let events = 0;
  const startMs = performance.now();
  for await (const batch of readBatches(journal, tenantId, 0)) {
    for (const entry of batch) {
      entries += 1;
      events += entry.events.length;
    }
    if (entries >= entriesMax || performance.now() - startMs > replayMsMax) break;
  }
  return { entries, events };
}

async function benchReplay(dataDir: string): Promise<ReplayResult> {
  const writer = open(dataDir);
  const appends = [];
  for (let from = 0; from < replayEntries; from += fillEntriesPerAppend) {
    const count = Math.min(fillEntriesPerAppend, replayEntries - from);
    const entries = Array.from({ length: count }, (_, k) => ({
      atMs: from + k,
      events: commandEvents(from + k),
    }));
    appends.push(writer.append(tenantId, entries));
  }
  for (const result of await Promise.all(appends)) {
    if (!result.ok) throw new Error(result.refusal.message);
  }
  await writer.close();
  const fileMb = statSync(join(dataDir, sqliteJournalFileName)).size / 1_048_576;

  const reader = open(dataDir);
  progress(`journal bench: warming up on ${warmUpEntries} entries`);
  await replay(reader, warmUpEntries);
  progress(`journal bench: replaying ${replayEntries} entries`);
  const cpuStart = process.cpuUsage();
  const startMs = performance.now();
  const { entries, events } = await replay(reader, replayEntries);
  const elapsedMs = performance.now() - startMs;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  await reader.close();
  let bytes = 0;
  for (let i = 0; i < 1_000; i += 1) bytes += JSON.stringify(commandEvents(i)).length;
  return {
    entries,
    events,
    bytesPerEvent: Math.round(bytes / 2_500),
    fileMb: Math.round(fileMb),
    elapsedMs: Math.round(elapsedMs),
    cpuMs: Math.round(cpuMs),
    replayEventsPerSecond: Math.round(events / (elapsedMs / 1000)),
    replayEventsPerCpuSecond: Math.round(events / (cpuMs / 1000)),
  };
}

async function main(): Promise<void> {
  const appendDir = mkdtempSync(join(tmpdir(), 'lineup-journal-bench-'));
  const replayDir = mkdtempSync(join(tmpdir(), 'lineup-journal-bench-'));
  try {
    progress(`journal bench: appending with ${clients} clients, one entry per command`);
    const append = await benchAppend(appendDir);
    progress(`journal bench: writing ${replayEntries} entries for the replay`);
    const replay = await benchReplay(replayDir);
    const isReplayWithinBudget = replay.replayEventsPerSecond >= budgetReplayEventsPerSecond;
    if (isJson) {
      process.stdout.write(
        `${JSON.stringify({
          benchmark: 'journal',
          store: 'sqlite (WAL, synchronous=FULL)',
          setup: { clients, commitWindowMs: commitWindowMsDefault, eventsPerEntry: 2.5 },
          budget: { replayEventsPerSecondMin: budgetReplayEventsPerSecond },
          appendEntriesPerSecond: append.entriesPerSecond,
          entriesPerCommit: append.entriesPerCommit,
          commitP50Ms: append.commitP50Ms,
          commitP99Ms: append.commitP99Ms,
          appendP50Ms: append.appendP50Ms,
          appendP99Ms: append.appendP99Ms,
          replayEventsPerSecond: replay.replayEventsPerSecond,
          replayEventsPerCpuSecond: replay.replayEventsPerCpuSecond,
          isReplayWithinBudget,
          append,
          replay,
          loadAverage1m: round2(loadavg()[0] ?? 0),
          cores: availableParallelism(),
          node: process.version,
        })}\n`,
      );
    } else {
      process.stdout.write(
        [
          `Journal (SQLite, WAL, synchronous=FULL), ${clients} clients, one entry per command`,
          `  append: ${append.entriesPerSecond} entries/s, ${append.entriesPerCommit} entries/commit`,
          `          commit p50 ${append.commitP50Ms} ms, p99 ${append.commitP99Ms} ms; ` +
            `append p50 ${append.appendP50Ms} ms, p99 ${append.appendP99Ms} ms`,
          `  replay: ${replay.replayEventsPerSecond} events/s, ` +
            `${replay.replayEventsPerCpuSecond} per CPU s (${replay.events} events, ` +
            `${replay.bytesPerEvent} B/event, ${replay.fileMb} MB file) — budget ` +
            `${budgetReplayEventsPerSecond}: ${isReplayWithinBudget ? 'met' : 'MISSED'}`,
          '',
        ].join('\n'),
      );
    }
  } finally {
    rmSync(appendDir, { recursive: true, force: true });
    rmSync(replayDir, { recursive: true, force: true });
  }
}

await main();
