import type { QueueId, TenantId } from '@lineup/protocol';
import type { IntervalKey } from './records-writer.ts';

/*
 * What the server's thread and the records thread say to each other
 * (records-thread.ts, records-thread-worker.ts). Kept apart and light: the
 * thread loads this and the writer only, so that it starts in little time
 * next to a server that is starting too.
 */

/** What the worker is given. */
export interface RecordsThreadSetup {
  /** The server store's file. */
  readonly path: string;
  readonly busyTimeoutMs: number;
  /** Int32 slots (settleSlot) through which the worker answers settle requests. */
  readonly settled: SharedArrayBuffer;
}

/** A request to the worker; they are done in the order sent. */
export type RecordsThreadRequest =
  | { type: 'seed'; tenantId: TenantId; thresholds: (readonly [QueueId, number])[] }
  /** Lines of appendBatch, as UTF-8. */
  | { type: 'write'; bytes: Uint8Array }
  | { type: 'fill'; keys: readonly IntervalKey[] }
  | { type: 'settle'; ticket: number }
  | { type: 'close' };

/**
 * The shared slots: the last settle ticket done, 1 once the thread failed,
 * and 1 once the server's thread asked it to close without writing what it
 * still holds.
 */
export const settleSlot = { ticket: 0, failed: 1, isDropping: 2 } as const;

/** The batches of lines of appendBatch, one a line, with their events' JSON still to parse. */
export function decodeBatches(
  text: string,
): { tenantId: string; seq: number; eventsJson: string }[] {
  const batches = [];
  for (const line of text.split('\n')) {
    // Every line ends with a newline: the last piece is empty.
    if (line === '') continue;
    const tenantEnd = line.indexOf('\t');
    const seqEnd = line.indexOf('\t', tenantEnd + 1);
    batches.push({
      tenantId: line.slice(0, tenantEnd),
      seq: Number(line.slice(tenantEnd + 1, seqEnd)),
      eventsJson: line.slice(seqEnd + 1),
    });
  }
  return batches;
}
