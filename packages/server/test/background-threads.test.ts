import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitThreadNice, serverThreadNiceDefault, threadNiceValues } from '@lineup/journal';
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../src/serve.ts';
import { operatorKey, serveOnDisk } from './harness.ts';

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
async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.runIf(process.platform === 'linux')('background threads', () => {
  it('[operations] the snapshot and records threads run at the lowest CPU priority, the server ahead of the default, the commit thread ahead of it', async () => {
    const before = new Set(lowestThreads());
    const threadsBefore = new Set(threadNiceValues().keys());
    // A thread starts at the priority of the thread that starts it, so the threads a background
    // thread starts in turn are at the lowest priority too: at least two new ones, not exactly two.
    const started = () => lowestThreads().filter((threadId) => !before.has(threadId));
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-threads-'));
    dirs.push(dataDir);
    const running = await serveOnDisk(dataDir);
    try {
      await waitFor(() => started().length >= 2, 'two threads at the lowest priority');
      // The server's own thread (here the process's first, whose id is the process's) asks to run
      // ahead of the default (-5 as root, as in CI; where not allowed, it keeps its priority).
      const serverNice = process.getuid?.() === 0 ? serverThreadNiceDefault : 0;
      expect(threadNiceValues().get(process.pid)).toBe(serverNice);
      expect(running.app.records.thread).not.toBeNull();
      // The journal's commit thread asks to run ahead of it; /metrics tells what it got (-10 as
      // root, as in CI; the process's priority where the system does not allow it).
      const newThreads = [...threadNiceValues()].filter(
        ([threadId]) => !threadsBefore.has(threadId),
      );
      // Threads the server's thread starts begin at its priority: only the commit thread is ahead.
      const ahead = newThreads.filter(([, nice]) => nice < serverNice).map(([, nice]) => nice);
      if (process.getuid?.() === 0) expect(ahead).toEqual([commitThreadNice]);
      await waitFor(async () => {
        const reply = await running.app.inject({
          method: 'GET',
          url: '/metrics',
          headers: { authorization: `Bearer ${operatorKey}` },
        });
        return (
          reply.body.includes(`lineup_journal_commit_thread_nice ${ahead[0] ?? 0}\n`) &&
          reply.body.includes(`lineup_server_thread_nice ${serverNice}\n`)
        );
      }, "the commit thread's and the server thread's nice values in /metrics");
    } finally {
      await running.close();
    }
    const ours = new Set(started());
    await waitFor(
      () => !lowestThreads().some((threadId) => ours.has(threadId)),
      'the threads to end with the server',
    );
  });

  it("[operations] serverThreadNice null leaves the server thread's priority; a value that is no nice value or not behind the commit thread is refused before anything opens", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-threads-'));
    dirs.push(dataDir);
    for (const bad of [20, commitThreadNice, 1.5]) {
      const refused = await serve({
        port: 0,
        dataDir,
        isDemoCreated: false,
        serverThreadNice: bad,
      });
      expect(refused).toEqual({ message: expect.stringContaining(`got ${bad}.`) as unknown });
    }
    expect(await readdir(dataDir)).toEqual([]);
    const niceBefore = threadNiceValues().get(process.pid);
    const running = await serveOnDisk(dataDir, { serverThreadNice: null });
    try {
      expect(threadNiceValues().get(process.pid)).toBe(niceBefore);
      const reply = await running.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${operatorKey}` },
      });
      expect(reply.body).toContain(`lineup_server_thread_nice ${String(niceBefore)}\n`);
    } finally {
      await running.close();
    }
  });
});
