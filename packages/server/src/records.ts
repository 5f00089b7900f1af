import type Database from 'better-sqlite3';
import type { Journal } from '@lineup/journal';
import {
  rejection,
  type AgentId,
  type ContactId,
  type Event,
  type EventOf,
  type QueueId,
  type Rejection,
  type TenantId,
} from '@lineup/protocol';
import type { CancelTimer, Clock, TimerScheduler } from './clock.ts';
import type { Host } from './host.ts';
import type { ServerStore } from './store.ts';
import { EventCursors } from './event-cursors.ts';
import { followTenant } from './journal-follower.ts';
import { ContactOutcome, type ContactHistoryItem, type QueueInterval } from './record-schemas.ts';
import {
  historyItemOf,
  intervalMs,
  intervalOf,
  intervalStartOf,
  recordStatements,
  zeroCounters,
  type IntervalCounters,
  type RecordStatements,
} from './record-store.ts';

/*
 * The server's durable records of what the engines did: one row per contact
 * (a customer's history) and each queue's counters per 15-minute interval.
 * They are written from the events every tenant's engine emits, one
 * transaction per batch, so a batch is recorded whole or not at all.
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
 * and one addition per queue and interval for all their counters (at 1,000
 * contacts a second, writing each turn's batches took a tenth of the event
 * loop). Every read writes the batches still waiting first, so a reader
 * never misses an event that was heard.
 */

/** Intervals one boundary fills at most after a long pause of the clock: one day. */
const boundaryCatchUpMax = 96;

/** Events heard and not yet written, at most: past it they are written at once. */
export const recordsPendingEventsMax = 10_000;

/** The names of an interval's counters. */
const intervalCounterNames = Object.keys(zeroCounters) as (keyof IntervalCounters)[];

/** How long the first batch heard waits for others before they are written together. */
export const recordsWriteDelayMs = 10;

/**
 * Runs a write on the store without an fsync at its commit, then puts the
 * connection's durability (`synchronous`, as read at open) back. In WAL mode
 * the next FULL commit on the file fsyncs the WAL, and with it every frame
 * written before. Setting the pragma costs no I/O.
 */
function withoutFsync(db: Database.Database, durability: unknown, write: () => void): void {
  if (db.memory) {
    write();
    return;
  }
  db.pragma('synchronous = NORMAL');
  try {
    write();
  } finally {
    db.pragma(`synchronous = ${String(durability)}`);
  }
}

/** How the records are kept: where, on which engines, and on which clock. */
export interface RecordsOptions {
  store: ServerStore;
  host: Host;
  clock: Clock;
  scheduler: TimerScheduler;
  /** The host's journal, read after each tenant's cursor; none for a memory host. */
  journal?: Journal;
}

/**
 * The contact history and the queues' intervals of every tenant it tracks.
 * It owns its subscriptions and its boundary timer: `close` ends both.
 */
export class Records {
  readonly #host: Host;
  readonly #clock: Clock;
  readonly #scheduler: TimerScheduler;
  readonly #db: Database.Database;
  readonly #statements: RecordStatements;
  readonly #cursors: EventCursors;
  readonly #journal: Journal | undefined;
  /** Catch-ups with the journal under way, one per tenant tracked. */
  readonly #catchUps: Promise<void>[] = [];
  /** Writes the pending batches in one transaction, without its own fsync. */
  readonly #writePending: () => void;
  /** Batches heard and not yet written, in the order heard, with their journal entry's seq. */
  #pending: { tenantId: TenantId; events: readonly Event[]; seq: number }[] = [];
  #pendingEvents = 0;
  #writeLater: NodeJS.Timeout | null = null;
  /**
   * Counters the batches being written add to each queue's interval, summed
   * per tenant, queue and interval start, and added to the rows at the end of
   * the transaction.
   */
  readonly #counting = new Map<
    string,
    { tenantId: TenantId; queueId: QueueId; startMs: number; counters: IntervalCounters }
  >();
  #isClosed = false;
  readonly #unsubscribes = new Map<TenantId, () => void>();
  #cancelTimer: CancelTimer | null = null;
  /** Start of the first interval the next boundary fills: the boundary filled last. */
  #boundaryMs: number;

  constructor(options: RecordsOptions) {
    this.#host = options.host;
    this.#clock = options.clock;
    this.#scheduler = options.scheduler;
    this.#db = options.store.db;
    this.#statements = recordStatements(this.#db);
    this.#cursors = new EventCursors(options.store);
    this.#journal = options.journal;
    const write = this.#db.transaction(
      (batches: readonly { tenantId: TenantId; events: readonly Event[]; seq: number }[]) => {
        // Batches come in journal order per tenant: each tenant's cursor is saved once, at its last.
        const lastSeqOf = new Map<TenantId, number>();
        for (const { tenantId, events, seq } of batches) {
          for (const event of events) this.#record(tenantId, event);
          lastSeqOf.set(tenantId, seq);
        }
        for (const [tenantId, seq] of lastSeqOf) this.#cursors.save('records', tenantId, seq);
        for (const { tenantId, queueId, startMs, counters } of this.#counting.values())
          this.#addCounters(tenantId, queueId, startMs, counters);
        this.#counting.clear();
      },
    );
    // Batches that record nothing write nothing: their empty transaction costs no I/O.
    const durability = this.#db.pragma('synchronous', { simple: true });
    this.#writePending = () => {
      if (this.#writeLater !== null) clearTimeout(this.#writeLater);
      this.#writeLater = null;
      const batches = this.#pending;
      if (batches.length === 0) return;
      this.#pending = [];
      this.#pendingEvents = 0;
      try {
        withoutFsync(this.#db, durability, () => {
          write(batches);
        });
      } finally {
        // A failed transaction wrote none of its counters: none is carried to the next.
        this.#counting.clear();
      }
    };
    this.#boundaryMs = intervalStartOf(this.#clock.nowMs());
    this.trackAll();
    this.#arm();
  }

  /**
   * Records a tenant's events from now on; tracking a tenant twice does
   * nothing. The app calls it when it creates a tenant.
   */
  track(tenantId: TenantId): void {
    if (this.#unsubscribes.has(tenantId) || !this.#host.hasTenant(tenantId)) return;
    const following = followTenant({
      host: this.#host,
      ...(this.#journal === undefined ? {} : { journal: this.#journal }),
      tenantId,
      afterSeq: this.#cursors.get('records', tenantId) ?? this.#host.lastSeq(tenantId) ?? 0,
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

  /** Stops recording: ends the subscriptions and the boundary timer. */
  close(): void {
    this.#writePending();
    this.#isClosed = true;
    for (const unsubscribe of this.#unsubscribes.values()) unsubscribe();
    this.#unsubscribes.clear();
    this.#cancelTimer?.();
    this.#cancelTimer = null;
  }

  /** A page of a customer's contacts, newest first, after the cursor given. */
  history(
    tenantId: TenantId,
    customerId: string,
    page: { limit: number; after?: string },
  ): { contacts: ContactHistoryItem[]; next: string | null } {
    this.#writePending();
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
    this.#writePending();
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
    this.#writePending();
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
    this.#pending.push({ tenantId, events, seq });
    this.#pendingEvents += events.length;
    if (this.#pendingEvents >= recordsPendingEventsMax) this.#writePending();
    else
      this.#writeLater ??= setTimeout(() => {
        this.#writePending();
      }, recordsWriteDelayMs);
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
   * ended since the last boundary (zeros where nothing happened), then
   * re-arms. A clock that jumped fills at most a day of intervals.
   */
  #onBoundary(): void {
    this.#writePending();
    const boundaryMs = intervalStartOf(this.#clock.nowMs());
    const firstMs = Math.max(this.#boundaryMs, boundaryMs - boundaryCatchUpMax * intervalMs);
    const fill = (): void => {
      for (const tenantId of this.#unsubscribes.keys()) {
        for (const queueId of this.#host.view(tenantId)?.queueIds() ?? []) {
          for (let startMs = firstMs; startMs < boundaryMs; startMs += intervalMs)
            this.#addCounters(tenantId, queueId, startMs, zeroCounters);
        }
      }
    };
    this.#db.transaction(fill)();
    this.#boundaryMs = boundaryMs;
    this.#arm();
  }

  #addCounters(
    tenantId: TenantId,
    queueId: QueueId,
    startMs: number,
    counters: Partial<IntervalCounters>,
  ): void {
    this.#statements.addToInterval.run({
      tenantId,
      queueId,
      startMs,
      ...zeroCounters,
      ...counters,
    });
  }

  /** Adds to the interval of the event's time, at the end of the transaction under way. */
  #count(tenantId: TenantId, queueId: QueueId, atMs: number, counters: Partial<IntervalCounters>) {
    const startMs = intervalStartOf(atMs);
    const key = `${tenantId}\u0000${queueId}\u0000${startMs}`;
    let sum = this.#counting.get(key);
    if (sum === undefined) {
      sum = { tenantId, queueId, startMs, counters: { ...zeroCounters } };
      this.#counting.set(key, sum);
    }
    const total = sum.counters;
    for (const name of intervalCounterNames) {
      const value = counters[name];
      if (value === undefined) continue;
      // The longest wait is a maximum; every other counter is a sum.
      total[name] = name === 'waitMsMax' ? Math.max(total[name], value) : total[name] + value;
    }
  }

  /** The service-level threshold of a queue; a queue gone since counts every wait as outside. */
  #thresholdMs(tenantId: TenantId, queueId: QueueId): number {
    return this.#host.view(tenantId)?.serviceLevelThresholdMs(queueId) ?? -1;
  }

  /** Records one event: its contact's row and its queue's interval. */
  #record(tenantId: TenantId, event: Event): void {
    const keys = { tenantId };
    switch (event.type) {
      case 'contactQueued':
        this.#recordQueued(tenantId, event);
        return;
      case 'contactDeflected':
        this.#statements.insertContact.run({
          ...keys,
          contactId: event.contactId,
          customerId: event.customer.id,
          customerName: event.customer.name ?? null,
          queueId: event.queueId,
          channel: event.channel,
          joinedType: null,
          joinedAtMs: event.atMs,
          endedAtMs: event.atMs,
          outcome: ContactOutcome.deflected,
          waitMs: 0,
        });
        return;
      case 'contactAssigned':
        this.#recordAssigned(tenantId, event);
        return;
      case 'contactOverflowed':
      case 'contactTransferred':
        this.#statements.move.run({
          ...keys,
          contactId: event.contactId,
          queueId: event.toQueueId,
        });
        this.#count(tenantId, event.toQueueId, event.atMs, { offered: 1 });
        return;
      case 'contactAbandoned':
        this.#recordAbandoned(tenantId, event);
        return;
      case 'contactTimedOut':
        this.#end(tenantId, event.contactId, event.atMs, ContactOutcome.timedOut, event.waitMs);
        this.#count(tenantId, event.queueId, event.atMs, { waitMsMax: event.waitMs });
        return;
      case 'contactCompleted':
      case 'callbackClosed':
        this.#recordHandled(tenantId, event);
        return;
      default:
        // Every other event changes no contact's record nor an interval's counters.
        return;
    }
  }

  #recordQueued(tenantId: TenantId, event: EventOf<'contactQueued'>): void {
    const { contact } = event;
    this.#statements.insertContact.run({
      tenantId,
      contactId: contact.id,
      customerId: contact.customer.id,
      customerName: contact.customer.name ?? null,
      queueId: contact.queueId,
      channel: contact.channel,
      joinedType: contact.joinedType,
      joinedAtMs: contact.joinedAtMs,
      endedAtMs: null,
      outcome: null,
      waitMs: null,
    });
    this.#count(tenantId, contact.queueId, event.atMs, { offered: 1 });
  }

  /** A queue answers a contact once, as the engine counts it: a retried callback is not answered twice. */
  #recordAssigned(tenantId: TenantId, event: EventOf<'contactAssigned'>): void {
    const fields = {
      tenantId,
      contactId: event.contactId,
      waitMs: event.waitMs,
      agentId: event.agentId,
      queueId: event.queueId,
    };
    // One statement in the usual case, a first answer, rather than a read and a write. A row
    // answered before is not counted again; a contact with no row at all still is.
    const isFirst = this.#statements.answer.run({ ...fields, atMs: event.atMs }).changes > 0;
    if (!isFirst && this.#statements.reassign.run(fields).changes > 0) return;
    const isInThreshold = event.waitMs <= this.#thresholdMs(tenantId, event.queueId);
    this.#count(tenantId, event.queueId, event.atMs, {
      answered: 1,
      answeredInThreshold: isInThreshold ? 1 : 0,
      waitMsAnswered: event.waitMs,
      waitMsMax: event.waitMs,
    });
  }

  #recordAbandoned(tenantId: TenantId, event: EventOf<'contactAbandoned'>): void {
    this.#end(tenantId, event.contactId, event.atMs, ContactOutcome.abandoned, event.waitMs);
    const isInThreshold = event.waitMs <= this.#thresholdMs(tenantId, event.queueId);
    this.#count(tenantId, event.queueId, event.atMs, {
      abandoned: 1,
      abandonedInThreshold: isInThreshold ? 1 : 0,
      waitMsMax: event.waitMs,
    });
  }

  /** A completion or a callback attempt: talk time; a callback with a retry goes on. */
  #recordHandled(
    tenantId: TenantId,
    event: EventOf<'contactCompleted'> | EventOf<'callbackClosed'>,
  ): void {
    const isCallback = event.type === 'callbackClosed';
    const handle = {
      tenantId,
      contactId: event.contactId,
      handleMs: event.talkMs,
      callbackOutcome: isCallback ? event.outcome : null,
    };
    if (isCallback && event.retryAtMs !== null) {
      this.#statements.addHandle.run(handle);
    } else {
      const outcome = isCallback ? ContactOutcome.callbackClosed : ContactOutcome.completed;
      this.#statements.addHandleAndEnd.run({ ...handle, atMs: event.atMs, outcome });
    }
    this.#count(tenantId, event.queueId, event.atMs, { handled: 1, handleMs: event.talkMs });
  }

  #end(
    tenantId: TenantId,
    contactId: string,
    atMs: number,
    outcome: ContactOutcome,
    waitMs: number | null,
  ): void {
    this.#statements.end.run({ tenantId, contactId, atMs, outcome, waitMs });
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
