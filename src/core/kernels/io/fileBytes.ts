/** Whole reads and writes at a file position: a single read or write call may move fewer bytes than asked. */
import { readSync, writeSync } from "node:fs";
import { FileFormatError } from "../../errors.ts";

/** Reads exactly `length` bytes at `position` into `into` (from its start), or throws naming the offset. */
export function readFully(
  fd: number,
  into: Uint8Array,
  length: number,
  position: number,
  displayPath: string,
): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, done, length - done, position + done);
    if (n === 0) {
      throw new FileFormatError(
        `${displayPath}: truncated at byte offset ${position + done} (expected ${length - done} more bytes of data; did the file change while loading?)`,
      );
    }
    done += n;
  }
}

/** Writes all of `bytes` at `position` (or at the file's position if `position` is null). */
export function writeFully(fd: number, bytes: Uint8Array, position: number | null): void {
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, bytes.length - done, position === null ? null : position + done);
  }
}
