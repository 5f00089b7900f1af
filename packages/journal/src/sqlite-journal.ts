import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { TenantId } from '@lineup/protocol';
import {
  GroupCommitJournal,
  type CommitBatch,
  type JournalStore,
  type StoredRow,
  type StoredSnapshot,
} from './group-commit.ts';
import {
  snapshotsKeptPerTenant,
  type Journal,
  type JournalOptions,
  type JournalRefusal,
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

/**
 * A store on one open better-sqlite3 connection, which reads, with every
 * statement prepared once; commits go to the file's commit thread.
 */
class SqliteJournalStore implements JournalStore {
  readonly #db: Database.Database;
  readonly #committer: CommitWorker;
  /** Checkpoints the file on a thread of its own (openSqliteFile), so that no commit waits for one. */
  readonly #checkpointer: Checkpointer | null;
  readonly #selectEntries: Database.Statement<[string, number, number], RawRow>;
  readonly #selectByCommandId: Database.Statement<[string, string], StoredRow>;
  readonly #selectSnapshot: Database.Statement<[string], StoredSnapshot>;
  readonly #selectTenants: Database.Statement<[], TenantId>;
  readonly #selectLastSeqs: Database.Statement<[], { tenantId: TenantId; lastSeq: number }>;

  constructor(db: Database.Database, checkpointer: Checkpointer | null) {
    this.#db = db;
    this.#committer = new CommitWorker(db.name, {
      busyTimeoutMs: sqliteBusyTimeoutMs,
      walBytesMax: sqliteWalBytesMax,
      walAutocheckpointPages,
      snapshotsKept: snapshotsKeptPerTenant,
      statements: commitStatements,
    });
    this.#checkpointer = checkpointer;
    const entryColumns = 'seq, at_ms AS atMs, command_id AS commandId, events AS eventsJson';
    // Raw rows (arrays): better-sqlite3 builds them faster than objects with
    // named columns, and a replay reads millions (bench/journal.bench.ts).
    this.#selectEntries = db
      .prepare<[string, number, number], RawRow>(
        'SELECT seq, at_ms, command_id, events FROM entries WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .raw();
    this.#selectByCommandId = db.prepare(
      `SELECT ${entryColumns} FROM entries WHERE tenant_id = ? AND command_id = ?`,
    );
    this.#selectSnapshot = db.prepare(
      `SELECT tenant_id AS tenantId, seq, snapshot AS snapshotJson FROM snapshots
       WHERE tenant_id = ? ORDER BY seq DESC LIMIT 1`,
    );
    this.#selectTenants = db
      .prepare<[], TenantId>('SELECT tenant_id FROM tenants ORDER BY tenant_id')
      .pluck();
    this.#selectLastSeqs = db.prepare(
      'SELECT tenant_id AS tenantId, last_seq AS lastSeq FROM tenants WHERE last_seq > 0',
    );
  }

  lastSeqs(): ReadonlyMap<TenantId, number> {
    return new Map(this.#selectLastSeqs.all().map((row) => [row.tenantId, row.lastSeq]));
  }

  commit(batch: CommitBatch): Promise<void> {
    return this.#committer.commit(batch);
  }

  read(tenantId: TenantId, afterSeq: number, limit: number): StoredRow[] {
    return this.#selectEntries
      .all(tenantId, afterSeq, limit)
      .map(([seq, atMs, commandId, eventsJson]) => ({ seq, atMs, commandId, eventsJson }));
  }

  entryByCommandId(tenantId: TenantId, commandId: string): StoredRow | undefined {
    return this.#selectByCommandId.get(tenantId, commandId);
  }

  latestSnapshot(tenantId: TenantId): StoredSnapshot | undefined {
    return this.#selectSnapshot.get(tenantId);
  }

  tenants(): TenantId[] {
    return this.#selectTenants.all();
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
      new SqliteJournalStore(opened.db, opened.checkpointer),
      options,
    ),
    path,
  };
}
