/**
 * svmlight / libsvm files (`<label> [qid:<n>] <index>:<value> ... [# comment]`), read on the workers in the
 * text loader's two passes: a scan per byte range (lines, data lines, stored entries, smallest and largest
 * index), then a parse per row block into sparse (or dense) blocks, one per column block, plus the labels.
 *
 * Each pass reads a line with a fast loop (`countLine`, `parseLine`: no closures, indices read as integers,
 * the scan checks values' syntax without converting them) that gives up on anything unusual (a signed or
 * decimal index, a missing colon, a bad number, an index out of order or range); that line is then read
 * again by `scanLine`, which accepts exactly the same lines and says what is wrong with the others.
 */
import type { Block } from "../../block.ts";
import { CsrMatrix } from "../../csrMatrix.ts";
import { FileFormatError } from "../../errors.ts";
import { Matrix } from "../../matrix.ts";
import type { BlockKernel, Kernel } from "../registry.ts";
import { LineReader } from "./lineReader.ts";
import { parseNumber } from "./parseNumber.ts";
import {
  BLANK,
  COLON,
  countLine,
  DATA,
  HASH,
  IRREGULAR,
  isQid,
  LineError,
  MAX_INDEX_DIGITS,
  scanLine,
  skipBlanks,
  tokenEnd,
  contentEnd,
  ZERO,
  type Counts,
  type LineSink,
} from "./svmlightLines.ts";

/**
 * A 1 x 5 block per range: lines, data lines, stored entries, smallest index (or -1), largest index (or -1).
 * A bad line counts as a data line here: the parse pass, which knows line numbers, reports it.
 */
export const svmlightScan: Kernel<"io.svmlight.scan"> = (_inputs, { path, start, end }) => {
  let lines = 0;
  let dataLines = 0;
  const counts: Counts = { nnz: 0, low: Number.POSITIVE_INFINITY, high: -1 };
  const sink: LineSink = {
    label: () => undefined,
    entry: (index) => {
      counts.nnz++;
      if (index < counts.low) counts.low = index;
      if (index > counts.high) counts.high = index;
    },
  };
  const reader = new LineReader(path, start, end);
  try {
    while (reader.next()) {
      lines++;
      const found = countLine(reader.bytes, reader.lineStart, reader.lineEnd, counts);
      if (found === DATA) dataLines++;
      else if (found === IRREGULAR) {
        dataLines++;
        try {
          scanLine(reader.bytes, reader.lineStart, reader.lineEnd, sink);
        } catch (e) {
          if (!(e instanceof LineError)) throw e;
        }
      }
    }
  } finally {
    reader.close();
  }
  const { nnz, low, high } = counts;
  const out = Matrix.zeros(1, 5);
  out.data.set([lines, dataLines, nnz, high < 0 ? -1 : low, high]);
  return [out];
};

/**
 * Growable column indices and values of one column block. A worker keeps them from task to task
 * (`entriesFor`), so a block's entries are only copied once, into its CsrMatrix, at the end.
 */
class Entries {
  indices = new Int32Array(1024);
  values = new Float64Array(1024);
  length = 0;
  indptr = new Int32Array(1);
  /** Empties the entries for a block of `rows` rows. */
  reset(rows: number): void {
    if (this.indptr.length < rows + 1) this.indptr = new Int32Array(rows + 1);
    this.length = 0;
  }
  push(j: number, v: number): void {
    if (this.length === this.indices.length) this.grow();
    this.indices[this.length] = j;
    this.values[this.length++] = v;
  }
  private grow(): void {
    const indices = new Int32Array(this.length * 2);
    indices.set(this.indices);
    this.indices = indices;
    const values = new Float64Array(this.length * 2);
    values.set(this.values);
    this.values = values;
  }
}

/** This thread's entries buffers, one per column block of the current task (tasks run one at a time). */
const kept: Entries[] = [];

function entriesFor(parts: number, rows: number): Entries[] {
  while (kept.length < parts) kept.push(new Entries());
  const out = kept.slice(0, parts);
  for (const p of out) p.reset(rows);
  return out;
}

/** What a parse task fills: labels, the entries of each column block, and how indices map to columns. */
interface Target {
  labels: Float64Array;
  parts: Entries[];
  blockCols: number;
  shift: number;
  nFeatures: number;
}

/**
 * The parse's fast read of line [start, end) as data row `row`: BLANK, or DATA with its label and entries
 * stored, or IRREGULAR (entries stored so far are left for the caller to drop) when `scanLine` must read it.
 */
function parseLine(b: Uint8Array, start: number, end: number, row: number, t: Target): number {
  const stop = contentEnd(b, start, end);
  let k = skipBlanks(b, start, stop);
  if (k >= stop) return BLANK;
  const labelStart = k;
  k = tokenEnd(b, k, stop);
  const label = parseNumber(b, labelStart, k);
  if (label === undefined) return IRREGULAR;
  t.labels[row] = label;
  const { parts, blockCols, shift, nFeatures } = t;
  const single = parts.length === 1 ? parts[0] : undefined;
  let previous = -1;
  for (k = skipBlanks(b, k, stop); k < stop; k = skipBlanks(b, k, stop)) {
    const from = k;
    let index = 0;
    for (; k < stop; k++) {
      const d = b[k] - ZERO;
      if (d < 0 || d > 9) break;
      index = index * 10 + d;
    }
    if (k === stop || b[k] !== COLON || k === from || k - from > MAX_INDEX_DIGITS) {
      if (k !== from || !isQid(b, from, stop)) return IRREGULAR;
      k = tokenEnd(b, k, stop);
      continue;
    }
    const valueStart = k + 1;
    k = tokenEnd(b, valueStart, stop);
    const v = parseNumber(b, valueStart, k);
    const j = index - shift;
    if (index <= previous || v === undefined || j < 0 || j >= nFeatures) return IRREGULAR;
    previous = index;
    if (v === 0) continue; // an explicit zero (or -0) is not stored, as scikit-learn's loader does
    if (single !== undefined) single.push(j, v);
    else {
      const c = Math.floor(j / blockCols);
      parts[c].push(j - c * blockCols, v);
    }
  }
  return DATA;
}

/** Whether line [start, end) is a data line (anything but blanks before its end or a `#`). */
function isDataLine(b: Uint8Array, start: number, end: number): boolean {
  const k = skipBlanks(b, start, end);
  return k < end && b[k] !== HASH;
}

/** Outputs: one block per column block of `widths` (sparse unless `dense`), then the rows x 1 labels. */
export const svmlightParse: BlockKernel<"io.svmlight.parse"> = (
  _inputs,
  {
    path,
    displayPath,
    start,
    end,
    firstLine,
    skipDataLines,
    rows,
    widths,
    blockCols,
    oneBased,
    nFeatures,
    dense,
  },
  out,
) => {
  const labels = out.take(widths.length, rows, 1);
  const parts = entriesFor(widths.length, rows);
  const target: Target = { labels: labels.data, parts, blockCols, shift: oneBased ? 1 : 0, nFeatures };
  let row = 0;
  let line = firstLine - 1;
  // The slow path, for the lines the fast one gives up on: the same checks, and messages with columns.
  const sink: LineSink = {
    label: (v) => {
      labels.data[row] = v;
    },
    entry: (index, v, column) => {
      const j = index - target.shift;
      if (j < 0) throw new LineError(`index 0 in a file read as one-based (pass zeroBased: true)`, column);
      if (j >= nFeatures) {
        throw new LineError(
          `index ${index} is beyond nFeatures=${nFeatures}${oneBased ? " (indices are one-based)" : ""}`,
          column,
        );
      }
      if (v === 0) return;
      const k = Math.floor(j / blockCols);
      parts[k].push(j - k * blockCols, v);
    },
  };
  const reader = new LineReader(path, start, end);
  try {
    // The data lines before this block belong to another task (which reports their errors): count them only.
    for (let skipped = 0; skipped < skipDataLines && reader.next();) {
      line++;
      if (isDataLine(reader.bytes, reader.lineStart, reader.lineEnd)) skipped++;
    }
    while (row < rows && reader.next()) {
      line++;
      const b = reader.bytes;
      const lineStart = reader.lineStart;
      let found = parseLine(b, lineStart, reader.lineEnd, row, target);
      if (found === IRREGULAR) {
        for (const p of parts) p.length = p.indptr[row];
        try {
          found = scanLine(b, lineStart, reader.lineEnd, sink) ? DATA : BLANK;
        } catch (e) {
          if (!(e instanceof LineError)) throw e;
          throw new FileFormatError(`${displayPath}:${line}:${e.column - lineStart + 1}: ${e.message}`);
        }
      }
      if (found === BLANK) continue;
      row++;
      for (const p of parts) p.indptr[row] = p.length;
    }
  } finally {
    reader.close();
  }
  if (row < rows) {
    throw new FileFormatError(
      `${displayPath}: ended after line ${line}, before the ${rows} rows counted for this block (did the file change while loading?)`,
    );
  }
  const blocks: Block[] = parts.map((p, k) => {
    const s = CsrMatrix.allocate(rows, widths[k], p.length);
    s.indptr.set(p.indptr.subarray(0, rows + 1));
    s.indices.set(p.indices.subarray(0, p.length));
    s.data.set(p.values.subarray(0, p.length));
    return dense ? s.toDense(out.zeros(k, rows, widths[k])) : s;
  });
  blocks.push(labels);
  return blocks;
};
