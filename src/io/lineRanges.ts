/**
 * How the line-oriented loaders (text, svmlight) share a file among the workers: byte ranges cut at line
 * starts, counted by a first pass of tasks, and then each row block placed at the range its first data
 * line is in, with the number of data lines to skip there.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { LineReader } from "../core/kernels/io/lineReader.ts";
import type { Matrix } from "../core/matrix.ts";
import type { KernelCall } from "../array/reduction.ts";
import { waitAll } from "../runtime/blockRef.ts";
import { engine } from "../runtime/runtime.ts";
import { fileTaskError } from "./files.ts";

/** Bytes per range of the first pass: small enough that a row block's skip is short, large enough to be cheap. */
const RANGE_BYTES = 4 << 20;
const NEWLINE = 10;

/** The file offset where line `line` (0-based) starts, or `size` if the file has fewer lines; `-1` if `line` is past the end. */
export function lineStartOffset(path: string, line: number, size: number): number {
  if (line === 0) return 0;
  const reader = new LineReader(path, 0, size);
  try {
    for (let k = 0; k < line; k++) if (!reader.next()) return -1;
    return reader.next() ? reader.lineOffset : size;
  } finally {
    reader.close();
  }
}

/** The first line start at or after `offset` (or `size`), reading a window at a time. */
function nextLineStart(fd: number, offset: number, size: number): number {
  const window = Buffer.allocUnsafe(1 << 16);
  for (let at = offset - 1; at < size; at += window.length) {
    const n = readSync(fd, window, 0, window.length, at);
    const nl = window.subarray(0, n).indexOf(NEWLINE);
    if (nl >= 0) return at + nl + 1;
  }
  return size;
}

/** Cuts [start, size) into ranges of about RANGE_BYTES (at least one per worker's share), each starting a line. */
export function lineRanges(path: string, start: number, size: number, workers: number): number[] {
  const bytes = size - start;
  const count = Math.max(
    1,
    Math.min(Math.ceil(bytes / 65536), Math.max(workers * 2, Math.ceil(bytes / RANGE_BYTES))),
  );
  const cuts = [start];
  const fd = openSync(path, "r");
  try {
    for (let k = 1; k < count; k++) {
      const cut = nextLineStart(fd, start + Math.floor((bytes * k) / count), size);
      if (cut > cuts[cuts.length - 1] && cut < size) cuts.push(cut);
    }
  } finally {
    closeSync(fd);
  }
  cuts.push(size);
  return cuts;
}

/** Where a row block's parse task starts: the range, its line number, and the data lines to skip there. */
export interface RowBlockStart {
  range: number;
  firstLine: number;
  skipDataLines: number;
}

/**
 * Places row blocks of `rowChunks` rows over ranges that hold `lines[k]` lines and `dataLines[k]` data
 * lines each; the first range starts at line `firstLine`.
 *
 * @example
 * ```ts
 * placeRowBlocks([2, 2], [3, 1], [2, 2], 1);
 * // [{ range: 0, firstLine: 1, skipDataLines: 0 }, { range: 1, firstLine: 4, skipDataLines: 0 }]
 * ```
 */
export function placeRowBlocks(
  lines: readonly number[],
  dataLines: readonly number[],
  rowChunks: readonly number[],
  firstLine: number,
): RowBlockStart[] {
  const starts: RowBlockStart[] = [];
  let range = 0;
  let rangeRow = 0; // global data row of the first data line of `range`
  let rangeLine = firstLine; // line number of the first line of `range`
  let row = 0;
  for (const rows of rowChunks) {
    while (row >= rangeRow + dataLines[range]) {
      rangeRow += dataLines[range];
      rangeLine += lines[range];
      range++;
    }
    starts.push({ range, firstLine: rangeLine, skipDataLines: row - rangeRow });
    row += rows;
  }
  return starts;
}

/**
 * Runs the first pass: one task per range (`task(start, end)` names its kernel, which makes a 1 x `width`
 * block of counts) and returns each range's counts.
 */
export async function scanRanges(
  op: string,
  cuts: readonly number[],
  width: number,
  task: (start: number, end: number) => KernelCall,
): Promise<Float64Array[]> {
  const refs = cuts
    .slice(0, -1)
    .map(
      (from, k) => engine().submit({ op, ...task(from, cuts[k + 1]), inputs: [], outputs: [[1, width]] })[0],
    );
  try {
    await waitAll(refs);
  } catch (e) {
    throw fileTaskError(op, e);
  }
  return refs.map((r) => (r.value as Matrix).data);
}
