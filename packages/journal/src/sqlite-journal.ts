import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { TenantId } from '@lineup/protocol';
import {
  GroupCommitJournal,
  parseEntry,
  parseSnapshot,
  type CommitBatch,
  type JournalStore,
  type StoredRow,
  type StoredSnapshot,
} from './group-commit.ts';
import {
  snapshotsKeptPerTenant,
  type Entry,
  type Journal,
  type JournalOptions,
  type JournalRefusal,
  type Snapshot,
} from './journal.ts';
import { CommitWorker, type CommitStatements } from './sqlite-commit-worker.ts';
import { walAutocheckpointPages, type Checkpointer } from './sqlite-checkpointer.ts';
import { journalFileKind, openSqliteFile, sqliteWalBytesMax } from './sqlite-schema.ts';

/*
 * The embedded journal: one SQLite file under the data dir, in WAL mode with
 * synchronous=FULL, so that a commit has reached the disk (the WAL is
 * fsynced) before any append waiting for it resolves (DESIGN.md §4, ADR 0007).
 *
 * One process writes a data dir at a time: seqs are handed out from memory.
 * A second writer would collide on the (tenant_id, seq) key, which fails its
 * commit and spends that journal rather than interleave two logs.
 */

/** Name of the journal's file inside the data dir. */
export const sqliteJournalFileName = 'journal.sqlite';
/**
 * How long a statement waits for a lock another connection holds (a back-up,
 * an operator's sqlite3 shell) before it fails.
 */
export const sqliteBusyTimeoutMs = 5_000;

/** Where and how to open the SQLite journal. */
export interface SqliteJournalOptions extends JournalOptions {
  /** Folder of the journal file; created when missing. */
  readonly dataDir: string;
  /**
   * Told once, as the commit thread starts, of the nice value it runs at
   * (commitThreadNice where the system allowed it), or null where the
   * system shows none (not Linux).
   */
  readonly onCommitThreadNice?: (nice: number | null) => void;
}

/** An open journal, or why the file cannot be opened; the file is left as it was then. */
export type SqliteJournalOpenResult =
  | { readonly ok: true; readonly journal: Journal; readonly path: string }
  | { readonly ok: false; readonly refusal: JournalRefusal };

/** A row of `entries` as an array: seq, at_ms, command_id, events. */
type RawRow = [number, number, string | null, string];

/** The statements of a commit (run by the commit thread, sqlite-commit-worker.ts). */
const commitStatements: CommitStatements = {
  insertEntry:
    'INSERT INTO entries (tenant_id, seq, at_ms, command_id, events) VALUES (?, ?, ?, ?, ?)',
  upsertTenant: `INSERT INTO tenants (tenant_id, last_seq) VALUES (?, ?)
       ON CONFLICT (tenant_id) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)`,
  insertSnapshot: `INSERT INTO snapshots (tenant_id, seq, snapshot) VALUES (?, ?, ?)
       ON CONFLICT (tenant_id, seq) DO UPDATE SET snapshot = excluded.snapshot`,
  pruneSnapshots: `DELETE FROM snapshots WHERE tenant_id = ? AND seq NOT IN
       (SELECT seq FROM snapshots WHERE tenant_id = ? ORDER BY seq DESC LIMIT ?)`,
};

/** The statements that read a journal file, prepared once per connection. */
interface Reads {
  readonly entries: Database.Statement<[string, number, number], RawRow>;
  readonly byCommandId: Database.Statement<[string, string], StoredRow>;
  readonly snapshot: Database.Statement<[string], StoredSnapshot>;
  readonly tenants: Database.Statement<[], TenantId>;
  readonly lastSeqs: Database.Statement<[], { tenantId: TenantId; lastSeq: number }>;
  readonly lastSeq: Database.Statement<[string], number>;
}

function readsOf(db: Database.Database): Reads {
  const entryColumns = 'seq, at_ms AS atMs, command_id AS commandId, events AS eventsJson';
  return {
    // Raw rows (arrays): better-sqlite3 builds them faster than objects with
    // named columns, and a replay reads millions (bench/journal.bench.ts).
    entries: db
      .prepare<[string, number, number], RawRow>(
        'SELECT seq, at_ms, command_id, events FROM entries WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .raw(),
    byCommandId: db.prepare(
      `SELECT ${entryColumns} FROM entries WHERE tenant_id = ? AND command_id = ?`,
    ),
    snapshot: db.prepare(
      `SELECT tenant_id AS tenantId, seq, snapshot AS snapshotJson FROM snapshots
       WHERE tenant_id = ? ORDER BY seq DESC LIMIT 1`,
    ),
    tenants: db.prepare<[], TenantId>('SELECT tenant_id FROM tenants ORDER BY tenant_id').pluck(),
    lastSeqs: db.prepare(
      'SELECT tenant_id AS tenantId, last_seq AS lastSeq FROM tenants WHERE last_seq > 0',
    ),
    lastSeq: db
      .prepare<[string], number>('SELECT last_seq FROM tenants WHERE tenant_id = ?')
      .pluck(),
  };
}

function readRows(reads: Reads, tenantId: TenantId, afterSeq: number, limit: number): StoredRow[] {
  return reads.entries
    .all(tenantId, afterSeq, limit)
    .map(([seq, atMs, commandId, eventsJson]) => ({ seq, atMs, commandId, eventsJson }));
}

/**
 * A store on one open better-sqlite3 connection, which reads, with every
 * statement prepared once; commits go to the file's commit thread.
 */
class SqliteJournalStore implements JournalStore {
  readonly #db: Database.Database;
  readonly #committer: CommitWorker;
  /** Checkpoints the file on a thread of its own (openSqliteFile), so that no commit waits for one. */
  readonly #checkpointer: Checkpointer | null;
  readonly #reads: Reads;

  constructor(
    db: Database.Database,
    checkpointer: Checkpointer | null,
    onNice: ((nice: number | null) => void) | undefined,
  ) {
    this.#db = db;
    this.#committer = new CommitWorker(db.name, {
      onNice,
      busyTimeoutMs: sqliteBusyTimeoutMs,
      walBytesMax: sqliteWalBytesMax,
      walAutocheckpointPages,
      snapshotsKept: snapshotsKeptPerTenant,
      statements: commitStatements,
    });
    this.#checkpointer = checkpointer;
    this.#reads = readsOf(db);
  }

  lastSeqs(): ReadonlyMap<TenantId, number> {
    return new Map(this.#reads.lastSeqs.all().map((row) => [row.tenantId, row.lastSeq]));
  }

  commit(batch: CommitBatch): Promise<void> {
    return this.#committer.commit(batch);
  }

  read(tenantId: TenantId, afterSeq: number, limit: number): StoredRow[] {
    return readRows(this.#reads, tenantId, afterSeq, limit);
  }

  entryByCommandId(tenantId: TenantId, commandId: string): StoredRow | undefined {
    return this.#reads.byCommandId.get(tenantId, commandId);
  }

  latestSnapshot(tenantId: TenantId): StoredSnapshot | undefined {
    return this.#reads.snapshot.get(tenantId);
  }

  tenants(): TenantId[] {
    return this.#reads.tenants.all();
  }

  async close(): Promise<void> {
    await Promise.all([this.#committer.close(), this.#checkpointer?.close()]);
    this.#db.close();
  }
}

/**
 * Opens (creating when missing) the journal file under `options.dataDir`,
 * applying pending schema migrations, or refuses a file this code must not
 * write: one from a newer Lineup, or not a journal at all.
 */
export function openSqliteJournal(options: SqliteJournalOptions): SqliteJournalOpenResult {
  mkdirSync(options.dataDir, { recursive: true });
  const path = join(options.dataDir, sqliteJournalFileName);
  const opened = openSqliteFile(path, journalFileKind, sqliteBusyTimeoutMs);
  if (!opened.ok) return opened;
  return {
    ok: true,
    journal: new GroupCommitJournal(
      new SqliteJournalStore(opened.db, opened.checkpointer, options.onCommitThreadNice),
      options,
    ),
    path,
  };
}

/**
 * A journal file read from another thread or process while its writer runs:
 * what has been committed so far, read afresh at each call (WAL lets it read
 * beside the writer). The server's snapshot thread follows the journal with
 * it. It never writes: the connection is read-only.
 */
export type JournalReader = Pick<Journal, 'read' | 'lastSeq' | 'latestSnapshot' | 'tenants'> & {
  close(): void;
};

/** A reader of the journal file under `dataDir`, which its writer has opened (and migrated) already. */
export function openSqliteJournalReader(dataDir: string): JournalReader {
  const db = new Database(join(dataDir, sqliteJournalFileName), {
    readonly: true,
    fileMustExist: true,
    timeout: sqliteBusyTimeoutMs,
  });
  const reads = readsOf(db);
  return {
    read: (tenantId, afterSeq, limit): Promise<Entry[]> =>
      Promise.resolve(readRows(reads, tenantId, afterSeq, limit).map(parseEntry)),
    lastSeq: (tenantId): Promise<number> => Promise.resolve(reads.lastSeq.get(tenantId) ?? 0),
    latestSnapshot: (tenantId): Promise<Snapshot | undefined> => {
      const row = reads.snapshot.get(tenantId);
      return Promise.resolve(row === undefined ? undefined : parseSnapshot(row));
    },
    tenants: (): Promise<TenantId[]> => Promise.resolve(reads.tenants.all()),
    close: () => {
      db.close();
    },
  };
}
