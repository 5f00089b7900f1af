/*
 * J9 on the group commit that the SQLite and in-memory journals share: a
 * store whose commit fails, as a full disk or an I/O error would make
 * SQLite's fail.
 */
import { asTenantId } from '@lineup/protocol';
import { describe, expect, it } from 'vitest';
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
