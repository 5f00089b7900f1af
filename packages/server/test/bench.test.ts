import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/*
 * The server bench (bench/server.bench.ts) at a tiny scale, as a real
 * subprocess with --json: it must start the server and the load generator,
 * see offers, restart, and print one JSON object with every field. Speed is
 * the bench's to measure, never a test's to assert (STYLE.md, Tests).
 */

const benchScript = new URL('../bench/server.bench.ts', import.meta.url).pathname;
/** Longest the tiny run may take on a loaded machine before the test kills it. */
const runMsMax = 150_000;

/** Runs the bench and resolves with its stdout, or fails with its stderr. */
function runBench(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', benchScript, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGTERM'), runMsMax);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`bench exited with ${String(code)}: ${stderr}`));
    });
  });
}

describe('server bench', () => {
  it(
    '[bench] --json at a tiny scale prints one object with every field, offers seen, nothing lost, the warm-up apart',
    async () => {
      const stdout = await runBench([
        '--json',
        '--clients',
        '20',
        '--rate',
        '20',
        '--seconds',
        '2',
        '--warm-up',
        '1',
        '--restart-contacts',
        '1000',
      ]);
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const result = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
      const numbers = [
        'clients',
        'enqueuesPerSecond',
        'enqueuesSent',
        'offersObserved',
        'p50Ms',
        'p99Ms',
        'maxMs',
        'commitP99Ms',
        'serverCpuPercent',
        'serverRssMb',
        'restartMs',
        'restartWaitingContacts',
        'errorCount',
      ];
      for (const field of numbers) {
        expect(typeof result[field], field).toBe('number');
        expect(result[field], field).toBeGreaterThanOrEqual(0);
      }
      expect(result).toMatchObject({ benchmark: 'server', clients: 20, restartContacts: 1000 });
      expect(result.offersObserved).toBeGreaterThan(0);
      expect(result.offersObserved).toBe(result.enqueuesSent);
      // The warm-up's second runs at the same rate, and is counted apart from the window.
      expect(result.warmUp).toMatchObject({ enqueuesSent: 20, offersObserved: 20 });
      expect(result.enqueuesSent).toBe(40);
      // The run says at which priority the journal's commit thread ran (-10 as root, as in CI).
      if (process.platform === 'linux')
        expect(result.commitThreadNice).toBe(process.getuid?.() === 0 ? -10 : 0);
      // And the server's own thread, behind the commit thread and ahead of the default.
      if (process.platform === 'linux')
        expect(result.serverThreadNice).toBe(process.getuid?.() === 0 ? -5 : 0);
      // Every contact enqueued before the restart waits after it.
      expect(result.restartWaitingContacts).toBe(1000);
      expect(result.p50Ms as number).toBeLessThanOrEqual(result.p99Ms as number);
      expect(result.p99Ms as number).toBeLessThanOrEqual(result.maxMs as number);
      expect(result.serverRssMb).toBeGreaterThan(0);
      // The server's own pauses in the window, read from its /metrics: delays in order, and its
      // collections by kind, each with a count and a time (two seconds may see none).
      const delay = result.serverEventLoopDelayMs as { p50: number; p99: number; max: number };
      expect(delay.p50).toBeGreaterThanOrEqual(0);
      expect(delay.p50).toBeLessThanOrEqual(delay.p99);
      expect(delay.p99).toBeLessThanOrEqual(delay.max);
      const collections = result.serverGc as Record<string, { count: number; totalMs: number }>;
      expect(Object.keys(collections).sort()).toEqual(['incremental', 'major', 'minor', 'weakcb']);
      for (const { count, totalMs } of Object.values(collections)) {
        expect(Number.isInteger(count) && count >= 0).toBe(true);
        expect(totalMs).toBeGreaterThanOrEqual(0);
      }
      // The generator's own collections, which delay every latency it times, and its flags.
      const generatorGc = result.generatorGc as { count: number; totalMs: number; maxMs: number };
      expect(Number.isInteger(generatorGc.count) && generatorGc.count >= 0).toBe(true);
      expect(generatorGc.maxMs).toBeLessThanOrEqual(generatorGc.totalMs);
      expect(result.generatorNodeArgs).toBe(
        '--max-semi-space-size=64 --initial-old-space-size=256',
      );
    },
    runMsMax + 10_000,
  );
});
