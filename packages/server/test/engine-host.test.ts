import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteJournal, type Journal } from '@lineup/journal';
import { asContactId, asQueueId, type TenantId } from '@lineup/protocol';
import { EngineHost, ManualClock, ManualScheduler, snapshotEveryMsDefault } from '../src/index.ts';
import { T0, asCommand, joiningSales } from './harness.ts';

/*
 * The journal-backed host on real SQLite files: a command is acknowledged
 * once its events are on disk, and a host opened again on the same data dir
 * finds every tenant as it was (snapshot plus the events after it).
 */

const acme = 'acme' as TenantId;

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function openHost(dataDir: string, snapshotEveryEntries?: number) {
  const opened = openSqliteJournal({ dataDir });
  if (!opened.ok) throw new Error(opened.refusal.message);
  const journal: Journal = opened.journal;
  const clock = new ManualClock(T0);
  const scheduler = new ManualScheduler(clock);
  const host = await EngineHost.open({
    journal,
    clock,
    scheduler,
    ...(snapshotEveryEntries === undefined ? {} : { snapshotEveryEntries }),
  });
  return { host, journal, clock };
}

async function fill(host: EngineHost, contacts: number) {
  expect(await host.createTenant(acme)).toBeNull();
  await host.submit(
    acme,
    asCommand({ type: 'createQueue', queue: { id: 'sales', name: 'Sales' } }),
  );
  const submitted = [];
  for (let index = 0; index < contacts; index++) {
    submitted.push(host.submit(acme, asCommand(joiningSales(index, 5))));
  }
  // Sent together: they share commits (group commit), and each is acknowledged once durable.
  for (const outcome of await Promise.all(submitted)) expect(outcome.rejection).toBeNull();
}

describe('EngineHost on SQLite', () => {
  it('[durability] a host opened again finds every tenant, contact and position as they were', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-host-'));
    dirs.push(dataDir);
    const first = await openHost(dataDir);
    await fill(first.host, 50);
    const before = first.host.view(acme);
    const places = Array.from({ length: 50 }, (_, index) =>
      before?.placeOf(asContactId(`c${index}`)),
    );
    const status = before?.queueStatus(asQueueId('sales'));
    expect(first.journal.stats().commits).toBeLessThan(52);
    await first.host.close();

    const second = await openHost(dataDir);
    const after = second.host.view(acme);
    expect(second.host.hasTenant(acme)).toBe(true);
    expect(after?.queueStatus(asQueueId('sales'))?.waiting).toBe(50);
    expect(after?.queueStatus(asQueueId('sales'))).toEqual(status);
    expect(
      Array.from({ length: 50 }, (_, index) => after?.placeOf(asContactId(`c${index}`))),
    ).toEqual(places);
    await second.host.close();
  });

  it('[durability] replay rebuilds the state from the events after the latest snapshot', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-host-'));
    dirs.push(dataDir);
    const first = await openHost(dataDir, 7);
    await fill(first.host, 30);
    await first.host.drain();
    const latest = await first.journal.latestSnapshot(acme);
    const lastSeq = await first.journal.lastSeq(acme);
    // Snapshots were taken along the way, and entries were written after the last one.
    expect(latest).toBeDefined();
    expect(lastSeq).toBeGreaterThan(latest?.seq ?? lastSeq);
    const expected = first.host.view(acme)?.queueStatus(asQueueId('sales'));
    // Not closed: no final snapshot; the second host must replay the tail.
    await first.journal.close();

    const second = await openHost(dataDir, 7);
    expect(second.host.view(acme)?.queueStatus(asQueueId('sales'))).toEqual(expected);
    await second.host.close();
  });

  it('[durability] a host that handed its snapshots over takes none until it takes them back', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-host-'));
    dirs.push(dataDir);
    const opened = await openHost(dataDir, 2);
    opened.host.handSnapshotsOver();
    expect(opened.host.snapshotsTakenElsewhere()).toBe(true);
    await fill(opened.host, 5);
    await opened.host.drain();
    expect(await opened.journal.latestSnapshot(acme)).toBeUndefined();
    // A snapshot another thread made is written as given, and counts as the tenant's latest.
    const lastSeq = await opened.journal.lastSeq(acme);
    await opened.host.saveSnapshotJson(acme, lastSeq - 1, '{"made":"elsewhere"}');
    expect(await opened.journal.latestSnapshot(acme)).toEqual({
      seq: lastSeq - 1,
      snapshot: { made: 'elsewhere' },
    });
    opened.host.takeSnapshotsBack();
    await opened.host.submit(acme, asCommand({ type: 'abandonContact', contactId: 'c0' }));
    await opened.host.drain();
    expect((await opened.journal.latestSnapshot(acme))?.seq).toBe(lastSeq + 1);
    await opened.host.close();
  });

  it('[durability] a tenant with new entries is snapshotted once snapshotEveryMs has passed, whatever their number', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-host-'));
    dirs.push(dataDir);
    const opened = await openHost(dataDir);
    await fill(opened.host, 3);
    await opened.host.drain();
    // Far fewer entries than snapshotEveryEntriesDefault: no snapshot yet.
    expect(await opened.journal.latestSnapshot(acme)).toBeUndefined();
    opened.clock.advanceMs(snapshotEveryMsDefault);
    await opened.host.submit(acme, asCommand({ type: 'abandonContact', contactId: 'c0' }));
    await opened.host.drain();
    const latest = await opened.journal.latestSnapshot(acme);
    expect(latest?.seq).toBe(await opened.journal.lastSeq(acme));
    await opened.host.close();
  });

  it('[durability] a second tenant is isolated and both come back', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-host-'));
    dirs.push(dataDir);
    const first = await openHost(dataDir);
    await fill(first.host, 3);
    expect(await first.host.createTenant('globex' as TenantId)).toBeNull();
    await first.host.close();
    const second = await openHost(dataDir);
    expect(second.host.tenantCount()).toBe(2);
    expect(second.host.view('globex' as TenantId)?.queueStatus(asQueueId('sales'))).toBeNull();
    expect(second.host.view(acme)?.queueStatus(asQueueId('sales'))?.waiting).toBe(3);
    await second.host.close();
  });
});
