/*
 * When a tenant's engine is snapshotted (docs/api.md, Settings: journal):
 * the one rule of the host and of the snapshot thread.
 */

/** Every so many journal entries, or at the first entry so long after the last snapshot. */
export interface SnapshotSchedule {
  readonly snapshotEveryEntries: number;
  readonly snapshotEveryMs: number;
}

/**
 * Whether a tenant at entry `seq` and time `atMs` is due a snapshot, its last
 * one taken at `snapshotSeq` and `snapshotAtMs` (0 and 0 before the first:
 * its first entry is due).
 */
export function isSnapshotDue(
  schedule: SnapshotSchedule,
  seq: number,
  atMs: number,
  snapshotSeq: number,
  snapshotAtMs: number,
): boolean {
  return (
    seq - snapshotSeq >= schedule.snapshotEveryEntries ||
    atMs - snapshotAtMs >= schedule.snapshotEveryMs
  );
}
