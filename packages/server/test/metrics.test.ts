import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueueId, QueueStatus, TenantId } from '@lineup/protocol';
import { ManualClock, createMetrics, type TenantView } from '../src/index.ts';
import { T0, agent, contact, queue, setUp, startServer, type Server } from './harness.ts';

/*
 * GET /metrics (docs/api.md, Metrics): what an operator's Prometheus reads.
 * The tests assert whole exposition lines, as a scrape sees them.
 */

const base = '/v1/tenants/acme';

/** The lines of a scrape that start with a metric name, without the HELP and TYPE comments. */
function samples(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('GET /metrics', () => {
  let server: Server;
  beforeEach(async () => {
    server = await startServer({ isMetered: true });
  });
  afterEach(async () => {
    await server.close();
  });

  it('[metrics] reports each queue: waiting, offered, longest wait and agents by state', async () => {
    await setUp(server, [
      ['POST', '/v1/tenants', { id: 'acme' }],
      ['POST', `${base}/queues`, queue('sales')],
      ['POST', `${base}/agents`, agent('ann', ['sales'])],
      ['POST', `${base}/agents`, agent('bo', ['sales'])],
      ['POST', `${base}/agents/ann/log-in`],
      ['POST', `${base}/agents/ann/presence`, { presence: 'notReady', reason: 'lunch' }],
      ['POST', `${base}/contacts`, contact('c1', 'sales')],
      ['POST', `${base}/contacts`, contact('c2', 'sales')],
      ['POST', `${base}/contacts`, contact('c3', 'sales')],
    ]);
    await server.advance(30_000);
    // Bo's log-in offers him the first contact: he is busy, and two contacts still wait.
    await setUp(server, [['POST', `${base}/agents/bo/log-in`]]);

    const reply = await server.call<string>('GET', '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = reply.body;
    expect(samples(text, 'lineup_queue_waiting_contacts')).toEqual([
      'lineup_queue_waiting_contacts{tenant="acme",queue="sales"} 2',
    ]);
    expect(samples(text, 'lineup_queue_offered_contacts')).toEqual([
      'lineup_queue_offered_contacts{tenant="acme",queue="sales"} 1',
    ]);
    expect(samples(text, 'lineup_queue_longest_wait_seconds')).toEqual([
      'lineup_queue_longest_wait_seconds{tenant="acme",queue="sales"} 30',
    ]);
    expect(samples(text, 'lineup_queue_agents')).toEqual([
      'lineup_queue_agents{tenant="acme",queue="sales",state="ready"} 0',
      'lineup_queue_agents{tenant="acme",queue="sales",state="busy"} 1',
      'lineup_queue_agents{tenant="acme",queue="sales",state="wrapUp"} 0',
      'lineup_queue_agents{tenant="acme",queue="sales",state="notReady"} 1',
    ]);
    expect(samples(text, 'lineup_queue_offline')).toEqual([
      'lineup_queue_offline{tenant="acme",queue="sales"} 0',
    ]);
    expect(samples(text, 'lineup_queue_open')).toEqual([
      'lineup_queue_open{tenant="acme",queue="sales"} 1',
    ]);
    // Process metrics share the server's registry, but those that walk every open socket.
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^process_max_fds \d/m);
    expect(text).not.toMatch(/^(nodejs_active_(handles|requests|resources)|process_open_fds)/m);
  });

  it('[metrics] a deleted queue stops being reported', async () => {
    await setUp(server, [
      ['POST', '/v1/tenants', { id: 'acme' }],
      ['POST', `${base}/queues`, queue('sales')],
    ]);
    const before = (await server.call<string>('GET', '/metrics')).body;
    expect(samples(before, 'lineup_queue_waiting_contacts')).toHaveLength(1);
    await setUp(server, [['DELETE', `${base}/queues/sales`]]);
    const after = (await server.call<string>('GET', '/metrics')).body;
    expect(samples(after, 'lineup_queue_waiting_contacts')).toEqual([]);
  });

  it('[metrics] times requests by route pattern and status class, never by raw URL', async () => {
    await setUp(server, [['POST', '/v1/tenants', { id: 'acme' }]]);
    await server.call('GET', `${base}/queues/nope`);
    await server.call('GET', '/no/such/path');
    const text = (await server.call<string>('GET', '/metrics')).body;
    const counts = samples(text, 'lineup_http_request_duration_seconds_count');
    expect(counts).toContain(
      'lineup_http_request_duration_seconds_count{method="POST",route="/v1/tenants",status_class="2xx"} 1',
    );
    expect(counts).toContain(
      'lineup_http_request_duration_seconds_count{method="GET",route="/v1/tenants/:tenantId/queues/:queueId",status_class="4xx"} 1',
    );
    expect(counts).toContain(
      'lineup_http_request_duration_seconds_count{method="GET",route="unmatched",status_class="4xx"} 1',
    );
    expect(text).not.toContain('nope');
    expect(text).not.toContain('/no/such/path');
  });
});

describe('createMetrics', () => {
  it('[metrics] records each journal commit in the duration histogram and the counters', async () => {
    const metrics = createMetrics({ host: { tenantIds: () => [], view: () => null } });
    metrics.observeCommit({ entries: 3, snapshots: 0, sizeBytes: 900, durationMs: 0.7 });
    metrics.observeCommit({ entries: 1, snapshots: 0, sizeBytes: 300, durationMs: 30 });
    const text = await metrics.scrape();
    const buckets = samples(text, 'lineup_journal_commit_duration_seconds_bucket');
    expect(buckets).toContain('lineup_journal_commit_duration_seconds_bucket{le="0.0005"} 0');
    expect(buckets).toContain('lineup_journal_commit_duration_seconds_bucket{le="0.001"} 1');
    expect(buckets).toContain('lineup_journal_commit_duration_seconds_bucket{le="0.05"} 2');
    expect(buckets).toContain('lineup_journal_commit_duration_seconds_bucket{le="+Inf"} 2');
    expect(samples(text, 'lineup_journal_commit_duration_seconds_count')).toEqual([
      'lineup_journal_commit_duration_seconds_count 2',
    ]);
    expect(samples(text, 'lineup_journal_commits_total')).toEqual([
      'lineup_journal_commits_total 2',
    ]);
    expect(samples(text, 'lineup_journal_entries_total')).toEqual([
      'lineup_journal_entries_total 4',
    ]);
  });

  it('[metrics] escapes quotes, backslashes and newlines in label values', async () => {
    // The API's id pattern refuses such ids; the exposition must stay valid whatever a label holds.
    const queueId = 'say "hi"\\now' as QueueId;
    const status: QueueStatus = {
      queueId,
      waiting: 4,
      offered: 0,
      longestWaitingSinceMs: T0 - 12_500,
      agents: { serving: 0, ready: 0, busy: 0, wrapUp: 0, notReady: 0 },
      ewtMs: null,
      isOffline: true,
      isOpen: true,
      serviceLevel: null,
      abandonRate: null,
    };
    const view = {
      queueIds: () => [queueId],
      queueStatus: () => status,
      queueReport: () => null,
    } as unknown as TenantView;
    const metrics = createMetrics({
      host: { tenantIds: () => ['line\nbreak' as TenantId], view: () => view },
      clock: new ManualClock(T0),
    });
    const text = await metrics.scrape();
    expect(samples(text, 'lineup_queue_waiting_contacts')).toEqual([
      'lineup_queue_waiting_contacts{tenant="line\\nbreak",queue="say \\"hi\\"\\\\now"} 4',
    ]);
    expect(samples(text, 'lineup_queue_longest_wait_seconds')).toEqual([
      'lineup_queue_longest_wait_seconds{tenant="line\\nbreak",queue="say \\"hi\\"\\\\now"} 12.5',
    ]);
    // Null values (no EWT, no ended contact) leave no sample rather than a made-up 0.
    expect(samples(text, 'lineup_queue_ewt_seconds')).toEqual([]);
    expect(samples(text, 'lineup_queue_service_level_ratio')).toEqual([]);
  });
});
