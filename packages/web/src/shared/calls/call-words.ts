import type { Call, CallEndReason, QualitySample } from '@lineup/protocol';
import { clockOf } from '../words.ts';

/*
 * A call in words, as the agent, the customer and the supervisor read it:
 * who else is in it, where it stands with its timer, how it ended, and its
 * quality. Pure, so the wording is tested without a browser.
 */

/** The names of the other parties still in the call: "Dana", "Dana and Bo". */
export function otherPartiesOf(call: Call, self: string | null): string {
  const names = call.parties
    .filter(
      (party) => party.partyId !== self && party.state !== 'left' && party.role !== 'supervisor',
    )
    .map((party) => party.name ?? (party.role === 'customer' ? 'the customer' : party.role));
  if (names.length === 0) return 'nobody';
  return names.length === 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

const endWords: Record<CallEndReason, string> = {
  hangup: 'Call ended',
  rejected: 'Call declined',
  noAnswer: 'No answer',
  transferred: 'Call transferred',
  failed: 'Call failed',
  disconnected: 'Call lost: the other side went away',
};

/** Where the call stands with its timer: "Ringing…", "In call 1:05", "On hold 0:12", "Call declined". */
export function callStatusOf(call: Call, self: string | null, nowMs: number): string {
  switch (call.state) {
    case 'ringing': {
      const me = call.parties.find((party) => party.partyId === self);
      return me?.state === 'ringing' ? 'Incoming call' : 'Ringing…';
    }
    case 'active':
      return `In call ${clockOf(nowMs - (call.answeredAtMs ?? call.startedAtMs))}`;
    case 'held': {
      const heldAtMs =
        [...call.log].reverse().find((entry) => entry.what === 'held')?.atMs ?? nowMs;
      return `On hold ${clockOf(nowMs - heldAtMs)}`;
    }
    case 'ended':
      return endWords[call.endReason ?? 'hangup'];
  }
}

/** A quality sample in words: "rtt 42 ms · jitter 3 ms · loss 0.5% · 820 kbps". */
export function qualityInWords(sample: QualitySample | undefined): string {
  if (sample === undefined) return '—';
  const parts = [
    sample.rttMs === undefined ? null : `rtt ${Math.round(sample.rttMs)} ms`,
    sample.jitterMs === undefined ? null : `jitter ${Math.round(sample.jitterMs)} ms`,
    sample.packetLossPercent === undefined ? null : `loss ${sample.packetLossPercent}%`,
    sample.bitrateKbps === undefined ? null : `${Math.round(sample.bitrateKbps)} kbps`,
  ].filter((part): part is string => part !== null);
  return parts.length === 0 ? '—' : parts.join(' · ');
}
