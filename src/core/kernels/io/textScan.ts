/**
 * The text loader's first pass: how many lines, and how many data lines (not blank, not a comment), start
 * in one byte range. The loader adds these up to place every row block's first line before any parsing.
 */
import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";
import { LineReader } from "./lineReader.ts";

const SPACE = 32;
const TAB = 9;

/**
 * Where the content of bytes[start, end) begins, skipping blanks; -1 for a blank line or one whose first
 * non-blank byte is `comment` (-1 for no comment character).
 *
 * @example
 * ```ts
 * const b = new TextEncoder().encode("  # note");
 * contentStart(b, 0, b.length, 35); // -1
 * ```
 */
export function contentStart(b: Uint8Array, start: number, end: number, comment: number): number {
  let k = start;
  while (k < end && (b[k] === SPACE || b[k] === TAB)) k++;
  return k === end || b[k] === comment ? -1 : k;
}

export const textScan: Kernel<"io.text.scan"> = (_inputs, { path, start, end, comment }) => {
  let lines = 0;
  let dataLines = 0;
  const reader = new LineReader(path, start, end);
  try {
    while (reader.next()) {
      lines++;
      if (contentStart(reader.bytes, reader.lineStart, reader.lineEnd, comment) >= 0) dataLines++;
    }
  } finally {
    reader.close();
  }
  const out = Matrix.zeros(1, 2);
  out.data[0] = lines;
  out.data[1] = dataLines;
  return [out];
};
