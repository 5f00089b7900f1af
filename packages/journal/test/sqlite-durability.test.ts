/*
 * The SQLite journal on real files (J6, J10, J11): what survives a close, a
 * reopen and a SIGKILL, and how the schema is versioned. Each test works in
 * its own folder under the system's temporary folder, removed afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { asTenantId, type TenantId } from '@lineup/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  JOURNAL_SCHEMA_VERSION,
  JournalRefusalCode,
  openSqliteJournal,
  readBatches,
  snapshotsKeptPerTenant,
  sqliteJournalFileName,
  type CommitReport,
  type Entry,
  type Journal,
} from '../src/index.ts';
import {
  journalApplicationId,
  journalFileKind,
  migrate,
  migrations,
} from '../src/sqlite-schema.ts';
import { commandEvents } from './events.ts';

const tenantA = asTenantId('tenant-a');
const tenantB = asTenantId('tenant-b');
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const fixture = join(packageDir, 'test', 'fixtures', 'append-until-killed.ts');

const dataDirs: string[] = [];
afterEach(() => {
  for (const dataDir of dataDirs.splice(0)) rmSync(dataDir, { recursive: true, force: true });
});
function newDataDir(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'lineup-journal-'));
  dataDirs.push(dataDir);
  return dataDir;
}

function open(dataDir: string): Journal {
  const opened = openSqliteJournal({ dataDir });
  if (!opened.ok) throw new Error(`cannot open the journal: ${opened.refusal.message}`);
  return opened.journal;
}

async function readAll(journal: Journal, tenantId: TenantId): Promise<Entry[]> {
  const all: Entry[] = [];
  for await (const batch of readBatches(journal, tenantId, 0)) all.push(...batch);
  return all;
}

/** Reads a header field of the file with a connection of its own. */
function pragmaOf(dataDir: string, pragma: string): unknown {
  const db = new Database(join(dataDir, sqliteJournalFileName), { readonly: true });
  try {
    return db.pragma(pragma, { simple: true });
  } finally {
    db.close();
  }
}

describe('close and reopen', () => {
  it('[J10] a reopened journal holds every entry, command id, snapshot and tenant, and continues the seqs', async () => {
    const dataDir = newDataDir();
    const journal = open(dataDir);
    const input = Array.from({ length: 5 }, (_, i) => ({
      atMs: i,
      commandId: `cmd-${i}`,
      events: commandEvents(i),
    }));
    expect(await journal.append(tenantA, input)).toEqual({ ok: true, seqs: [1, 2, 3, 4, 5] });
    expect(await journal.append(tenantB, [{ atMs: 9, events: [] }])).toMatchObject({ ok: true });
    expect(await journal.saveSnapshot(tenantA, 4, { state: 'at 4' })).toEqual({ ok: true });
    const pending = journal.append(tenantB, [{ atMs: 10, events: commandEvents(10) }]);
    const before = await readAll(journal, tenantA);
    await journal.close();
    expect(await pending).toEqual({ ok: true, seqs: [2] });

    const reopened = open(dataDir);
    expect(await readAll(reopened, tenantA)).toEqual(before);
    expect((await readAll(reopened, tenantB)).map((e) => e.seq)).toEqual([1, 2]);
    expect(await reopened.tenants()).toEqual([tenantA, tenantB]);
    expect(await reopened.latestSnapshot(tenantA)).toEqual({ seq: 4, snapshot: { state: 'at 4' } });
    expect((await reopened.entryByCommandId(tenantA, 'cmd-3'))?.seq).toBe(4);
    expect(
      await reopened.append(tenantA, [{ atMs: 6, commandId: 'cmd-3', events: [] }]),
    ).toMatchObject({ ok: false, refusal: { code: JournalRefusalCode.commandIdTaken, seq: 4 } });
    expect(await reopened.append(tenantA, [{ atMs: 6, events: [] }])).toEqual({
      ok: true,
      seqs: [6],
    });
    await reopened.close();
  });

  it('[J6] the file keeps at most snapshotsKeptPerTenant snapshots per tenant', async () => {
    const dataDir = newDataDir();
    const journal = open(dataDir);
    expect(await journal.append(tenantA, [{ atMs: 0, events: [] }])).toMatchObject({ ok: true });
    for (let i = 0; i < snapshotsKeptPerTenant + 2; i += 1) {
      expect(await journal.saveSnapshot(tenantA, i % 2, { i })).toEqual({ ok: true });
    }
    expect(await journal.saveSnapshot(tenantB, 0, {})).toEqual({ ok: true });
    await journal.close();
    const db = new Database(join(dataDir, sqliteJournalFileName), { readonly: true });
    const counts = db
      .prepare('SELECT tenant_id, count(*) AS n FROM snapshots GROUP BY tenant_id ORDER BY 1')
      .raw()
      .all();
    db.close();
    expect(counts).toEqual([
      [tenantA, snapshotsKeptPerTenant],
      [tenantB, 1],
    ]);
  });
});

describe('the commit thread', () => {
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      setTimeout(resolve, ms);
    });

  it('[J3] a commit waiting for the disk leaves the thread free: timers run, then the append resolves', async () => {
    const dataDir = newDataDir();
    const journal = open(dataDir);
    expect(await journal.append(tenantA, [{ atMs: 1, events: commandEvents(1) }])).toMatchObject({
      ok: true,
    });
    // Another connection holds the write lock: the next commit waits for it (busy timeout).
    const other = new Database(join(dataDir, sqliteJournalFileName));
    other.exec('BEGIN IMMEDIATE');
    let isAppended = false;
    const append = journal
      .append(tenantA, [{ atMs: 2, events: commandEvents(2) }])
      .then((result) => {
        isAppended = true;
        return result;
      });
    // A commit on this thread would hold it until the lock is free, and no timer would run.
    await sleep(100);
    expect(isAppended).toBe(false);
    expect(journal.stats()).toMatchObject({ entriesCommitting: 1, commits: 1 });
    other.exec('COMMIT');
    other.close();
    expect(await append).toEqual({ ok: true, seqs: [2] });
    expect(journal.stats()).toMatchObject({ entriesCommitting: 0, commits: 2 });
    expect((await readAll(journal, tenantA)).map((entry) => entry.seq)).toEqual([1, 2]);
    await journal.close();
  });

  it('[J3] appends arriving while a commit waits for the disk share the next commit', async () => {
    const dataDir = newDataDir();
    const reports: CommitReport[] = [];
    const opened = openSqliteJournal({ dataDir, onCommit: (report) => reports.push(report) });
    if (!opened.ok) throw new Error(opened.refusal.message);
    const journal = opened.journal;
    const other = new Database(join(dataDir, sqliteJournalFileName));
    other.exec('BEGIN IMMEDIATE');
    const appends = [journal.append(tenantA, [{ atMs: 1, events: commandEvents(1) }])];
    // Each later append comes after a whole commit window, while the first commit still waits.
    for (const atMs of [2, 3, 4]) {
      await sleep(20);
      appends.push(journal.append(tenantA, [{ atMs, events: commandEvents(atMs) }]));
    }
    expect(journal.stats()).toMatchObject({ entriesCommitting: 1, entriesPending: 3 });
    other.exec('COMMIT');
    other.close();
    expect((await Promise.all(appends)).map((result) => result.ok)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(reports.map((report) => report.entries)).toEqual([1, 3]);
    await journal.close();
  });

  it('[J9] a commit the file refuses rejects its appends and those behind it, and spends the journal', async () => {
    const dataDir = newDataDir();
    const journal = open(dataDir);
    // A second writer took seq 1 of tenant A behind the journal's back: its commit collides.
    const other = new Database(join(dataDir, sqliteJournalFileName));
    other
      .prepare(
        'INSERT INTO entries (tenant_id, seq, at_ms, command_id, events) VALUES (?, 1, 0, NULL, ?)',
      )
      .run(tenantA, '[]');
    other.close();
    // The file is busy while the doomed commit is handed over, so another append gathers behind it.
    const locker = new Database(join(dataDir, sqliteJournalFileName));
    locker.exec('BEGIN IMMEDIATE');
    const first = journal.append(tenantA, [{ atMs: 1, events: commandEvents(1) }]);
    await sleep(20);
    const gathered = journal.append(tenantA, [{ atMs: 2, events: commandEvents(2) }]);
    locker.exec('COMMIT');
    locker.close();
    await expect(first).rejects.toThrow(/journal commit failed/);
    await expect(gathered).rejects.toThrow(/journal commit failed/);
    await expect(journal.append(tenantB, [{ atMs: 2, events: [] }])).rejects.toThrow(
      /journal failed/,
    );
    await journal.close();
    // Nothing of the refused commit reached the file: only the other writer's entry is there.
    const db = new Database(join(dataDir, sqliteJournalFileName), { readonly: true });
    expect(db.prepare('SELECT tenant_id, seq, at_ms FROM entries').raw().all()).toEqual([
      [tenantA, 1, 0],
    ]);
    db.close();
  });
});

describe('schema', () => {
  it('[J11] a new file records the schema version, the journal mark and WAL mode', async () => {
    const dataDir = newDataDir();
    await open(dataDir).close();
    expect(pragmaOf(dataDir, 'user_version')).toBe(JOURNAL_SCHEMA_VERSION);
    expect(JOURNAL_SCHEMA_VERSION).toBe(migrations.length);
    expect(pragmaOf(dataDir, 'application_id')).toBe(journalApplicationId);
    expect(pragmaOf(dataDir, 'journal_mode')).toBe('wal');
  });

  it('[J11] a file from a newer schema version is refused and left unchanged', async () => {
    const dataDir = newDataDir();
    const journal = open(dataDir);
    expect(await journal.append(tenantA, [{ atMs: 0, events: [] }])).toMatchObject({ ok: true });
    await journal.close();
    const db = new Database(join(dataDir, sqliteJournalFileName));
    db.pragma(`user_version = ${JOURNAL_SCHEMA_VERSION + 1}`);
    db.close();

    const opened = openSqliteJournal({ dataDir });
    expect(opened).toMatchObject({ ok: false, refusal: { code: JournalRefusalCode.schemaTooNew } });
    if (!opened.ok) expect(opened.refusal.message).toMatch(/newer Lineup/);
    expect(pragmaOf(dataDir, 'user_version')).toBe(JOURNAL_SCHEMA_VERSION + 1);
  });

  it('[J11] a database that is not a journal is refused and not switched to WAL', () => {
    const dataDir = newDataDir();
    const db = new Database(join(dataDir, sqliteJournalFileName));
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
    db.close();
    expect(openSqliteJournal({ dataDir })).toMatchObject({
      ok: false,
      refusal: { code: JournalRefusalCode.notAJournal },
    });
    expect(pragmaOf(dataDir, 'journal_mode')).toBe('delete');
    expect(pragmaOf(dataDir, 'application_id')).toBe(0);
  });

  it('[J11] migrations run in one transaction: a failing step leaves the file as it was', () => {
    const db = new Database(':memory:');
    const steps = [
      ...migrations,
      { version: migrations.length + 1, description: 'broken', sql: 'CREATE TABLE oops (' },
    ];
    expect(() => migrate(db, { ...journalFileKind, migrations: steps })).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get()).toBe(0);
    expect(migrate(db)).toBeUndefined();
    expect(db.pragma('user_version', { simple: true })).toBe(JOURNAL_SCHEMA_VERSION);
    // Opening again migrates nothing.
    expect(migrate(db)).toBeUndefined();
    db.close();
  });

  it('[J11] migrations are numbered 1, 2, 3, … without gaps', () => {
    const db = new Database(':memory:');
    const gap = [{ ...migrations[0]!, version: 2 }];
    expect(() => migrate(db, { ...journalFileKind, migrations: gap })).toThrow(/version 2/);
    db.close();
  });
});

/** One acknowledged append, as the child printed it. */
interface Ack {
  tenantId: TenantId;
  seqs: number[];
  commandIds: string[];
}

/** Kills after this many acks (at least), per round: varied so that kills land at different points. */
const acksBeforeKill = [1, 40, 150, 400, 900];
/** A round that has not seen its acks by then fails. */
const roundMsMax = 30_000;

/** Runs the child until it has acknowledged `acksMin` appends, then kills it with SIGKILL. */
function runUntilKilled(dataDir: string, round: number, acksMin: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir, String(round)], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: Ack[] = [];
    let partial = '';
    let stderr = '';
    let isKilled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`round ${round}: fewer than ${acksMin} acks in ${roundMsMax} ms; ${stderr}`),
      );
    }, roundMsMax);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      // A line cut by the kill has no newline: it was never acknowledged in full.
      partial = lines.pop() ?? '';
      for (const line of lines) acks.push(JSON.parse(line) as Ack);
      if (acks.length >= acksMin && !isKilled) {
        isKilled = true;
        child.kill('SIGKILL');
      }
    });
    // 'close', not 'exit': acks still in the pipe when the kill lands are acks too.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && isKilled) resolve(acks);
      else reject(new Error(`round ${round}: child ended with ${code ?? signal}; ${stderr}`));
    });
  });
}

describe('SIGKILL', () => {
  it('[J10] every acknowledged entry survives the writer being killed, round after round', async () => {
    const dataDir = newDataDir();
    const acked = new Map<string, { tenantId: TenantId; seq: number }>();
    for (const [round, acksMin] of acksBeforeKill.entries()) {
      const acks = await runUntilKilled(dataDir, round, acksMin);
      expect(acks.length).toBeGreaterThanOrEqual(acksMin);
      for (const { tenantId, seqs, commandIds } of acks) {
        commandIds.forEach((commandId, j) => acked.set(commandId, { tenantId, seq: seqs[j]! }));
      }

      const journal = open(dataDir);
      for (const tenantId of [tenantA, tenantB]) {
        const log = await readAll(journal, tenantId);
        // No gaps: the log is 1…n, whatever the kill cut off after the last commit.
        expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
        const bySeq = new Map(log.map((e) => [e.seq, e]));
        for (const [commandId, at] of acked) {
          if (at.tenantId !== tenantId) continue;
          const entry = bySeq.get(at.seq);
          const [, k, j] = commandId.split('-').map(Number);
          expect(entry?.commandId, `acknowledged ${commandId} lost`).toBe(commandId);
          expect(entry?.events).toEqual(commandEvents(k! + j!));
        }
      }
      await journal.close();
    }
    expect(acked.size).toBeGreaterThan(acksBeforeKill.reduce((sum, n) => sum + n, 0));
  });
});
