/*
 * Text kept as UTF-8 bytes in one growable buffer outside the JavaScript
 * heap: what the server keeps for a while (messages for a resume, events
 * for the records thread) without the garbage collector copying it at every
 * young collection it outlives. Text goes in at the end and leaves from the
 * front.
 *
 * Offsets are logical: the number of bytes appended before that point since
 * the buffer was made. They never change when the bytes move to the front
 * of the buffer or into a larger one, so a caller may keep them.
 */

/** Most UTF-8 bytes one UTF-16 unit of a JavaScript string takes (a surrogate pair: 4 for 2). */
const bytesPerUnitMax = 3;

export class Utf8Buffer {
  #bytes: Buffer;
  /** Logical offset of #bytes[0]. */
  #origin = 0;
  /** Logical offsets of the first byte kept and of the end. */
  #start = 0;
  #end = 0;

  /**
   * @param initialBytes what the buffer starts with, and shrinks back to
   *   when it is emptied while holding more than `keptEmptyMax` bytes
   */
  constructor(
    private readonly initialBytes = 1_024,
    private readonly keptEmptyMax = 64 * 1_024,
  ) {
    this.#bytes = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Logical offset of the first byte kept. */
  get start(): number {
    return this.#start;
  }

  /** Logical offset of the end: where the next text goes. */
  get end(): number {
    return this.#end;
  }

  /** Appends a text's bytes; returns the logical end after them. */
  append(text: string): number {
    const at = this.#end - this.#origin;
    if (this.#bytes.length - at < text.length * bytesPerUnitMax) this.#makeRoom(text.length);
    this.#end += this.#bytes.write(text, this.#end - this.#origin, 'utf8');
    return this.#end;
  }

  /** The text between two logical offsets of what is kept. */
  text(from: number, to: number): string {
    return this.#bytes.toString('utf8', from - this.#origin, to - this.#origin);
  }

  /** A copy of every byte kept, in a buffer of its own (transferable to a thread). */
  copy(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(
      this.#bytes.subarray(this.#start - this.#origin, this.#end - this.#origin),
    );
  }

  /** Forgets every byte before a logical offset; an emptied large buffer shrinks back. */
  dropBefore(offset: number): void {
    this.#start = Math.min(Math.max(this.#start, offset), this.#end);
    if (this.#start === this.#end) {
      this.#origin = this.#end;
      if (this.#bytes.length > this.keptEmptyMax)
        this.#bytes = Buffer.allocUnsafeSlow(this.initialBytes);
    }
  }

  /**
   * Moves the kept bytes to the front, into a buffer twice as large when
   * they and `units` more UTF-16 units at their largest would fill more
   * than half of this one.
   */
  #makeRoom(units: number): void {
    const kept = this.#end - this.#start;
    const needed = kept + units * bytesPerUnitMax;
    const target =
      needed * 2 <= this.#bytes.length
        ? this.#bytes
        : Buffer.allocUnsafeSlow(Math.max(this.#bytes.length * 2, needed * 2));
    this.#bytes.copy(target, 0, this.#start - this.#origin, this.#end - this.#origin);
    this.#bytes = target;
    this.#origin = this.#start;
  }
}
