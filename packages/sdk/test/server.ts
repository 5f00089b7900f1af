import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import type { ClientEvents, LineupClient, WebSocketConstructor } from '@lineup/sdk';

/*
 * The real `lineup serve` for the SDK's tests: a child process on a free
 * loopback port over a temp data dir, driven over REST with the operator key
 * for set-up (the SDK is a client; the tenant's back-end does this part).
 * The SDK package may import only protocol, so the server is a process here,
 * never an import.
 */

/** How long a test waits for something real (a process, a message) before it fails. */
export const waitMsMax = 10_000;

const cliMain = new URL('../../cli/src/main.ts', import.meta.url).pathname;
const operatorKey = 'lo_sdk-tests-operator-key-0123456789';

/** A running server and how to set up tenants on it. */
export interface TestServer {
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
export async function startServer(): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lineup-sdk-'));
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
    await stopChild(child);
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
    return {
      url,
      call,
      mint: async (tenantId, role, subject) =>
        (
          await call<{ token: string }>('POST', `/v1/tenants/${tenantId}/tokens`, {
            role,
            subject,
          })
        ).token,
      stop,
    };
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

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  child.kill('SIGKILL');
  await exited;
}

/**
 * A network between one client and the server that a test can cut: the
 * sockets it made are terminated without a close handshake (what a dropped
 * Wi-Fi does), and while it is down new sockets go to a closed loopback port
 * and fail, so the client keeps retrying until the test restores it.
 */
export class Network {
  #isDown = false;
  readonly #sockets = new Set<WebSocket>();
  /** Texts the client sent, in order, on every socket. */
  readonly sent: string[] = [];
  /** Drops the sockets right after the client sends a text that matches (then forgets it). */
  dropAfter: ((text: string) => boolean) | null = null;
  /** The constructor to pass as the client's WebSocket option. */
  readonly WebSocket: WebSocketConstructor;

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the class below reads this network's state.
    const network = this;
    this.WebSocket = class extends WebSocket {
      constructor(url: string) {
        super(network.#isDown ? 'ws://127.0.0.1:9/v1/ws' : url);
        if (!network.#isDown) network.#sockets.add(this);
      }

      override send(data: string): void {
        network.sent.push(data);
        super.send(data);
        if (network.dropAfter?.(data) === true) {
          network.dropAfter = null;
          network.drop();
        }
      }
    };
  }

  /** Drops every socket now and refuses new ones until `restore`. */
  cut(): void {
    this.#isDown = true;
    this.drop();
  }

  /** Drops every socket now; new ones connect. */
  drop(): void {
    for (const socket of this.#sockets) socket.terminate();
    this.#sockets.clear();
  }

  restore(): void {
    this.#isDown = false;
  }
}

/**
 * Resolves with the arguments of the first `name` that matches, heard from
 * now on; fails after `waitMsMax` (a bound on real I/O, not a timing assertion).
 */
export function next<E extends Partial<ClientEvents>, K extends keyof E & keyof ClientEvents>(
  client: LineupClient<E>,
  name: K,
  match: (...args: ClientEvents[K]) => boolean = () => true,
): Promise<ClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no matching ${name} within ${waitMsMax} ms`));
    }, waitMsMax);
    const stop = client.on(name, (...args) => {
      if (!match(...args)) return;
      stop();
      clearTimeout(timer);
      resolve(args);
    });
  });
}
