import Database from 'better-sqlite3';
import { Checkpointer, walAutocheckpointPages } from './sqlite-checkpointer.ts';
import { JournalRefusalCode, type JournalRefusal } from './journal.ts';

/** Size the WAL file is cut back to after a checkpoint: bounds the disk it keeps. */
export const sqliteWalBytesMax = 64 * 1_048_576;

/*
 * The SQLite journal's schema, as an ordered list of migrations. The file's
 * version is SQLite's `user_version` header field, written in the same
 * transaction as the migrations that reach it, so a crash mid-upgrade leaves
 * the old version whole. `application_id` marks the file as a Lineup
 * journal, so that a data dir pointing at some other database is refused
 * rather than written into.
 *
 * Never edit a migration that has shipped: append a new one. Each new one
 * raises JOURNAL_SCHEMA_VERSION, which its commit says (STYLE.md, Commits).
 */

/** One step of the schema: run once, in order, inside the opening transaction. */
export interface Migration {
  /** The `user_version` the file has after this step: 1, 2, 3, … without gaps. */
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** Every migration, oldest first. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'entries, tenants and snapshots',
    // entries is WITHOUT ROWID: its rows live in the (tenant_id, seq) b-tree
    // itself, so a replay reads one tree in order instead of an index plus
    // the table. The partial unique index serves idempotency lookups and
    // costs nothing for entries without a command id. tenants holds each
    // tenant's last seq, read once at open, so that no open scans entries.
    // Snapshots are large (up to snapshotBytesMax), so they live in a rowid
    // table: WITHOUT ROWID suits small rows only.
    sql: `
      CREATE TABLE entries (
        tenant_id  TEXT    NOT NULL,
        seq        INTEGER NOT NULL,
        at_ms      INTEGER NOT NULL,
        command_id TEXT,
        events     TEXT    NOT NULL,
        PRIMARY KEY (tenant_id, seq)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX entries_by_command_id
        ON entries (tenant_id, command_id) WHERE command_id IS NOT NULL;
      CREATE TABLE tenants (
        tenant_id TEXT    NOT NULL PRIMARY KEY,
        last_seq  INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE snapshots (
        tenant_id TEXT    NOT NULL,
        seq       INTEGER NOT NULL,
        snapshot  TEXT    NOT NULL,
        UNIQUE (tenant_id, seq)
      );
    `,
  },
];

/** Version of the journal's on-disk schema: the version of the last migration. */
export const JOURNAL_SCHEMA_VERSION = migrations.length;

/** `application_id` of a Lineup journal file: "LNUP" in ASCII. */
export const journalApplicationId = 0x4c4e5550;

/** A kind of Lineup SQLite file: what it is called, how it is marked and how it is built. */
export interface SqliteFileKind {
  /** What the file is, in messages: "journal", "server store". */
  readonly name: string;
  /** The `application_id` that marks a file of this kind. */
  readonly applicationId: number;
  /** Every migration, oldest first. */
  readonly migrations: readonly Migration[];
}

/** The journal's kind of file. */
export const journalFileKind: SqliteFileKind = {
  name: 'journal',
  applicationId: journalApplicationId,
  migrations,
};

const readNumber = (db: Database.Database, pragma: string): number => {
  const value = db.pragma(pragma, { simple: true });
  if (typeof value !== 'number') throw new Error(`PRAGMA ${pragma} gave ${String(value)}`);
  return value;
};

/** Why this file cannot be opened as a file of `kind` by this code, if it cannot. Reads only. */
export function checkSchema(
  db: Database.Database,
  kind: SqliteFileKind = journalFileKind,
): JournalRefusal | undefined {
  const latestVersion = kind.migrations.length;
  const version = readNumber(db, 'user_version');
  const applicationId = readNumber(db, 'application_id');
  const objects = db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
  const isEmpty = version === 0 && applicationId === 0 && objects === 0;
  if (!isEmpty && applicationId !== kind.applicationId) {
    return {
      code: JournalRefusalCode.notAJournal,
      message: `${db.name} is not a Lineup ${kind.name} (application_id ${applicationId}); point the data dir at a Lineup data dir or an empty one.`,
    };
  }
  if (version > latestVersion) {
    return {
      code: JournalRefusalCode.schemaTooNew,
      message: `${db.name} has ${kind.name} schema ${version}, but this Lineup reads up to ${latestVersion}; run the newer Lineup that wrote it, or restore a back-up.`,
    };
  }
  return undefined;
}

/**
 * Brings the file to the latest version in one immediate transaction: every
 * pending migration and the new version, or nothing. Returns the refusal of
 * `checkSchema` instead when the file cannot be opened.
 */
export function migrate(
  db: Database.Database,
  kind: SqliteFileKind = journalFileKind,
): JournalRefusal | undefined {
  kind.migrations.forEach((step, index) => {
    if (step.version !== index + 1) {
      throw new Error(`${kind.name} invariant: migration ${index} has version ${step.version}`);
    }
  });
  const run = db.transaction((): JournalRefusal | undefined => {
    const refusal = checkSchema(db, kind);
    if (refusal !== undefined) return refusal;
    const version = readNumber(db, 'user_version');
    for (const step of kind.migrations.slice(version)) {
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    }
    db.pragma(`application_id = ${kind.applicationId}`);
    return undefined;
  });
  return run.immediate();
}

/**
 * An open, migrated SQLite file and the thread that checkpoints it (null in
 * memory), both for the caller to close; or why it could not be opened.
 */
export type SqliteFileOpenResult =
  | { ok: true; db: Database.Database; checkpointer: Checkpointer | null }
  | { ok: false; refusal: JournalRefusal };

/**
 * Opens (creating when missing) a Lineup SQLite file of `kind` at `path`
 * (":memory:" for one in memory): checks it is of this kind and not newer
 * than this code, sets WAL with synchronous=FULL, migrates it, and starts
 * its Checkpointer (its commits checkpoint only past walAutocheckpointPages).
 * A foreign file is refused before anything is written to it.
 */
export function openSqliteFile(
  path: string,
  kind: SqliteFileKind,
  busyTimeoutMs: number,
): SqliteFileOpenResult {
  const db = new Database(path, { timeout: busyTimeoutMs });
  try {
    // Check before configuring: switching a foreign file to WAL would change it.
    let refusal = checkSchema(db, kind);
    if (refusal === undefined) {
      configure(db);
      refusal = migrate(db, kind);
    }
    if (refusal !== undefined) {
      db.close();
      return { ok: false, refusal };
    }
    const checkpointer = db.memory ? null : new Checkpointer(db.name, { busyTimeoutMs });
    return { ok: true, db, checkpointer };
  } catch (error: unknown) {
    db.close();
    throw error;
  }
}

/**
 * Durability settings. WAL mode is kept in the file; synchronous and the WAL
 * size limit hold for one connection only, so every open sets them. An
 * in-memory file has no WAL, and keeps its own mode.
 */
function configure(db: Database.Database): void {
  if (db.memory) return;
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`${db.name} cannot use WAL mode (got ${String(mode)})`);
  // FULL: the WAL is fsynced at every commit, so a commit that returned
  // survives power loss, not only a process crash (NORMAL gives only the latter).
  db.pragma('synchronous = FULL');
  db.pragma(`journal_size_limit = ${sqliteWalBytesMax}`);
  // A Checkpointer thread checkpoints the file; a commit checkpoints only past this (its net).
  db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
}
