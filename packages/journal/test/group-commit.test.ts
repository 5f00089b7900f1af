/*
 * The group commit that the SQLite and in-memory journals share: its window
 * (J3), on a fake clock; and J9, a store whose commit fails, as a full disk
 * or an I/O error would make SQLite's fail.
 */
import { asTenantId } from '@lineup/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GroupCommitJournal, type CommitBatch } from '../src/group-commit.ts';
import { MemoryJournalStore } from '../src/memory-journal.ts';
import { commandEvents } from './events.ts';

const tenantId = asTenantId('tenant-a');
const entry = (i: number) => ({ atMs: i, events: commandEvents(i) });

/** A memory store whose commits fail from the `failFrom`-th on (1-based). */
class FailingStore extends MemoryJournalStore {
  #commits = 0;
  constructor(private readonly failFrom: number) {
    super();
  }
  override commit(batch: CommitBatch): void {
    this.#commits += 1;
    if (this.#commits >= this.failFrom) throw new Error('disk I/O error');
    super.commit(batch);
  }
}

describe('a failed commit', () => {
  it('[J9] rejects every append of its batch and leaves the committed log as it was', async () => {
    const journal = new GroupCommitJournal(new FailingStore(2));
    expect(await journal.append(tenantId, [entry(0)])).toEqual({ ok: true, seqs: [1] });
    const first = journal.append(tenantId, [entry(1)]);
    const second = journal.append(tenantId, [entry(2)]);
    await expect(first).rejects.toThrow(/commit failed/);
    await expect(second).rejects.toThrow(/commit failed/);
    expect(journal.stats()).toEqual({
      commits: 1,
      entriesCommitted: 1,
      entriesPending: 0,
      entriesCommitting: 0,
    });
  });

  it('[J9] spends the journal: later calls reject with the failure as their cause', async () => {
    const journal = new GroupCommitJournal(new FailingStore(1));
    await expect(journal.append(tenantId, [entry(0)])).rejects.toThrow(/commit failed/);
    const later = journal.append(tenantId, [entry(1)]);
    await expect(later).rejects.toThrow(/reopen/);
    await expect(later).rejects.toHaveProperty('cause.message', 'disk I/O error');
    await expect(journal.read(tenantId, 0, 10)).rejects.toThrow(/reopen/);
    await expect(journal.saveSnapshot(tenantId, 0, {})).rejects.toThrow(/reopen/);
    await journal.close();
  });

  it('[J9] a failed snapshot commit rejects the snapshot and the appends it carried', async () => {
    const journal = new GroupCommitJournal(new FailingStore(1));
    const appending = journal.append(tenantId, [entry(0)]);
    await expect(journal.saveSnapshot(tenantId, 1, { state: 1 })).rejects.toThrow(/commit failed/);
    await expect(appending).rejects.toThrow(/commit failed/);
  });
});

describe('the commit window', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('[J3] a lone append commits on the next turn; those within the window of a commit share the next one at its end', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'],
    });
    const journal = new GroupCommitJournal(new MemoryJournalStore(), { commitWindowMs: 10 });
    const commits = () => journal.stats().commits;
    const first = journal.append(tenantId, [entry(0)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(commits()).toBe(1);
    expect(await first).toEqual({ ok: true, seqs: [1] });
    // Within 10 ms of that commit's start: both wait for the window's end, and share a commit.
    const second = journal.append(tenantId, [entry(1)]);
    await vi.advanceTimersByTimeAsync(4);
    const third = journal.append(tenantId, [entry(2)]);
    await vi.advanceTimersByTimeAsync(5);
    expect(commits()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(commits()).toBe(2);
    expect(await Promise.all([second, third])).toEqual([
      { ok: true, seqs: [2] },
      { ok: true, seqs: [3] },
    ]);
    // Long after: alone again, at once.
    await vi.advanceTimersByTimeAsync(50);
    const fourth = journal.append(tenantId, [entry(3)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(commits()).toBe(3);
    expect(await fourth).toEqual({ ok: true, seqs: [4] });
    await journal.close();
  });
});
