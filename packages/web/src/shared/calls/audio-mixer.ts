/*
 * Web Audio for calls: one AudioContext per page, and a mixer that sums audio
 * tracks into one track. The mixer serves two things that are the same
 * logic: the agent forwarding the other parties' audio to a listening
 * supervisor on one sender, and the recorder putting both sides of a call in
 * one file.
 */

let shared: AudioContext | null = null;

/**
 * The page's AudioContext, created on first use and resumed if the browser
 * suspended it (autoplay rules resume it once the person has clicked).
 */
export function audioContext(): AudioContext {
  shared ??= new AudioContext();
  if (shared.state === 'suspended') void shared.resume();
  return shared;
}

/** Sums the audio of a changing set of tracks into one track. */
export class AudioMixer {
  readonly #context = audioContext();
  readonly #output = this.#context.createMediaStreamDestination();
  /** Sources by track id: `setTracks` adds and removes only what changed. */
  readonly #sources = new Map<string, MediaStreamAudioSourceNode>();

  /** The mixed track: silence while no track is mixed. */
  get track(): MediaStreamTrack {
    const [track] = this.#output.stream.getAudioTracks();
    if (track === undefined) throw new Error('A MediaStreamAudioDestinationNode has no track.');
    return track;
  }

  /** Mixes exactly these tracks from now on. */
  setTracks(tracks: readonly MediaStreamTrack[]): void {
    const wanted = new Map(tracks.map((track) => [track.id, track]));
    for (const [id, source] of this.#sources) {
      if (wanted.has(id)) continue;
      source.disconnect();
      this.#sources.delete(id);
    }
    for (const [id, track] of wanted) {
      if (this.#sources.has(id)) continue;
      const source = this.#context.createMediaStreamSource(new MediaStream([track]));
      source.connect(this.#output);
      this.#sources.set(id, source);
    }
  }

  /** Disconnects every source and ends the mixed track. */
  close(): void {
    this.setTracks([]);
    this.track.stop();
  }
}
