import { mkdtemp, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadNiceValues } from '@lineup/journal';
import { afterEach, describe, expect, it } from 'vitest';
import { serveOnDisk } from './harness.ts';

/*
 * The server's background threads (the snapshot thread, the records thread)
 * run at the lowest CPU priority, so that on a busy machine the server's own
 * thread and the journal's commit thread go first. Linux gives each thread a
 * nice value of its own, which /proc shows per thread: what an operator sees
 * in `top -H`.
 */

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const lowest = constants.priority.PRIORITY_LOW;
/** The ids of this process's threads at the lowest priority. */
const lowestThreads = () =>
  [...threadNiceValues()].filter(([, nice]) => nice === lowest).map(([threadId]) => threadId);

/** Waits (bounded) until `check` holds. */
async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.runIf(process.platform === 'linux')('background threads', () => {
  it('[operations] the snapshot and records threads run at the lowest CPU priority, the server at its own', async () => {
    const before = new Set(lowestThreads());
    // A thread starts at the priority of the thread that starts it, so the threads a background
    // thread starts in turn are at the lowest priority too: at least two new ones, not exactly two.
    const started = () => lowestThreads().filter((threadId) => !before.has(threadId));
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-threads-'));
    dirs.push(dataDir);
    const running = await serveOnDisk(dataDir);
    try {
      await waitFor(() => started().length >= 2, 'two threads at the lowest priority');
      // The server's own thread (its id is the process's) keeps the process's priority.
      expect(threadNiceValues().get(process.pid)).toBe(0);
      expect(running.app.records.thread).not.toBeNull();
    } finally {
      await running.close();
    }
    const ours = new Set(started());
    await waitFor(
      () => !lowestThreads().some((threadId) => ours.has(threadId)),
      'the threads to end with the server',
    );
  });
});
