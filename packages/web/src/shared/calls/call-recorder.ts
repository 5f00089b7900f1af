import { AudioMixer } from './audio-mixer.ts';
import type { LocalMedia } from './local-media.ts';
import type { PeerMesh } from './peer-mesh.ts';

/*
 * Recording in the agent's browser: its microphone and every party it hears,
 * mixed with Web Audio into one track, recorded by MediaRecorder as WebM/Opus
 * and handed to the uploader chunk by chunk as they come (the SDK's
 * RecordingUpload keeps them in order), so that the server holds most of a
 * call even if the page dies before the end.
 */

/** How often MediaRecorder hands over a chunk. */
export const recordingChunkMs = 2000;

/** Where the chunks go, in order: the SDK's RecordingUpload, or a test's memory. */
export interface ChunkUploader {
  add(chunk: Blob): Promise<void>;
  finish(): Promise<unknown>;
}

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
  readonly #uploader: ChunkUploader;
  /** The first chunk that could not be sent: the rest would leave a hole, so `stop` reports it. */
  #failure: unknown = null;

  constructor(tracks: readonly MediaStreamTrack[], uploader: ChunkUploader) {
    this.#uploader = uploader;
    this.#mixer.setTracks(tracks);
    this.#recorder = new MediaRecorder(new MediaStream([this.#mixer.track]), {
      mimeType: recordingMimeType(),
    });
    this.#recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size === 0 || this.#failure !== null) return;
      this.#uploader.add(event.data).catch((error: unknown) => {
        this.#failure ??= error;
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

  /** Stops, hands over the last chunk and finishes the upload; rejects if a chunk failed. */
  async stop(): Promise<void> {
    if (this.#recorder.state !== 'inactive') {
      const stopped = new Promise((resolve) => {
        this.#recorder.addEventListener('stop', resolve, { once: true });
      });
      this.#recorder.stop();
      await stopped;
    }
    this.#mixer.close();
    try {
      await this.#uploader.finish();
    } catch (error: unknown) {
      this.#failure ??= error;
    }
    if (this.#failure !== null) {
      throw new Error('The recording could not be uploaded whole.', { cause: this.#failure });
    }
  }
}
