/*
 * The durable journal of engine events (DESIGN.md §3): one interface, an
 * SQLite implementation and an in-memory one, checked by one contract suite.
 */

export {
  /** The journal: per tenant, the ordered, durable log of engine events, with snapshots. */
  type Journal,
  /** One command's outcome as the host appends it. */
  type EntryInput,
  /** One journaled entry, with the seq the journal assigned. */
  type Entry,
  /** A tenant's saved state and the last entry folded into it. */
  type Snapshot,
  /** The seqs of a durable append, or the refusal of one. */
  type AppendResult,
  /** A durable snapshot, or the refusal of one. */
  type SaveSnapshotResult,
  /** An expected failure of an append, a snapshot or an open, as a value. */
  type JournalRefusal,
  /** Commit and entry counters of a journal. */
  type JournalStats,
  /** One finished commit, for metrics. */
  type CommitReport,
  /** Settings every journal takes. */
  type JournalOptions,
  /** Codes of the journal's refusals. */
  JournalRefusalCode,
  /** Reads a tenant's committed entries in batches, for replay. */
  readBatches,
  /** Largest entry, in bytes of its events' JSON. */
  entryBytesMax,
  /** Entries one append may carry. */
  appendEntriesMax,
  /** Entries one commit may hold. */
  commitEntriesMax,
  /** Bytes one commit may hold before it starts at once. */
  commitBytesMax,
  /** Default group-commit window, in ms. */
  commitWindowMsDefault,
  /** Longest group-commit window a journal accepts, in ms. */
  commitWindowMsMax,
  /** Entries one read returns at most. */
  readEntriesMax,
  /** Entries per replay batch by default. */
  replayBatchEntriesDefault,
  /** Characters of events' JSON one read returns at most. */
  readCharactersMax,
  /** Largest snapshot, in bytes of its JSON. */
  snapshotBytesMax,
  /** Snapshots kept per tenant. */
  snapshotsKeptPerTenant,
  /** Longest idempotency key, in characters. */
  commandIdLengthMax,
} from './journal.ts';
export {
  /** Opens an in-memory journal, for tests and the simulator. */
  openMemoryJournal,
} from './memory-journal.ts';
export {
  /** Opens the SQLite journal under a data dir, or refuses a file it must not write. */
  openSqliteJournal,
  /** Where and how to open the SQLite journal. */
  type SqliteJournalOptions,
  /** An open SQLite journal, or why it could not be opened. */
  type SqliteJournalOpenResult,
  /** Name of the journal file inside the data dir. */
  sqliteJournalFileName,
  /** How long the SQLite journal waits for another connection's lock. */
  sqliteBusyTimeoutMs,
  /** Reads a journal file's committed entries and snapshots beside its writer (read-only). */
  openSqliteJournalReader,
  /** What such a reader offers. */
  type JournalReader,
} from './sqlite-journal.ts';
export {
  /** Version of the SQLite journal's schema. */
  JOURNAL_SCHEMA_VERSION,
  /** Size the WAL is cut back to after a checkpoint. */
  sqliteWalBytesMax,
  /** Opens a Lineup SQLite file of a kind: checked, WAL with synchronous=FULL, migrated. */
  openSqliteFile,
  /** A kind of Lineup SQLite file: its name, application_id and migrations. */
  type SqliteFileKind,
  /** One step of a SQLite file's schema. */
  type Migration,
  /** An open SQLite file, or why it could not be opened. */
  type SqliteFileOpenResult,
} from './sqlite-schema.ts';
export {
  /** The thread that checkpoints a SQLite file in WAL mode (openSqliteFile starts it). */
  type Checkpointer,
} from './sqlite-checkpointer.ts';
export {
  /** The nice value the journal's commit thread asks for. */
  commitThreadNice,
  /** The calling thread's nice value, and setting it (the server's own thread). */
  ownThreadNice,
  setOwnThreadNice,
  /** The nice value the server's own thread asks for by default. */
  serverThreadNiceDefault,
  /** The highest nice value (the lowest priority) a thread may have. */
  niceMax,
  /** The first lines of a worker thread's script that set its CPU priority. */
  threadPrioritySource,
  /** The nice value of each thread of this process (Linux). */
  threadNiceValues,
} from './thread-priority.ts';
