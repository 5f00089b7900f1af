import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/*
 * The real `lineup serve` for the compat adapters' tests: a child process on
 * a free loopback port over a temp data dir, set up over REST with the
 * operator key. The compat package may import only sdk and protocol (through
 * their indexes), so neither the server nor the SDK's own test helper
 * (packages/sdk/test/server.ts, outside this package) can be imported: the
 * server is a process here too.
 */

/** How long a test waits for something real (a process, an event) before it fails. */
export const waitMsMax = 10_000;

const cliMain = new URL('../../cli/src/main.ts', import.meta.url).pathname;
const operatorKey = 'lo_compat-tests-operator-key-0123456789';

/** A running server and how to set up tenants on it. */
export interface LineupServer {
  url: string;
  /** Sends a REST request with the operator key; resolves with the parsed body, fails on an error status. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Mints a token of a tenant for a role and subject. */
  mint(
    tenantId: string,
    role: 'customer' | 'agent' | 'supervisor',
    subject: string,
  ): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `lineup serve --port 0` and waits until /readyz answers 200. */
export async function startLineup(): Promise<LineupServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lineup-compat-'));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      cliMain,
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--data-dir',
      dataDir,
      '--no-demo',
    ],
    {
      env: { ...process.env, LINEUP_OPERATOR_KEY: operatorKey },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await listeningUrl(child);
    await ready(url);
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${operatorKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return (text === '' ? null : JSON.parse(text)) as T;
    };
    const mint: LineupServer['mint'] = async (tenantId, role, subject) =>
      (await call<{ token: string }>('POST', `/v1/tenants/${tenantId}/tokens`, { role, subject }))
        .token;
    return { url, call, mint, stop };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
}

/** Reads the child's stdout until it says where it listens (other lines are its JSON logs). */
async function listeningUrl(child: ChildProcess): Promise<string> {
  if (child.stdout === null) throw new Error('the server has no stdout');
  const lines = createInterface({ input: child.stdout });
  const timer = setTimeout(() => {
    lines.close();
  }, waitMsMax);
  try {
    for await (const line of lines) {
      const match = /^Lineup is serving on (http:\/\/\S+)/.exec(line);
      if (match?.[1] !== undefined) {
        // Keep draining stdout so that the server's logs never fill the pipe and block it.
        child.stdout.resume();
        return match[1];
      }
    }
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`the server did not say where it listens within ${waitMsMax} ms`);
}

/** Polls /readyz: bounded, 100 tries 50 ms apart. */
async function ready(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(`${url}/readyz`).catch(() => null);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url}/readyz did not answer 200`);
}
