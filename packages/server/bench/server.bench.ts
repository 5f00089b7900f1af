/*
 * The server on loopback under load (DESIGN.md §4).
 *
 * Budget on the 2-core machine: p99 from a customer's enqueue to the agent's
 * offer on its WebSocket < 10 ms at 1,000 contacts/s with 5,000 connected
 * clients; a restart with 100,000 waiting contacts serves again in < 2 s.
 *
 * Three processes: this one (the conductor), the real durable server
 * (`lineup serve` as users run it, bundled: SQLite journal in a fresh temp
 * data dir, port 0, 127.0.0.1, the operator key in LINEUP_OPERATOR_KEY, a
 * settings file lifting the request rate), and the load generator
 * (load-generator.ts). The conductor creates a tenant with queues and agents
 * over REST with the operator key, mints a token per agent and per customer,
 * and hands them to the generator, which opens one socket each: half the
 * clients are agents (each serving two of the queues), half customers. The
 * customers join queues at the paced rate; every agent accepts each offer
 * and completes the contact after handleMs, chosen so that at most half of
 * the agents are busy at once and every offer can happen at once.
 *
 * First a warm-up of --warm-up seconds (5) at the same rate, while V8
 * compiles the server's hot paths: its latencies are reported apart, as
 * `warmUp`. Then measured over the load window (from the warm-up's last
 * offer to the drain of the window's last offer): the latency from the customer's send of enqueueContact to
 * the agent's socket receiving offerCreated (both in the generator, one
 * clock); the server's CPU and memory from /proc; the journal's commit
 * p99 from the difference of two scrapes of /metrics
 * (lineup_journal_commit_duration_seconds, interpolated in its buckets).
 * Then the restart phase (restart.ts).
 *
 * Every loop is bounded in count and time; every child is killed at the end,
 * also on failure. Nothing listens beyond loopback.
 *
 * Run: npm run bench -w packages/server; for one JSON object on stdout
 * (progress on stderr): npm run -s bench -w packages/server -- --json.
 * Smaller: -- --clients 200 --rate 100 --seconds 10 --warm-up 2 --restart-contacts 10000.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { socketSettingsDefault } from '../src/socket-hub.ts';
import {
  generatorNodeArgs,
  killChildren,
  readUsage,
  startGenerator,
  prepareLineup,
  startLineupServe,
  stopServer,
  type ServerChild,
  type Usage,
} from './children.ts';
import { expectStatus, pool } from './http.ts';
import type { Credential, GeneratorMessage, LoadPlan, LoadReport } from './load.ts';
import {
  collectionKinds,
  collectionsOf,
  eventLoopDelayOf,
  histogramOf,
  histogramSince,
  valueOf,
  quantileOfHistogram,
  type CollectionKind,
  type Collections,
  type Histogram,
  scrape,
} from './metrics-text.ts';
import { measureRestart, type RestartResult } from './restart.ts';

const tenantId = 'bench';
const queueCount = 10;
/** REST requests in flight at once while setting up. */
const setupConcurrency = 32;
/** Lifetime of the minted tokens: longer than any run. */
const tokenTtlSeconds = 3_600;
/** Longest handling time, and the share of agents busy at the planned rate. */
const handleMsMax = 1_000;
const busyShare = 0.5;
/** Longest time the generator may take beyond its planned seconds (connect, drain). */
const generatorExtraMsMax = 300_000;
const commitDurationMetric = 'lineup_journal_commit_duration_seconds';

const budget = { p99MsMax: 10, restartMsMax: 2_000 };

const { values: flags } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    clients: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '60' },
    'warm-up': { type: 'string', default: '5' },
    'restart-contacts': { type: 'string', default: '100000' },
  },
});

/** A whole-number flag within bounds, or the bench refuses to start. */
function integerFlag(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`--${name} must be a whole number from ${min} to ${max}; got ${text}`);
  return value;
}

const clients = integerFlag('clients', flags.clients, 2, socketSettingsDefault.socketsPerTenantMax);
const ratePerSecond = integerFlag('rate', flags.rate, 1, 10_000);
const seconds = integerFlag('seconds', flags.seconds, 1, 600);
const warmUpSeconds = integerFlag('warm-up', flags['warm-up'], 0, 60);
const restartContacts = integerFlag('restart-contacts', flags['restart-contacts'], 10, 500_000);
const agentCount = Math.floor(clients / 2);
const customerCount = clients - agentCount;
const handleMs = Math.min(
  handleMsMax,
  Math.floor(((agentCount * busyShare) / ratePerSecond) * 1000),
);
// A socket may send messagesPerSecond on average: a customer sends one enqueue each time
// its turn comes, an agent two commands (accept, complete) per contact. Keep both at half.
const socketRateMax = socketSettingsDefault.messagesPerSecond / 2;
if (
  ratePerSecond / customerCount > socketRateMax ||
  (2 * ratePerSecond) / agentCount > socketRateMax
)
  throw new Error(
    `--rate ${ratePerSecond} needs at least ${Math.ceil((4 * ratePerSecond) / socketRateMax)} clients ` +
      'to stay within the sockets’ rate limit',
  );

const isJson = flags.json;
const progress = (message: string): void => {
  process.stderr.write(`server bench: ${message}\n`);
};

/** Creates the tenant, its queues and agents, and mints a token for every client. */
async function setUp(
  url: string,
  operatorKey: string,
): Promise<{ queueIds: string[]; agents: Credential[]; customers: Credential[] }> {
  const post = (path: string, body: unknown) =>
    expectStatus(201, url, 'POST', path, operatorKey, body);
  const base = `/v1/tenants/${tenantId}`;
  await post('/v1/tenants', { id: tenantId });
  const queueIds = Array.from({ length: queueCount }, (_, q) => `q${q}`);
  for (const id of queueIds) await post(`${base}/queues`, { id, name: id, channels: ['voice'] });
  progress(`creating ${agentCount} agents`);
  await pool(agentCount, setupConcurrency, (a) =>
    post(`${base}/agents`, {
      id: `a${a}`,
      name: `Agent ${a}`,
      memberships: [a, a + 1].map((q) => ({ queueId: `q${q % queueCount}`, priority: 1 })),
    }),
  );
  progress(`minting ${clients} tokens`);
  const mint = (role: 'agent' | 'customer', subject: string) =>
    post(`${base}/tokens`, { role, subject, ttlSeconds: tokenTtlSeconds }).then((body) => ({
      subject,
      token: (body as { token: string }).token,
    }));
  const agents = await pool(agentCount, setupConcurrency, (a) => mint('agent', `a${a}`));
  const customers = await pool(customerCount, setupConcurrency, (c) => mint('customer', `k${c}`));
  return { queueIds, agents, customers };
}

/** The server's state at one end of the load window. */
interface Sample {
  atMs: number;
  usage: Usage;
  commits: Histogram;
  collections: Record<CollectionKind, Collections>;
  /** In ms, since the scrape before: at the end of the window, the window's. */
  eventLoopDelay: ReturnType<typeof eventLoopDelayOf>;
  /** The nice value of the journal's commit thread (null: not reported, not Linux). */
  commitThreadNice: number | null;
  /** The nice value of the server's own thread (null: not reported, not Linux). */
  serverThreadNice: number | null;
}

async function sample(server: ServerChild, operatorKey: string): Promise<Sample> {
  const atMs = performance.now();
  const usage = readUsage(server.pid);
  const text = await scrape(server.url, operatorKey);
  return {
    atMs,
    usage,
    commits: histogramOf(text, commitDurationMetric),
    collections: collectionsOf(text),
    eventLoopDelay: eventLoopDelayOf(text),
    commitThreadNice: valueOf(text, 'lineup_journal_commit_thread_nice'),
    serverThreadNice: valueOf(text, 'lineup_server_thread_nice'),
  };
}

/** Runs the generator on the plan; resolves with its report and the server's samples around the load. */
function runGenerator(
  server: ServerChild,
  operatorKey: string,
  plan: LoadPlan,
): Promise<{ report: LoadReport; before: Sample; after: Sample }> {
  const generator = startGenerator();
  return new Promise((resolve, reject) => {
    let before: Promise<Sample> | null = null;
    let after: Promise<Sample> | null = null;
    let isReported = false;
    const timer = setTimeout(
      () => {
        reject(new Error('bench: the load generator took too long'));
      },
      (plan.warmUpSeconds + plan.seconds) * 1000 + generatorExtraMsMax,
    );
    generator.on('message', (message: GeneratorMessage) => {
      if (message.type === 'phase' && message.phase === 'measuring') {
        before = sample(server, operatorKey);
        // Marked handled here; Promise.all below still sees a failure.
        before.catch(() => undefined);
        return;
      }
      if (message.type === 'phase') {
        after = sample(server, operatorKey);
        after.catch(() => undefined);
        return;
      }
      clearTimeout(timer);
      isReported = true;
      if (before === null || after === null) {
        reject(new Error('bench: a report before its phases'));
        return;
      }
      // The samples may still be reading a busy server's /metrics when the report arrives.
      Promise.all([before, after]).then(([first, last]) => {
        resolve({ report: message.report, before: first, after: last });
      }, reject);
    });
    // 'close' comes after the IPC channel is closed, so every message sent has arrived by then.
    generator.once('close', (code) => {
      clearTimeout(timer);
      if (!isReported)
        reject(new Error(`bench: the load generator exited (${String(code)}) before its report`));
    });
    generator.send(plan);
  });
}

interface LoadResult {
  report: LoadReport;
  commitP50Ms: number;
  commitP99Ms: number;
  commits: number;
  commitThreadNice: number | null;
  serverThreadNice: number | null;
  serverCpuPercent: number;
  serverRssMb: number;
  serverRssPeakMb: number;
  serverEventLoopDelayMs: ReturnType<typeof eventLoopDelayOf>;
  serverGc: Record<CollectionKind, { count: number; totalMs: number; meanMs: number }>;
}

/** The server's garbage collections in the window, by kind: how many, their time in all and on average. */
function collectionsSince(before: Sample, after: Sample): LoadResult['serverGc'] {
  const of = (kind: CollectionKind) => {
    const count = after.collections[kind].count - before.collections[kind].count;
    const totalMs = (after.collections[kind].seconds - before.collections[kind].seconds) * 1000;
    return { count, totalMs: round2(totalMs), meanMs: count === 0 ? 0 : round2(totalMs / count) };
  };
  return Object.fromEntries(
    collectionKinds.map((kind) => [kind, of(kind)]),
  ) as LoadResult['serverGc'];
}

async function measureLoad(operatorKey: string): Promise<LoadResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lineup-bench-load-'));
  try {
    prepareLineup();
    const server = await startLineupServe(dataDir, operatorKey);
    progress(`server listening at ${server.url}`);
    const { queueIds, agents, customers } = await setUp(server.url, operatorKey);
    progress(
      `load: ${agentCount} agents, ${customerCount} customers, ${ratePerSecond}/s for ${warmUpSeconds} s of warm-up and ${seconds} s measured, handling ${handleMs} ms`,
    );
    const { report, before, after } = await runGenerator(server, operatorKey, {
      url: server.url,
      tenantId,
      queueIds,
      agents,
      customers,
      ratePerSecond,
      warmUpSeconds,
      seconds,
      handleMs,
    });
    await stopServer(server);
    const commits = histogramSince(before.commits, after.commits);
    const wallSeconds = (after.atMs - before.atMs) / 1000;
    const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);
    return {
      report,
      commitP50Ms: round2(quantileOfHistogram(commits, 0.5) * 1000),
      commitP99Ms: round2(quantileOfHistogram(commits, 0.99) * 1000),
      commits: commits.count,
      commitThreadNice: after.commitThreadNice,
      serverThreadNice: after.serverThreadNice,
      serverCpuPercent: Math.round(
        ((after.usage.cpuSeconds - before.usage.cpuSeconds) / wallSeconds) * 100,
      ),
      serverRssMb: megabytes(after.usage.rssBytes),
      serverRssPeakMb: megabytes(after.usage.rssPeakBytes),
      serverEventLoopDelayMs: after.eventLoopDelay,
      serverGc: collectionsSince(before, after),
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function output(load: LoadResult, restart: RestartResult, loadAverage: number[]): void {
  const { report } = load;
  const errorCount =
    report.errors.connect +
    report.errors.closed +
    report.errors.missingOffers +
    Object.values(report.errors.refusals).reduce((sum, count) => sum + count, 0);
  const result = {
    benchmark: 'server',
    clients,
    agents: agentCount,
    customers: customerCount,
    queues: queueCount,
    seconds,
    warmUpSeconds,
    handleMs,
    targetEnqueuesPerSecond: ratePerSecond,
    enqueuesPerSecond: report.enqueuesPerSecond,
    enqueuesSent: report.enqueuesSent,
    offersObserved: report.offersObserved,
    p50Ms: report.latencyMs.p50,
    p90Ms: report.latencyMs.p90,
    p99Ms: report.latencyMs.p99,
    maxMs: report.latencyMs.max,
    meanMs: report.latencyMs.mean,
    warmUp: report.warmUp,
    commitP50Ms: load.commitP50Ms,
    commitP99Ms: load.commitP99Ms,
    commits: load.commits,
    commitThreadNice: load.commitThreadNice,
    serverThreadNice: load.serverThreadNice,
    serverCpuPercent: load.serverCpuPercent,
    serverRssMb: load.serverRssMb,
    serverRssPeakMb: load.serverRssPeakMb,
    serverEventLoopDelayMs: load.serverEventLoopDelayMs,
    serverGc: load.serverGc,
    generatorCpuPercent: report.generatorCpuPercent,
    generatorLagP99Ms: report.generatorLagP99Ms,
    generatorGc: report.generatorGc,
    generatorNodeArgs: generatorNodeArgs.join(' '),
    connectMs: report.connectMs,
    agentsConnected: report.agentsConnected,
    customersConnected: report.customersConnected,
    errorCount,
    errors: report.errors,
    ...restart,
    budget,
    isBudgetMet: {
      p99: report.latencyMs.p99 < budget.p99MsMax,
      restart: restart.restartMs < budget.restartMsMax,
    },
    loadAverage1m: { before: loadAverage[0] ?? 0, after: loadavg()[0] ?? 0 },
    cores: availableParallelism(),
    node: process.version,
  };
  if (isJson) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const met = (isMet: boolean) => (isMet ? 'met' : 'NOT met');
  const lines = [
    `Server: ${clients} clients (${agentCount} agents, ${customerCount} customers), ${queueCount} queues, handling ${handleMs} ms`,
    `enqueues: ${report.enqueuesSent} sent at ${report.enqueuesPerSecond}/s (target ${ratePerSecond}/s), ${report.offersObserved} offers observed`,
    `enqueue → offer: p50 ${result.p50Ms} ms, p90 ${result.p90Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms`,
    `warm-up before (${warmUpSeconds} s, ${report.warmUp.enqueuesSent} enqueues, not counted above): p50 ${report.warmUp.p50Ms} ms, p99 ${report.warmUp.p99Ms} ms, max ${report.warmUp.maxMs} ms`,
    `journal commits: ${load.commits}, p50 ${load.commitP50Ms} ms, p99 ${load.commitP99Ms} ms; commit thread at nice ${load.commitThreadNice ?? 'unknown'}, server thread at nice ${load.serverThreadNice ?? 'unknown'}`,
    `server: CPU ${load.serverCpuPercent}% of a core, RSS ${load.serverRssMb} MB (peak ${load.serverRssPeakMb} MB)`,
    `server pauses: event-loop delay p50 ${load.serverEventLoopDelayMs.p50} ms, p99 ${load.serverEventLoopDelayMs.p99} ms, max ${load.serverEventLoopDelayMs.max} ms; collections: minor ${load.serverGc.minor.count} (mean ${load.serverGc.minor.meanMs} ms), major ${load.serverGc.major.count} (mean ${load.serverGc.major.meanMs} ms)`,
    `generator: CPU ${report.generatorCpuPercent}% of a core, event-loop delay p99 ${report.generatorLagP99Ms} ms, ${report.generatorGc.count} collections (${report.generatorGc.totalMs} ms, longest ${report.generatorGc.maxMs} ms); connected in ${report.connectMs} ms`,
    `errors: ${errorCount} ${JSON.stringify(report.errors)}`,
    `restart with ${restart.restartWaitingContacts} waiting: ${restart.restartMs} ms (listening after ${restart.restartListeningAfterMs} ms, of which serve() ${restart.restartServeMs} ms); fill ${restart.fillMs} ms (${restart.fillMode}); stop ${restart.stopMs} ms`,
    `budget: p99 < ${budget.p99MsMax} ms — ${met(result.isBudgetMet.p99)}; restart < ${budget.restartMsMax} ms — ${met(result.isBudgetMet.restart)}`,
    `load average (1 min) ${result.loadAverage1m.before.toFixed(1)} before, ${result.loadAverage1m.after.toFixed(1)} after, on ${result.cores} cores`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

process.once('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killChildren();
    process.exit(1);
  });
}

const loadAverage = loadavg();
const operatorKey = `lo_${randomBytes(24).toString('hex')}`;
try {
  const load = await measureLoad(operatorKey);
  const restart = await measureRestart(restartContacts, operatorKey, progress);
  output(load, restart, loadAverage);
} finally {
  killChildren();
}
