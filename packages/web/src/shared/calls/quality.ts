import type { QualitySample } from '@lineup/protocol';

/*
 * A call's quality from getStats, as the supervisor sees it live and the
 * contact keeps it: round-trip time, jitter, packet loss and received
 * bitrate. Pure over plain stats entries, so a test can feed it numbers.
 * Entries of every pair of the call come together: a call is as good as its
 * worst pair, so times and loss take the worst pair and the bitrate the sum.
 */

/** Counters of the previous sample: loss and bitrate are over the time between two samples. */
export interface QualityTotals {
  atMs: number;
  bytesReceived: number;
  packetsReceived: number;
  packetsLost: number;
}

/** A getStats entry as the browser gives it: a type and numbers. */
export type StatsEntry = Readonly<Record<string, unknown>>;

function numberOf(entry: StatsEntry, field: string): number | undefined {
  const value = entry[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function maxOf(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : Math.max(...values);
}

/** The sample at `atMs` from the entries of every pair, and the totals for the next one. */
export function qualityOf(
  entries: Iterable<StatsEntry>,
  previous: QualityTotals | null,
  atMs: number,
): { sample: QualitySample; totals: QualityTotals } {
  const rttsMs: number[] = [];
  const jittersMs: number[] = [];
  const totals: QualityTotals = { atMs, bytesReceived: 0, packetsReceived: 0, packetsLost: 0 };
  for (const entry of entries) {
    if (entry.type === 'candidate-pair' && entry.nominated === true) {
      const rtt = numberOf(entry, 'currentRoundTripTime');
      if (rtt !== undefined) rttsMs.push(rtt * 1000);
    }
    if (entry.type === 'inbound-rtp') {
      const jitter = numberOf(entry, 'jitter');
      if (jitter !== undefined) jittersMs.push(jitter * 1000);
      totals.bytesReceived += numberOf(entry, 'bytesReceived') ?? 0;
      totals.packetsReceived += numberOf(entry, 'packetsReceived') ?? 0;
      totals.packetsLost += Math.max(0, numberOf(entry, 'packetsLost') ?? 0);
    }
  }
  const sample: QualitySample = { atMs };
  const rttMs = maxOf(rttsMs);
  if (rttMs !== undefined) sample.rttMs = Math.round(rttMs);
  const jitterMs = maxOf(jittersMs);
  if (jitterMs !== undefined) sample.jitterMs = Math.round(jitterMs);
  if (previous !== null && atMs > previous.atMs) {
    const received = totals.packetsReceived - previous.packetsReceived;
    const lost = totals.packetsLost - previous.packetsLost;
    // Counters restart when a pair is replaced (a transfer): such an interval says nothing.
    if (received >= 0 && lost >= 0 && received + lost > 0) {
      sample.packetLossPercent = Math.round((lost / (received + lost)) * 1000) / 10;
    }
    const bytes = totals.bytesReceived - previous.bytesReceived;
    if (bytes >= 0) sample.bitrateKbps = Math.round((bytes * 8) / (atMs - previous.atMs));
  }
  return { sample, totals };
}
