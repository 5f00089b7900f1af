import type { Call, CallId, CallSignalMessage, PartyId, QualitySample } from '@lineup/protocol';
import { CallRecorder, recordedTracksOf, type ChunkUploader } from './call-recorder.ts';
import { HoldMusic } from './hold-music.ts';
import type { LocalMedia } from './local-media.ts';
import { pairPlansOf } from './pair-plans.ts';
import { PeerMesh, type PairRemote, type SignalPayload } from './peer-mesh.ts';
import { qualityOf, type QualityTotals } from './quality.ts';
import { meshTrafficOf, statsOf, type PairTraffic } from './traffic.ts';

/*
 * One call in one browser: the mesh that follows the call's state as the
 * server pushes it, the signals to and from the other parties, the quality
 * samples sent every few seconds, hold music where this browser is the
 * customer on hold, and the recording where this browser records.
 */

/** How a session talks to the server (the SDK's call methods, adapted by the app). */
export interface CallChannel {
  signal(callId: CallId, to: PartyId, payload: SignalPayload): Promise<unknown>;
  quality(callId: CallId, sample: QualitySample): Promise<unknown>;
}

/** How often each browser samples its call's quality and reports it. */
export const qualityEveryMs = 5000;

/** What a page shows of another party: its place in the call and what it receives from it. */
export interface RemoteParty {
  partyId: PartyId;
  name: string;
  remote: PairRemote;
}

/** The sessions of this page, by call: for the console and the browser tests (`lineupCalls`). */
const sessions = new Map<CallId, CallSession>();

declare global {
  interface Window {
    /** Diagnostics: the calls of this page and the bytes each of their pairs moved. */
    lineupCalls?: {
      traffic(): Promise<Record<string, Record<string, PairTraffic>>>;
      isHoldMusicPlaying(): boolean;
    };
  }
}

window.lineupCalls = {
  async traffic() {
    const result: Record<string, Record<string, PairTraffic>> = {};
    for (const [callId, session] of sessions) result[callId] = await session.traffic();
    return result;
  },
  isHoldMusicPlaying: () => [...sessions.values()].some((session) => session.isHoldMusicPlaying),
};

/** A call's media in this browser, from the moment it knows the call until it ends. */
export class CallSession {
  readonly #self: PartyId;
  readonly #channel: CallChannel;
  readonly #mesh: PeerMesh;
  readonly #music = new HoldMusic();
  readonly #onChange: () => void;
  readonly #local: LocalMedia;
  #call: Call;
  #recorder: CallRecorder | null = null;
  #qualityTimer: ReturnType<typeof setInterval> | null = null;
  #totals: QualityTotals | null = null;

  constructor(options: {
    self: PartyId;
    call: Call;
    local: LocalMedia;
    iceServers: RTCIceServer[];
    channel: CallChannel;
    onChange: () => void;
  }) {
    this.#self = options.self;
    this.#call = options.call;
    this.#channel = options.channel;
    this.#onChange = options.onChange;
    const callId = options.call.callId;
    this.#mesh = new PeerMesh({
      iceServers: options.iceServers,
      local: options.local,
      send: (to, payload) => {
        // A lost signal shows as a pair that never connects; the call's hang-up is the way out.
        this.#channel.signal(callId, to as PartyId, payload).catch(() => undefined);
      },
      onChange: () => {
        this.#recorder?.setTracks(recordedTracksOf(options.local, this.#mesh));
        this.#onChange();
      },
    });
    this.#local = options.local;
    sessions.set(callId, this);
    this.update(options.call);
  }

  get call(): Call {
    return this.#call;
  }

  get isHoldMusicPlaying(): boolean {
    return this.#music.isPlaying;
  }

  get isRecording(): boolean {
    return this.#recorder !== null;
  }

  /** Follows the call as the server pushed it. */
  update(call: Call): void {
    this.#call = call;
    this.#mesh.reconcile(pairPlansOf(call, this.#self));
    const me = call.parties.find((party) => party.partyId === this.#self);
    if (me?.role === 'customer' && call.state === 'held') this.#music.start();
    else this.#music.stop();
    const isLive = call.state === 'active' || call.state === 'held';
    if (isLive && this.#qualityTimer === null) {
      this.#qualityTimer = setInterval(() => {
        void this.#sampleQuality();
      }, qualityEveryMs);
    }
    if (!isLive && this.#qualityTimer !== null) {
      clearInterval(this.#qualityTimer);
      this.#qualityTimer = null;
    }
  }

  /** Takes a signal another party of this call sent. */
  receive(message: CallSignalMessage): void {
    const payload: SignalPayload = {};
    if (message.description !== undefined) {
      payload.description = {
        type: message.description.type,
        ...(message.description.sdp === undefined ? {} : { sdp: message.description.sdp }),
      };
    }
    if (message.candidate !== undefined) payload.candidate = message.candidate;
    this.#mesh.receive(message.from, payload);
  }

  /** The other parties this browser exchanges media with. */
  get remotes(): RemoteParty[] {
    return this.#mesh.peers.flatMap((peer) => {
      const remote = this.#mesh.remote(peer);
      const party = this.#call.parties.find((candidate) => candidate.partyId === peer);
      if (remote === undefined || party === undefined) return [];
      return [{ partyId: party.partyId, name: party.name ?? party.role, remote }];
    });
  }

  /** Byte counters of each pair, by the other party. */
  traffic(): Promise<Record<string, PairTraffic>> {
    return meshTrafficOf(this.#mesh);
  }

  /** Records the call (this browser's microphone and everyone it hears) into `uploader`. */
  startRecording(uploader: ChunkUploader): void {
    if (this.#recorder !== null) return;
    this.#recorder = new CallRecorder(recordedTracksOf(this.#local, this.#mesh), uploader);
    this.#onChange();
  }

  /** Stops recording once the last chunk is uploaded and the recording finished. */
  async stopRecording(): Promise<void> {
    const recorder = this.#recorder;
    this.#recorder = null;
    this.#onChange();
    await recorder?.stop();
  }

  /** Ends the media (the call ended or the page leaves it); a recording is finished first. */
  async close(): Promise<void> {
    if (this.#qualityTimer !== null) clearInterval(this.#qualityTimer);
    this.#qualityTimer = null;
    this.#music.stop();
    try {
      await this.stopRecording();
    } finally {
      this.#mesh.close();
      sessions.delete(this.#call.callId);
    }
  }

  async #sampleQuality(): Promise<void> {
    const connections = this.#mesh.peers.flatMap((peer) => this.#mesh.connection(peer) ?? []);
    if (connections.length === 0) return;
    const { sample, totals } = qualityOf(await statsOf(connections), this.#totals, Date.now());
    this.#totals = totals;
    await this.#channel.quality(this.#call.callId, sample).catch(() => undefined);
  }
}
