/**
 * Lines of a byte range of a file, read in large chunks: the text loader's workers each walk their own range
 * with one of these, so memory stays at one chunk (plus the longest line) whatever the file's size.
 */
import { closeSync, openSync, readSync } from "node:fs";

/** Bytes read at a time: a row block's text is ~1 MB, and a fresh buffer this small costs few page faults. */
const CHUNK_BYTES = 1 << 18;
const NEWLINE = 10;
const RETURN = 13;

/**
 * Reads the lines that start in [start, end) of `path` (`start` must be a line start). After `next()`
 * returns true, `bytes[lineStart, lineEnd)` is the line without its `\n` or `\r\n`.
 *
 * @example
 * ```ts
 * const lines = new LineReader("data.csv", 0, fileSize);
 * try {
 *   while (lines.next()) console.log(lines.lineEnd - lines.lineStart);
 * } finally {
 *   lines.close();
 * }
 * ```
 */
export class LineReader {
  bytes: Uint8Array;
  lineStart = 0;
  lineEnd = 0;
  /** File offset of bytes[0]. */
  private base: number;
  /** Bytes of `bytes` that hold file data. */
  private filled = 0;
  /** Where the next line starts in `bytes`. */
  private cursor = 0;
  private eof = false;
  private readonly fd: number;
  private readonly end: number;

  constructor(path: string, start: number, end: number) {
    this.fd = openSync(path, "r");
    this.base = start;
    this.end = end;
    this.bytes = new Uint8Array(Math.min(CHUNK_BYTES, Math.max(1, end - start)) + 1);
  }

  /** File offset of the current line's first byte. */
  get lineOffset(): number {
    return this.base + this.lineStart;
  }

  /** Moves to the next line; false when no line starts before the range's end. */
  next(): boolean {
    if (this.base + this.cursor >= this.end) return false;
    let nl = this.findNewline(this.cursor);
    while (nl < 0 && !this.eof) {
      const seen = this.filled - this.cursor;
      this.refill();
      nl = this.findNewline(this.cursor + seen);
    }
    if (nl < 0 && this.cursor >= this.filled) return false;
    this.lineStart = this.cursor;
    let stop = nl < 0 ? this.filled : nl;
    this.cursor = nl < 0 ? this.filled : nl + 1;
    if (stop > this.lineStart && this.bytes[stop - 1] === RETURN) stop--;
    this.lineEnd = stop;
    return true;
  }

  /** The first newline in bytes[from, filled), or -1. A loop: lines are short, and Buffer.indexOf costs ~1 µs a call. */
  private findNewline(from: number): number {
    const b = this.bytes;
    const stop = this.filled;
    for (let k = from; k < stop; k++) if (b[k] === NEWLINE) return k;
    return -1;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Keeps the unread tail, grows the buffer if one line fills it, and reads more of the file after it. */
  private refill(): void {
    const tail = this.filled - this.cursor;
    if (this.cursor > 0) {
      this.bytes.copyWithin(0, this.cursor, this.filled);
      this.base += this.cursor;
      this.cursor = 0;
      this.filled = tail;
    }
    if (this.filled === this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    // A line that starts before `end` may run past it: read on to the file's end if need be.
    const n = readSync(
      this.fd,
      this.bytes,
      this.filled,
      this.bytes.length - this.filled,
      this.base + this.filled,
    );
    if (n === 0) this.eof = true;
    this.filled += n;
  }
}
