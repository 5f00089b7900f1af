import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteJournalReader } from '@lineup/journal';
import type { TenantId } from '@lineup/protocol';
import { catchUp, recoverEngine, type Recovered } from './engine-recovery.ts';
import { isSnapshotDue } from './snapshot-schedule.ts';
import type { SnapshotThreadReply, SnapshotThreadSetup } from './snapshot-thread.ts';

/*
 * The snapshot thread's own side (snapshot-thread.ts starts it). It keeps a
 * copy of every tenant's engine, rebuilt from the journal file and moved on
 * by the entries committed since, read every pollEveryMs; when a tenant is
 * due (as EngineHost would snapshot it), it serializes its copy and hands
 * the JSON to the server's thread, which only writes it.
 */

if (parentPort === null) throw new Error('snapshot-thread-worker runs as a worker thread');
const port = parentPort;
const setup = workerData as SnapshotThreadSetup;
const reader = openSqliteJournalReader(setup.dataDir);

interface Followed extends Recovered {
  /** The engine's time at its latest snapshot; 0 before the first. */
  snapshotAtMs: number;
}
const followed = new Map<TenantId, Followed>();
let isClosing = false;
let timer: NodeJS.Timeout | undefined;

/** One round: every tenant caught up with the file, and snapshotted when due. */
async function round(): Promise<void> {
  for (const tenantId of await reader.tenants()) {
    let tenant = followed.get(tenantId);
    if (tenant === undefined) {
      const recovered = await recoverEngine(reader, tenantId, setup.engine);
      tenant = {
        ...recovered,
        snapshotAtMs: recovered.snapshotSeq === 0 ? 0 : recovered.engine.nowMs(),
      };
      followed.set(tenantId, tenant);
    } else {
      await catchUp(reader, tenantId, tenant);
    }
    if (
      tenant.lastSeq > tenant.snapshotSeq &&
      isSnapshotDue(
        setup,
        tenant.lastSeq,
        tenant.engine.nowMs(),
        tenant.snapshotSeq,
        tenant.snapshotAtMs,
      )
    ) {
      const snapshotJson = JSON.stringify(tenant.engine.sharedSnapshot());
      tenant.snapshotSeq = tenant.lastSeq;
      tenant.snapshotAtMs = tenant.engine.nowMs();
      const reply: SnapshotThreadReply = {
        type: 'snapshot',
        tenantId,
        seq: tenant.lastSeq,
        snapshotJson,
      };
      port.postMessage(reply);
    }
  }
}

function schedule(): void {
  timer = setTimeout(() => {
    round().then(
      () => {
        if (!isClosing) schedule();
      },
      (error: unknown) => {
        // A failure ends the thread; the server's thread takes the snapshots back.
        reader.close();
        throw error;
      },
    );
  }, setup.pollEveryMs);
}

// The one message the thread is sent: close.
port.on('message', () => {
  isClosing = true;
  clearTimeout(timer);
  reader.close();
  // With no timer and no port left, the thread ends: the server's thread waits for its exit.
  port.close();
});

const ready: SnapshotThreadReply = { type: 'ready' };
port.postMessage(ready);
schedule();
