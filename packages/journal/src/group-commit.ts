import { performance } from 'node:perf_hooks';
import { eventsJson as eventsJsonOf, type Event, type TenantId } from '@lineup/protocol';
import {
  appendEntriesMax,
  commandIdLengthMax,
  commitBytesMax,
  commitEntriesMax,
  commitWindowMsDefault,
  commitWindowMsMax,
  entryBytesMax,
  JournalRefusalCode,
  readCharactersMax,
  readEntriesMax,
  snapshotBytesMax,
  type AppendResult,
  type CommitReport,
  type Entry,
  type EntryInput,
  type Journal,
  type JournalOptions,
  type JournalRefusal,
  type JournalStats,
  type SaveSnapshotResult,
  type Snapshot,
} from './journal.ts';

/*
 * The part of a journal that every single-writer store shares: validation,
 * limits, sequence numbers, idempotency keys and group commit. The SQLite and
 * the in-memory journal are this class over two stores, so they cannot drift
 * apart in semantics; the contract suite checks both anyway.
 *
 * A store commits either at once (the in-memory store) or on a thread of
 * its own, settling a promise (the SQLite store's commit thread); its reads
 * are synchronous, as better-sqlite3's are. A store whose reads need
 * asynchronous I/O (a cluster store) implements `Journal` itself.
 */

/** An entry as a store reads it back: the events still serialized. */
export interface StoredRow {
  readonly seq: number;
  readonly atMs: number;
  readonly commandId: string | null;
  readonly eventsJson: string;
}

/** An entry as a store writes it. */
export interface StoredEntry extends StoredRow {
  readonly tenantId: TenantId;
}

/** A snapshot as a store keeps it. */
export interface StoredSnapshot {
  readonly tenantId: TenantId;
  readonly seq: number;
  readonly snapshotJson: string;
}

/** What one transaction writes: entries in seq order per tenant, then snapshots. */
export interface CommitBatch {
  readonly entries: readonly StoredEntry[];
  readonly snapshots: readonly StoredSnapshot[];
}

/** A synchronous, single-writer store under a `GroupCommitJournal`. */
export interface JournalStore {
  /** The last committed seq of every tenant that has one; read once, at open. */
  lastSeqs(): ReadonlyMap<TenantId, number>;
  /**
   * Writes the batch in one durable transaction, keeping at most
   * `snapshotsKeptPerTenant` snapshots per tenant. Throws when the
   * transaction fails, and then nothing of it was written. A store that
   * commits on another thread returns a promise instead, settled the same
   * way; it writes the batches in the order it was given them, and refuses
   * every batch after one that failed.
   */
  commit(batch: CommitBatch): void | Promise<void>;
  /** Up to `limit` committed entries with seq > `afterSeq`, in seq order. */
  read(tenantId: TenantId, afterSeq: number, limit: number): StoredRow[];
  /** The committed entry that carries this command id, if any. */
  entryByCommandId(tenantId: TenantId, commandId: string): StoredRow | undefined;
  /** The newest committed snapshot of the tenant, if any. */
  latestSnapshot(tenantId: TenantId): StoredSnapshot | undefined;
  /** Tenants with a committed entry or snapshot, sorted. */
  tenants(): TenantId[];
  /** Releases the store, once every commit it was given is settled; called once. */
  close(): void | Promise<void>;
}

/** Crashes on a broken invariant or a misuse of the journal: a bug, not an expected failure. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`journal invariant: ${message}`);
}

const isSeq = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

const refused = (
  refusal: JournalRefusal,
): { readonly ok: false; readonly refusal: JournalRefusal } => ({
  ok: false,
  refusal,
});

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** The batch that the next commit will write, and who waits for it. */
interface PendingBatch {
  entries: StoredEntry[];
  snapshots: StoredSnapshot[];
  sizeBytes: number;
  waiters: Waiter[];
  /** Command ids of the batch per tenant, so that a duplicate is refused before it commits. */
  commandIds: Map<TenantId, Map<string, number>>;
}

const emptyBatch = (): PendingBatch => ({
  entries: [],
  snapshots: [],
  sizeBytes: 0,
  waiters: [],
  commandIds: new Map(),
});

/** A `Journal` over a synchronous store, with group commit. */
export class GroupCommitJournal implements Journal {
  readonly #store: JournalStore;
  readonly #commitWindowMs: number;
  readonly #onCommit: ((report: CommitReport) => void) | undefined;
  /** Last seq assigned per tenant, pending entries included: where the next append continues. */
  readonly #assignedSeqs = new Map<TenantId, number>();
  /** Last seq committed per tenant. */
  readonly #committedSeqs = new Map<TenantId, number>();
  #pending: PendingBatch = emptyBatch();
  /**
   * Batches handed to a store that commits on another thread and not settled
   * yet, oldest first. Their command ids are still taken, and close waits for them.
   */
  readonly #inFlight: { batch: PendingBatch; settled: Promise<void> }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #commits = 0;
  #entriesCommitted = 0;
  #isClosed = false;
  /** Set by the first failed commit; every later call rejects with it as the cause. */
  #failure: Error | undefined;

  constructor(store: JournalStore, options: JournalOptions = {}) {
    const commitWindowMs = options.commitWindowMs ?? commitWindowMsDefault;
    assert(
      Number.isInteger(commitWindowMs) &&
        commitWindowMs >= 0 &&
        commitWindowMs <= commitWindowMsMax,
      `commitWindowMs must be an integer in 0…${commitWindowMsMax}, got ${commitWindowMs}`,
    );
    this.#store = store;
    this.#commitWindowMs = commitWindowMs;
    this.#onCommit = options.onCommit;
    for (const [tenantId, seq] of store.lastSeqs()) {
      this.#assignedSeqs.set(tenantId, seq);
      this.#committedSeqs.set(tenantId, seq);
    }
  }

  append(tenantId: TenantId, entries: readonly EntryInput[]): Promise<AppendResult> {
    // The executor runs synchronously: seqs follow the order of the calls, and
    // a bug (a thrown assert) becomes a rejection.
    return new Promise((resolve, reject) => {
      this.#checkUsable();
      assert(tenantId.length > 0, 'tenantId must not be empty');
      if (entries.length > appendEntriesMax) {
        resolve(
          refused({
            code: JournalRefusalCode.tooManyEntries,
            message: `An append carries at most ${appendEntriesMax} entries, got ${entries.length}; split it.`,
          }),
        );
        return;
      }
      const prepared = this.#prepare(tenantId, entries);
      if (!Array.isArray(prepared)) {
        resolve(refused(prepared));
        return;
      }
      if (prepared.length === 0) {
        resolve({ ok: true, seqs: [] });
        return;
      }
      const sizeBytes = prepared.reduce((sum, entry) => sum + entry.sizeBytes, 0);
      this.#makeRoom(prepared.length, sizeBytes);
      const batch = this.#pending;
      let seq = this.#assignedSeqs.get(tenantId) ?? 0;
      const seqs: number[] = [];
      for (const { atMs, commandId, eventsJson } of prepared) {
        seq += 1;
        seqs.push(seq);
        batch.entries.push({ tenantId, seq, atMs, commandId, eventsJson });
        if (commandId !== null) commandIdsOf(batch, tenantId).set(commandId, seq);
      }
      this.#assignedSeqs.set(tenantId, seq);
      batch.sizeBytes += sizeBytes;
      batch.waiters.push({
        resolve: () => {
          resolve({ ok: true, seqs });
        },
        reject,
      });
      this.#schedule();
    });
  }

  read(tenantId: TenantId, afterSeq: number, limit: number): Promise<Entry[]> {
    return new Promise((resolve) => {
      this.#checkUsable();
      assert(isSeq(afterSeq), `afterSeq must be a non-negative integer, got ${afterSeq}`);
      assert(
        Number.isInteger(limit) && limit >= 1,
        `limit must be a positive integer, got ${limit}`,
      );
      const rows = this.#store.read(tenantId, afterSeq, Math.min(limit, readEntriesMax));
      const entries: Entry[] = [];
      let characters = 0;
      for (const row of rows) {
        characters += row.eventsJson.length;
        if (characters > readCharactersMax && entries.length > 0) break;
        entries.push(parseEntry(row));
      }
      resolve(entries);
    });
  }

  entryByCommandId(tenantId: TenantId, commandId: string): Promise<Entry | undefined> {
    return new Promise((resolve) => {
      this.#checkUsable();
      const row = this.#store.entryByCommandId(tenantId, commandId);
      resolve(row === undefined ? undefined : parseEntry(row));
    });
  }

  lastSeq(tenantId: TenantId): Promise<number> {
    return new Promise((resolve) => {
      this.#checkUsable();
      resolve(this.#committedSeqs.get(tenantId) ?? 0);
    });
  }

  saveSnapshot(tenantId: TenantId, seq: number, snapshot: unknown): Promise<SaveSnapshotResult> {
    return new Promise((resolve) => {
      const snapshotJson = JSON.stringify(snapshot) as string | undefined;
      assert(snapshotJson !== undefined, 'a snapshot must be a JSON value');
      resolve(this.saveSnapshotJson(tenantId, seq, snapshotJson));
    });
  }

  saveSnapshotJson(
    tenantId: TenantId,
    seq: number,
    snapshotJson: string,
  ): Promise<SaveSnapshotResult> {
    return new Promise((resolve, reject) => {
      this.#checkUsable();
      assert(tenantId.length > 0, 'tenantId must not be empty');
      const assignedSeq = this.#assignedSeqs.get(tenantId) ?? 0;
      assert(
        isSeq(seq) && seq <= assignedSeq,
        `a snapshot's seq must be in 0…${assignedSeq} (the last seq appended), got ${seq}`,
      );
      const sizeBytes = Buffer.byteLength(snapshotJson);
      if (sizeBytes > snapshotBytesMax) {
        resolve(
          refused({
            code: JournalRefusalCode.snapshotTooLarge,
            message: `A snapshot holds at most ${snapshotBytesMax} bytes of JSON, got ${sizeBytes}; keep the last one and replay more.`,
            sizeBytes,
          }),
        );
        return;
      }
      // It joins the pending batch, after every entry appended before it, and
      // commits now: a snapshot is rare and large, and its caller waits.
      const batch = this.#pending;
      batch.snapshots.push({ tenantId, seq, snapshotJson });
      batch.sizeBytes += sizeBytes;
      batch.waiters.push({
        resolve: () => {
          resolve({ ok: true });
        },
        reject,
      });
      this.#commitPending();
    });
  }

  latestSnapshot(tenantId: TenantId): Promise<Snapshot | undefined> {
    return new Promise((resolve) => {
      this.#checkUsable();
      const row = this.#store.latestSnapshot(tenantId);
      resolve(row === undefined ? undefined : parseSnapshot(row));
    });
  }

  tenants(): Promise<TenantId[]> {
    return new Promise((resolve) => {
      this.#checkUsable();
      resolve(this.#store.tenants());
    });
  }

  stats(): JournalStats {
    return {
      commits: this.#commits,
      entriesCommitted: this.#entriesCommitted,
      entriesPending: this.#pending.entries.length,
      entriesCommitting: this.#inFlight.reduce((sum, { batch }) => sum + batch.entries.length, 0),
    };
  }

  async close(): Promise<void> {
    if (this.#isClosed) return;
    if (this.#failure === undefined) this.#commitPending();
    this.#isClosed = true;
    // A batch that gathered behind the last commit goes when that one is done.
    while (this.#inFlight.length > 0) await this.#inFlight[this.#inFlight.length - 1]?.settled;
    await this.#store.close();
  }

  #checkUsable(): void {
    assert(!this.#isClosed, 'the journal is closed');
    if (this.#failure !== undefined) {
      throw new Error('journal failed: a commit did not reach the disk; reopen it and replay', {
        cause: this.#failure,
      });
    }
  }

  /** Serializes and checks every entry of one append; the first problem refuses them all. */
  #prepare(
    tenantId: TenantId,
    entries: readonly EntryInput[],
  ):
    | { atMs: number; commandId: string | null; eventsJson: string; sizeBytes: number }[]
    | JournalRefusal {
    const prepared = [];
    const seen = new Set<string>();
    for (const [entryIndex, entry] of entries.entries()) {
      assert(isSeq(entry.atMs), `atMs must be a non-negative integer, got ${entry.atMs}`);
      const commandId = entry.commandId ?? null;
      if (commandId !== null) {
        const problem = this.#checkCommandId(tenantId, commandId, seen);
        if (problem !== undefined) return { ...problem, entryIndex };
        seen.add(commandId);
      }
      const eventsJson = eventsJsonOf(entry.events);
      const sizeBytes = Buffer.byteLength(eventsJson);
      if (sizeBytes > entryBytesMax) {
        return {
          code: JournalRefusalCode.entryTooLarge,
          message: `An entry holds at most ${entryBytesMax} bytes of events, got ${sizeBytes}.`,
          entryIndex,
          sizeBytes,
        };
      }
      prepared.push({ atMs: entry.atMs, commandId, eventsJson, sizeBytes });
    }
    return prepared;
  }

  #checkCommandId(
    tenantId: TenantId,
    commandId: string,
    seenInAppend: ReadonlySet<string>,
  ): JournalRefusal | undefined {
    if (commandId.length === 0 || commandId.length > commandIdLengthMax) {
      return {
        code: JournalRefusalCode.invalidCommandId,
        message: `A command id has 1…${commandIdLengthMax} characters, got ${commandId.length}.`,
      };
    }
    const seq =
      this.#pending.commandIds.get(tenantId)?.get(commandId) ??
      this.#inFlightSeqOf(tenantId, commandId) ??
      this.#store.entryByCommandId(tenantId, commandId)?.seq;
    if (seq !== undefined || seenInAppend.has(commandId)) {
      return {
        code: JournalRefusalCode.commandIdTaken,
        message: `Command id ${commandId} is journaled already; answer with that entry's outcome.`,
        ...(seq === undefined ? {} : { seq }),
      };
    }
    return undefined;
  }

  /** Commits the pending batch first when the incoming entries would overfill it. */
  #makeRoom(entries: number, sizeBytes: number): void {
    const batch = this.#pending;
    const isFull =
      batch.entries.length + entries > commitEntriesMax ||
      batch.sizeBytes + sizeBytes > commitBytesMax;
    if (isFull && batch.waiters.length > 0) this.#commitPending(true);
  }

  /** Commits at once when the batch is full; otherwise when the window ends. */
  #schedule(): void {
    const batch = this.#pending;
    if (batch.entries.length >= commitEntriesMax || batch.sizeBytes >= commitBytesMax) {
      this.#commitPending(true);
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#commitPending();
      }, this.#commitWindowMs);
    }
  }

  /** The seq of a command id in a batch being committed, if any. */
  #inFlightSeqOf(tenantId: TenantId, commandId: string): number | undefined {
    for (const { batch } of this.#inFlight) {
      const seq = batch.commandIds.get(tenantId)?.get(commandId);
      if (seq !== undefined) return seq;
    }
    return undefined;
  }

  /**
   * Writes the pending batch in one transaction, then settles everyone
   * waiting for it: at once with a synchronous store, when the store says so
   * with one that commits on another thread.
   *
   * With such a store, one commit is under way at a time: what arrives while
   * it waits for the disk gathers and goes as the next batch as soon as it
   * is done, sharing one fsync, rather than queueing one small commit per
   * window behind it. Only a full batch (`isFull`) is handed over behind
   * another, so that no batch grows past the limits.
   */
  #commitPending(isFull = false): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batch = this.#pending;
    if (batch.waiters.length === 0) return;
    if (this.#inFlight.length > 0 && !isFull) return;
    this.#pending = emptyBatch();
    const startMs = performance.now();
    let done: void | Promise<void>;
    try {
      done = this.#store.commit({ entries: batch.entries, snapshots: batch.snapshots });
    } catch (error: unknown) {
      this.#fail(batch, error);
      return;
    }
    if (done === undefined) {
      this.#committed(batch, startMs);
      return;
    }
    const inFlight = {
      batch,
      settled: done.then(
        () => {
          this.#settled(inFlight);
          this.#committed(batch, startMs);
          this.#commitPending();
        },
        (error: unknown) => {
          this.#settled(inFlight);
          this.#fail(batch, error);
          // Appends that gathered meanwhile were taken before the failure was known.
          const gathered = this.#pending;
          this.#pending = emptyBatch();
          this.#fail(gathered, error);
        },
      ),
    };
    this.#inFlight.push(inFlight);
  }

  /** Takes a settled batch off the in-flight list; the store settles them in order. */
  #settled(inFlight: { batch: PendingBatch }): void {
    assert(this.#inFlight[0] === inFlight, 'commits settled out of order');
    this.#inFlight.shift();
  }

  #committed(batch: PendingBatch, startMs: number): void {
    const durationMs = performance.now() - startMs;
    this.#commits += 1;
    this.#entriesCommitted += batch.entries.length;
    for (const { tenantId, seq } of batch.entries) this.#committedSeqs.set(tenantId, seq);
    this.#onCommit?.({
      entries: batch.entries.length,
      snapshots: batch.snapshots.length,
      sizeBytes: batch.sizeBytes,
      durationMs,
    });
    for (const waiter of batch.waiters) waiter.resolve();
  }

  /**
   * A failed commit spends the journal: the seqs after it were handed out
   * already, and the host's engine applied events that are not on disk.
   */
  #fail(batch: PendingBatch, cause: unknown): void {
    this.#failure ??= cause instanceof Error ? cause : new Error(String(cause));
    const error = new Error('journal commit failed; reopen the journal and replay', {
      cause: this.#failure,
    });
    for (const waiter of batch.waiters) waiter.reject(error);
  }
}

function commandIdsOf(batch: PendingBatch, tenantId: TenantId): Map<string, number> {
  let commandIds = batch.commandIds.get(tenantId);
  if (commandIds === undefined) {
    commandIds = new Map();
    batch.commandIds.set(tenantId, commandIds);
  }
  return commandIds;
}

/** A stored snapshot as the journal gives it back: its seq and its parsed state. */
export function parseSnapshot(row: StoredSnapshot): Snapshot {
  return { seq: row.seq, snapshot: JSON.parse(row.snapshotJson) as unknown };
}

/** A stored entry as the journal gives it back, its events parsed. */
export function parseEntry(row: StoredRow): Entry {
  return {
    seq: row.seq,
    atMs: row.atMs,
    commandId: row.commandId,
    // The journal wrote this JSON from `Event[]` itself; the schema is checked at the edge.
    events: JSON.parse(row.eventsJson) as Event[],
  };
}
