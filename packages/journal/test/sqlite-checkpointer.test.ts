/*
 * The SQLite journal's checkpoints run on a thread of their own
 * (sqlite-checkpointer.ts): the committing connection leaves them alone up
 * to walAutocheckpointPages, far past SQLite's default of 1,000 pages, yet
 * the journal's pages reach the database file and the WAL is reused rather
 * than growing with every commit.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
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

/**
 * Whether a checkpoint has copied every frame of the WAL into the database
 * file, read from the WAL-index (the `-shm` file) without touching the
 * database: the last valid frame (mxFrame, at byte 16 of the index's header)
 * and the frames copied (nBackfill, at byte 96, after the header's two
 * 48-byte copies), both in the machine's byte order (little-endian on x86
 * and ARM). The database file's size tells less: SQLite extends the file to
 * its final size when a checkpoint starts, not when it ends.
 */
function walFullyCopied(shmPath: string): boolean {
  const header = Buffer.alloc(100);
  const fd = openSync(shmPath, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  const lastFrame = header.readUInt32LE(16);
  return lastFrame > 0 && header.readUInt32LE(96) === lastFrame;
}

describe('checkpoints on a thread of their own', () => {
  it('[checkpoint] the entries reach the database file, and the WAL is reused instead of growing', async () => {
    const opened = openSqliteJournal({ dataDir });
    if (!opened.ok) throw new Error(opened.refusal.message);
    const { journal } = opened;
    const file = join(dataDir, sqliteJournalFileName);
    const wal = `${file}-wal`;
    const shm = `${file}-shm`;
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
    await eventually(() => walFullyCopied(shm));
    expect(walFullyCopied(shm)).toBe(true);
    expect(sizeOf(file)).toBeGreaterThan(8 * megabyte);

    // Once all of it is copied, the next commits start the WAL over: it does not double.
    const walAfterFirst = sizeOf(wal);
    await appendRound();
    await eventually(() => walFullyCopied(shm));
    expect(walFullyCopied(shm)).toBe(true);
    expect(sizeOf(file)).toBeGreaterThan(16 * megabyte);
    expect(sizeOf(wal)).toBeLessThan(walAfterFirst + 4 * megabyte);
    expect(await journal.lastSeq(tenantId)).toBe(2 * entriesPerRound);
    await journal.close();
  });
});
