import type { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { eventJson, type QueueId, type TenantId } from '@lineup/protocol';
import { recordedEventTypes, type HeardBatch, type IntervalKey } from './records-writer.ts';
import {
  settleSlot,
  type RecordsThreadRequest,
  type RecordsThreadSetup,
} from './records-thread-protocol.ts';
import { startSourceWorker } from './source-worker.ts';
import { Utf8Buffer } from './utf8-buffer.ts';

/*
 * The records written off the server's thread (ADR 0012, amended). Writing
 * the contact history and the queues' intervals took a tenth of the server's
 * thread at 1,000 contacts a second (three statements a contact, each
 * 10–20 µs of SQLite), and every socket and command waited behind those
 * transactions. A worker thread instead owns a connection of its own to the
 * server store and writes them (records-thread-worker.ts); the server's
 * thread hands it the batches it heard, as one string of their events' JSON
 * (made once already, for the journal), every records write period.
 *
 * A read of the records first settles the thread: it asks the thread to
 * confirm it has written everything handed to it, and waits for the answer
 * in shared memory (Atomics.wait), so that the reads stay synchronous and see
 * every event heard, as they did when the server's thread wrote them. Reads
 * are rare next to writes (a history page, a rating, a disposition).
 */

/** How long a read waits for the thread, at most: past it, the read fails rather than hang. */
const settleWaitMsMax = 10_000;
/** How long a close waits for the thread to end before it stops it. */
const closeWaitMsMax = 5_000;

/**
 * Appends a batch as a line for the thread: its tenant, seq and the JSON of
 * the events the records read, separated by tabs, then a newline. Ids hold
 * neither tabs nor newlines (ids.ts), and JSON escapes both inside strings.
 */
function appendBatch(into: Utf8Buffer, { tenantId, seq, events }: HeardBatch): void {
  into.append(`${tenantId}\t${seq}\t[`);
  let isFirst = true;
  for (const event of events) {
    if (!recordedEventTypes.has(event.type)) continue;
    if (!isFirst) into.append(',');
    into.append(eventJson(event));
    isFirst = false;
  }
  into.append(']\n');
}

/** The records thread, as the server's thread sees it. */
export class RecordsThread {
  readonly #worker: Worker;
  readonly #settled: Int32Array;
  readonly #exited: Promise<void>;
  /**
   * The batches added since the last hand-over, as lines of appendBatch, in
   * bytes off the heap. Encoded as they come, so that neither the events nor
   * their JSON are kept until the hand-over: kept 100 ms, they outlived the
   * young generation's collections and made each one copy them.
   */
  readonly #pending = new Utf8Buffer(64 * 1_024, 1_024 * 1_024);
  #ticket = 0;
  #failure: Error | null = null;
  #closed: Promise<void> | null = null;

  private constructor(worker: Worker, settled: Int32Array) {
    this.#worker = worker;
    this.#settled = settled;
    this.#exited = new Promise((resolve) => {
      worker.once('exit', () => {
        resolve();
      });
    });
  }

  /**
   * Starts the thread on the store's file. `onFailed` is called once if the
   * thread cannot start or stops on an error (not after close); it writes
   * nothing after that.
   */
  static start(
    setup: Omit<RecordsThreadSetup, 'settled'>,
    onFailed: (error: Error) => void,
  ): RecordsThread | Error {
    const settled = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
    const worker = startSourceWorker('records-thread-worker.ts', { ...setup, settled });
    if (worker instanceof Error) return worker;
    // The thread never holds the process open: what it has not written is read again from the
    // journal on the next start, after the cursor it saved.
    worker.unref();
    const thread = new RecordsThread(worker, new Int32Array(settled));
    const fail = (error: Error) => {
      if (thread.#failure !== null || thread.#closed !== null) return;
      thread.#failure = error;
      onFailed(error);
    };
    worker.on('message', (reply: { type: 'failed'; message: string }) => {
      fail(new Error(`the records thread failed: ${reply.message}`));
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      fail(new Error(`the records thread exited with code ${code}`));
    });
    return thread;
  }

  /** Whether the thread failed: it then writes nothing more. */
  get isFailed(): boolean {
    return this.#failure !== null || Atomics.load(this.#settled, settleSlot.failed) === 1;
  }

  /** A tenant's queues' thresholds now, before its batches. */
  seed(tenantId: TenantId, thresholds: (readonly [QueueId, number])[]): void {
    this.#post({ type: 'seed', tenantId, thresholds });
  }

  /** Keeps a batch for the next hand-over. */
  add(batch: HeardBatch): void {
    appendBatch(this.#pending, batch);
  }

  /** Hands the thread the batches added since the last hand-over, to write. */
  flush(): void {
    const pending = this.#pending;
    if (pending.start === pending.end) return;
    // A copy of its own, handed over rather than copied again into the thread.
    const bytes = pending.copy();
    pending.dropBefore(pending.end);
    this.#post({ type: 'write', bytes }, [bytes.buffer]);
  }

  /** Hands the thread the interval rows of a boundary. */
  fill(keys: readonly IntervalKey[]): void {
    if (keys.length > 0) this.#post({ type: 'fill', keys });
  }

  /**
   * Hands over what waits, then waits until the thread has done everything handed to it: true then,
   * false when it failed (or had failed) instead. Blocks this thread.
   */
  settle(): boolean {
    this.flush();
    if (this.isFailed) return false;
    this.#ticket += 1;
    const ticket = this.#ticket;
    this.#post({ type: 'settle', ticket });
    const deadlineMs = performance.now() + settleWaitMsMax;
    for (;;) {
      const done = Atomics.load(this.#settled, settleSlot.ticket);
      if (done >= ticket) return true;
      if (Atomics.load(this.#settled, settleSlot.failed) === 1) return false;
      const leftMs = deadlineMs - performance.now();
      if (leftMs <= 0)
        throw new Error(`the records thread did not answer within ${settleWaitMsMax} ms`);
      Atomics.wait(this.#settled, settleSlot.ticket, done, leftMs);
    }
  }

  /**
   * Stops the thread at once, as a crash would: what it was handed and had
   * not written is lost to it, and its failure is told (`onFailed`).
   */
  async stop(): Promise<void> {
    await this.#worker.terminate();
    await this.#exited;
  }

  /**
   * Ends the thread: once it has written everything handed to it, or, when
   * `isDropping` (the records follow a journal, which the next start reads
   * again after their cursors), as soon as it is done with the write under
   * way: a start that caught up with many entries leaves it much to write.
   */
  close(options: { isDropping: boolean } = { isDropping: false }): Promise<void> {
    this.#closed ??= (async () => {
      const worker = this.#worker;
      if (options.isDropping) Atomics.store(this.#settled, settleSlot.isDropping, 1);
      const timer = setTimeout(() => void worker.terminate(), closeWaitMsMax);
      if (this.#failure === null)
        worker.postMessage({ type: 'close' } satisfies RecordsThreadRequest);
      await this.#exited;
      clearTimeout(timer);
    })();
    return this.#closed;
  }

  #post(request: RecordsThreadRequest, transfer: ArrayBuffer[] = []): void {
    if (this.#failure === null && this.#closed === null)
      this.#worker.postMessage(request, transfer);
  }
}
