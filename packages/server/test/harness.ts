import type { FastifyInstance } from 'fastify';
import { connect, type SocketClient } from './socket-client.ts';
import { Writable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Auth,
  Chat,
  openServerStore,
  type Clock,
  ManualClock,
  ManualScheduler,
  MemoryHost,
  buildApp,
  createMetrics,
  type Host,
  type Metrics,
  type SocketSettings,
  type RequestRates,
  type MemoryHostOptions,
  type SendWebhook,
  type WebhookSettings,
  Webhooks,
  type ServerStore,
  type CallServerSettings,
  type AppOptions,
  type CommandInput,
  serve,
  type RunningServer,
  type ServeOptions,
} from '../src/index.ts';

/*
 * The real server on port 0, spoken to over real HTTP with fetch, on a
 * manual clock: time moves only when a test says so (STYLE.md, Tests).
 */

/** A command as a test writes it, loosely typed: the host validates it as a client's would be. */
export const asCommand = (value: { type: CommandInput['type'] } & Record<string, unknown>) =>
  value as unknown as CommandInput;

/**
 * The enqueueContact of a chat customer joining queue `sales`: contact
 * c<index>, customer u<index>; every `vipEvery`-th one, from the first, a
 * VIP (none when 0). Loosely typed, for asCommand.
 */
export const joiningSales = (index: number, vipEvery = 0) => ({
  type: 'enqueueContact' as const,
  contact: {
    id: `c${index}`,
    queueId: 'sales',
    channel: 'chat',
    customer: { id: `u${index}`, type: vipEvery > 0 && index % vipEvery === 0 ? 'vip' : 'normal' },
  },
});

/**
 * The durable server as `lineup serve` starts it, on port 0 over `dataDir`
 * (no demo, silent log, the test operator key), with `options` on top.
 */
export async function serveOnDisk(
  dataDir: string,
  options: Partial<ServeOptions> = {},
): Promise<RunningServer> {
  const running = await serve({
    port: 0,
    dataDir,
    isDemoCreated: false,
    operatorKey,
    logLevel: 'silent',
    ...options,
  });
  if ('message' in running) throw new Error(running.message);
  return running;
}

/** Monday 2 March 2026, 09:00 UTC. */
export const T0 = 1_772_442_000_000;

/** Request rates no functional test meets. */
const unlimitedRates: RequestRates = {
  perSecond: 1e9,
  burst: 1e9,
  refusedPerSecond: 1e9,
  refusedBurst: 1e9,
};

/** The operator key of every test server: `call` sends it unless told otherwise. */
export const operatorKey = 'lo_test-operator-key-for-lineup-tests';

/** Credentials over a server store in memory, accepting `operatorKey`, on the clock given. */
export function testAuth(clock: Clock): Auth {
  const opened = openServerStore();
  if (!opened.ok) throw new Error(opened.message);
  return Auth.open({ store: opened.store, clock, operatorKey }).auth;
}

/** One response: its status and parsed body (null for an empty one), typed as the test expects. */
export interface Reply<T = unknown> {
  status: number;
  body: T;
  contentType: string | null;
  /** The response's headers. */
  headers: Headers;
}

/** How a test request is sent. */
export interface CallOptions {
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** The credential to send as a bearer; null sends none; default the operator key. */
  as?: string | null;
}

/** A running server and the hands that drive it. */
export interface Server {
  app: FastifyInstance;
  host: MemoryHost;
  auth: Auth;
  clock: ManualClock;
  scheduler: ManualScheduler;
  /** The server's webhooks, over a server store in memory, on the manual clock. */
  webhooks: Webhooks;
  /** The server's metrics on the manual clock, when asked for (`isMetered`), else null. */
  metrics: Metrics | null;
  baseUrl: string;
  /** The server's log lines, parsed. */
  logs: Record<string, unknown>[];
  /**
   * Sends a request; `body` is sent as JSON unless `raw` gives the exact
   * bytes. It authenticates with the operator key unless `as` gives another
   * credential (null: none).
   */
  call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options?: CallOptions,
  ): Promise<Reply<T>>;
  /**
   * Moves the clock forward and runs every timer that fell due, ticks and
   * webhook retries included; waits for the webhook sends they started.
   */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a server on a fresh memory host (or the host `wrap` builds around it). */
export async function startServer(
  options: {
    bodyLimitBytes?: number;
    hostOptions?: MemoryHostOptions;
    wrap?: (host: MemoryHost) => Host;
    /** Serve GET /metrics. */
    isMetered?: boolean;
    /** Settings of the WebSocket API. */
    socket?: Partial<SocketSettings>;
    /** Request rates; default so high that only a test of the limits meets them. */
    requestRates?: Partial<RequestRates>;
    /** Settings of the webhooks. */
    webhooks?: Partial<WebhookSettings>;
    /** How webhook deliveries are sent; default fetch. */
    send?: SendWebhook;
    /** The server store of the records; default one in memory. */
    store?: ServerStore;
    /** The time the clock starts at; default T0. */
    startMs?: number;
    /** Web sites whose pages may call the API (CORS); none by default. */
    corsOrigins?: string[];
    /** Settings of calls (ring time, limits, TURN); recordings go under the files folder. */
    calls?: Partial<CallServerSettings>;
    /** The web chat's robot and settings (docs/compat.md). */
    webChat?: AppOptions['webChat'];
  } = {},
): Promise<Server> {
  const clock = new ManualClock(options.startMs ?? T0);
  const scheduler = new ManualScheduler(clock);
  const host = new MemoryHost({ clock, scheduler, ...options.hostOptions });
  const logs: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const metrics = options.isMetered === true ? createMetrics({ host, clock }) : null;
  const opened = openServerStore();
  if (!opened.ok) throw new Error(opened.message);
  const auth = Auth.open({ store: opened.store, clock, operatorKey }).auth;
  const filesDir = await mkdtemp(join(tmpdir(), 'lineup-files-'));
  const chat = new Chat({ store: opened.store, host, clock, filesDir });
  const webhooks = Webhooks.open({
    store: opened.store,
    host,
    clock,
    scheduler,
    ...(options.webhooks === undefined ? {} : { settings: options.webhooks }),
    ...(options.send === undefined ? {} : { send: options.send }),
  });
  const app = buildApp({
    auth,
    chat,
    webhooks,
    clock,
    scheduler,
    ...(options.socket === undefined ? {} : { socket: options.socket }),
    requestRates: options.requestRates ?? unlimitedRates,
    ...(options.store === undefined ? {} : { store: options.store }),
    host: options.wrap === undefined ? host : options.wrap(host),
    ...(metrics === null ? {} : { metrics }),
    logger: { level: 'info', stream },
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    ...(options.corsOrigins === undefined ? {} : { corsOrigins: options.corsOrigins }),
    calls: {
      recordingsDir: join(filesDir, 'recordings'),
      ...(options.calls === undefined ? {} : { settings: options.calls }),
    },
    ...(options.webChat === undefined ? {} : { webChat: options.webChat }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    app,
    host,
    auth,
    clock,
    scheduler,
    webhooks,
    metrics,
    baseUrl,
    logs,
    async call<T>(
      method: string,
      path: string,
      body?: unknown,
      callOptions: CallOptions = {},
    ): Promise<Reply<T>> {
      const payload = callOptions.raw ?? (body === undefined ? undefined : JSON.stringify(body));
      const credential = callOptions.as === undefined ? operatorKey : callOptions.as;
      const headers: Record<string, string> = {
        ...(credential === null ? {} : { authorization: `Bearer ${credential}` }),
        ...callOptions.headers,
      };
      if (payload !== undefined)
        headers['content-type'] = callOptions.contentType ?? 'application/json';
      const response = await fetch(baseUrl + path, {
        method,
        headers,
        ...(payload === undefined ? {} : { body: payload }),
      });
      const text = await response.text();
      const contentType = response.headers.get('content-type');
      return {
        status: response.status,
        // The test names the shape it expects; its assertions check it.
        body: (text === '' ? null : contentType?.includes('json') ? JSON.parse(text) : text) as T,
        contentType,
        headers: response.headers,
      };
    },
    async advance(ms) {
      clock.advanceMs(ms);
      // A tick may arm a timer that is due already: fire until none is.
      while (scheduler.fireDue() > 0) {
        await host.drain();
        await webhooks.settled();
      }
      await host.drain();
      await webhooks.settled();
    },
    async close() {
      await app.close();
      await host.close();
      await webhooks.close();
      await opened.store.close();
      await rm(filesDir, { recursive: true, force: true });
    },
  };
}

/** Body of a new queue with the settings given. */
export const queue = (id: string, settings: Record<string, unknown> = {}) => ({
  id,
  name: `Queue ${id}`,
  ...settings,
});

/** Body of a new agent serving the queues given, each with priority 0 unless given. */
export const agent = (id: string, queues: (string | [string, number])[] = []) => ({
  id,
  name: `Agent ${id}`,
  memberships: queues.map((entry) =>
    typeof entry === 'string'
      ? { queueId: entry, priority: 0 }
      : { queueId: entry[0], priority: entry[1] },
  ),
});

/** Body of a new contact. */
export const contact = (
  id: string,
  queueId: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id,
  queueId,
  channel: 'voice',
  customer: { id: `customer-${id}`, type: 'normal', number: '+4930123456' },
  ...extra,
});

/** Sends requests in order and fails with the response when one is not a success. */
export async function setUp(
  server: Server,
  steps: [method: string, path: string, body?: unknown][],
): Promise<void> {
  for (const [method, path, body] of steps) {
    const reply = await server.call(method, path, body);
    if (reply.status >= 300)
      throw new Error(`${method} ${path} → ${reply.status} ${JSON.stringify(reply.body)}`);
  }
}

/** Mints a token of a tenant's person over REST with the operator key; throws on a refusal. */
export async function mintToken(
  server: Server,
  tenantId: string,
  role: string,
  subject: string,
): Promise<string> {
  const reply = await server.call<{ token: string }>('POST', `/v1/tenants/${tenantId}/tokens`, {
    role,
    subject,
  });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  return reply.body.token;
}

/**
 * Mints a token for a tenant's person and connects a socket with it; the
 * client is added to `clients`, which the test closes after it.
 */
export async function connectAs(
  server: Server,
  tenantId: string,
  role: string,
  subject: string,
  clients: SocketClient[],
) {
  const token = await mintToken(server, tenantId, role, subject);
  const opened = await connect(server.baseUrl, token);
  clients.push(opened.client);
  return { ...opened, token };
}
