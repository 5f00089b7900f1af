import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteJournal } from '@lineup/journal';
import {
  asContactId,
  asCustomerId,
  asQueueId,
  asTenantId,
  queueSizeMax,
  type QueueId,
} from '@lineup/protocol';
import { EngineHost, type CommandInput } from '../src/index.ts';
import { prepareLineup, startLineupServe, stopServer } from './children.ts';
import { call, expectStatus, pool } from './http.ts';
import { scrape, sumOfSamples } from './metrics-text.ts';

/*
 * The restart phase of the server bench (DESIGN.md §4: a restart with
 * 100,000 waiting contacts serves again in < 2 s).
 *
 * A fresh data dir is filled with waiting contacts (no agent is logged in,
 * and the queues wait when empty, R11): all but the last few through an
 * EngineHost in this process over the same SQLite journal the server opens
 * (fast: commands in flight together share commits), the last ones over REST
 * on a running server, which is then stopped with SIGTERM so that it
 * snapshots as `lineup serve` does. Timed: a fresh `lineup serve` (the
 * command as users run it, packages/cli/bin) from spawn until GET /readyz
 * answers 200 and GET of the last contact answers 200.
 */

const tenantId = asTenantId('restart');
const queueCount = 10;
/** Commands in flight at once while filling in process (below the host's pending limit). */
const fillConcurrency = 2_000;
/** Contacts enqueued over REST at most, and in flight at once. */
const restContactsMax = 1_000;
const restConcurrency = 32;
/** Readiness polls at most, and the wait between two. */
const readyPollsMax = 1_000;
const readyPollMs = 5;

/** What the restart phase measured. */
export interface RestartResult {
  restartContacts: number;
  /** Time to fill the data dir with the waiting contacts. */
  fillMs: number;
  /** How the data dir was filled. */
  fillMode: string;
  /** SIGTERM → exit of the server that held the contacts (it snapshots). */
  stopMs: number;
  /** Spawn of a fresh server → /readyz 200 and a contact read 200. */
  restartMs: number;
  /** Of restartMs: spawn → the command says where it serves. */
  restartListeningAfterMs: number;
  /** Of restartListeningAfterMs: serve() itself — open the journal, recover the tenant, listen (as logged). */
  restartServeMs: number;
  /** Contacts the restarted server reports waiting (lineup_queue_waiting_contacts). */
  restartWaitingContacts: number;
}

const contactCommand = (index: number): CommandInput => ({
  type: 'enqueueContact',
  contact: {
    id: asContactId(`w${index}`),
    queueId: asQueueId(`q${index % queueCount}`),
    channel: 'voice',
    customer: { id: asCustomerId(`r${index}`), type: 'normal' },
  },
});

/** Fills the data dir in this process: the tenant, its queues, and `count` waiting contacts. */
async function fillInProcess(dataDir: string, count: number): Promise<void> {
  const opened = openSqliteJournal({ dataDir });
  if (!opened.ok) throw new Error(`bench: journal: ${opened.refusal.message}`);
  const host = new EngineHost({ journal: opened.journal });
  try {
    const refusal = await host.createTenant(tenantId);
    if (refusal !== null) throw new Error(`bench: ${refusal.message}`);
    const submit = async (command: CommandInput) => {
      const outcome = await host.submit(tenantId, command);
      if (outcome.rejection !== null)
        throw new Error(`bench: ${command.type} refused: ${outcome.rejection.message}`);
    };
    for (let q = 0; q < queueCount; q++) {
      const queueId: QueueId = asQueueId(`q${q}`);
      await submit({
        type: 'createQueue',
        queue: { id: queueId, name: `Queue ${q}`, channels: ['voice'], maxSize: queueSizeMax },
      });
    }
    await pool(count, fillConcurrency, (index) => submit(contactCommand(index)));
  } finally {
    // The same close as the server's on SIGTERM: flush, snapshot, close the journal.
    await host.close();
  }
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** Runs the restart phase with `count` waiting contacts; the data dir is removed at the end. */
export async function measureRestart(
  count: number,
  operatorKey: string,
  progress: (message: string) => void,
): Promise<RestartResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lineup-bench-restart-'));
  try {
    const restCount = Math.min(restContactsMax, Math.floor(count / 10));
    const fillStartMs = performance.now();
    progress(`restart: filling ${count - restCount} waiting contacts in process`);
    await fillInProcess(dataDir, count - restCount);
    prepareLineup();
    const first = await startLineupServe(dataDir, operatorKey);
    progress(`restart: ${restCount} more over REST, then SIGTERM`);
    await pool(restCount, restConcurrency, (offset) => {
      const { contact } = contactCommand(count - restCount + offset) as Extract<
        CommandInput,
        { type: 'enqueueContact' }
      >;
      return expectStatus(
        201,
        first.url,
        'POST',
        `/v1/tenants/${tenantId}/contacts`,
        operatorKey,
        contact,
      );
    });
    const fillMs = Math.round(performance.now() - fillStartMs);
    const stopped = await stopServer(first);
    if (stopped.code !== 0)
      throw new Error(`bench: the server exited with ${String(stopped.code)}`);

    progress('restart: timing a fresh `lineup serve`');
    const startMs = performance.now();
    const server = await startLineupServe(dataDir, operatorKey);
    let ready = await call(server.url, 'GET', '/readyz', operatorKey);
    for (let polls = 1; ready.status !== 200 && polls < readyPollsMax; polls++) {
      await sleep(readyPollMs);
      ready = await call(server.url, 'GET', '/readyz', operatorKey);
    }
    if (ready.status !== 200) throw new Error('bench: the restarted server never became ready');
    const lastPath = `/v1/tenants/${tenantId}/contacts/w${count - 1}`;
    await expectStatus(200, server.url, 'GET', lastPath, operatorKey);
    const restartMs = Math.round(performance.now() - startMs);

    const metrics = await scrape(server.url, operatorKey);
    const waiting = sumOfSamples(metrics, 'lineup_queue_waiting_contacts', `tenant="${tenantId}"`);
    await stopServer(server);
    return {
      restartContacts: count,
      fillMs,
      fillMode: `${count - restCount} through an EngineHost in process, ${restCount} over REST`,
      stopMs: stopped.ms,
      restartMs,
      restartListeningAfterMs: server.listeningAfterMs,
      restartServeMs: server.serveMs,
      restartWaitingContacts: waiting,
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
