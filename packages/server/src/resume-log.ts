/*
 * The messages a WebSocket session keeps for a resume (docs/api.md,
 * WebSocket: Resume), oldest first, as the UTF-8 bytes sent, in one buffer
 * per session outside the JavaScript heap.
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

/** Bytes a log starts with, and shrinks back to once it is empty. */
const bytesInitial = 1_024;
/** Messages whose ends a log has room for at first. */
const endsInitial = 16;
/** An empty log holding more bytes than this gives them back. */
const bytesKeptEmptyMax = 64 * 1_024;
/** Most UTF-8 bytes one UTF-16 unit of a JavaScript string takes (a surrogate pair: 4 for 2). */
const bytesPerCharMax = 3;

export class ResumeLog {
  /** The kept messages' bytes, from #startByte to the last end. */
  #bytes = Buffer.allocUnsafeSlow(bytesInitial);
  /** Where each kept message ends in #bytes, from #firstIndex on: #count of them. */
  #ends = new Uint32Array(endsInitial);
  #firstIndex = 0;
  #count = 0;
  /** Where the oldest kept message begins in #bytes. */
  #startByte = 0;
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
      this.#startByte = 0;
    } else if (seq !== this.#firstSeq + this.#count) {
      throw new Error(`resume log: message ${seq} after ${this.#firstSeq + this.#count - 1}`);
    }
    const endByte = this.#endByte();
    let at = endByte;
    if (this.#bytes.length - endByte < text.length * bytesPerCharMax) at = this.#makeRoom(text);
    const written = this.#bytes.write(text, at, 'utf8');
    if (this.#firstIndex + this.#count === this.#ends.length) this.#makeRoomForEnds();
    this.#ends[this.#firstIndex + this.#count] = at + written;
    this.#count += 1;
    while (this.#count > max) this.#dropFirst();
  }

  /** Drops every message numbered `seq` or lower. */
  dropThrough(seq: number): void {
    while (this.#count > 0 && this.#firstSeq <= seq) this.#dropFirst();
    if (this.#count === 0 && this.#bytes.length > bytesKeptEmptyMax) {
      this.#bytes = Buffer.allocUnsafeSlow(bytesInitial);
      this.#ends = new Uint32Array(endsInitial);
    }
  }

  /** The texts of the messages numbered above `seq`, oldest first. */
  textsAfter(seq: number): string[] {
    const texts: string[] = [];
    let start = this.#startByte;
    for (let offset = 0; offset < this.#count; offset++) {
      const end = this.#ends[this.#firstIndex + offset] as number;
      if (this.#firstSeq + offset > seq) texts.push(this.#bytes.toString('utf8', start, end));
      start = end;
    }
    return texts;
  }

  /** Where the newest message ends: where the next one goes. */
  #endByte(): number {
    return this.#count === 0
      ? this.#startByte
      : (this.#ends[this.#firstIndex + this.#count - 1] as number);
  }

  #dropFirst(): void {
    this.#startByte = this.#ends[this.#firstIndex] as number;
    this.#firstIndex += 1;
    this.#firstSeq += 1;
    this.#count -= 1;
  }

  /**
   * Moves the kept bytes to the front of the buffer, into a larger one when
   * they and `text` at its largest would fill more than half of it; returns
   * where `text` goes.
   */
  #makeRoom(text: string): number {
    const endByte = this.#endByte();
    const keptBytes = endByte - this.#startByte;
    const needed = keptBytes + text.length * bytesPerCharMax;
    const target =
      needed * 2 <= this.#bytes.length
        ? this.#bytes
        : Buffer.allocUnsafeSlow(Math.max(this.#bytes.length * 2, needed * 2));
    this.#bytes.copy(target, 0, this.#startByte, endByte);
    this.#bytes = target;
    const shift = this.#startByte;
    for (let index = this.#firstIndex; index < this.#firstIndex + this.#count; index++)
      this.#ends[index] = (this.#ends[index] as number) - shift;
    this.#startByte = 0;
    return keptBytes;
  }

  /** Moves the kept ends to the front of their array, into a larger one when it is more than half full. */
  #makeRoomForEnds(): void {
    const kept = this.#ends.subarray(this.#firstIndex, this.#firstIndex + this.#count);
    const target =
      this.#count * 2 <= this.#ends.length ? this.#ends : new Uint32Array(this.#ends.length * 2);
    target.set(kept);
    this.#ends = target;
    this.#firstIndex = 0;
  }
}
