/*
 * The SQLite journal's checkpoints run on a thread of their own
 * (sqlite-checkpointer.ts): the committing connection leaves them alone up
 * to walAutocheckpointPages, far past SQLite's default of 1,000 pages, yet
 * the journal's pages reach the database file and the WAL is reused rather
 * than growing with every commit.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asTenantId } from '@lineup/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { appendEntriesMax, openSqliteJournal, sqliteJournalFileName } from '../src/index.ts';
import { eventsOfSize } from './events.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'lineup-journal-checkpoint-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const tenantId = asTenantId('tenant-a');
const megabyte = 1_048_576;
/** 8 MiB of entries: 2,048 pages of 4 KiB, twice SQLite's default checkpoint threshold. */
const entryBytes = 4_096;
const entriesPerRound = 2_048;

const sizeOf = (path: string): number => statSync(path).size;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (at most 10 s) until `isDone` holds; the checkpoint thread runs every 500 ms. */
async function eventually(isDone: () => boolean): Promise<void> {
  for (let tries = 0; tries < 100 && !isDone(); tries++) await sleep(100);
}

describe('checkpoints on a thread of their own', () => {
  it('[checkpoint] the entries reach the database file, and the WAL is reused instead of growing', async () => {
    const opened = openSqliteJournal({ dataDir });
    if (!opened.ok) throw new Error(opened.refusal.message);
    const { journal } = opened;
    const file = join(dataDir, sqliteJournalFileName);
    const wal = `${file}-wal`;
    const entry = { atMs: 0, events: eventsOfSize(entryBytes) };
    const appendRound = async () => {
      for (let done = 0; done < entriesPerRound; done += appendEntriesMax) {
        const count = Math.min(appendEntriesMax, entriesPerRound - done);
        const result = await journal.append(
          tenantId,
          Array.from({ length: count }, () => entry),
        );
        expect(result.ok).toBe(true);
      }
    };

    await appendRound();
    // The committing connection does not checkpoint below 16,384 pages: the thread does.
    await eventually(() => sizeOf(file) > 8 * megabyte);
    expect(sizeOf(file)).toBeGreaterThan(8 * megabyte);

    // Once all of it is copied, the next commits start the WAL over: it does not double.
    const walAfterFirst = sizeOf(wal);
    await appendRound();
    await eventually(() => sizeOf(file) > 16 * megabyte);
    expect(sizeOf(file)).toBeGreaterThan(16 * megabyte);
    expect(sizeOf(wal)).toBeLessThan(walAfterFirst + 4 * megabyte);
    expect(await journal.lastSeq(tenantId)).toBe(2 * entriesPerRound);
    await journal.close();
  });
});
