import { idLengthMax, type Event, type TenantId } from '@lineup/protocol';

/*
 * The journal: per tenant, the ordered, durable log of what the engine decided
 * (DESIGN.md §3). One entry is the outcome of one engine command — its events,
 * never the command itself — so that replay folds `evolve` over the past and a
 * new version's routing logic never re-decides it (ADR 0007).
 *
 * The rules every implementation keeps; tests are named after their ids.
 * J1–J8 are the contract suite in test/contract.ts, which every
 * implementation runs; J9 is checked on the shared group commit with a store
 * that fails; J10–J11 are the SQLite journal's own.
 *
 * - J1  Seqs of a tenant start at 1 and rise by one, without gaps, in the
 *       order of the append calls; what is read back is what was appended.
 * - J2  An append resolves only once its entries are durable; reads see
 *       committed entries only, in seq order, in bounded batches.
 * - J3  Appends arriving within the commit window share one transaction
 *       (group commit), bounded by commitEntriesMax and commitBytesMax; one
 *       append is never split across two.
 * - J4  A command id is unique per tenant: a retry is refused with the seq
 *       that holds it, and the entry can be looked up by it.
 * - J5  Every size has a limit; past one the journal refuses with a value and
 *       writes nothing.
 * - J6  A snapshot commits with or after every entry appended before it;
 *       replay is the latest snapshot plus the entries after its seq. It is
 *       serialized during the call: what is saved is the value as it was
 *       then, whatever happens to the object afterwards.
 * - J7  Nothing of one tenant is visible to another.
 * - J8  close commits what is pending; every later call throws.
 * - J9  A failed commit rejects the appends waiting for it and spends the
 *       journal: every later call throws until it is reopened.
 * - J10 Nothing acknowledged is lost: not on close and reopen, not when the
 *       process is killed (SIGKILL) at any moment.
 * - J11 The file's schema is versioned and migrated on open in one
 *       transaction; a file from a newer version, or not a journal, is
 *       refused and left unchanged.
 */

/** One command's outcome, as the host hands it to the journal. */
export interface EntryInput {
  /** The command's time, epoch ms (the engine's clock, not the journal's). */
  readonly atMs: number;
  /**
   * The client's idempotency key, when the command had one: unique per tenant,
   * so that a retried command is found, not applied twice.
   */
  readonly commandId?: string;
  /** The events the command produced, in order; may be empty. */
  readonly events: readonly Event[];
}

/** One journaled entry: the input plus the sequence number the journal assigned. */
export interface Entry {
  /** 1, 2, 3, … per tenant, without gaps, in the order the appends were called. */
  readonly seq: number;
  readonly atMs: number;
  /** The idempotency key, or null when the command had none. */
  readonly commandId: string | null;
  readonly events: Event[];
}

/** A tenant's state as the engine saved it, and the last entry folded into it. */
export interface Snapshot {
  /** Replay resumes after this entry. */
  readonly seq: number;
  /** Opaque JSON: the journal never looks inside (the engine versions its own format). */
  readonly snapshot: unknown;
}

/*
 * Limits (STYLE.md: put a limit on everything). Each is checked with a test at
 * the limit and one past it in the contract suite.
 */

/**
 * Largest entry, in UTF-8 bytes of its events' JSON: 1 MiB, the default
 * message size of NATS JetStream, so a cluster store can take every entry the
 * SQLite journal takes. One command's events are a few kB in practice.
 */
export const entryBytesMax = 1_048_576;
/** Entries one `append` call may carry; a call is one atomic unit, never split across commits. */
export const appendEntriesMax = 1_000;
/**
 * Entries one commit (one transaction) may hold. Past this a commit starts at
 * once, so that a burst does not build one huge transaction; must be at least
 * `appendEntriesMax` so that one append always fits one commit.
 */
export const commitEntriesMax = 4_000;
/** Bytes of entries one commit may hold before it starts at once: bounds a transaction's memory. */
export const commitBytesMax = 16 * 1_048_576;
/**
 * How long the first append of a batch waits for others to join its commit,
 * by default. 2 ms costs a lone command 2 ms of latency and lets a busy
 * server share one fsync among every command of those 2 ms (DESIGN.md §4:
 * p99 enqueue → offer < 10 ms). Committing sooner was tried in the server
 * bench (every turn of the event loop; or at most once per 2 ms, a lone
 * command at once): 15–200 % more commits took the server 7–18 % more CPU,
 * and the p99 got worse, the median no better at that load. Since commits
 * run on a thread of their own (ADR 0007), a window of 0 lowers the median
 * (1.6–1.7 ms instead of 2.3–2.5) for 60 % more commits and about 6 points
 * more CPU, its p99 not told apart from the noise: the server's settings
 * file sets it (journal.commitWindowMs), the default stays.
 */
export const commitWindowMsDefault = 2;
/** Longest commit window a journal accepts: a larger one would eat the latency budget. */
export const commitWindowMsMax = 100;
/** Entries one `read` returns at most; a larger `limit` is clamped to this. */
export const readEntriesMax = 10_000;
/**
 * Characters of events' JSON one `read` returns at most (it always returns at
 * least one entry when there is one): bounds the memory of a replay batch.
 * Characters, not UTF-8 bytes: the length is free to read, and it is the
 * text's size in memory (a byte per character for the ASCII of most events).
 */
export const readCharactersMax = 32 * 1_048_576;
/**
 * Largest snapshot, in UTF-8 bytes of its JSON: under V8's longest string
 * (2^29 − 24 characters) and SQLite's default SQLITE_MAX_LENGTH (10^9 bytes).
 * A snapshot of 500,000 live contacts (DESIGN.md §4) is about 250 MB.
 */
export const snapshotBytesMax = 500_000_000;
/**
 * Entries per batch of `readBatches` by default. Small enough that a batch's
 * parsed events die in V8's young generation: batches of 10,000 entries
 * survive a scavenge, get copied to the old generation, and cost a replay
 * about 40% more CPU (bench/journal.bench.ts).
 */
export const replayBatchEntriesDefault = 1_000;
/** Snapshots kept per tenant: the newest and the one before, in case the newest cannot be restored. */
export const snapshotsKeptPerTenant = 2;
/** Longest idempotency key, in characters: the same limit as every other id. */
export const commandIdLengthMax = idLengthMax;

/** Why the journal refused an append, a snapshot or an open: expected failures, returned as values. */
export const JournalRefusalCode = {
  /** An entry's events are larger than `entryBytesMax`. */
  entryTooLarge: 'entry_too_large',
  /** An append carries more than `appendEntriesMax` entries. */
  tooManyEntries: 'too_many_entries',
  /** A command id is empty or longer than `commandIdLengthMax`. */
  invalidCommandId: 'invalid_command_id',
  /** A command id is journaled already (or twice in one append) for this tenant. */
  commandIdTaken: 'command_id_taken',
  /** A snapshot is larger than `snapshotBytesMax`. */
  snapshotTooLarge: 'snapshot_too_large',
  /** The store was written by a newer version of Lineup (its schema is newer than this code knows). */
  schemaTooNew: 'schema_too_new',
  /** The store holds something other than a Lineup journal. */
  notAJournal: 'not_a_journal',
} as const;
/** A journal refusal code. */
export type JournalRefusalCode = (typeof JournalRefusalCode)[keyof typeof JournalRefusalCode];

/** A refused append, snapshot or open: nothing of it was written. */
export interface JournalRefusal {
  readonly code: JournalRefusalCode;
  /** What went wrong and what to do next. */
  readonly message: string;
  /** The index, within the append, of the entry that was refused. */
  readonly entryIndex?: number;
  /** For `command_id_taken`: the seq of the entry that holds the command id already. */
  readonly seq?: number;
  /** For the size refusals: the size found, in bytes. */
  readonly sizeBytes?: number;
}

/** What `append` gives back once its entries are durable, or why none was written. */
export type AppendResult =
  | { readonly ok: true; readonly seqs: readonly number[] }
  | { readonly ok: false; readonly refusal: JournalRefusal };

/** What `saveSnapshot` gives back once the snapshot is durable, or why it was not written. */
export type SaveSnapshotResult =
  { readonly ok: true } | { readonly ok: false; readonly refusal: JournalRefusal };

/** Counters for tests, benchmarks and metrics. */
export interface JournalStats {
  /** Transactions committed since open. */
  readonly commits: number;
  /** Entries committed since open. */
  readonly entriesCommitted: number;
  /** Entries gathered for the next commit, not yet handed to the store. */
  readonly entriesPending: number;
  /** Entries handed to the store whose commit has not finished (a store that commits on another thread). */
  readonly entriesCommitting: number;
}

/** One finished commit, reported to `onCommit` (e.g. for the commit latency histogram). */
export interface CommitReport {
  readonly entries: number;
  readonly snapshots: number;
  readonly sizeBytes: number;
  /** Time spent in the transaction, including the fsync. */
  readonly durationMs: number;
}

/** Settings every journal takes. */
export interface JournalOptions {
  /** How long a batch waits for more appends before it commits; 0 … `commitWindowMsMax`. */
  readonly commitWindowMs?: number;
  /** Called after each commit, before its appends resolve. */
  readonly onCommit?: (report: CommitReport) => void;
}

/**
 * The durable, ordered log of engine events, per tenant.
 *
 * Appends arriving within the commit window share one transaction (group
 * commit); each resolves only once its transaction is durable. Reads see
 * committed entries only. When a commit fails (disk full, I/O error), every
 * append waiting for it rejects and so does every later call: the journal is
 * spent, and the host must restart its engine from a reopened journal, since
 * the engine applied events that may not be on disk (ADR 0005).
 *
 * Calling anything after `close`, or passing a seq or time that is not a
 * non-negative integer, is a bug and throws (rejects).
 */
export interface Journal {
  /**
   * Appends entries for one tenant, atomically: all of them commit in one
   * transaction, or none is written (a refusal). Seqs are assigned at the
   * call, in call order, and the result comes once they are durable.
   */
  append(tenantId: TenantId, entries: readonly EntryInput[]): Promise<AppendResult>;
  /** Up to `limit` committed entries with seq > `afterSeq`, in seq order (see `readEntriesMax`, `readCharactersMax`). */
  read(tenantId: TenantId, afterSeq: number, limit: number): Promise<Entry[]>;
  /** The committed entry that carries this idempotency key, if any. */
  entryByCommandId(tenantId: TenantId, commandId: string): Promise<Entry | undefined>;
  /** The seq of the tenant's last committed entry; 0 when it has none. */
  lastSeq(tenantId: TenantId): Promise<number>;
  /**
   * Saves the tenant's state as of entry `seq` (at most the last seq appended
   * so far). It commits after every entry appended before it, so a durable
   * snapshot never covers an entry that is not. The value is serialized
   * before the call returns and not kept, so the caller may hand over an
   * object it changes right after (J6).
   */
  saveSnapshot(tenantId: TenantId, seq: number, snapshot: unknown): Promise<SaveSnapshotResult>;
  /**
   * saveSnapshot for a snapshot serialized already, as JSON text: one made
   * on another thread from the committed entries (the server's snapshot
   * thread), which this thread then only writes.
   */
  saveSnapshotJson(
    tenantId: TenantId,
    seq: number,
    snapshotJson: string,
  ): Promise<SaveSnapshotResult>;
  /** The newest committed snapshot of the tenant, if any. */
  latestSnapshot(tenantId: TenantId): Promise<Snapshot | undefined>;
  /** Tenants with at least one committed entry or snapshot, sorted. */
  tenants(): Promise<TenantId[]>;
  /** Commit and entry counters. */
  stats(): JournalStats;
  /** Commits what is pending, waits for it, and releases the store; later calls throw. */
  close(): Promise<void>;
}

/**
 * Every committed entry of a tenant after `afterSeq`, up to the last one
 * committed when the loop starts, in batches of at most `batchEntries`: the
 * loop a replay folds `evolve` over. Batches, not single entries, so that a
 * replay of millions of events pays one promise per batch.
 */
export async function* readBatches(
  journal: Pick<Journal, 'read' | 'lastSeq'>,
  tenantId: TenantId,
  afterSeq: number,
  batchEntries: number = replayBatchEntriesDefault,
): AsyncGenerator<Entry[], void, undefined> {
  const untilSeq = await journal.lastSeq(tenantId);
  let seq = afterSeq;
  // Bounded: each turn moves seq forward by at least one entry, and stops at
  // untilSeq even while appends go on.
  while (seq < untilSeq) {
    const batch = await journal.read(tenantId, seq, batchEntries);
    const inRange =
      (batch.at(-1)?.seq ?? 0) <= untilSeq ? batch : batch.filter((entry) => entry.seq <= untilSeq);
    const last = inRange.at(-1);
    if (last === undefined) return;
    seq = last.seq;
    yield inRange;
  }
}
