import type Database from 'better-sqlite3';
import type { Event, EventOf, QueueId, TenantId } from '@lineup/protocol';
import { EventCursors } from './event-cursors.ts';
import {
  ContactOutcome,
  intervalStartOf,
  recordStatements,
  zeroCounters,
  type IntervalCounters,
  type RecordStatements,
} from './record-store.ts';

/*
 * What the records write (records.ts): from a tenant's durable events, one
 * row per contact and each queue's counters per 15-minute interval, with the
 * tenant's cursor, in one transaction per call. It runs on whichever thread
 * owns its connection: the records thread (records-thread.ts) or, without
 * one, the server's thread.
 *
 * The service-level threshold that decides whether a wait counts as within
 * it is the queue's when the event happened: seeded from the engine when a
 * tenant is tracked, and moved on by the queue events among the batches.
 */

/** One journal entry's events, as the records hear them. */
export interface HeardBatch {
  readonly tenantId: TenantId;
  readonly events: readonly Event[];
  readonly seq: number;
}

/** A queue's interval: the key of its counters. */
export interface IntervalKey {
  readonly tenantId: TenantId;
  readonly queueId: QueueId;
  readonly startMs: number;
}

/** The events the records read: the contacts' and the queues' (for their thresholds). */
export const recordedEventTypes: ReadonlySet<Event['type']> = new Set<Event['type']>([
  'contactQueued',
  'contactDeflected',
  'contactAssigned',
  'contactOverflowed',
  'contactTransferred',
  'contactAbandoned',
  'contactTimedOut',
  'contactCompleted',
  'callbackClosed',
  'queueCreated',
  'queueUpdated',
  'queueDeleted',
]);

/** The names of an interval's counters. */
const intervalCounterNames = Object.keys(zeroCounters) as (keyof IntervalCounters)[];

/** A connection's `synchronous` level, as SQLite reports it: 1 NORMAL, 2 FULL. */
type Synchronous = 1 | 2;
const synchronousNormal: Synchronous = 1;
const synchronousFull: Synchronous = 2;

/**
 * Writes the records on one connection. The records are written without an
 * fsync of their own (ADR 0012): their transactions run at synchronous=NORMAL
 * and reach the disk with the file's next fsync; the interval rows of a
 * boundary, which no journal entry gives again, at FULL.
 */
export class RecordsWriter {
  readonly #db: Database.Database;
  readonly #statements: RecordStatements;
  readonly #cursors: EventCursors;
  /** The connection's own `synchronous`, put back after each write that changes it. */
  readonly #synchronous: Synchronous;
  /** Each tracked tenant's queues' service-level thresholds. */
  readonly #thresholds = new Map<TenantId, Map<QueueId, number>>();
  /**
   * Counters the batches being written add to each queue's interval, summed
   * per tenant, queue and interval start, and added to the rows at the end of
   * the transaction.
   */
  readonly #counting = new Map<string, IntervalKey & { counters: IntervalCounters }>();
  /** Batches added and not yet written. */
  #pending: HeardBatch[] = [];
  readonly #writeBatches: (batches: readonly HeardBatch[]) => void;
  readonly #fillIntervals: (keys: readonly IntervalKey[]) => void;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#statements = recordStatements(db);
    this.#cursors = new EventCursors({ db });
    this.#synchronous =
      db.pragma('synchronous', { simple: true }) === synchronousNormal
        ? synchronousNormal
        : synchronousFull;
    this.#writeBatches = db.transaction((batches: readonly HeardBatch[]) => {
      // Batches come in journal order per tenant: each tenant's cursor is saved once, at its last.
      const lastSeqOf = new Map<TenantId, number>();
      for (const { tenantId, events, seq } of batches) {
        for (const event of events) this.#record(tenantId, event);
        lastSeqOf.set(tenantId, seq);
      }
      for (const [tenantId, seq] of lastSeqOf) this.#cursors.save('records', tenantId, seq);
      for (const { tenantId, queueId, startMs, counters } of this.#counting.values())
        this.#addCounters({ tenantId, queueId, startMs }, counters);
    });
    this.#fillIntervals = db.transaction((keys: readonly IntervalKey[]) => {
      for (const key of keys) this.#addCounters(key, zeroCounters);
    });
  }

  /** A tenant's queues' thresholds now, before its batches are written. */
  seed(tenantId: TenantId, thresholds: readonly (readonly [QueueId, number])[]): void {
    this.#thresholds.set(tenantId, new Map(thresholds));
  }

  /** Keeps a batch for the next flush. */
  add(batch: HeardBatch): void {
    this.#pending.push(batch);
  }

  /** Writes the batches added since the last flush. */
  flush(): void {
    const batches = this.#pending;
    this.#pending = [];
    this.write(batches);
  }

  /** Writes what was added: everything is then written (always true, as a thread would say). */
  settle(): boolean {
    this.flush();
    return true;
  }

  /** Writes the batches in one transaction, without an fsync of its own. */
  write(batches: readonly HeardBatch[]): void {
    if (batches.length === 0) return;
    try {
      this.#at(synchronousNormal, () => {
        this.#writeBatches(batches);
      });
    } finally {
      // A failed transaction wrote none of its counters: none is carried to the next.
      this.#counting.clear();
    }
  }

  /** Gives each interval a row, of zeros where nothing happened, in one durable transaction. */
  fill(keys: readonly IntervalKey[]): void {
    if (keys.length === 0) return;
    this.#at(synchronousFull, () => {
      this.#fillIntervals(keys);
    });
  }

  /**
   * Runs a write at the `synchronous` level given, then puts the
   * connection's own back. In WAL mode the next FULL commit on the file
   * fsyncs the WAL, and with it every frame written before. Setting the
   * pragma costs no I/O.
   */
  #at(synchronous: Synchronous, write: () => void): void {
    if (this.#db.memory || synchronous === this.#synchronous) {
      write();
      return;
    }
    this.#db.pragma(`synchronous = ${synchronous}`);
    try {
      write();
    } finally {
      this.#db.pragma(`synchronous = ${this.#synchronous}`);
    }
  }

  #addCounters(key: IntervalKey, counters: Partial<IntervalCounters>): void {
    this.#statements.addToInterval.run({ ...key, ...zeroCounters, ...counters });
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
    return this.#thresholds.get(tenantId)?.get(queueId) ?? -1;
  }

  #thresholdsOf(tenantId: TenantId): Map<QueueId, number> {
    let thresholds = this.#thresholds.get(tenantId);
    if (thresholds === undefined) {
      thresholds = new Map();
      this.#thresholds.set(tenantId, thresholds);
    }
    return thresholds;
  }

  /** Records one event: its contact's row and its queue's interval, or its queue's threshold. */
  #record(tenantId: TenantId, event: Event): void {
    const keys = { tenantId };
    switch (event.type) {
      case 'queueCreated':
      case 'queueUpdated':
        this.#thresholdsOf(tenantId).set(event.queue.id, event.queue.serviceLevelThresholdMs);
        return;
      case 'queueDeleted':
        this.#thresholds.get(tenantId)?.delete(event.queueId);
        return;
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
