import { Utf8Buffer } from './utf8-buffer.ts';

/*
 * The messages a WebSocket session keeps for a resume (docs/api.md,
 * WebSocket: Resume), oldest first, as the UTF-8 bytes sent, in one buffer
 * per session outside the JavaScript heap (Utf8Buffer).
 *
 * Why not the sent strings themselves: a message is kept for seconds (until
 * its socket confirms it received it), long enough to outlive one or two
 * young-generation collections, each of which copies it, and then to be
 * promoted and left to a full collection. Under the server bench's load
 * (1,000 contacts/s, 12–13 messages each) the kept strings were about a
 * third of what every young collection copied. Here a message is its bytes
 * in a buffer the collector never copies, plus a number in a typed array:
 * the string sent dies young.
 *
 * Messages are numbered by their session, one after another: the log keeps
 * the seq of its oldest message and derives the others'.
 */

/** Messages whose ends a log has room for at first. */
const endsInitial = 16;

export class ResumeLog {
  readonly #text = new Utf8Buffer();
  /** Logical offset in #text where each kept message ends, from #firstIndex on: #count of them. */
  #ends = new Float64Array(endsInitial);
  #firstIndex = 0;
  #count = 0;
  /** The seq of the oldest kept message (meaningless while empty). */
  #firstSeq = 0;

  /** The number of messages kept. */
  get size(): number {
    return this.#count;
  }

  /** The seq of the oldest message kept, or null when none is. */
  firstSeq(): number | null {
    return this.#count === 0 ? null : this.#firstSeq;
  }

  /**
   * Keeps a message numbered `seq`, the one after the newest kept (any seq
   * when the log is empty), and drops the oldest while more than `max` are
   * kept. Throws when `seq` does not follow the newest kept.
   */
  push(seq: number, text: string, max: number): void {
    if (this.#count === 0) {
      this.#firstSeq = seq;
      this.#firstIndex = 0;
    } else if (seq !== this.#firstSeq + this.#count) {
      throw new Error(`resume log: message ${seq} after ${this.#firstSeq + this.#count - 1}`);
    }
    if (this.#firstIndex + this.#count === this.#ends.length) this.#makeRoomForEnds();
    this.#ends[this.#firstIndex + this.#count] = this.#text.append(text);
    this.#count += 1;
    while (this.#count > max) this.#dropFirst();
  }

  /** Drops every message numbered `seq` or lower. */
  dropThrough(seq: number): void {
    while (this.#count > 0 && this.#firstSeq <= seq) this.#dropFirst();
    if (this.#count === 0 && this.#ends.length > endsInitial)
      this.#ends = new Float64Array(endsInitial);
  }

  /** The texts of the messages numbered above `seq`, oldest first. */
  textsAfter(seq: number): string[] {
    const texts: string[] = [];
    let start = this.#text.start;
    for (let offset = 0; offset < this.#count; offset++) {
      const end = this.#ends[this.#firstIndex + offset] as number;
      if (this.#firstSeq + offset > seq) texts.push(this.#text.text(start, end));
      start = end;
    }
    return texts;
  }

  #dropFirst(): void {
    this.#text.dropBefore(this.#ends[this.#firstIndex] as number);
    this.#firstIndex += 1;
    this.#firstSeq += 1;
    this.#count -= 1;
  }

  /** Moves the kept ends to the front of their array, into a larger one when it is more than half full. */
  #makeRoomForEnds(): void {
    const kept = this.#ends.subarray(this.#firstIndex, this.#firstIndex + this.#count);
    const target =
      this.#count * 2 <= this.#ends.length ? this.#ends : new Float64Array(this.#ends.length * 2);
    target.set(kept);
    this.#ends = target;
    this.#firstIndex = 0;
  }
}
