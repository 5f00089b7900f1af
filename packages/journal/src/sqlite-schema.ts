import type Database from 'better-sqlite3';
import { JournalRefusalCode, type JournalRefusal } from './journal.ts';

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

const readNumber = (db: Database.Database, pragma: string): number => {
  const value = db.pragma(pragma, { simple: true });
  if (typeof value !== 'number') throw new Error(`PRAGMA ${pragma} gave ${String(value)}`);
  return value;
};

/** Why this file cannot be opened by this code, if it cannot. Reads only. */
export function checkSchema(
  db: Database.Database,
  latestVersion: number = JOURNAL_SCHEMA_VERSION,
): JournalRefusal | undefined {
  const version = readNumber(db, 'user_version');
  const applicationId = readNumber(db, 'application_id');
  const objects = db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
  const isEmpty = version === 0 && applicationId === 0 && objects === 0;
  if (!isEmpty && applicationId !== journalApplicationId) {
    return {
      code: JournalRefusalCode.notAJournal,
      message: `${db.name} is not a Lineup journal (application_id ${applicationId}); point the data dir at a Lineup data dir or an empty one.`,
    };
  }
  if (version > latestVersion) {
    return {
      code: JournalRefusalCode.schemaTooNew,
      message: `${db.name} has journal schema ${version}, but this Lineup reads up to ${latestVersion}; run the newer Lineup that wrote it, or restore a back-up.`,
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
  steps: readonly Migration[] = migrations,
): JournalRefusal | undefined {
  steps.forEach((step, index) => {
    if (step.version !== index + 1) {
      throw new Error(`journal invariant: migration ${index} has version ${step.version}`);
    }
  });
  const run = db.transaction((): JournalRefusal | undefined => {
    const refusal = checkSchema(db, steps.length);
    if (refusal !== undefined) return refusal;
    const version = readNumber(db, 'user_version');
    for (const step of steps.slice(version)) {
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    }
    db.pragma(`application_id = ${journalApplicationId}`);
    return undefined;
  });
  return run.immediate();
}
