import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import {
  commitThreadNice as commitThreadNicePreferred,
  niceMax,
  openSqliteJournal,
  ownThreadNice,
  serverThreadNiceDefault,
  setOwnThreadNice,
} from '@lineup/journal';
import { Scope, asTenantId, type Role, type TenantId } from '@lineup/protocol';
import { buildApp, type RequestRates } from './app.ts';
import type { SocketSettings } from './socket-hub.ts';
import type { CallServerSettings } from './calls/setup.ts';
import { Auth, operatorKeyPattern } from './auth.ts';
import { Chat } from './chat.ts';
import { loadFaqRobot } from './compat/robot.ts';
import type { WebChatSettings } from './compat/web-chat.ts';
import { openServerStore } from './store.ts';
import { SystemScheduler, systemClock } from './clock.ts';
import { EngineHost, type EngineHostOptions } from './engine-host.ts';
import { SnapshotThread, snapshotThreadPollEveryMsDefault } from './snapshot-thread.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import type { CommandInput } from './host.ts';
import { Webhooks } from './webhooks.ts';
import { heapGrowthPercentDefault, setHeapGrowthPercent } from './heap-growth.ts';

/*
 * `lineup serve`: the durable server on one port. It opens the SQLite journal
 * under the data dir, resumes every tenant from it (snapshot plus the events
 * after it), and serves the REST API. On the first start, unless told not to,
 * it creates a demo tenant so that a new user has a contact center at once.
 * Stopping (SIGTERM, SIGINT) stops taking work, lets commands under way
 * become durable, snapshots every tenant, lets webhook sends under way end
 * (pending deliveries resume on the next start) and closes the journal.
 */

/** Where and how the server runs. */
export interface ServeOptions {
  port: number;
  /** Interface to listen on; default 127.0.0.1 (loopback). */
  listenHost?: string;
  /** Folder of the journal; created when missing. */
  dataDir: string;
  /** Create the demo tenant on the first start; default true. */
  isDemoCreated?: boolean;
  /**
   * The operator key to accept (LINEUP_OPERATOR_KEY): replaces the stored
   * one. Without it, a first start mints one and reports it once.
   */
  operatorKey?: string;
  /** Largest request body; default bodyLimitBytesDefault. */
  bodyLimitBytes?: number;
  /** Web sites whose pages may call the API from a browser (docs/api.md, Settings); none by default. */
  corsOrigins?: readonly string[];
  /** REST request rates per caller; each has a default. */
  requestRates?: Partial<RequestRates>;
  /** Settings of the WebSocket API; each has a default. */
  socket?: Partial<SocketSettings>;
  /**
   * How often each tenant's engine is snapshotted, and whether on a thread of
   * its own (SnapshotThread; default true: off, the server's thread
   * serializes them itself) (docs/api.md, Settings); each has a default.
   */
  journal?: Pick<EngineHostOptions, 'snapshotEveryEntries' | 'snapshotEveryMs'> & {
    snapshotThread?: boolean;
    /** How long a command waits for others to share its commit (JournalOptions.commitWindowMs). */
    commitWindowMs?: number;
  };
  /** The built web apps to serve (packages/web/dist); none without it. */
  webDirectory?: string;
  /** Settings of calls: ring time, limits, STUN and TURN (docs/calls.md); each has a default. */
  calls?: Partial<CallServerSettings>;
  /** The web chat's robot FAQ file (none: no robot) and settings (docs/compat.md). */
  webChat?: { faqFile?: string } & Partial<WebChatSettings>;
  /**
   * How far the heap grows between full garbage collections, in percent of
   * the live heap, for the whole process (setHeapGrowthPercent); default
   * heapGrowthPercentDefault, 0 leaves it to V8.
   */
  heapGrowthPercent?: number;
  /**
   * The nice value the calling thread (the server's event loop) asks for,
   * where the system allows it (setOwnThreadNice): from one above the
   * journal's commit thread's (which stays ahead of it) to 19; default
   * serverThreadNiceDefault, null leaves the thread's priority as it is.
   */
  serverThreadNice?: number | null;
  /** Log level of the server's JSON log; default info. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
}

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  /** The demo tenant when it was created by this start, else null. */
  demoTenantId: TenantId | null;
  /** The operator key minted by this start (the first), shown this once; else null. */
  mintedOperatorKey: string | null;
  /** An admin API key of the demo tenant when this start created it, shown this once; else null. */
  demoAdminKey: string | null;
  /**
   * Mints a token for one person of a tenant, as POST …/tokens would: for
   * the sign-in links `lineup serve` prints for the demo's web apps.
   */
  mintToken(
    tenantId: TenantId,
    role: Role,
    subject: string,
    ttlSeconds: number,
  ): Promise<{ token: string; expiresAtMs: number }>;
  app: FastifyInstance;
  host: EngineHost;
  /** Stops taking work, flushes, snapshots and closes the journal. */
  close(): Promise<void>;
}

/** A refusal to start, as a value: a user's mistake, not a bug. */
export interface ServeRefusal {
  message: string;
}

/** The tenant created on the first start. */
export const demoTenantId = asTenantId('demo');

/** Starts the durable server, or says why it cannot. */
export async function serve(options: ServeOptions): Promise<RunningServer | ServeRefusal> {
  const startMs = performance.now();
  // The metrics read the host, which needs the journal first: until they exist (while the
  // host replays, which only reads) there is no commit to miss.
  if (options.operatorKey !== undefined && !operatorKeyPattern.test(options.operatorKey)) {
    return {
      message:
        'The operator key must be lo_ followed by at least 24 letters, digits, _ or -; ' +
        'generate one, e.g. lo_$(openssl rand -hex 24).',
    };
  }
  const heapGrowthPercent = options.heapGrowthPercent ?? heapGrowthPercentDefault;
  const wantedThreadNice =
    options.serverThreadNice === undefined ? serverThreadNiceDefault : options.serverThreadNice;
  // Checked before the heap growth is applied: a refused start changes nothing.
  if (
    wantedThreadNice !== null &&
    !(
      Number.isInteger(wantedThreadNice) &&
      wantedThreadNice > commitThreadNicePreferred &&
      wantedThreadNice <= niceMax
    )
  ) {
    return {
      message: `serverThreadNice is a whole number from ${commitThreadNicePreferred + 1} to ${niceMax} (the journal's commit thread runs at ${commitThreadNicePreferred}, ahead of it), or null; got ${wantedThreadNice}.`,
    };
  }
  let serverThreadNice: number | null;
  try {
    // Before the recovery, whose engines make most of what the heap holds.
    setHeapGrowthPercent(heapGrowthPercent);
    serverThreadNice =
      wantedThreadNice === null ? ownThreadNice() : setOwnThreadNice(wantedThreadNice);
  } catch (error: unknown) {
    if (error instanceof RangeError) return { message: error.message };
    throw error;
  }
  const { faqFile, ...webChatSettings } = options.webChat ?? {};
  const loaded = faqFile === undefined ? null : loadFaqRobot(faqFile);
  if (loaded !== null && !loaded.ok) {
    return { message: `Cannot use the FAQ file ${faqFile ?? ''}: ${loaded.message}.` };
  }
  let metrics: Metrics | null = null;
  /** The nice value the journal's commit thread reports as it starts (null: none on this system). */
  let reportCommitThreadNice: (nice: number | null) => void = () => undefined;
  // The executor runs at once: reportCommitThreadNice is the promise's resolve from here on.
  const commitThreadNice = new Promise<number | null>((resolve) => {
    reportCommitThreadNice = resolve;
  });
  const {
    snapshotThread: isSnapshotThreadOn = true,
    commitWindowMs,
    ...snapshotSchedule
  } = options.journal ?? {};
  const opened = openSqliteJournal({
    dataDir: options.dataDir,
    ...(commitWindowMs === undefined ? {} : { commitWindowMs }),
    onCommit: (report) => metrics?.observeCommit(report),
    onCommitThreadNice: reportCommitThreadNice,
  });
  if (!opened.ok)
    return { message: `Cannot open the journal in ${options.dataDir}: ${opened.refusal.message}` };
  const storeOpened = openServerStore({ dataDir: options.dataDir });
  if (!storeOpened.ok) {
    await opened.journal.close();
    return {
      message: `Cannot open the server store in ${options.dataDir}: ${storeOpened.message}`,
    };
  }
  const { store } = storeOpened;
  const { auth, mintedOperatorKey } = Auth.open({
    store,
    clock: systemClock,
    ...(options.operatorKey === undefined ? {} : { operatorKey: options.operatorKey }),
  });
  const host = await EngineHost.open({ ...snapshotSchedule, journal: opened.journal });
  const serverMetrics = createMetrics({ host });
  metrics = serverMetrics;
  void commitThreadNice.then((nice) => {
    if (nice !== null) serverMetrics.observeCommitThreadNice(nice);
  });
  if (serverThreadNice !== null) serverMetrics.observeServerThreadNice(serverThreadNice);
  const isFirstStart = host.tenantCount() === 0;
  const chat = new Chat({
    store,
    host,
    clock: systemClock,
    filesDir: join(options.dataDir, 'files'),
  });
  // After the host resumed its tenants, so that it listens to each one; pending deliveries resume.
  const webhooks = Webhooks.open({
    store,
    host,
    journal: opened.journal,
    clock: systemClock,
    scheduler: new SystemScheduler(systemClock),
  });
  const app = buildApp({
    host,
    auth,
    chat,
    metrics,
    webhooks,
    store,
    journal: opened.journal,
    logger: { level: options.logLevel ?? 'info' },
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    ...(options.corsOrigins === undefined ? {} : { corsOrigins: options.corsOrigins }),
    ...(options.requestRates === undefined ? {} : { requestRates: options.requestRates }),
    ...(options.socket === undefined ? {} : { socket: options.socket }),
    ...(options.webDirectory === undefined ? {} : { webDirectory: options.webDirectory }),
    calls: {
      recordingsDir: join(options.dataDir, 'recordings'),
      ...(options.calls === undefined ? {} : { settings: options.calls }),
    },
    webChat: { robot: loaded?.robot ?? null, settings: webChatSettings },
  });
  for (const [who, caughtUp] of [
    ['webhooks', webhooks.caughtUp],
    ['records', app.records.caughtUp()],
  ] as const) {
    caughtUp.catch((error: unknown) => {
      app.log.error({ err: error }, `the ${who} could not read the journal after their cursor`);
    });
  }
  try {
    await app.listen({ port: options.port, host: options.listenHost ?? '127.0.0.1' });
  } catch (error: unknown) {
    await host.close();
    await webhooks.close();
    await store.close();
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    if (code === 'EADDRINUSE')
      return { message: `Port ${options.port} is in use; choose another with --port.` };
    throw error;
  }
  const demo = isFirstStart && options.isDemoCreated !== false ? await createDemo(host) : null;
  // The demo tenant is created beside the API's route: its records start now.
  app.records.trackAll();
  app.queueSamples.followAll();
  const demoKey = demo === null ? null : auth.createKey(demo, 'demo admin', [Scope.admin]);
  if (demoKey !== null && 'code' in demoKey) throw new Error(`demo: ${demoKey.message}`);
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const url = `http://${options.listenHost ?? '127.0.0.1'}:${port}`;
  // How long a start took, the recovery of every tenant included (DESIGN.md §4: < 2 s).
  app.log.info(
    {
      url,
      tenants: host.tenantCount(),
      durationMs: Math.round(performance.now() - startMs),
      heapGrowthPercent,
      serverThreadNice,
    },
    'serving',
  );
  if (wantedThreadNice !== null && serverThreadNice !== null && serverThreadNice > wantedThreadNice)
    logPriorityNotRaised(app.log, "the server's thread", serverThreadNice, wantedThreadNice);
  void commitThreadNice.then((nice) => {
    logCommitThreadNice(app.log, nice);
  });
  // Started once serving: the thread rebuilds every tenant's engine on the other core meanwhile.
  const snapshotThread = isSnapshotThreadOn
    ? startSnapshotThread(host, options.dataDir, app.log)
    : null;
  let closing: Promise<void> | null = null;
  return {
    url,
    demoTenantId: demo,
    mintedOperatorKey,
    demoAdminKey: demoKey?.key ?? null,
    mintToken: (tenantId, role, subject, ttlSeconds) =>
      auth.mintToken(tenantId, role, subject, ttlSeconds),
    app,
    host,
    close: () => {
      closing ??= (async () => {
        await app.close();
        await snapshotThread?.close();
        // The journal stays open until the webhooks and records have read what they missed.
        await Promise.all(
          [webhooks.caughtUp, app.records.caughtUp()].map((p) => p.catch(() => undefined)),
        );
        // The host's last events still reach the outbox; then the sends under way end.
        await host.close();
        await webhooks.close();
        await store.close();
      })();
      return closing;
    },
  };
}

/**
 * Starts the thread that snapshots the tenants (SnapshotThread), on the
 * host's schedule: the host hands its snapshots over once the thread runs,
 * and takes them back if it fails.
 */
function startSnapshotThread(
  host: EngineHost,
  dataDir: string,
  log: FastifyBaseLogger,
): SnapshotThread | null {
  return SnapshotThread.start(
    {
      dataDir,
      engine: {},
      ...host.snapshotSchedule(),
      pollEveryMs: snapshotThreadPollEveryMsDefault,
    },
    {
      onReady: () => {
        host.handSnapshotsOver();
        log.info('the snapshot thread takes the snapshots');
      },
      onSnapshot: (tenantId, seq, snapshotJson) => {
        host.saveSnapshotJson(tenantId, seq, snapshotJson).catch((error: unknown) => {
          log.error({ err: error, tenantId, seq }, 'a snapshot from the snapshot thread failed');
        });
      },
      onFailed: (error) => {
        host.takeSnapshotsBack();
        log.warn(
          { err: error },
          'the snapshot thread stopped; the main thread takes the snapshots',
        );
      },
    },
  );
}

/** Says at which priority the journal's commit thread runs, and how to raise it where it could not. */
function logCommitThreadNice(log: FastifyBaseLogger, nice: number | null): void {
  if (nice === null) return;
  if (nice <= commitThreadNicePreferred) {
    log.info({ nice }, "the journal's commit thread runs ahead of the server's thread");
    return;
  }
  logPriorityNotRaised(log, "the journal's commit thread", nice, commitThreadNicePreferred);
}

/** Says that a thread runs at the process's priority, not the one it asked for, and how to allow it. */
function logPriorityNotRaised(
  log: FastifyBaseLogger,
  thread: string,
  nice: number,
  wanted: number,
): void {
  log.info(
    { nice, wanted },
    `${thread} runs at the process's priority: raising it takes root, CAP_SYS_NICE or LimitNICE=-10 (docs/api.md)`,
  );
}

/** The demo contact center: two queues, four agents, all through the same commands as the API. */
async function createDemo(host: EngineHost): Promise<TenantId> {
  await host.createTenant(demoTenantId);
  const commands: Record<string, unknown>[] = [
    {
      type: 'createQueue',
      queue: { id: 'sales', name: 'Sales', channels: ['voice', 'video', 'chat'], priority: 1 },
    },
    {
      type: 'createQueue',
      queue: {
        id: 'support',
        name: 'Support',
        channels: ['voice', 'video', 'chat'],
        wrapUpMs: 10_000,
      },
    },
    ...[
      [
        'ada',
        'Ada',
        [
          ['sales', 2],
          ['support', 1],
        ],
      ],
      ['bo', 'Bo', [['sales', 1]]],
      ['chen', 'Chen', [['support', 2]]],
      [
        'dana',
        'Dana',
        [
          ['support', 1],
          ['sales', 0],
        ],
      ],
    ].map(([id, name, queues]) => ({
      type: 'createAgent',
      agent: {
        id,
        name,
        memberships: (queues as [string, number][]).map(([queueId, priority]) => ({
          queueId,
          priority,
        })),
      },
    })),
  ];
  for (const command of commands) {
    const outcome = await host.submit(demoTenantId, command as unknown as CommandInput);
    if (outcome.rejection !== null) throw new Error(`demo: ${outcome.rejection.message}`);
  }
  return demoTenantId;
}
