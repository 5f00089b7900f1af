import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteJournalReader } from '@lineup/journal';
import { asContactId, asQueueId, type TenantId } from '@lineup/protocol';
import { SnapshotThread } from '../src/snapshot-thread.ts';
import { recoverEngine, type RunningServer } from '../src/index.ts';
import { asCommand, joiningSales, serveOnDisk } from './harness.ts';

/*
 * The snapshot thread (snapshot-thread.ts): it follows the journal file and
 * takes the tenants' snapshots off the server's thread. What it writes is
 * the state as of its seq, the same as every event folded from the first;
 * a thread that cannot run hands the snapshots back to the server's thread.
 */

const acme = 'acme' as TenantId;

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Waits (bounded) until `check` holds. */
async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function submit(running: RunningServer, value: Parameters<typeof asCommand>[0]) {
  const outcome = await running.host.submit(acme, asCommand(value));
  expect(outcome.rejection).toBeNull();
}

describe('the snapshot thread', () => {
  it('[durability] takes the snapshots, and each is the state as of its seq', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-snapshot-thread-'));
    dirs.push(dataDir);
    // A snapshot at every round that finds a new entry: the latest is the last entry's.
    const running = await serveOnDisk(dataDir, { journal: { snapshotEveryEntries: 1 } });
    const reader = openSqliteJournalReader(dataDir);
    try {
      await waitFor(() => running.host.snapshotsTakenElsewhere(), 'the snapshot thread');
      expect(await running.host.createTenant(acme)).toBeNull();
      await submit(running, {
        type: 'createQueue',
        queue: { id: 'sales', name: 'Sales', channels: ['chat'] },
      });
      await submit(running, {
        type: 'createAgent',
        agent: { id: 'ada', name: 'Ada', memberships: [{ queueId: 'sales', priority: 1 }] },
      });
      await submit(running, { type: 'logIn', agentId: 'ada' });
      for (let index = 0; index < 8; index++) {
        await submit(running, joiningSales(index, 3));
      }
      await submit(running, { type: 'abandonContact', contactId: 'c5' });
      await running.host.drain();
      const lastSeq = running.host.lastSeq(acme) ?? 0;
      await waitFor(
        async () => (await reader.latestSnapshot(acme))?.seq === lastSeq,
        `a snapshot at seq ${lastSeq}`,
      );
      expect(running.host.snapshotsTakenElsewhere()).toBe(true);

      // The thread's snapshot, restored, against every event folded from the first.
      const fromSnapshot = await recoverEngine(reader, acme, {});
      const fromStart = await recoverEngine(reader, acme, {}, false);
      expect(fromSnapshot.snapshotSeq).toBe(lastSeq);
      expect(fromSnapshot.engine.snapshot()).toEqual(fromStart.engine.snapshot());
      // And against the live engine, as the API shows it.
      const live = running.host.view(acme);
      const sales = asQueueId('sales');
      expect(fromSnapshot.engine.queueStatus(sales)).toEqual(live?.queueStatus(sales));
      for (let index = 0; index < 8; index++) {
        const contactId = asContactId(`c${index}`);
        expect(fromSnapshot.engine.contact(contactId)).toEqual(live?.contact(contactId));
        expect(fromSnapshot.engine.placeOf(contactId)).toEqual(live?.placeOf(contactId));
      }
    } finally {
      reader.close();
      await running.close();
    }
  });

  it('[durability] a thread that cannot follow the journal says so, and the server keeps its snapshots', async () => {
    const failures: Error[] = [];
    const thread = SnapshotThread.start(
      {
        dataDir: join(tmpdir(), 'lineup-no-such-dir', String(process.pid)),
        engine: {},
        snapshotEveryEntries: 1,
        snapshotEveryMs: 1_000,
        pollEveryMs: 10,
      },
      {
        onSnapshot: () => {
          throw new Error('no snapshot expected');
        },
        onFailed: (error) => failures.push(error),
      },
    );
    await waitFor(() => failures.length > 0, 'the failure');
    expect(failures[0]?.message).toMatch(
      /unable to open|directory does not exist|SQLITE_CANTOPEN/i,
    );
    await thread?.close();
    expect(failures).toHaveLength(1);
  });
});
