import { audioContext } from './audio-mixer.ts';

/*
 * Hold music made in the browser with Web Audio: no file to ship, license or
 * fetch. A slow arpeggio over four chords, soft sine tones with a gentle
 * envelope, played where the customer is (nothing travels from the agent
 * while the call is on hold, so the agent's side cannot be heard by mistake).
 */

/** The notes of each chord, in Hz (C major, A minor, F major, G major). */
const chords: readonly (readonly number[])[] = [
  [261.63, 329.63, 392.0, 523.25],
  [220.0, 261.63, 329.63, 440.0],
  [174.61, 220.0, 261.63, 349.23],
  [196.0, 246.94, 293.66, 392.0],
];
const noteSeconds = 0.45;
const volume = 0.08;
/** Notes are scheduled this far ahead, so that a busy page does not make the music stutter. */
const aheadSeconds = 1.5;
const scheduleEveryMs = 500;

/** Music for while the customer waits or is held; `start` and `stop` may be called at any time. */
export class HoldMusic {
  #timer: ReturnType<typeof setInterval> | null = null;
  #output: GainNode | null = null;
  #nextNoteAt = 0;
  #noteIndex = 0;

  get isPlaying(): boolean {
    return this.#timer !== null;
  }

  start(): void {
    if (this.#timer !== null) return;
    const context = audioContext();
    this.#output = context.createGain();
    this.#output.gain.value = volume;
    this.#output.connect(context.destination);
    this.#nextNoteAt = context.currentTime + 0.05;
    this.#schedule();
    this.#timer = setInterval(() => {
      this.#schedule();
    }, scheduleEveryMs);
  }

  stop(): void {
    if (this.#timer === null) return;
    clearInterval(this.#timer);
    this.#timer = null;
    // Disconnecting the output silences the notes already scheduled.
    this.#output?.disconnect();
    this.#output = null;
  }

  #schedule(): void {
    const output = this.#output;
    if (output === null) return;
    const context = output.context;
    // Bounded: at most a few notes fit in the look-ahead window.
    while (this.#nextNoteAt < context.currentTime + aheadSeconds) {
      const chord = chords[Math.floor(this.#noteIndex / 4) % chords.length] ?? [];
      const frequency = chord[this.#noteIndex % 4] ?? 440;
      const oscillator = context.createOscillator();
      const envelope = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      const at = this.#nextNoteAt;
      envelope.gain.setValueAtTime(0, at);
      envelope.gain.linearRampToValueAtTime(1, at + 0.05);
      envelope.gain.exponentialRampToValueAtTime(0.01, at + noteSeconds * 1.8);
      oscillator.connect(envelope).connect(output);
      oscillator.start(at);
      oscillator.stop(at + noteSeconds * 2);
      this.#nextNoteAt += noteSeconds;
      this.#noteIndex = (this.#noteIndex + 1) % (chords.length * 4);
    }
  }
}
