import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/*
 * The server bench's child processes: the server (`lineup serve`, as users
 * run it) and the load generator (load-generator.ts). Every child started
 * here is kept in one set and killed with SIGKILL when the bench ends,
 * however it ends. The server's CPU and memory are read from /proc, so that
 * measuring costs the server nothing.
 */

/** The `lineup` command as users run it (packages/cli/bin): bundled when it can be. */
const lineupBin = new URL('../../cli/bin/lineup.js', import.meta.url).pathname;
const generatorScript = new URL('./load-generator.ts', import.meta.url).pathname;
/** Longest time a server may take to print its URL. */
const startMsMax = 60_000;
/** Longest time a server may take to stop after SIGTERM before it is killed. */
const stopMsMax = 60_000;

const children = new Set<ChildProcess>();

/**
 * Extra Node flags for the server's process, from LINEUP_BENCH_SERVER_NODE_ARGS (space-separated),
 * e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the server under the bench's load.
 */
const serverNodeArgs = (process.env.LINEUP_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Kills every child still running; safe to call more than once. */
export function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Resolves with the child's exit code once it has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
}

/** A server running in a child process. */
export interface ServerChild {
  url: string;
  child: ChildProcess;
  pid: number;
  /** How long after its process started the server began to listen, by its own clock. */
  listeningAfterMs: number;
  /** Of listeningAfterMs: the time serve() took (open the journal, recover, listen). */
  serveMs: number;
}

/**
 * Starts `lineup serve` on a data dir (port 0, loopback, no demo tenant, the
 * operator key given) as users run it, and waits until it says where it
 * serves. listeningAfterMs is measured here, from the spawn; serveMs is what
 * the server logs as its start's duration (serve(): open, recover, listen).
 */
export async function startLineupServe(dataDir: string, operatorKey: string): Promise<ServerChild> {
  const spawnedAtMs = performance.now();
  const child = track(
    spawn(
      process.execPath,
      [
        ...serverNodeArgs,
        lineupBin,
        'serve',
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--no-demo',
        '--config',
        writeBenchConfig(dataDir),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, LINEUP_OPERATOR_KEY: operatorKey },
      },
    ),
  );
  const { pid, stdout } = child;
  if (pid === undefined || stdout === null) throw new Error('bench: lineup serve did not start');
  const timer = setTimeout(() => child.kill('SIGKILL'), startMsMax);
  let serveMs = -1;
  try {
    // Every line is read until the end, so that the server's log never fills the pipe.
    return await new Promise<ServerChild>((resolve, reject) => {
      // The welcome (stdout) and the log line (pino) may come in either order: both are awaited.
      let url: string | null = null;
      let listeningAfterMs = -1;
      createInterface({ input: stdout }).on('line', (line) => {
        const serving = /^Lineup is serving on (\S+)/.exec(line);
        if (serving?.[1] !== undefined) {
          url = serving[1];
          listeningAfterMs = Math.round(performance.now() - spawnedAtMs);
        } else if (line.startsWith('{')) {
          const logged = JSON.parse(line) as { msg?: string; durationMs?: number };
          if (logged.msg === 'serving' && logged.durationMs !== undefined)
            serveMs = logged.durationMs;
        }
        if (url !== null && serveMs >= 0) resolve({ url, child, pid, listeningAfterMs, serveMs });
      });
      child.once('exit', (code) => {
        reject(new Error(`bench: lineup serve stopped before it served (exit ${String(code)})`));
      });
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The bench's settings file, written into the data dir: the bench sets its
 * tenant up with thousands of requests on one key, and the request rate (a
 * setting) is not what it measures. Returns its path.
 */
function writeBenchConfig(dataDir: string): string {
  const path = join(dataDir, 'bench-config.json');
  const rate = 1_000_000;
  writeFileSync(path, JSON.stringify({ requestRates: { perSecond: rate, burst: rate } }));
  return path;
}

/** Makes sure `lineup` is bundled from the current sources, so that no start timed builds it. */
export function prepareLineup(): void {
  execFileSync(process.execPath, [lineupBin, '--help'], { stdio: 'ignore' });
}

/** Stops a server with SIGTERM (it snapshots) and resolves with its exit code and stop time. */
export async function stopServer(
  server: ServerChild,
): Promise<{ code: number | null; ms: number }> {
  const startMs = performance.now();
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), stopMsMax);
  const code = await exited(server.child);
  clearTimeout(timer);
  return { code, ms: Math.round(performance.now() - startMs) };
}

/**
 * Node flags of the load generator: a young generation of 64 MB (Node's
 * default is 16 MB) and an old one that starts at 256 MB. The generator
 * stands in for 5,000 clients on machines of their own, and each of its
 * collections holds every one of its sockets at once, adding its pause to
 * every latency it is timing. With a fourth as many young collections, and
 * no full one in a run (it promotes about 1 MB a second; from a small old
 * generation, that came to a full collection every few seconds, 10–20 ms
 * each with their incremental steps), less of the generator's own pauses is
 * counted as the server's (docs/api.md, Benchmark: `generatorGc`).
 */
export const generatorNodeArgs: readonly string[] = [
  '--max-semi-space-size=64',
  '--initial-old-space-size=256',
];

/** Starts the load generator; its messages arrive through the returned child's IPC channel. */
export function startGenerator(): ChildProcess {
  return track(
    spawn(process.execPath, [...generatorNodeArgs, '--import', 'tsx', generatorScript], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
}

/** Kernel clock ticks per second, the unit of CPU times in /proc (100 on nearly every Linux). */
const ticksPerSecond = (() => {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

/** A process's CPU time and memory, as /proc shows them. */
export interface Usage {
  /** User plus system CPU time since the process started, in seconds. */
  cpuSeconds: number;
  /** Resident memory now. */
  rssBytes: number;
  /** Highest resident memory since the process started. */
  rssPeakBytes: number;
}

/** Reads a process's CPU time and memory from /proc (Linux). */
export function readUsage(pid: number): Usage {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: state is
  // field 3, utime field 14 and stime field 15 (proc(5)).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return {
    cpuSeconds: ticks / ticksPerSecond,
    rssBytes: kilobytes('VmRSS') * 1024,
    rssPeakBytes: kilobytes('VmHWM') * 1024,
  };
}
