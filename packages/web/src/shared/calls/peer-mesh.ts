import { AudioMixer } from './audio-mixer.ts';
import type { LocalMedia } from './local-media.ts';
import type { PairPlan } from './pair-plans.ts';

/*
 * The media of one call in one browser: a mesh of RTCPeerConnections, one
 * per pair of parties the call allows (docs/calls.md). What each pair sends
 * is a `PairPlan`, derived from the call's state by pair-plans.ts; the mesh
 * makes the connections match the plans.
 *
 * Every pair negotiates once. The side the plan names offers with a fixed
 * set of transceivers, all send-and-receive: the main audio, the video (for
 * a video call), and a second audio that carries forwarded audio (the agent
 * to a listening supervisor). Everything that changes later (hold, mute,
 * camera, screen, whisper) replaces a sender's track, which needs no new
 * offer, so the two sides never race to renegotiate.
 */

/** What travels between two parties on the signalling channel (`call.signal`). */
export interface SignalPayload {
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit;
}

/** What one pair receives: null until the other side's track arrives. */
export interface PairRemote {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  /** The audio the other side forwards (a listening supervisor hears the customer here). */
  forwardedAudio: MediaStreamTrack | null;
  connectionState: RTCPeerConnectionState;
}

/** How a mesh reaches the world. */
export interface MeshOptions {
  iceServers: RTCIceServer[];
  /** 'relay' forces TURN (the TURN check); default 'all'. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  local: LocalMedia;
  /** Sends a signal to another party of the call. */
  send: (to: string, payload: SignalPayload) => void;
  /** Called when any pair's remote tracks or connection state change. */
  onChange: () => void;
}

/** Signals kept for a party whose pair is not planned yet: a bound, since a peer could flood. */
const earlySignalsMax = 64;

interface Pair {
  peer: string;
  plan: PairPlan;
  connection: RTCPeerConnection;
  /** Candidates that came before the remote description. */
  candidates: RTCIceCandidateInit[];
  /** Mixes the forwarded parties' audio when more than one is forwarded. */
  mixer: AudioMixer | null;
}

interface Slots {
  audio: RTCRtpTransceiver | undefined;
  video: RTCRtpTransceiver | undefined;
  forwardedAudio: RTCRtpTransceiver | undefined;
}

/** The transceivers of a pair by their job, from their order (the offerer's, kept by the answer). */
function slotsOf(connection: RTCPeerConnection): Slots {
  const transceivers = connection.getTransceivers();
  const audio = transceivers.filter((transceiver) => transceiver.receiver.track.kind === 'audio');
  return {
    audio: audio[0],
    video: transceivers.find((transceiver) => transceiver.receiver.track.kind === 'video'),
    forwardedAudio: audio[1],
  };
}

/** One call's peer connections in this browser. */
export class PeerMesh {
  readonly #options: MeshOptions;
  readonly #pairs = new Map<string, Pair>();
  readonly #plans = new Map<string, PairPlan>();
  /** Signals from parties not planned yet, in arrival order. */
  readonly #early = new Map<string, SignalPayload[]>();
  /** Each peer's signalling work runs in order: an answer never overtakes its offer. */
  readonly #queues = new Map<string, Promise<void>>();
  readonly #stopLocal: () => void;
  #isClosed = false;

  constructor(options: MeshOptions) {
    this.#options = options;
    this.#stopLocal = options.local.onChange(() => {
      for (const pair of this.#pairs.values()) this.#applySenders(pair);
    });
  }

  /** The parties this browser has a connection with. */
  get peers(): string[] {
    return [...this.#pairs.keys()];
  }

  /** What a pair receives; undefined when there is no such pair. */
  remote(peer: string): PairRemote | undefined {
    const pair = this.#pairs.get(peer);
    if (pair === undefined) return undefined;
    const slots = slotsOf(pair.connection);
    return {
      audio: slots.audio?.receiver.track ?? null,
      video: slots.video?.receiver.track ?? null,
      forwardedAudio: slots.forwardedAudio?.receiver.track ?? null,
      connectionState: pair.connection.connectionState,
    };
  }

  /** A pair's connection, for getStats. */
  connection(peer: string): RTCPeerConnection | undefined {
    return this.#pairs.get(peer)?.connection;
  }

  /**
   * Makes the pairs match `plans`: closes pairs no longer planned, updates what
   * the others send, and opens the planned pairs this side offers (the others
   * open when their offer comes).
   */
  reconcile(plans: ReadonlyMap<string, PairPlan>): void {
    if (this.#isClosed) return;
    this.#plans.clear();
    for (const [peer, plan] of plans) this.#plans.set(peer, plan);
    for (const [peer, pair] of this.#pairs) {
      const plan = plans.get(peer);
      if (plan === undefined || plan.hasVideo !== pair.plan.hasVideo) {
        this.#closePair(pair);
        continue;
      }
      pair.plan = plan;
    }
    for (const [peer, plan] of plans) {
      if (this.#pairs.has(peer) || !plan.isOfferer) continue;
      this.#enqueue(peer, () => this.#offer(peer));
    }
    for (const pair of this.#pairs.values()) this.#applySenders(pair);
    for (const [peer, signals] of this.#early) {
      if (!plans.has(peer)) continue;
      this.#early.delete(peer);
      for (const signal of signals) this.receive(peer, signal);
    }
    this.#options.onChange();
  }

  /** Takes a signal another party sent to this one. */
  receive(from: string, payload: SignalPayload): void {
    if (this.#isClosed) return;
    if (!this.#plans.has(from)) {
      const early = this.#early.get(from) ?? [];
      if (early.length < earlySignalsMax) early.push(payload);
      this.#early.set(from, early);
      return;
    }
    this.#enqueue(from, () => this.#handle(from, payload));
  }

  /** Closes every connection and stops forwarding; the local media stays the caller's. */
  close(): void {
    this.#isClosed = true;
    this.#stopLocal();
    for (const pair of this.#pairs.values()) this.#closePair(pair);
    this.#early.clear();
  }

  #enqueue(peer: string, work: () => Promise<void>): void {
    const previous = this.#queues.get(peer) ?? Promise.resolve();
    // A failed step (a bad description from a peer) must not block the pair's next ones.
    const next = previous.then(work).catch((error: unknown) => {
      console.warn(`Call media with ${peer}:`, error);
    });
    this.#queues.set(peer, next);
  }

  #open(peer: string, plan: PairPlan): Pair {
    const connection = new RTCPeerConnection({
      iceServers: this.#options.iceServers,
      iceTransportPolicy: this.#options.iceTransportPolicy ?? 'all',
    });
    const pair: Pair = { peer, plan, connection, candidates: [], mixer: null };
    connection.addEventListener('icecandidate', (event) => {
      if (event.candidate !== null) {
        this.#options.send(peer, { candidate: event.candidate.toJSON() });
      }
    });
    connection.addEventListener('track', () => {
      this.#options.onChange();
      // A newly received track may be one that another pair forwards.
      for (const other of this.#pairs.values()) {
        if (other.plan.forwardsAudioOf.includes(peer)) this.#applySenders(other);
      }
    });
    connection.addEventListener('connectionstatechange', () => {
      this.#options.onChange();
    });
    this.#pairs.set(peer, pair);
    return pair;
  }

  async #offer(peer: string): Promise<void> {
    // The plan as it is when the work runs: a later reconcile may have changed it.
    const plan = this.#plans.get(peer);
    if (plan?.isOfferer !== true || this.#pairs.has(peer)) return;
    const pair = this.#open(peer, plan);
    pair.connection.addTransceiver('audio', { direction: 'sendrecv' });
    if (plan.hasVideo) pair.connection.addTransceiver('video', { direction: 'sendrecv' });
    pair.connection.addTransceiver('audio', { direction: 'sendrecv' });
    this.#applySenders(pair);
    await pair.connection.setLocalDescription(await pair.connection.createOffer());
    const description = pair.connection.localDescription;
    if (description !== null) this.#options.send(peer, { description: description.toJSON() });
  }

  async #handle(from: string, payload: SignalPayload): Promise<void> {
    const plan = this.#plans.get(from);
    if (plan === undefined) return;
    let pair = this.#pairs.get(from);
    if (payload.description?.type === 'offer') {
      // A second offer means the peer started the pair again (a reload, a new leg): start afresh.
      if (pair !== undefined) this.#closePair(pair);
      pair = this.#open(from, plan);
      await pair.connection.setRemoteDescription(payload.description);
      for (const transceiver of pair.connection.getTransceivers()) {
        transceiver.direction = 'sendrecv';
      }
      this.#applySenders(pair);
      await pair.connection.setLocalDescription(await pair.connection.createAnswer());
      const answer = pair.connection.localDescription;
      if (answer !== null) this.#options.send(from, { description: answer.toJSON() });
      await this.#flushCandidates(pair);
      return;
    }
    if (pair === undefined) return;
    if (payload.description?.type === 'answer') {
      if (pair.connection.signalingState !== 'have-local-offer') return;
      await pair.connection.setRemoteDescription(payload.description);
      await this.#flushCandidates(pair);
      return;
    }
    if (payload.candidate !== undefined) {
      if (pair.connection.remoteDescription === null) {
        if (pair.candidates.length < earlySignalsMax) pair.candidates.push(payload.candidate);
        return;
      }
      await pair.connection.addIceCandidate(payload.candidate);
    }
  }

  async #flushCandidates(pair: Pair): Promise<void> {
    const waiting = pair.candidates.splice(0);
    for (const candidate of waiting) await pair.connection.addIceCandidate(candidate);
  }

  /** The track this pair forwards: the one forwarded party's audio as is, or a mix of several. */
  #forwardedTrack(pair: Pair): MediaStreamTrack | null {
    const tracks = pair.plan.forwardsAudioOf.flatMap((party) => {
      const track = this.remote(party)?.audio;
      return track === undefined || track === null ? [] : [track];
    });
    if (tracks.length <= 1) {
      pair.mixer?.close();
      pair.mixer = null;
      return tracks[0] ?? null;
    }
    pair.mixer ??= new AudioMixer();
    pair.mixer.setTracks(tracks);
    return pair.mixer.track;
  }

  #applySenders(pair: Pair): void {
    if (pair.connection.signalingState === 'closed') return;
    const local = this.#options.local;
    const slots = slotsOf(pair.connection);
    const wanted: [RTCRtpTransceiver | undefined, MediaStreamTrack | null][] = [
      [slots.audio, pair.plan.sendsMicrophone ? local.microphoneTrack : null],
      [slots.video, pair.plan.sendsVideo ? local.videoTrack : null],
      [slots.forwardedAudio, this.#forwardedTrack(pair)],
    ];
    for (const [transceiver, track] of wanted) {
      if (transceiver === undefined || transceiver.sender.track === track) continue;
      // replaceTrack only fails on a closed connection, which the next reconcile removes.
      transceiver.sender.replaceTrack(track).catch(() => undefined);
    }
  }

  #closePair(pair: Pair): void {
    pair.mixer?.close();
    pair.connection.close();
    this.#pairs.delete(pair.peer);
  }
}
