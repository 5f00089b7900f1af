/*
 * The journal contract (rules J1–J8 in src/journal.ts): one suite that every
 * Journal implementation runs, so that the SQLite journal, the in-memory one
 * and a later cluster store cannot differ in what a host relies on.
 *
 * No test sleeps. A commit happens when its window's timer fires, which is
 * always after the microtasks of the code that appended; so a read issued
 * right after an append, without awaiting it, sees the log before the commit.
 */
import { asTenantId, type Event, type TenantId } from '@lineup/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendEntriesMax,
  commandIdLengthMax,
  commitBytesMax,
  commitEntriesMax,
  commitWindowMsMax,
  entryBytesMax,
  JournalRefusalCode,
  readBatches,
  readEntriesMax,
  snapshotBytesMax,
  type AppendResult,
  type CommitReport,
  type Entry,
  type EntryInput,
  type Journal,
  type JournalOptions,
} from '../src/index.ts';
import { commandEvents, contactQueued, eventsOfSize } from './events.ts';

/** How the suite gets a fresh, empty journal of the implementation under test. */
export interface JournalFactory {
  readonly name: string;
  open(options?: JournalOptions): Journal;
}

const tenantA = asTenantId('tenant-a');
const tenantB = asTenantId('tenant-b');

/** Entry `i` of a test log: engine-shaped events, a time, no command id. */
const entry = (i: number, commandId?: string): EntryInput =>
  commandId === undefined
    ? { atMs: 1_000 + i, events: commandEvents(i) }
    : { atMs: 1_000 + i, commandId, events: commandEvents(i) };

const entries = (from: number, count: number): EntryInput[] =>
  Array.from({ length: count }, (_, k) => entry(from + k));

/** The seqs of an append that must succeed. */
function seqsOf(result: AppendResult): readonly number[] {
  if (!result.ok) throw new Error(`append refused: ${result.refusal.message}`);
  return result.seqs;
}

/** Every committed entry of a tenant, through the replay loop. */
async function readAll(journal: Journal, tenantId: TenantId, afterSeq = 0): Promise<Entry[]> {
  const all: Entry[] = [];
  for await (const batch of readBatches(journal, tenantId, afterSeq)) all.push(...batch);
  return all;
}

/** Appends `count` entries in appends of at most `appendEntriesMax`, all pending at once. */
function appendMany(journal: Journal, tenantId: TenantId, count: number): Promise<AppendResult[]> {
  const appends: Promise<AppendResult>[] = [];
  for (let from = 0; from < count; from += appendEntriesMax) {
    appends.push(journal.append(tenantId, entries(from, Math.min(appendEntriesMax, count - from))));
  }
  return Promise.all(appends);
}

/** Runs the contract against one implementation. */
export function journalContract(factory: JournalFactory): void {
  const opened: Journal[] = [];
  const open = (options?: JournalOptions): Journal => {
    const journal = factory.open(options);
    opened.push(journal);
    return journal;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((journal) => journal.close()));
  });

  describe('order', () => {
    it('[J1] seqs start at 1 and rise by one in the order of the append calls', async () => {
      const journal = open();
      const results = await Promise.all([
        journal.append(tenantA, entries(0, 2)),
        journal.append(tenantA, entries(2, 1)),
        journal.append(tenantA, entries(3, 3)),
      ]);
      expect(results.map(seqsOf)).toEqual([[1, 2], [3], [4, 5, 6]]);
      expect(seqsOf(await journal.append(tenantA, entries(6, 1)))).toEqual([7]);
      expect(await journal.lastSeq(tenantA)).toBe(7);
    });

    it('[J1] a read gives back every field of every entry, in seq order', async () => {
      const journal = open();
      const input = [entry(0, 'cmd-0'), entry(1), { atMs: 5, events: [] }];
      seqsOf(await journal.append(tenantA, input));
      expect(await journal.read(tenantA, 0, 10)).toEqual([
        { seq: 1, atMs: 1_000, commandId: 'cmd-0', events: commandEvents(0) },
        { seq: 2, atMs: 1_001, commandId: null, events: commandEvents(1) },
        { seq: 3, atMs: 5, commandId: null, events: [] },
      ]);
    });

    it('[J1] an empty append takes no seq and commits nothing', async () => {
      const journal = open();
      expect(await journal.append(tenantA, [])).toEqual({ ok: true, seqs: [] });
      expect(journal.stats().commits).toBe(0);
      expect(await journal.tenants()).toEqual([]);
    });

    it('[J1] what was journaled does not change when the caller mutates its objects', async () => {
      const journal = open();
      const events: Event[] = [contactQueued(1)];
      const appending = journal.append(tenantA, [{ atMs: 1, events }]);
      events.push(contactQueued(2));
      seqsOf(await appending);
      const [read] = await journal.read(tenantA, 0, 1);
      read?.events.pop();
      expect((await journal.read(tenantA, 0, 1))[0]?.events).toEqual([contactQueued(1)]);
    });

    it('[J1] a time or seq that is not a non-negative integer is a bug and rejects', async () => {
      const journal = open();
      await expect(journal.append(tenantA, [{ atMs: -1, events: [] }])).rejects.toThrow(/atMs/);
      await expect(journal.append(tenantA, [{ atMs: 1.5, events: [] }])).rejects.toThrow(/atMs/);
      await expect(journal.read(tenantA, -1, 10)).rejects.toThrow(/afterSeq/);
      await expect(journal.read(tenantA, 0, 0)).rejects.toThrow(/limit/);
      expect(await journal.lastSeq(tenantA)).toBe(0);
    });
  });

  describe('durability and reads', () => {
    it('[J2] an entry is invisible until its commit and readable once its append resolves', async () => {
      const journal = open();
      const appending = journal.append(tenantA, entries(0, 2));
      expect(await journal.read(tenantA, 0, 10)).toEqual([]);
      expect(await journal.lastSeq(tenantA)).toBe(0);
      expect(await journal.tenants()).toEqual([]);
      expect(journal.stats().entriesPending).toBe(2);
      seqsOf(await appending);
      expect((await journal.read(tenantA, 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
      expect(await journal.lastSeq(tenantA)).toBe(2);
      expect(journal.stats()).toEqual({
        commits: 1,
        entriesCommitted: 2,
        entriesPending: 0,
        entriesCommitting: 0,
      });
    });

    it('[J2] a read starts after afterSeq and returns at most limit entries', async () => {
      const journal = open();
      seqsOf(await journal.append(tenantA, entries(0, 10)));
      expect((await journal.read(tenantA, 3, 4)).map((e) => e.seq)).toEqual([4, 5, 6, 7]);
      expect((await journal.read(tenantA, 8, 100)).map((e) => e.seq)).toEqual([9, 10]);
      expect(await journal.read(tenantA, 10, 100)).toEqual([]);
    });

    it('[J2] a read returns readEntriesMax entries at the limit and past it', async () => {
      const journal = open();
      (await appendMany(journal, tenantA, readEntriesMax + 5)).forEach(seqsOf);
      expect(await journal.read(tenantA, 0, readEntriesMax)).toHaveLength(readEntriesMax);
      const pastLimit = await journal.read(tenantA, 0, readEntriesMax + 1);
      expect(pastLimit).toHaveLength(readEntriesMax);
      expect(pastLimit.at(-1)?.seq).toBe(readEntriesMax);
    });

    it('[J2] the replay loop yields every entry after a seq, in order, in bounded batches', async () => {
      const journal = open();
      (await appendMany(journal, tenantA, 2_500)).forEach(seqsOf);
      const batches: number[] = [];
      const seqs: number[] = [];
      for await (const batch of readBatches(journal, tenantA, 100, 1_000)) {
        batches.push(batch.length);
        seqs.push(...batch.map((e) => e.seq));
      }
      expect(batches).toEqual([1_000, 1_000, 400]);
      expect(seqs).toEqual(Array.from({ length: 2_400 }, (_, k) => 101 + k));
    });

    it('[J2] the replay loop stops at the last entry committed when it started', async () => {
      const journal = open();
      seqsOf(await journal.append(tenantA, entries(0, 3)));
      const seqs: number[] = [];
      for await (const batch of readBatches(journal, tenantA, 0, 1)) {
        seqs.push(...batch.map((e) => e.seq));
        seqsOf(await journal.append(tenantA, entries(10, 1)));
      }
      expect(seqs).toEqual([1, 2, 3]);
      expect(await journal.lastSeq(tenantA)).toBe(6);
    });
  });

  describe('group commit', () => {
    it('[J3] appends made within the commit window share one commit', async () => {
      const reports: CommitReport[] = [];
      const journal = open({ onCommit: (report) => reports.push(report) });
      const appends = Array.from({ length: 100 }, (_, i) => journal.append(tenantA, [entry(i)]));
      appends.push(journal.append(tenantB, entries(0, 3)));
      (await Promise.all(appends)).forEach(seqsOf);
      expect(journal.stats()).toEqual({
        commits: 1,
        entriesCommitted: 103,
        entriesPending: 0,
        entriesCommitting: 0,
      });
      expect(reports.map((r) => [r.entries, r.snapshots])).toEqual([[103, 0]]);
    });

    it('[J3] a commit starts at once when it holds commitEntriesMax entries', async () => {
      const journal = open();
      const appends = Array.from({ length: commitEntriesMax / appendEntriesMax }, (_, k) =>
        journal.append(tenantA, entries(k * appendEntriesMax, appendEntriesMax)),
      );
      // No timer has run yet: the full batch went to the store inside the last append call
      // (committed there already, or committing on the store's thread).
      const started = () => {
        const { commits, entriesCommitting, entriesPending } = journal.stats();
        return { started: commits * commitEntriesMax + entriesCommitting, entriesPending };
      };
      expect(started()).toEqual({ started: commitEntriesMax, entriesPending: 0 });
      appends.push(journal.append(tenantA, entries(commitEntriesMax, 1)));
      expect(started()).toEqual({ started: commitEntriesMax, entriesPending: 1 });
      (await Promise.all(appends)).forEach(seqsOf);
      expect(journal.stats()).toMatchObject({
        commits: 2,
        entriesCommitted: commitEntriesMax + 1,
      });
    });

    it('[J3] an append that would overfill the batch goes whole into the next commit', async () => {
      const reports: CommitReport[] = [];
      const journal = open({ onCommit: (report) => reports.push(report) });
      const appends = [
        ...Array.from({ length: commitEntriesMax / appendEntriesMax - 1 }, () =>
          journal.append(tenantA, entries(0, appendEntriesMax)),
        ),
        journal.append(tenantA, entries(0, appendEntriesMax - 1)),
        journal.append(tenantA, entries(0, 2)),
      ];
      (await Promise.all(appends)).forEach(seqsOf);
      expect(reports.map((r) => r.entries)).toEqual([commitEntriesMax - 1, 2]);
      expect(await journal.lastSeq(tenantA)).toBe(commitEntriesMax + 1);
    });

    it('[J3] a commit starts at once when it holds commitBytesMax bytes', async () => {
      const reports: CommitReport[] = [];
      const journal = open({ onCommit: (report) => reports.push(report) });
      const perCommit = Math.floor(commitBytesMax / entryBytesMax);
      const big = { atMs: 0, events: eventsOfSize(entryBytesMax) };
      const appends = Array.from({ length: perCommit + 1 }, () => journal.append(tenantA, [big]));
      (await Promise.all(appends)).forEach(seqsOf);
      expect(reports.map((r) => r.entries)).toEqual([perCommit, 1]);
      expect(reports[0]?.sizeBytes).toBe(perCommit * entryBytesMax);
    });

    it('[J3] the commit window is an integer in 0…commitWindowMsMax', async () => {
      const journal = open({ commitWindowMs: 0 });
      const appends = [journal.append(tenantA, [entry(0)]), journal.append(tenantA, [entry(1)])];
      (await Promise.all(appends)).forEach(seqsOf);
      expect(journal.stats().commits).toBe(1);
      open({ commitWindowMs: commitWindowMsMax });
      expect(() => open({ commitWindowMs: commitWindowMsMax + 1 })).toThrow(/commitWindowMs/);
      expect(() => open({ commitWindowMs: -1 })).toThrow(/commitWindowMs/);
      expect(() => open({ commitWindowMs: 0.5 })).toThrow(/commitWindowMs/);
    });
  });

  describe('idempotency', () => {
    it('[J4] a journaled command id finds its entry; an unknown one finds nothing', async () => {
      const journal = open();
      seqsOf(await journal.append(tenantA, [entry(0), entry(1, 'retry-me')]));
      expect(await journal.entryByCommandId(tenantA, 'retry-me')).toEqual({
        seq: 2,
        atMs: 1_001,
        commandId: 'retry-me',
        events: commandEvents(1),
      });
      expect(await journal.entryByCommandId(tenantA, 'never-sent')).toBeUndefined();
    });

    it('[J4] a retried command id is refused with the seq that holds it, and nothing is written', async () => {
      const journal = open();
      seqsOf(await journal.append(tenantA, [entry(0, 'once')]));
      const retry = await journal.append(tenantA, [entry(1), entry(2, 'once')]);
      expect(retry).toEqual({
        ok: false,
        refusal: expect.objectContaining({
          code: JournalRefusalCode.commandIdTaken,
          entryIndex: 1,
          seq: 1,
        }) as unknown,
      });
      expect(await journal.lastSeq(tenantA)).toBe(1);
      expect(seqsOf(await journal.append(tenantA, [entry(3)]))).toEqual([2]);
    });

    it('[J4] a command id still waiting for its commit is taken too', async () => {
      const journal = open();
      const first = journal.append(tenantA, [entry(0, 'in-flight')]);
      const second = await journal.append(tenantA, [entry(1, 'in-flight')]);
      expect(second).toMatchObject({ ok: false, refusal: { code: 'command_id_taken', seq: 1 } });
      expect(seqsOf(await first)).toEqual([1]);
    });

    it('[J4] one append may not carry a command id twice', async () => {
      const journal = open();
      const result = await journal.append(tenantA, [entry(0, 'twice'), entry(1, 'twice')]);
      expect(result).toMatchObject({
        ok: false,
        refusal: { code: 'command_id_taken', entryIndex: 1 },
      });
      expect(await journal.lastSeq(tenantA)).toBe(0);
    });

    it('[J4] command ids have 1…commandIdLengthMax characters', async () => {
      const journal = open();
      const atLimit = 'k'.repeat(commandIdLengthMax);
      expect(seqsOf(await journal.append(tenantA, [entry(0, atLimit)]))).toEqual([1]);
      for (const commandId of ['k'.repeat(commandIdLengthMax + 1), '']) {
        expect(await journal.append(tenantA, [entry(1, commandId)])).toMatchObject({
          ok: false,
          refusal: { code: JournalRefusalCode.invalidCommandId, entryIndex: 0 },
        });
      }
      expect(await journal.lastSeq(tenantA)).toBe(1);
    });
  });

  describe('limits', () => {
    it('[J5] an entry of entryBytesMax is taken; one byte more is refused and nothing is written', async () => {
      const journal = open();
      const atLimit = { atMs: 0, events: eventsOfSize(entryBytesMax) };
      expect(seqsOf(await journal.append(tenantA, [atLimit]))).toEqual([1]);
      expect((await journal.read(tenantA, 0, 1))[0]?.events).toEqual(atLimit.events);
      const pastLimit = { atMs: 0, events: eventsOfSize(entryBytesMax + 1) };
      expect(await journal.append(tenantA, [entry(1), pastLimit])).toEqual({
        ok: false,
        refusal: expect.objectContaining({
          code: JournalRefusalCode.entryTooLarge,
          entryIndex: 1,
          sizeBytes: entryBytesMax + 1,
        }) as unknown,
      });
      expect(journal.stats().entriesPending).toBe(0);
      expect(seqsOf(await journal.append(tenantA, [entry(2)]))).toEqual([2]);
    });

    it('[J5] sizes are counted in UTF-8 bytes, not characters', async () => {
      const journal = open();
      const [event] = eventsOfSize(entryBytesMax - 1);
      // "é" is one character and two bytes: entryBytesMax characters, entryBytesMax + 1 bytes.
      const pastLimit = [{ ...event, queueId: `${(event as { queueId: string }).queueId}é` }];
      const result = await journal.append(tenantA, [{ atMs: 0, events: pastLimit as Event[] }]);
      expect(result).toMatchObject({ ok: false, refusal: { sizeBytes: entryBytesMax + 1 } });
    });

    it('[J5] an append of appendEntriesMax entries is taken; one more is refused', async () => {
      const journal = open();
      expect(seqsOf(await journal.append(tenantA, entries(0, appendEntriesMax)))).toHaveLength(
        appendEntriesMax,
      );
      expect(await journal.append(tenantA, entries(0, appendEntriesMax + 1))).toMatchObject({
        ok: false,
        refusal: { code: JournalRefusalCode.tooManyEntries },
      });
      expect(await journal.lastSeq(tenantA)).toBe(appendEntriesMax);
    });

    it('[J5] a snapshot of snapshotBytesMax is taken; one byte more is refused', async () => {
      const journal = open();
      seqsOf(await journal.append(tenantA, entries(0, 2)));
      // A JSON string of n characters is n + 2 bytes with its quotes.
      const atLimit = 'x'.repeat(snapshotBytesMax - 2);
      expect(await journal.saveSnapshot(tenantA, 1, atLimit)).toEqual({ ok: true });
      expect((await journal.latestSnapshot(tenantA))?.snapshot === atLimit).toBe(true);
      expect(await journal.saveSnapshot(tenantA, 2, `${atLimit}x`)).toEqual({
        ok: false,
        refusal: expect.objectContaining({
          code: JournalRefusalCode.snapshotTooLarge,
          sizeBytes: snapshotBytesMax + 1,
        }) as unknown,
      });
      expect((await journal.latestSnapshot(tenantA))?.seq).toBe(1);
    });
  });

  describe('snapshots', () => {
    it('[J6] replay resumes after the latest snapshot: snapshot plus tail is the whole log', async () => {
      const journal = open();
      expect(await journal.latestSnapshot(tenantA)).toBeUndefined();
      seqsOf(await journal.append(tenantA, entries(0, 3)));
      expect(await journal.saveSnapshot(tenantA, 2, { folded: [1, 2] })).toEqual({ ok: true });
      seqsOf(await journal.append(tenantA, entries(3, 2)));
      const snapshot = await journal.latestSnapshot(tenantA);
      expect(snapshot).toEqual({ seq: 2, snapshot: { folded: [1, 2] } });
      const tail = await readAll(journal, tenantA, snapshot?.seq);
      expect(tail.map((e) => e.seq)).toEqual([3, 4, 5]);
      expect(await journal.saveSnapshot(tenantA, 5, { folded: [1, 2, 3, 4, 5] })).toEqual({
        ok: true,
      });
      expect((await journal.latestSnapshot(tenantA))?.seq).toBe(5);
      expect(await readAll(journal, tenantA, 5)).toEqual([]);
    });

    it('[J6] a snapshot commits with or after every entry appended before it', async () => {
      const reports: CommitReport[] = [];
      const journal = open({ onCommit: (report) => reports.push(report) });
      const appending = journal.append(tenantA, entries(0, 3));
      expect(await journal.saveSnapshot(tenantA, 3, 'state at 3')).toEqual({ ok: true });
      expect(await journal.lastSeq(tenantA)).toBe(3);
      seqsOf(await appending);
      expect(reports.map((r) => [r.entries, r.snapshots])).toEqual([[3, 1]]);
    });

    it('[J6] a snapshot past the last appended seq is a bug and rejects', async () => {
      const journal = open();
      seqsOf(await journal.append(tenantA, entries(0, 2)));
      await expect(journal.saveSnapshot(tenantA, 3, {})).rejects.toThrow(/seq/);
      await expect(journal.saveSnapshot(tenantA, -1, {})).rejects.toThrow(/seq/);
      await expect(journal.saveSnapshot(tenantA, 1, undefined)).rejects.toThrow(/JSON/);
      expect(await journal.latestSnapshot(tenantA)).toBeUndefined();
    });

    it('[J6] a snapshot is the value as it was at the call, not as it is changed after', async () => {
      const journal = open();
      seqsOf(await journal.append(tenantA, entries(0, 1)));
      const state = { folded: [1] };
      const saving = journal.saveSnapshot(tenantA, 1, state);
      state.folded.push(2);
      expect(await saving).toEqual({ ok: true });
      expect(await journal.latestSnapshot(tenantA)).toEqual({ seq: 1, snapshot: { folded: [1] } });
    });

    it('[J6] a snapshot handed over as JSON text is kept as that text, under the same rules', async () => {
      const journal = open();
      seqsOf(await journal.append(tenantA, entries(0, 2)));
      expect(await journal.saveSnapshotJson(tenantA, 2, '{"folded":[1,2]}')).toEqual({ ok: true });
      expect(await journal.latestSnapshot(tenantA)).toEqual({
        seq: 2,
        snapshot: { folded: [1, 2] },
      });
      await expect(journal.saveSnapshotJson(tenantA, 3, '{}')).rejects.toThrow(/seq/);
      const tooLarge = `"${'x'.repeat(snapshotBytesMax)}"`;
      expect(await journal.saveSnapshotJson(tenantA, 2, tooLarge)).toMatchObject({
        ok: false,
        refusal: { code: JournalRefusalCode.snapshotTooLarge },
      });
      expect((await journal.latestSnapshot(tenantA))?.snapshot).toEqual({ folded: [1, 2] });
    });

    it('[J6] a snapshot of a tenant without entries makes it a tenant', async () => {
      const journal = open();
      expect(await journal.saveSnapshot(tenantB, 0, { empty: true })).toEqual({ ok: true });
      expect(await journal.tenants()).toEqual([tenantB]);
      expect(await journal.latestSnapshot(tenantB)).toEqual({ seq: 0, snapshot: { empty: true } });
      expect(seqsOf(await journal.append(tenantB, [entry(0)]))).toEqual([1]);
    });
  });

  describe('tenants', () => {
    it('[J7] nothing of one tenant is visible to another', async () => {
      const journal = open();
      seqsOf(await journal.append(tenantA, [entry(0, 'same-id'), entry(1)]));
      expect(await journal.saveSnapshot(tenantA, 2, 'a-state')).toEqual({ ok: true });
      expect(await journal.read(tenantB, 0, 10)).toEqual([]);
      expect(await journal.lastSeq(tenantB)).toBe(0);
      expect(await journal.latestSnapshot(tenantB)).toBeUndefined();
      expect(await journal.entryByCommandId(tenantB, 'same-id')).toBeUndefined();
      // The same command id in another tenant is another command; its seqs start at 1.
      expect(seqsOf(await journal.append(tenantB, [entry(5, 'same-id')]))).toEqual([1]);
      expect((await journal.entryByCommandId(tenantB, 'same-id'))?.atMs).toBe(1_005);
      expect((await journal.entryByCommandId(tenantA, 'same-id'))?.atMs).toBe(1_000);
      expect((await readAll(journal, tenantA)).map((e) => e.atMs)).toEqual([1_000, 1_001]);
      expect((await readAll(journal, tenantB)).map((e) => e.atMs)).toEqual([1_005]);
      expect(await journal.tenants()).toEqual([tenantA, tenantB]);
    });
  });

  describe('close', () => {
    it('[J8] close commits the pending appends before it resolves', async () => {
      const journal = open({ commitWindowMs: commitWindowMsMax });
      const appending = journal.append(tenantA, entries(0, 3));
      await journal.close();
      expect(seqsOf(await appending)).toEqual([1, 2, 3]);
      expect(journal.stats()).toMatchObject({ commits: 1, entriesCommitted: 3 });
    });

    it('[J8] every call after close rejects; a second close does nothing', async () => {
      const journal = open();
      await journal.close();
      await journal.close();
      await expect(journal.append(tenantA, [entry(0)])).rejects.toThrow(/closed/);
      await expect(journal.read(tenantA, 0, 1)).rejects.toThrow(/closed/);
      await expect(journal.saveSnapshot(tenantA, 0, {})).rejects.toThrow(/closed/);
      await expect(journal.tenants()).rejects.toThrow(/closed/);
    });
  });
}
