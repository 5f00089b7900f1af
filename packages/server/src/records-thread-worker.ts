import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { Event, TenantId } from '@lineup/protocol';
import { RecordsWriter, type HeardBatch } from './records-writer.ts';
import {
  decodeBatches,
  settleSlot,
  type RecordsThreadRequest,
  type RecordsThreadSetup,
} from './records-thread-protocol.ts';

/*
 * The records thread's own side (records-thread.ts starts it): its own
 * connection to the server store, at synchronous=NORMAL (the records make no
 * fsync of their own, ADR 0012), and a RecordsWriter on it. Requests come in
 * the order the server's thread sent them and are done in that order; a
 * settle request is answered through shared memory, since the server's
 * thread waits for it without running its event loop.
 */

if (parentPort === null) throw new Error('records-thread-worker runs as a worker thread');
const port = parentPort;
const setup = workerData as RecordsThreadSetup;
const settled = new Int32Array(setup.settled);
const db = new Database(setup.path, { timeout: setup.busyTimeoutMs });
db.pragma('synchronous = NORMAL');
const writer = new RecordsWriter(db);

/** Journal entries written in one transaction at most: a close waits for one such at most. */
const entriesPerWriteMax = 500;
const utf8 = new TextDecoder();

/**
 * Writes the batches handed over, entriesPerWriteMax at a time; a close
 * that drops what waits stops between two (what it drops is after the
 * cursors saved, and the next start reads it again).
 */
function write(bytes: Uint8Array): void {
  // Closing: what waits is dropped before it is even parsed.
  if (Atomics.load(settled, settleSlot.isDropping) === 1) return;
  const lines = decodeBatches(utf8.decode(bytes));
  for (let start = 0; start < lines.length; start += entriesPerWriteMax) {
    if (Atomics.load(settled, settleSlot.isDropping) === 1) return;
    writer.write(
      lines
        .slice(start, start + entriesPerWriteMax)
        .map(({ tenantId, seq, eventsJson }): HeardBatch => ({
          tenantId: tenantId as TenantId,
          seq,
          events: JSON.parse(eventsJson) as Event[],
        })),
    );
  }
}

function handle(request: RecordsThreadRequest): void {
  switch (request.type) {
    case 'seed':
      writer.seed(request.tenantId, request.thresholds);
      return;
    case 'write':
      write(request.bytes);
      return;
    case 'fill':
      writer.fill(request.keys);
      return;
    case 'settle':
      Atomics.store(settled, settleSlot.ticket, request.ticket);
      Atomics.notify(settled, settleSlot.ticket);
      return;
    case 'close':
      db.close();
      port.close();
      return;
  }
}

port.on('message', (request: RecordsThreadRequest) => {
  try {
    handle(request);
  } catch (error: unknown) {
    // Nothing more is written after a failure: the server's thread takes the records back from
    // the cursor this thread saved last. Its waits end at once.
    if (db.open) db.close();
    Atomics.store(settled, settleSlot.failed, 1);
    Atomics.notify(settled, settleSlot.ticket);
    port.postMessage({
      type: 'failed',
      message: error instanceof Error ? error.message : String(error),
    });
    port.close();
  }
});
