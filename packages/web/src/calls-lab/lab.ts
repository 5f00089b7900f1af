import { CallRecorder, recordedTracksOf } from '../shared/calls/call-recorder.ts';
import { HoldMusic } from '../shared/calls/hold-music.ts';
import { audioContext } from '../shared/calls/audio-mixer.ts';
import { LocalMedia } from '../shared/calls/local-media.ts';
import type { PairPlan } from '../shared/calls/pair-plans.ts';
import { PeerMesh, type SignalPayload } from '../shared/calls/peer-mesh.ts';
import { meshTrafficOf, type PairTraffic } from '../shared/calls/traffic.ts';

/*
 * A bare page around the call media engine, for the browser tests that check
 * the engine before (and apart from) the server: the test bundles this file
 * into a blank page per party, and relays the signals between pages itself
 * (`lineupLabSignal`), so what is checked is only WebRTC and this engine. No
 * app imports it; it is never part of the built apps.
 */

/** What the test calls in the page. */
export interface CallLab {
  start(options: {
    self: string;
    hasVideo: boolean;
    iceServers: RTCIceServer[];
    iceTransportPolicy?: RTCIceTransportPolicy;
  }): Promise<void>;
  reconcile(plans: Record<string, PairPlan>): void;
  receive(from: string, payload: SignalPayload): void;
  traffic(): Promise<Record<string, PairTraffic>>;
  /** The width of the video playing from each peer (0 until frames arrive). */
  videoWidths(): Record<string, number>;
  startRecording(): void;
  /** Stops recording; resolves with the decoded recording's duration in seconds. */
  stopRecording(): Promise<number>;
  setHoldMusic(isOn: boolean): boolean;
  close(): void;
}

declare global {
  interface Window {
    lineupCallLab: CallLab;
    lineupLabSignal: (to: string, payload: SignalPayload) => void;
  }
}

let local: LocalMedia | null = null;
let mesh: PeerMesh | null = null;
let recorder: CallRecorder | null = null;
let chunks: Blob[] = [];
const music = new HoldMusic();
const videos = new Map<string, HTMLVideoElement>();

/** Plays every remote track, as the apps do; remote audio must play for Web Audio to hear it. */
function showRemotes(): void {
  if (mesh === null) return;
  for (const peer of mesh.peers) {
    const remote = mesh.remote(peer);
    if (remote === undefined) continue;
    let video = videos.get(peer);
    if (video === undefined) {
      video = document.createElement('video');
      video.autoplay = true;
      video.muted = true;
      video.dataset.peer = peer;
      document.body.append(video);
      videos.set(peer, video);
    }
    const tracks = [remote.audio, remote.video, remote.forwardedAudio].filter(
      (track): track is MediaStreamTrack => track !== null,
    );
    const current = video.srcObject instanceof MediaStream ? video.srcObject.getTracks() : [];
    if (tracks.length !== current.length || tracks.some((track, i) => current[i] !== track)) {
      video.srcObject = new MediaStream(tracks);
    }
  }
}

function recordedTracks(): MediaStreamTrack[] {
  return local === null || mesh === null ? [] : recordedTracksOf(local, mesh);
}

window.lineupCallLab = {
  async start(options) {
    local = await LocalMedia.open({ hasVideo: options.hasVideo });
    mesh = new PeerMesh({
      iceServers: options.iceServers,
      ...(options.iceTransportPolicy === undefined
        ? {}
        : { iceTransportPolicy: options.iceTransportPolicy }),
      local,
      send: (to, payload) => {
        window.lineupLabSignal(to, payload);
      },
      onChange: () => {
        showRemotes();
        recorder?.setTracks(recordedTracks());
      },
    });
  },
  reconcile(plans) {
    mesh?.reconcile(new Map(Object.entries(plans)));
  },
  receive(from, payload) {
    mesh?.receive(from, payload);
  },
  traffic() {
    return mesh === null ? Promise.resolve({}) : meshTrafficOf(mesh);
  },
  videoWidths() {
    return Object.fromEntries([...videos].map(([peer, video]) => [peer, video.videoWidth]));
  },
  startRecording() {
    chunks = [];
    recorder = new CallRecorder(recordedTracks(), {
      add: (chunk) => {
        chunks.push(chunk);
        return Promise.resolve();
      },
      finish: () => Promise.resolve(),
    });
  },
  async stopRecording() {
    if (recorder === null) return 0;
    const type = recorder.mimeType;
    await recorder.stop();
    recorder = null;
    const bytes = await new Blob(chunks, { type }).arrayBuffer();
    return (await audioContext().decodeAudioData(bytes)).duration;
  },
  setHoldMusic(isOn) {
    if (isOn) music.start();
    else music.stop();
    return music.isPlaying;
  },
  close() {
    mesh?.close();
    local?.close();
  },
};
