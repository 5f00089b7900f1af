import type { Journal } from '@lineup/journal';
import {
  rejection,
  type AgentId,
  type ContactId,
  type Event,
  type QueueId,
  type Rejection,
  type TenantId,
} from '@lineup/protocol';
import type { CancelTimer, Clock, TimerScheduler } from './clock.ts';
import type { Host } from './host.ts';
import type { ServerStore } from './store.ts';
import { EventCursors } from './event-cursors.ts';
import { followTenant } from './journal-follower.ts';
import type { ContactHistoryItem, QueueInterval } from './record-schemas.ts';
import {
  historyItemOf,
  intervalMs,
  intervalOf,
  intervalStartOf,
  recordStatements,
  type RecordStatements,
} from './record-store.ts';
import { RecordsThread } from './records-thread.ts';
import { RecordsWriter, type IntervalKey } from './records-writer.ts';

/*
 * The server's durable records of what the engines did: one row per contact
 * (a customer's history) and each queue's counters per 15-minute interval.
 * They are written from the events every tenant's engine emits, one
 * transaction per batch, so a batch is recorded whole or not at all
 * (records-writer.ts).
 *
 * The counters of an interval are raw sums, added to as the events arrive,
 * and the ratios are derived on reading: an event heard late (a commit under
 * way at the boundary) still lands in its own interval, exactly. An interval
 * is readable once it has ended; at each boundary, driven by the scheduler,
 * every queue gets its row for the interval just ended, zeros included.
 *
 * The records follow each tenant's journal from their cursor (event_cursors,
 * saved in the transaction that writes the batches; journal-follower.ts): a
 * batch made durable while the process died before its records were written
 * is recorded on the next start, and no batch is counted twice.
 *
 * So the records are written without an fsync of their own
 * (synchronous=NORMAL for their transactions, ADR 0012): they survive a
 * process crash, and reach the disk with the store's next fsync (any other
 * write, or a checkpoint). Fsyncing each batch blocked the event loop once
 * per journal entry, thousands of times a second under load. A power loss
 * may lose the last records and their cursor together; the next start reads
 * them again from the journal, which is the record that must not be lost.
 *
 * The batches heard within recordsWriteDelayMs are written together, in one
 * transaction: one write of each page they touch instead of one per entry,
 * and one addition per queue and interval for all their counters. With a
 * store in a file they are written on a thread of their own (records-thread.ts);
 * should that thread fail, the server's thread takes the writing back from
 * the cursors it saved. Every read first has the batches still waiting
 * written, so a reader never misses an event that was heard.
 */

/** Intervals one boundary fills at most after a long pause of the clock: one day. */
const boundaryCatchUpMax = 96;

/** Events heard and not yet written, at most: past it they are written at once. */
export const recordsPendingEventsMax = 10_000;

/** How long the first batch heard waits for others before they are written together. */
export const recordsWriteDelayMs = 10;

/**
 * The same, for the records thread: each hand-over wakes the thread, so
 * they go ten times a second; a read has the batches heard written first.
 */
export const recordsThreadWriteDelayMs = 100;

/** How the records are kept: where, on which engines, and on which clock. */
export interface RecordsOptions {
  store: ServerStore;
  host: Host;
  clock: Clock;
  scheduler: TimerScheduler;
  /** The host's journal, read after each tenant's cursor; none for a memory host. */
  journal?: Journal;
  /**
   * Whether a store in a file has its records written on a thread of their
   * own (records-thread.ts). Default true; a store in memory always has them
   * written on the server's thread.
   */
  isThreaded?: boolean;
  /** Told when the records thread failed and the server's thread took the writing back. */
  onThreadFailed?: (error: Error) => void;
}

/**
 * The contact history and the queues' intervals of every tenant it tracks.
 * It owns its subscriptions, its boundary timer and its thread: `close` ends
 * them.
 */
export class Records {
  readonly #host: Host;
  readonly #clock: Clock;
  readonly #scheduler: TimerScheduler;
  readonly #store: ServerStore;
  readonly #statements: RecordStatements;
  readonly #cursors: EventCursors;
  readonly #journal: Journal | undefined;
  readonly #onThreadFailed: ((error: Error) => void) | undefined;
  /** Who writes: the records thread, or a writer on the store's own connection. */
  #writer: RecordsThread | RecordsWriter;
  /** Catch-ups with the journal under way, one per tenant tracked. */
  readonly #catchUps: Promise<void>[] = [];
  /** Events heard since the writer last flushed. */
  #pendingEvents = 0;
  #writeLater: NodeJS.Timeout | null = null;
  #isClosed = false;
  readonly #unsubscribes = new Map<TenantId, () => void>();
  #cancelTimer: CancelTimer | null = null;
  /** Start of the first interval the next boundary fills: the boundary filled last. */
  #boundaryMs: number;

  constructor(options: RecordsOptions) {
    this.#host = options.host;
    this.#clock = options.clock;
    this.#scheduler = options.scheduler;
    this.#store = options.store;
    this.#statements = recordStatements(options.store.db);
    this.#cursors = new EventCursors(options.store);
    this.#journal = options.journal;
    this.#onThreadFailed = options.onThreadFailed;
    const db = options.store.db;
    const thread =
      db.memory || options.isThreaded === false
        ? null
        : RecordsThread.start(
            { path: db.name, busyTimeoutMs: db.pragma('busy_timeout', { simple: true }) as number },
            (error) => {
              this.#takeWritingBack(error);
            },
          );
    this.#writer = thread instanceof RecordsThread ? thread : new RecordsWriter(db);
    if (thread instanceof Error) this.#onThreadFailed?.(thread);
    this.#boundaryMs = intervalStartOf(this.#clock.nowMs());
    this.trackAll();
    this.#arm();
  }

  /** The records thread, while the records are written on it; null otherwise. */
  get thread(): RecordsThread | null {
    return this.#writer instanceof RecordsThread ? this.#writer : null;
  }

  /**
   * Records a tenant's events from now on; tracking a tenant twice does
   * nothing. The app calls it when it creates a tenant.
   */
  track(tenantId: TenantId): void {
    if (this.#unsubscribes.has(tenantId) || !this.#host.hasTenant(tenantId)) return;
    this.#writer.seed(tenantId, this.#thresholdsOf(tenantId));
    // A tenant the records have not followed before is followed from now on, and its cursor is
    // saved at once: batches handed over and not written (a stop) are then read again.
    const saved = this.#cursors.get('records', tenantId);
    const afterSeq = saved ?? this.#host.lastSeq(tenantId) ?? 0;
    if (saved === null) this.#cursors.save('records', tenantId, afterSeq);
    const following = followTenant({
      host: this.#host,
      ...(this.#journal === undefined ? {} : { journal: this.#journal }),
      tenantId,
      afterSeq,
      take: (events, seq) => {
        this.#hear(tenantId, events, seq);
      },
    });
    this.#unsubscribes.set(tenantId, following.unsubscribe);
    this.#catchUps.push(following.caughtUp);
  }

  /** Settles once every tenant tracked so far has caught up with its journal. */
  caughtUp(): Promise<void> {
    return Promise.all(this.#catchUps).then(() => undefined);
  }

  /** Tracks every tenant the host has. */
  trackAll(): void {
    for (const tenantId of this.#host.tenantIds()) this.track(tenantId);
  }

  /**
   * Stops recording: hands over what it heard, ends the subscriptions, the
   * boundary timer and the thread. Over a journal, the thread leaves what it
   * has not written to the next start, which reads it again after the cursors.
   */
  async close(): Promise<void> {
    this.#writePending();
    this.#isClosed = true;
    for (const unsubscribe of this.#unsubscribes.values()) unsubscribe();
    this.#unsubscribes.clear();
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    if (this.#writer instanceof RecordsThread)
      await this.#writer.close({ isDropping: this.#journal !== undefined });
  }

  /** A page of a customer's contacts, newest first, after the cursor given. */
  history(
    tenantId: TenantId,
    customerId: string,
    page: { limit: number; after?: string },
  ): { contacts: ContactHistoryItem[]; next: string | null } {
    this.#settle();
    const before = page.after === undefined ? Number.MAX_SAFE_INTEGER : Number(page.after);
    const rows = this.#statements.historyPage.all(tenantId, customerId, before, page.limit + 1);
    const shown = rows.slice(0, page.limit);
    const last = shown.at(-1);
    return {
      contacts: shown.map(historyItemOf),
      next: rows.length > page.limit && last !== undefined ? String(last.seq) : null,
    };
  }

  /** A contact's history row, or null when it was never recorded. */
  contact(tenantId: TenantId, contactId: string): ContactHistoryItem | null {
    this.#settle();
    const row = this.#statements.historyItem.get(tenantId, contactId);
    return row === undefined ? null : historyItemOf(row);
  }

  /**
   * Keeps the wrap-up code and notes an agent gives a contact it handled
   * (the last agent to hold it); given again, it replaces them.
   */
  dispose(
    tenantId: TenantId,
    agentId: AgentId,
    contactId: ContactId,
    input: { code: string; notes?: string },
  ): ContactHistoryItem | Rejection {
    const item = this.contact(tenantId, contactId);
    if (item === null) {
      return rejection('contact_not_found', `No contact with id ${contactId} is on record.`, {
        contactId,
      });
    }
    if (item.agentId !== agentId) {
      return rejection(
        'contact_not_assigned',
        `Contact ${contactId} was not handled by agent ${agentId}; only its agent gives its disposition.`,
        { contactId, agentId, handledBy: item.agentId },
      );
    }
    this.#statements.dispose.run({
      tenantId,
      contactId,
      code: input.code,
      notes: input.notes ?? null,
      atMs: this.#clock.nowMs(),
    });
    return this.contact(tenantId, contactId) ?? item;
  }

  /** A queue's ended intervals that start in [fromMs, toMs), oldest first. */
  intervals(tenantId: TenantId, queueId: QueueId, fromMs: number, toMs: number): QueueInterval[] {
    this.#settle();
    // An interval still going on is not shown: its figures would change under the reader.
    const endedBeforeMs = intervalStartOf(this.#clock.nowMs());
    const rows = this.#statements.intervals.all(
      tenantId,
      queueId,
      fromMs,
      Math.min(toMs, endedBeforeMs),
    );
    return rows.map(intervalOf);
  }

  /** Keeps a batch to write within recordsWriteDelayMs, or now when many wait. */
  #hear(tenantId: TenantId, events: readonly Event[], seq: number): void {
    // A catch-up still reading after close: its entries stay after the cursor, for the next start.
    if (this.#isClosed) return;
    this.#writer.add({ tenantId, events, seq });
    this.#pendingEvents += events.length;
    if (this.#pendingEvents >= recordsPendingEventsMax) this.#writePending();
    else
      this.#writeLater ??= setTimeout(
        () => {
          this.#writePending();
        },
        this.#writer instanceof RecordsThread ? recordsThreadWriteDelayMs : recordsWriteDelayMs,
      );
  }

  /** Has the batches heard written: at once, or by the thread in its turn. */
  #writePending(): void {
    this.#handOver();
    this.#writer.flush();
  }

  /** Stops the timer and the count of what waits: the writer is taking it all. */
  #handOver(): void {
    if (this.#writeLater !== null) clearTimeout(this.#writeLater);
    this.#writeLater = null;
    this.#pendingEvents = 0;
  }

  /** Before a read: everything heard is written. */
  #settle(): void {
    this.#handOver();
    if (!this.#writer.settle()) {
      // The thread failed meanwhile: what it had not written is read again from the journal.
      this.#takeWritingBack(new Error('the records thread failed'));
    }
  }

  /**
   * The records thread failed: the server's thread writes from now on. The
   * batches handed to the thread and not written are after the cursors it
   * saved, so every tenant is followed again from its cursor.
   */
  #takeWritingBack(error: Error): void {
    if (!(this.#writer instanceof RecordsThread) || this.#isClosed) return;
    const thread = this.#writer;
    this.#writer = new RecordsWriter(this.#store.db);
    void thread.close();
    this.#onThreadFailed?.(error);
    this.#pendingEvents = 0;
    for (const unsubscribe of this.#unsubscribes.values()) unsubscribe();
    this.#unsubscribes.clear();
    this.trackAll();
  }

  /** The service-level threshold of each of a tenant's queues now. */
  #thresholdsOf(tenantId: TenantId): (readonly [QueueId, number])[] {
    const view = this.#host.view(tenantId);
    const thresholds: (readonly [QueueId, number])[] = [];
    for (const queueId of view?.queueIds() ?? []) {
      const thresholdMs = view?.serviceLevelThresholdMs(queueId);
      if (thresholdMs !== null && thresholdMs !== undefined)
        thresholds.push([queueId, thresholdMs]);
    }
    return thresholds;
  }

  /** Arms the timer of the next boundary. */
  #arm(): void {
    const nextMs = intervalStartOf(this.#clock.nowMs()) + intervalMs;
    this.#cancelTimer = this.#scheduler.setTimer(nextMs, () => {
      this.#onBoundary();
    });
  }

  /**
   * Gives every queue of every tracked tenant its row for each interval
   * ended since the last boundary (zeros where nothing happened), after the
   * batches heard before it, then re-arms. A clock that jumped fills at most
   * a day of intervals.
   */
  #onBoundary(): void {
    this.#writePending();
    const boundaryMs = intervalStartOf(this.#clock.nowMs());
    const firstMs = Math.max(this.#boundaryMs, boundaryMs - boundaryCatchUpMax * intervalMs);
    const keys: IntervalKey[] = [];
    for (const tenantId of this.#unsubscribes.keys()) {
      for (const queueId of this.#host.view(tenantId)?.queueIds() ?? []) {
        for (let startMs = firstMs; startMs < boundaryMs; startMs += intervalMs)
          keys.push({ tenantId, queueId, startMs });
      }
    }
    this.#writer.fill(keys);
    this.#boundaryMs = boundaryMs;
    this.#arm();
  }
}

/**
 * The host as the tenant routes see it: a tenant it creates is tracked at
 * once, before any command of it can run (a tenant is created empty, so its
 * first event comes from a later command).
 */
export function trackingHost(host: Host, records: Records): Host {
  return {
    hasTenant: host.hasTenant.bind(host),
    tenantIds: host.tenantIds.bind(host),
    isReady: host.isReady.bind(host),
    createTenant: async (tenantId) => {
      const refusal = await host.createTenant(tenantId);
      if (refusal === null) records.track(tenantId);
      return refusal;
    },
    submit: host.submit.bind(host),
    view: host.view.bind(host),
    subscribe: host.subscribe.bind(host),
    lastSeq: host.lastSeq.bind(host),
  };
}
