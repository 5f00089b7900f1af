import { Engine, type EngineOptions, type EngineSnapshot } from '@lineup/engine';
import { readBatches, type Journal } from '@lineup/journal';
import type { TenantId } from '@lineup/protocol';

/*
 * A tenant's engine rebuilt from its journal: the latest snapshot, then
 * every event after it folded through evolve (DESIGN.md §3). The host does it
 * at start, and the snapshot thread does it for its own copy.
 */

/** What an engine is rebuilt from: a journal, or a reader of a journal's file. */
export type RecoverySource = Pick<Journal, 'read' | 'lastSeq' | 'latestSnapshot'>;

/** A rebuilt engine, with the seq of its last entry and of the snapshot it started from (0: none). */
export interface Recovered {
  engine: Engine;
  lastSeq: number;
  snapshotSeq: number;
}

/**
 * Rebuilds a tenant's engine from the latest snapshot and the entries after
 * it, or, with `fromSnapshot` false, from every entry since the first.
 */
export async function recoverEngine(
  source: RecoverySource,
  tenantId: TenantId,
  options: EngineOptions,
  fromSnapshot = true,
): Promise<Recovered> {
  const saved = fromSnapshot ? await source.latestSnapshot(tenantId) : undefined;
  const engine =
    saved === undefined
      ? new Engine(options)
      : Engine.restore(saved.snapshot as EngineSnapshot, options);
  const recovered = { engine, lastSeq: saved?.seq ?? 0, snapshotSeq: saved?.seq ?? 0 };
  await catchUp(source, tenantId, recovered);
  return recovered;
}

/** Folds the entries committed after `recovered.lastSeq` into its engine, moving lastSeq on. */
export async function catchUp(
  source: Pick<RecoverySource, 'read' | 'lastSeq'>,
  tenantId: TenantId,
  recovered: Pick<Recovered, 'engine' | 'lastSeq'>,
): Promise<void> {
  for await (const batch of readBatches(source, tenantId, recovered.lastSeq)) {
    for (const entry of batch) {
      for (const event of entry.events) recovered.engine.evolve(event);
      recovered.lastSeq = entry.seq;
    }
  }
}
