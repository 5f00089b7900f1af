/*
 * The person's own camera, microphone and screen for a call: one getUserMedia
 * stream whose tracks every peer connection of the call sends (the mesh
 * replaces its senders' tracks when something here changes, so turning the
 * camera off or sharing the screen never renegotiates).
 */

/** Which devices to open, and whether the call has video at all. */
export interface MediaChoice {
  hasVideo: boolean;
  /** A `deviceId` from `mediaDevices()`; default the browser's choice. */
  microphoneId?: string;
  cameraId?: string;
}

/** A camera or microphone the browser offers (labels show once the page may use one). */
export interface MediaDevice {
  kind: 'audioinput' | 'videoinput';
  deviceId: string;
  label: string;
}

/** The cameras and microphones the browser knows. */
export async function mediaDevices(): Promise<MediaDevice[]> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return all.flatMap((device) =>
    device.kind === 'audioinput' || device.kind === 'videoinput'
      ? [{ kind: device.kind, deviceId: device.deviceId, label: device.label || device.kind }]
      : [],
  );
}

function constraintOf(deviceId: string | undefined): MediaTrackConstraints | true {
  return deviceId === undefined ? true : { deviceId: { exact: deviceId } };
}

/** What a person sends now, as the call's `media` step reports it. */
export interface MediaSwitches {
  camera: boolean;
  microphone: boolean;
  screen: boolean;
}

/** One person's local media for a call; `close()` releases the devices. */
export class LocalMedia {
  #microphone: MediaStreamTrack;
  #camera: MediaStreamTrack | null;
  #screen: MediaStreamTrack | null = null;
  #isCameraOn: boolean;
  #isMicrophoneOn = true;
  readonly #listeners = new Set<() => void>();

  private constructor(microphone: MediaStreamTrack, camera: MediaStreamTrack | null) {
    this.#microphone = microphone;
    this.#camera = camera;
    this.#isCameraOn = camera !== null;
  }

  /** Asks for the microphone, and the camera for a video call; rejects as getUserMedia does. */
  static async open(choice: MediaChoice): Promise<LocalMedia> {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: constraintOf(choice.microphoneId),
      video: choice.hasVideo ? constraintOf(choice.cameraId) : false,
    });
    const [microphone] = stream.getAudioTracks();
    if (microphone === undefined) throw new Error('The browser gave no microphone track.');
    return new LocalMedia(microphone, stream.getVideoTracks()[0] ?? null);
  }

  /** The microphone's track (silent, not removed, while the microphone is off). */
  get microphoneTrack(): MediaStreamTrack {
    return this.#microphone;
  }

  /** What the peers see: the shared screen, else the camera while it is on, else nothing. */
  get videoTrack(): MediaStreamTrack | null {
    return this.#screen ?? (this.#isCameraOn ? this.#camera : null);
  }

  get switches(): MediaSwitches {
    return {
      camera: this.#isCameraOn && this.#camera !== null,
      microphone: this.#isMicrophoneOn,
      screen: this.#screen !== null,
    };
  }

  /** Calls `listener` whenever a track or a switch changes; returns the function that stops it. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Mutes or unmutes: the track stays, so the peers keep their audio path and hear silence. */
  setMicrophone(isOn: boolean): void {
    this.#isMicrophoneOn = isOn;
    this.#microphone.enabled = isOn;
    this.#changed();
  }

  /** Stops or restarts sending the camera; the device stays open for a quick return. */
  setCamera(isOn: boolean): void {
    this.#isCameraOn = isOn;
    this.#changed();
  }

  /** The device the microphone or camera track comes from, when the browser says. */
  deviceIdOf(kind: MediaDevice['kind']): string | undefined {
    const track = kind === 'audioinput' ? this.#microphone : this.#camera;
    return track?.getSettings().deviceId;
  }

  /** Opens another microphone or camera and sends it instead of the current one. */
  async chooseDevice(kind: MediaDevice['kind'], deviceId: string): Promise<void> {
    const isAudio = kind === 'audioinput';
    const stream = await navigator.mediaDevices.getUserMedia(
      isAudio ? { audio: constraintOf(deviceId) } : { video: constraintOf(deviceId) },
    );
    const track = (isAudio ? stream.getAudioTracks() : stream.getVideoTracks())[0];
    if (track === undefined) throw new Error(`The browser gave no ${kind} track.`);
    if (isAudio) {
      track.enabled = this.#isMicrophoneOn;
      this.#microphone.stop();
      this.#microphone = track;
    } else {
      this.#camera?.stop();
      this.#camera = track;
    }
    this.#changed();
  }

  /**
   * Shares a screen or window instead of the camera (getDisplayMedia asks the
   * person which); the camera comes back when the sharing stops, from here or
   * from the browser's own "stop sharing".
   */
  async shareScreen(): Promise<void> {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const [track] = stream.getVideoTracks();
    if (track === undefined) return;
    this.#screen?.stop();
    this.#screen = track;
    track.addEventListener('ended', () => {
      if (this.#screen === track) this.stopScreen();
    });
    this.#changed();
  }

  /** Stops sharing the screen; the camera (if on) is sent again. */
  stopScreen(): void {
    if (this.#screen === null) return;
    this.#screen.stop();
    this.#screen = null;
    this.#changed();
  }

  /** Releases every device. */
  close(): void {
    this.#microphone.stop();
    this.#camera?.stop();
    this.#screen?.stop();
    this.#screen = null;
    this.#listeners.clear();
  }
}
