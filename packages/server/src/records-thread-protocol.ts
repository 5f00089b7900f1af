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
  | { type: 'write'; text: string }
  | { type: 'fill'; keys: readonly IntervalKey[] }
  | { type: 'settle'; ticket: number }
  | { type: 'close' };

/**
 * The shared slots: the last settle ticket done, 1 once the thread failed,
 * and 1 once the server's thread asked it to close without writing what it
 * still holds.
 */
export const settleSlot = { ticket: 0, failed: 1, isDropping: 2 } as const;

/** The batches of lines of encodeBatch, one a line, with their events' JSON still to parse. */
export function decodeBatches(
  text: string,
): { tenantId: string; seq: number; eventsJson: string }[] {
  const batches = [];
  for (const line of text.split('\n')) {
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
