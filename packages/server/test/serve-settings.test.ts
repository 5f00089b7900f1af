import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotsKeptPerTenant, sqliteJournalFileName } from '@lineup/journal';
import type { TenantId } from '@lineup/protocol';
import { asCommand, serveOnDisk } from './harness.ts';

/*
 * Settings that reach the durable server through serve() (from the settings
 * file's `journal` section): how often each tenant's engine is snapshotted,
 * read back from the journal's own SQLite file while the server runs.
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

describe('serve() settings', () => {
  it('[durability] journal.snapshotEveryEntries sets how many entries a tenant goes between snapshots', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-serve-settings-'));
    dirs.push(dataDir);
    // On the server's thread, so that each snapshot is taken at the entry that makes it due.
    const running = await serveOnDisk(dataDir, {
      journal: { snapshotEveryEntries: 4, snapshotThread: false },
    });
    try {
      expect(await running.host.createTenant(acme)).toBeNull();
      const queue = { id: 'sales', name: 'Sales' };
      expect(
        (await running.host.submit(acme, asCommand({ type: 'createQueue', queue }))).rejection,
      ).toBeNull();
      for (let index = 0; index < 10; index++) {
        const contact = {
          id: `c${index}`,
          queueId: 'sales',
          channel: 'chat',
          customer: { id: `u${index}`, type: 'normal' },
        };
        const outcome = await running.host.submit(
          acme,
          asCommand({ type: 'enqueueContact', contact }),
        );
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
});
