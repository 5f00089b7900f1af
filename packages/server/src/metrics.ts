import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommitReport } from '@lineup/journal';
import type { QueueReport, QueueStatus } from '@lineup/protocol';
import { systemClock, type Clock } from './clock.ts';
import type { Host } from './host.ts';

/*
 * What Prometheus scrapes at GET /metrics (docs/api.md, Metrics): every
 * queue's live numbers, the journal's commit latency, the HTTP API's latency
 * and the process's own metrics, on one registry per server (never
 * prom-client's global one, so that several servers in one process, as in
 * the tests, do not collide).
 *
 * The queues' numbers are read from the host's views when Prometheus asks
 * (collect callbacks), not pushed on every event: a scrape every 15 s costs
 * one pass over the queues, whereas pushing would cost work on every command
 * of the hot path. Label cardinality is bounded by the engine's limits: at
 * most tenantsMax × queuesMax (tenant, queue) pairs, each with a fixed
 * number of series; the HTTP labels are the route patterns (a fixed set), the
 * method and the status class, never the raw URL.
 */

/** Buckets of the journal's commit duration, in seconds: a commit is one fsync, from SSD to slow disk. */
export const commitDurationBucketsSeconds = [
  0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
] as const;
/** Buckets of an HTTP request's duration, in seconds. */
export const requestDurationBucketsSeconds = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
] as const;
/** The label of a request that matched no route (a 404): one value, whatever the URL. */
export const unmatchedRoute = 'unmatched';

/** Where the metrics read their numbers. */
export interface MetricsOptions {
  /** The tenants' engines, read at scrape time. */
  host: Pick<Host, 'tenantIds' | 'view'>;
  /** The time the longest wait is measured to; default the wall clock (the host's clock). */
  clock?: Clock;
}

/** One finished HTTP request, as the app reports it. */
export interface RequestReport {
  method: string;
  /** The route's pattern (`/v1/tenants/:tenantId/queues`), or undefined when none matched. */
  route: string | undefined;
  statusCode: number;
  durationMs: number;
}

/** The server's metrics: a registry and the hands that feed its pushed parts. */
export interface Metrics {
  readonly registry: Registry;
  /** The Content-Type of a scrape: Prometheus text format 0.0.4. */
  readonly contentType: string;
  /** Records one journal commit (JournalOptions.onCommit). */
  observeCommit(report: CommitReport): void;
  /** Records the nice value the journal's commit thread runs at (onCommitThreadNice). */
  observeCommitThreadNice(nice: number): void;
  /** Records the nice value the server's own thread runs at (ServeOptions.serverThreadNice). */
  observeServerThreadNice(nice: number): void;
  /** Records one HTTP request. */
  observeRequest(report: RequestReport): void;
  /** The text Prometheus reads: every metric, the queues read once. */
  scrape(): Promise<string>;
}

/** One queue's numbers at the time of a scrape. */
interface QueueRow {
  labels: { tenant: string; queue: string };
  status: QueueStatus;
  report: QueueReport | null;
}

const queueLabels = ['tenant', 'queue'] as const;
/** prom-client default metrics whose cost grows with the open sockets; left out. */
export const perHandleMetrics = [
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_requests',
  'nodejs_active_requests_total',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
  'process_open_fds',
] as const;
const agentStates = ['ready', 'busy', 'wrapUp', 'notReady'] as const;

/** Reads every queue of every tenant: O(tenants × queues) status and report reads. */
function readQueueRows(host: MetricsOptions['host']): QueueRow[] {
  const rows: QueueRow[] = [];
  for (const tenantId of host.tenantIds()) {
    const view = host.view(tenantId);
    if (view === null) continue;
    for (const queueId of view.queueIds()) {
      const status = view.queueStatus(queueId);
      if (status === null) continue;
      rows.push({
        labels: { tenant: tenantId, queue: queueId },
        status,
        // Only the ASA of the report is shown: occupancy would read every member of every queue.
        report: view.queueReport(queueId, { occupancy: false }),
      });
    }
  }
  return rows;
}

/** Creates the metrics of one server on a registry of its own. */
export function createMetrics(options: MetricsOptions): Metrics {
  const { host } = options;
  const clock = options.clock ?? systemClock;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // These walk every libuv handle, request, resource and open file at each scrape: with
  // thousands of sockets open that held the event loop for tens of milliseconds, and every
  // command behind it.
  for (const name of perHandleMetrics) registry.removeSingleMetric(name);

  // Set for the length of one scrape(), so that the gauges below share one read of the
  // queues; a direct registry.metrics() reads them once per gauge instead.
  let scrapeRows: QueueRow[] | null = null;
  const rows = (): QueueRow[] => scrapeRows ?? readQueueRows(host);

  /** A per-queue gauge whose value is read from each queue at scrape time; null leaves no sample. */
  const queueGauge = (name: string, help: string, value: (row: QueueRow) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: queueLabels,
      registers: [registry],
      collect() {
        // Reset first: a deleted queue or tenant must stop being reported.
        this.reset();
        for (const row of rows()) {
          const sample = value(row);
          if (sample !== null) this.set(row.labels, sample);
        }
      },
    });
  const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1_000);
  const flag = (isSet: boolean): number => (isSet ? 1 : 0);

  queueGauge(
    'lineup_queue_waiting_contacts',
    'Contacts waiting in the queue.',
    (row) => row.status.waiting,
  );
  queueGauge(
    'lineup_queue_offered_contacts',
    'Contacts offered to an agent (ringing) and not yet answered.',
    (row) => row.status.offered,
  );
  queueGauge(
    'lineup_queue_longest_wait_seconds',
    'How long the longest-waiting contact has waited; 0 when none waits.',
    (row) =>
      row.status.longestWaitingSinceMs === null
        ? 0
        : Math.max(0, clock.nowMs() - row.status.longestWaitingSinceMs) / 1_000,
  );
  queueGauge(
    'lineup_queue_ewt_seconds',
    'Expected wait of a contact joining now; absent when no agent serves the queue.',
    (row) => seconds(row.status.ewtMs),
  );
  queueGauge(
    'lineup_queue_service_level_ratio',
    'Share of contacts answered within the threshold, last 15 minutes; absent when none ended.',
    (row) => row.status.serviceLevel,
  );
  queueGauge(
    'lineup_queue_abandon_ratio',
    'Share of contacts that abandoned, last 15 minutes; absent when none ended.',
    (row) => row.status.abandonRate,
  );
  queueGauge(
    'lineup_queue_asa_seconds',
    'Average speed of answer, last 15 minutes; absent when none was answered.',
    (row) => seconds(row.report?.window.asaMs ?? null),
  );
  queueGauge(
    'lineup_queue_offline',
    '1 when no agent is logged in to serve the queue (R11), else 0.',
    (row) => flag(row.status.isOffline),
  );
  queueGauge('lineup_queue_open', '1 inside the opening hours (R16), else 0.', (row) =>
    flag(row.status.isOpen),
  );
  new Gauge({
    name: 'lineup_queue_agents',
    help: 'Logged-in agents serving the queue, by state (ready, busy, wrapUp, notReady).',
    labelNames: [...queueLabels, 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const row of rows()) {
        for (const state of agentStates)
          this.set({ ...row.labels, state }, row.status.agents[state]);
      }
    },
  });

  const commitDuration = new Histogram({
    name: 'lineup_journal_commit_duration_seconds',
    help: 'Time of one journal transaction, fsync included.',
    buckets: [...commitDurationBucketsSeconds],
    registers: [registry],
  });
  const commits = new Counter({
    name: 'lineup_journal_commits_total',
    help: 'Journal transactions committed.',
    registers: [registry],
  });
  const entries = new Counter({
    name: 'lineup_journal_entries_total',
    help: 'Journal entries committed (one per command or tick).',
    registers: [registry],
  });
  const commitThreadNice = new Gauge({
    name: 'lineup_journal_commit_thread_nice',
    help: "Nice value of the journal's commit thread (-10 when the system let it raise its priority).",
    registers: [registry],
  });
  const serverThreadNice = new Gauge({
    name: 'lineup_server_thread_nice',
    help: "Nice value of the server's own thread (-5 when the system let it raise its priority).",
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'lineup_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status class.',
    labelNames: ['method', 'route', 'status_class'],
    buckets: [...requestDurationBucketsSeconds],
    registers: [registry],
  });

  return {
    registry,
    contentType: registry.contentType,
    observeCommit(report) {
      commitDuration.observe(report.durationMs / 1_000);
      commits.inc();
      entries.inc(report.entries);
    },
    observeCommitThreadNice(nice) {
      commitThreadNice.set(nice);
    },
    observeServerThreadNice(nice) {
      serverThreadNice.set(nice);
    },
    observeRequest(report) {
      requestDuration.observe(
        {
          method: report.method,
          route: report.route ?? unmatchedRoute,
          status_class: `${Math.floor(report.statusCode / 100)}xx`,
        },
        report.durationMs / 1_000,
      );
    },
    async scrape() {
      scrapeRows = readQueueRows(host);
      try {
        return await registry.metrics();
      } finally {
        scrapeRows = null;
      }
    },
  };
}
