/*
 * The journal's commit thread asks for a CPU priority above the process's
 * (thread-priority.ts): every acknowledgement waits for it. Linux shows each
 * thread's nice value in /proc, as `top -H` does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import {
  commitThreadNice,
  openSqliteJournal,
  threadNiceValues,
  threadPrioritySource,
} from '../src/index.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'lineup-journal-priority-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** The nice value a thread running threadPrioritySource(nice) ends up with, as /proc shows it. */
function niceAfterSource(nice: number): Promise<{ declared: number | null; shown: number }> {
  const source = `${threadPrioritySource(nice)}
const { parentPort } = require('node:worker_threads');
// Kept running until terminated, so that /proc still lists it when it is read.
setInterval(() => undefined, 1_000);
parentPort.postMessage({ declared: threadNice, systemId: Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()) });
`;
  const worker = new Worker(source, { eval: true });
  return new Promise((resolve, reject) => {
    worker.once('message', (reply: { declared: number | null; systemId: number }) => {
      // Read while the thread still runs.
      const shown = threadNiceValues().get(reply.systemId);
      void worker.terminate();
      if (shown === undefined) reject(new Error('the thread is not in /proc'));
      else resolve({ declared: reply.declared, shown });
    });
    worker.once('error', reject);
  });
}

/** Waits (bounded) until `check` holds. */
async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('thread priorities', () => {
  it('[priority] a nice value out of -20..19 is refused', () => {
    expect(() => threadPrioritySource(-21)).toThrow(RangeError);
    expect(() => threadPrioritySource(20)).toThrow(RangeError);
    expect(() => threadPrioritySource(1.5)).toThrow(RangeError);
  });

  describe.runIf(process.platform === 'linux')('on Linux', () => {
    it('[priority] a thread lowers its own priority with no privilege', async () => {
      expect(await niceAfterSource(19)).toEqual({ declared: 19, shown: 19 });
      // The thread alone: this one keeps its priority.
      expect(threadNiceValues().get(process.pid)).toBe(0);
    });

    it('[priority] the commit thread runs ahead of the process where it may raise its priority', async () => {
      // What this system allows a thread: root (as in CI) may raise its priority; others keep 0
      // unless CAP_SYS_NICE or RLIMIT_NICE allows it.
      const { declared: allowed, shown } = await niceAfterSource(commitThreadNice);
      expect(allowed).toBe(shown);
      if (process.getuid?.() === 0) expect(allowed).toBe(commitThreadNice);
      const before = new Set(threadNiceValues().keys());
      let reported: (nice: number | null) => void = () => undefined;
      const reportedNice = new Promise<number | null>((resolve) => {
        reported = resolve;
      });
      const opened = openSqliteJournal({ dataDir, onCommitThreadNice: reported });
      if (!opened.ok) throw new Error(opened.refusal.message);
      try {
        const started = () => [...threadNiceValues()].filter(([threadId]) => !before.has(threadId));
        await waitFor(
          () => started().some(([, nice]) => nice === allowed),
          `a new thread at nice ${allowed}`,
        );
        // The journal tells what the thread got, for the server's log and metrics.
        expect(await reportedNice).toBe(allowed);
        // Only the commit thread: the process's own thread keeps its priority.
        expect(threadNiceValues().get(process.pid)).toBe(0);
      } finally {
        await opened.journal.close();
      }
    });
  });
});
