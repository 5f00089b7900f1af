import { AudioMixer } from './audio-mixer.ts';
import type { LocalMedia } from './local-media.ts';
import type { PeerMesh } from './peer-mesh.ts';

/*
 * Recording in the agent's browser: its microphone and every party it hears,
 * mixed with Web Audio into one track, recorded by MediaRecorder as WebM/Opus
 * and handed over in chunks as they come, in order, so that the server holds
 * most of a call even if the page dies before the end.
 */

/** How often MediaRecorder hands over a chunk. */
export const recordingChunkMs = 2000;

/** Sends one chunk; the recorder sends the next only once this one resolved. */
export type ChunkUpload = (index: number, chunk: Blob) => Promise<void>;

/** The MIME type the recording uses: WebM with Opus where the browser has it. */
export function recordingMimeType(): string {
  const preferred = 'audio/webm;codecs=opus';
  return MediaRecorder.isTypeSupported(preferred) ? preferred : 'audio/webm';
}

/** What a recording hears: this browser's microphone and the main audio of every pair. */
export function recordedTracksOf(local: LocalMedia, mesh: PeerMesh): MediaStreamTrack[] {
  const tracks = [local.microphoneTrack];
  for (const peer of mesh.peers) {
    const audio = mesh.remote(peer)?.audio;
    if (audio !== undefined && audio !== null) tracks.push(audio);
  }
  return tracks;
}

/** Records one call; `setTracks` follows the parties as they join and leave. */
export class CallRecorder {
  readonly #mixer = new AudioMixer();
  readonly #recorder: MediaRecorder;
  readonly #upload: ChunkUpload;
  #index = 0;
  /** The chain of uploads: chunks reach the server in order, one at a time. */
  #uploads: Promise<void> = Promise.resolve();
  #failure: unknown = null;

  constructor(tracks: readonly MediaStreamTrack[], upload: ChunkUpload) {
    this.#upload = upload;
    this.#mixer.setTracks(tracks);
    this.#recorder = new MediaRecorder(new MediaStream([this.#mixer.track]), {
      mimeType: recordingMimeType(),
    });
    this.#recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size === 0) return;
      const index = this.#index++;
      this.#uploads = this.#uploads.then(async () => {
        if (this.#failure !== null) return;
        try {
          await this.#upload(index, event.data);
        } catch (error: unknown) {
          // Later chunks would leave a hole in the file: stop sending and report at `stop`.
          this.#failure = error;
        }
      });
    });
    this.#recorder.start(recordingChunkMs);
  }

  get mimeType(): string {
    return this.#recorder.mimeType;
  }

  /** Records exactly these tracks from now on (a party joined or left). */
  setTracks(tracks: readonly MediaStreamTrack[]): void {
    this.#mixer.setTracks(tracks);
  }

  /** Stops, waits for the last chunk's upload; rejects if any chunk failed. */
  async stop(): Promise<void> {
    if (this.#recorder.state !== 'inactive') {
      const stopped = new Promise((resolve) => {
        this.#recorder.addEventListener('stop', resolve, { once: true });
      });
      this.#recorder.stop();
      await stopped;
    }
    await this.#uploads;
    this.#mixer.close();
    if (this.#failure !== null) {
      throw new Error('A chunk of the recording could not be uploaded.', { cause: this.#failure });
    }
  }
}
