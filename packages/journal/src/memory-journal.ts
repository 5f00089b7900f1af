import type { TenantId } from '@lineup/protocol';
import {
  assert,
  GroupCommitJournal,
  type CommitBatch,
  type JournalStore,
  type StoredEntry,
  type StoredSnapshot,
} from './group-commit.ts';
import { snapshotsKeptPerTenant, type Journal, type JournalOptions } from './journal.ts';

/*
 * The in-memory journal: the same group commit, limits and refusals as the
 * SQLite journal (one GroupCommitJournal over another store), for tests and
 * the simulator. Nothing survives the process. Entries are kept as JSON
 * text, as on disk, so that what a caller reads is never the object it
 * appended and a later mutation of that object changes nothing journaled.
 */

/** One tenant's log in memory. */
interface TenantLog {
  /** entries[i] has seq i + 1: seqs start at 1 without gaps, so a read is a slice. */
  readonly entries: StoredEntry[];
  readonly seqByCommandId: Map<string, number>;
  /** Oldest first, at most `snapshotsKeptPerTenant`. */
  snapshots: StoredSnapshot[];
}

/** A store that keeps everything in the process's memory. */
export class MemoryJournalStore implements JournalStore {
  readonly #logs = new Map<TenantId, TenantLog>();

  lastSeqs(): ReadonlyMap<TenantId, number> {
    return new Map([...this.#logs].map(([tenantId, log]) => [tenantId, log.entries.length]));
  }

  commit(batch: CommitBatch): void {
    // Check first, then change: a commit is all or nothing, as a transaction is.
    const nextSeqs = new Map<TenantId, number>();
    for (const { tenantId, seq } of batch.entries) {
      const expected =
        nextSeqs.get(tenantId) ?? (this.#logs.get(tenantId)?.entries.length ?? 0) + 1;
      assert(seq === expected, `seq ${seq} of tenant ${tenantId} must be ${expected}`);
      nextSeqs.set(tenantId, seq + 1);
    }
    for (const entry of batch.entries) {
      const log = this.#logOf(entry.tenantId);
      log.entries.push(entry);
      if (entry.commandId !== null) log.seqByCommandId.set(entry.commandId, entry.seq);
    }
    for (const snapshot of batch.snapshots) {
      const log = this.#logOf(snapshot.tenantId);
      const others = log.snapshots.filter((kept) => kept.seq !== snapshot.seq);
      log.snapshots = [...others, snapshot]
        .sort((a, b) => a.seq - b.seq)
        .slice(-snapshotsKeptPerTenant);
    }
  }

  read(tenantId: TenantId, afterSeq: number, limit: number): StoredEntry[] {
    return this.#logs.get(tenantId)?.entries.slice(afterSeq, afterSeq + limit) ?? [];
  }

  entryByCommandId(tenantId: TenantId, commandId: string): StoredEntry | undefined {
    const log = this.#logs.get(tenantId);
    const seq = log?.seqByCommandId.get(commandId);
    return seq === undefined ? undefined : log?.entries[seq - 1];
  }

  latestSnapshot(tenantId: TenantId): StoredSnapshot | undefined {
    return this.#logs.get(tenantId)?.snapshots.at(-1);
  }

  tenants(): TenantId[] {
    return [...this.#logs.keys()].sort();
  }

  close(): void {
    this.#logs.clear();
  }

  #logOf(tenantId: TenantId): TenantLog {
    let log = this.#logs.get(tenantId);
    if (log === undefined) {
      log = { entries: [], seqByCommandId: new Map(), snapshots: [] };
      this.#logs.set(tenantId, log);
    }
    return log;
  }
}

/** Opens an empty in-memory journal, with the same semantics as the SQLite one. */
export function openMemoryJournal(options: JournalOptions = {}): Journal {
  return new GroupCommitJournal(new MemoryJournalStore(), options);
}
