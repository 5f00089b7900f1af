import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll } from 'vitest';
import WebSocket from 'ws';
import type { ClientOptions } from '@lineup/sdk';

/*
 * The real `lineup serve` for every compat adapter's tests (the browser
 * modules and the Node ACD requests alike): a child process on a free
 * loopback port over a temp data dir, set up over REST with the operator key
 * (a tenant's back-end does this part). The compat package may import only
 * sdk and protocol, so neither the server nor the SDK's own test helper can
 * be imported: the server is a process here, and the SDK's clients get the
 * `ws` package's WebSocket, as in Node.
 */

/** How long a test waits for something real (a process, a callback) before it fails. */
export const waitMsMax = 10_000;

const cliMain = new URL('../../cli/src/main.ts', import.meta.url).pathname;
const operatorKey = 'lo_compat-tests-operator-key-0123456789';

/** A running server and how to set up tenants on it. */
export interface LiveServer {
  url: string;
  /** Sends a REST request with the operator key; resolves with the parsed body, fails on an error status. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** The options of an SDK client of a tenant's person: a fresh token and the `ws` WebSocket. */
  clientOptions(
    tenantId: string,
    role: 'customer' | 'agent' | 'supervisor',
    subject: string,
  ): Promise<ClientOptions>;
  stop(): Promise<void>;
}

/**
 * Starts `lineup serve --port 0` without the demo and waits until /readyz
 * answers 200; `settings`, when given, is its settings file (`--config`).
 */
export async function startLiveServer(settings?: object): Promise<LiveServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lineup-compat-'));
  const configArgs: string[] = [];
  if (settings !== undefined) {
    const configFile = join(dataDir, 'lineup.json');
    await writeFile(configFile, JSON.stringify(settings));
    configArgs.push('--config', configFile);
  }
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
      ...configArgs,
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
    await ready(url);
    return {
      url,
      call,
      clientOptions: async (tenantId, role, subject) => {
        const { token } = await call<{ token: string }>('POST', `/v1/tenants/${tenantId}/tokens`, {
          role,
          subject,
        });
        return { url, token, WebSocket };
      },
      stop,
    };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
}

/** A test file's server, and what its tests open, closed after each test. */
export interface LiveServerOfFile {
  /** The server, started before the file's tests. */
  readonly server: LiveServer;
  /** Closes `closable` after the test (the last opened first); returns it. */
  closeAfterTest<T extends { close(): void }>(closable: T): T;
  /** A fresh tenant id for one test: `prefix` and a count. */
  tenantId(prefix: string): string;
}

/** Starts a server before the file's tests and stops it after them; closes what each test opened. */
export function useLiveServer(): LiveServerOfFile {
  let server: LiveServer | null = null;
  const opened: { close(): void }[] = [];
  let tenantCount = 0;
  beforeAll(async () => {
    server = await startLiveServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(() => {
    // Adapters first, then the clients they listen to.
    for (const closable of opened.splice(0).reverse()) closable.close();
  });
  return {
    get server() {
      if (server === null) throw new Error('the server starts before the first test');
      return server;
    },
    closeAfterTest(closable) {
      opened.push(closable);
      return closable;
    },
    tenantId(prefix) {
      tenantCount += 1;
      return `${prefix}${String(tenantCount)}`;
    },
  };
}

/** Reads the child's stdout until it says where it listens, then keeps draining it. */
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

/**
 * What a page heard, in order: every call of its callbacks by name, and a way
 * to wait for the next that matches. Waiting is bounded by `waitMsMax` (a
 * bound on real I/O, not a timing assertion).
 */
export class Heard<Args extends unknown[] = unknown[]> {
  readonly calls: { name: string; args: Args }[] = [];
  readonly #waiters = new Set<() => void>();

  /** A listener that records its calls under `name`. */
  listener(name: string): (...args: Args) => void {
    return (...args: Args) => {
      this.calls.push({ name, args });
      for (const wake of [...this.#waiters]) wake();
    };
  }

  /**
   * The arguments of the first call of `name` that matches, heard before or
   * after this; each call is returned once.
   */
  next(name: string, match: (...args: Args) => boolean = () => true): Promise<Args> {
    return new Promise((resolve, reject) => {
      const look = (): boolean => {
        for (let index = 0; index < this.calls.length; index++) {
          const call = this.calls[index];
          if (call === undefined || call.name !== name || !match(...call.args)) continue;
          this.calls.splice(index, 1);
          resolve(call.args);
          return true;
        }
        return false;
      };
      if (look()) return;
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(new Error(`no matching ${name} within ${waitMsMax} ms; heard ${this.names()}`));
      }, waitMsMax);
      const wake = () => {
        if (!look()) return;
        clearTimeout(timer);
        this.#waiters.delete(wake);
      };
      this.#waiters.add(wake);
    });
  }

  /** The names heard and not yet taken by `next`, for a failure's message. */
  names(): string {
    return this.calls.map((call) => call.name).join(', ');
  }

  /** Whether a call of `name` was heard and not taken. */
  has(name: string): boolean {
    return this.calls.some((call) => call.name === name);
  }
}

/** Records every callback slot of an adapter (CloudRoom's `CRVideo_…Rslt` and notifications). */
export function recordCallbacks(adapter: object): Heard {
  const heard = new Heard();
  for (const [key, value] of Object.entries(adapter)) {
    if (typeof value === 'object' && value !== null && 'callback' in value) {
      (value as { callback: unknown }).callback = heard.listener(key);
    }
  }
  return heard;
}
