import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotsKeptPerTenant, sqliteJournalFileName } from '@lineup/journal';
import type { TenantId } from '@lineup/protocol';
import { asCommand, joiningSales, operatorKey, serveOnDisk } from './harness.ts';

/*
 * Settings that reach the durable server through serve() (from the settings
 * file's `journal` section): how often each tenant's engine is snapshotted,
 * read back from the journal's own SQLite file while the server runs, and
 * how long a command waits for others to share its commit, read from the
 * server's /metrics.
 */

const acme = 'acme' as TenantId;

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** The seqs of the tenant's snapshots, oldest first, as the journal file holds them now. */
function snapshotSeqs(dataDir: string, tenantId: TenantId): number[] {
  const db = new Database(join(dataDir, sqliteJournalFileName), { readonly: true });
  try {
    const rows = db
      .prepare('SELECT seq FROM snapshots WHERE tenant_id = ? ORDER BY seq')
      .all(tenantId) as { seq: number }[];
    return rows.map((row) => row.seq);
  } finally {
    db.close();
  }
}

/** A durable server on a fresh data dir with tenant acme and its queue `sales`; closed by the caller. */
async function serveWithQueue(options: Parameters<typeof serveOnDisk>[1]) {
  const dataDir = await mkdtemp(join(tmpdir(), 'lineup-serve-settings-'));
  dirs.push(dataDir);
  const running = await serveOnDisk(dataDir, options);
  expect(await running.host.createTenant(acme)).toBeNull();
  const queue = { id: 'sales', name: 'Sales' };
  expect(
    (await running.host.submit(acme, asCommand({ type: 'createQueue', queue }))).rejection,
  ).toBeNull();
  return { dataDir, running };
}

describe('serve() settings', () => {
  it('[durability] journal.snapshotEveryEntries sets how many entries a tenant goes between snapshots', async () => {
    // On the server's thread, so that each snapshot is taken at the entry that makes it due.
    const { dataDir, running } = await serveWithQueue({
      journal: { snapshotEveryEntries: 4, snapshotThread: false },
    });
    try {
      for (let index = 0; index < 10; index++) {
        const outcome = await running.host.submit(acme, asCommand(joiningSales(index)));
        expect(outcome.rejection).toBeNull();
      }
      await running.host.drain();
      const lastSeq = running.host.lastSeq(acme) ?? 0;
      expect(lastSeq).toBeGreaterThanOrEqual(12);
      // Every 4 entries; the journal keeps the last two. The default (100,000) would have taken
      // only the one at the tenant's first entry by now.
      const seqs = snapshotSeqs(dataDir, acme);
      expect(seqs).toHaveLength(snapshotsKeptPerTenant);
      const [previous = 0, latest = 0] = seqs;
      expect(latest - previous).toBe(4);
      expect(lastSeq - latest).toBeLessThan(4);
    } finally {
      await running.close();
    }
  });

  it('[durability] journal.commitWindowMs: commands sent together within the window share commits', async () => {
    const { running } = await serveWithQueue({ journal: { commitWindowMs: 100 } });
    const commits = async (): Promise<number> => {
      const response = await fetch(`${running.url}/metrics`, {
        headers: { authorization: `Bearer ${operatorKey}` },
      });
      const line = (await response.text())
        .split('\n')
        .find((text) => text.startsWith('lineup_journal_commit_duration_seconds_count'));
      return Number(line?.split(' ').pop());
    };
    try {
      const before = await commits();
      // One command every 20 ms over 180 ms: with the default 2 ms window each would have its own
      // commit; with 100 ms, each commit takes in those of the next 100 ms.
      const outcomes = await Promise.all(
        Array.from(
          { length: 10 },
          (_, index) =>
            new Promise<Awaited<ReturnType<typeof running.host.submit>>>((resolve) => {
              setTimeout(() => {
                resolve(running.host.submit(acme, asCommand(joiningSales(index))));
              }, index * 20);
            }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.rejection !== null)).toEqual([]);
      // Ten commands, each durable before its answer, in far fewer commits than ten.
      const shared = (await commits()) - before;
      expect(shared).toBeGreaterThanOrEqual(1);
      expect(shared).toBeLessThanOrEqual(4);
    } finally {
      await running.close();
    }
  });
});
