import type { PeerMesh } from './peer-mesh.ts';
import type { StatsEntry } from './quality.ts';

/*
 * Bytes moving on each pair of a call, by what they carry: what the browser
 * tests read to prove media flows (or stops), and what a support engineer
 * reads from the console (`lineupCalls.traffic()`) when someone says "I
 * cannot hear them".
 */

/** Counters of one pair, in bytes since the pair started. */
export interface PairTraffic {
  audioBytesReceived: number;
  videoBytesReceived: number;
  /** What the other side forwards (a listening supervisor: the customer). */
  forwardedAudioBytesReceived: number;
  audioBytesSent: number;
  videoBytesSent: number;
  forwardedAudioBytesSent: number;
  /** The selected ICE candidate pair's local type: host, srflx or relay; null before one. */
  candidateType: string | null;
  connectionState: RTCPeerConnectionState;
}

/** Every stats entry of a set of connections, read now. */
export async function statsOf(connections: readonly RTCPeerConnection[]): Promise<StatsEntry[]> {
  const reports = await Promise.all(connections.map((connection) => connection.getStats()));
  return reports.flatMap((report) => [...(report.values() as Iterable<StatsEntry>)]);
}

function numberOf(entry: StatsEntry | undefined, field: string): number {
  const value = entry?.[field];
  return typeof value === 'number' ? value : 0;
}

/** The counters of one connection, its transceivers' mids telling the main audio from the forwarded. */
export async function pairTrafficOf(connection: RTCPeerConnection): Promise<PairTraffic> {
  const entries = await statsOf([connection]);
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const audioMids = connection
    .getTransceivers()
    .filter((transceiver) => transceiver.receiver.track.kind === 'audio')
    .map((transceiver) => transceiver.mid);
  const traffic: PairTraffic = {
    audioBytesReceived: 0,
    videoBytesReceived: 0,
    forwardedAudioBytesReceived: 0,
    audioBytesSent: 0,
    videoBytesSent: 0,
    forwardedAudioBytesSent: 0,
    candidateType: null,
    connectionState: connection.connectionState,
  };
  for (const entry of entries) {
    const isForwarded = entry.kind === 'audio' && entry.mid === audioMids[1];
    if (entry.type === 'inbound-rtp') {
      const bytes = numberOf(entry, 'bytesReceived');
      if (entry.kind === 'video') traffic.videoBytesReceived += bytes;
      else if (isForwarded) traffic.forwardedAudioBytesReceived += bytes;
      else traffic.audioBytesReceived += bytes;
    }
    if (entry.type === 'outbound-rtp') {
      const bytes = numberOf(entry, 'bytesSent');
      if (entry.kind === 'video') traffic.videoBytesSent += bytes;
      else if (isForwarded) traffic.forwardedAudioBytesSent += bytes;
      else traffic.audioBytesSent += bytes;
    }
    if (entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string') {
      const pair = byId.get(entry.selectedCandidatePairId);
      const local = byId.get(String(pair?.localCandidateId));
      traffic.candidateType = typeof local?.candidateType === 'string' ? local.candidateType : null;
    }
  }
  return traffic;
}

/** The counters of every pair of a mesh, by the other party's id. */
export async function meshTrafficOf(mesh: PeerMesh): Promise<Record<string, PairTraffic>> {
  const result: Record<string, PairTraffic> = {};
  for (const peer of mesh.peers) {
    const connection = mesh.connection(peer);
    if (connection !== undefined) result[peer] = await pairTrafficOf(connection);
  }
  return result;
}
