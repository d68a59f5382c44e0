/**
 * svmlight / libsvm files (`<label> [qid:<n>] <index>:<value> ... [# comment]`), read on the workers in the
 * text loader's two passes: a scan per byte range (lines, data lines, stored entries, smallest and largest
 * index), then a parse per row block into sparse (or dense) blocks, one per column block, plus the labels.
 */
import type { Block } from "../../block.ts";
import { CsrMatrix } from "../../csrMatrix.ts";
import { FileFormatError } from "../../errors.ts";
import { Matrix } from "../../matrix.ts";
import type { BlockKernel, Kernel } from "../registry.ts";
import { LineReader } from "./lineReader.ts";
import { parseNumber } from "./parseNumber.ts";

const SPACE = 32;
const TAB = 9;
const HASH = 35;
const COLON = 58;
const COMMA = 44;
const latin1 = new TextDecoder("latin1");

/** What one line holds, as `scanLine` reports it. */
interface LineSink {
  label(value: number): void;
  entry(index: number, value: number, column: number): void;
}

/** Why a line is not valid svmlight: the message and the 0-based byte column. */
class LineError extends Error {
  readonly column: number;
  constructor(message: string, column: number) {
    super(message);
    this.column = column;
  }
}

function excerpt(b: Uint8Array, from: number, to: number): string {
  return JSON.stringify(latin1.decode(b.subarray(from, Math.min(to, from + 40))));
}

/**
 * Reads one line [start, end): returns false for a blank or comment line, else reports the label and each
 * `index:value` (in file order; indices must increase) to `sink`. Throws `LineError` on bad syntax.
 */
export function scanLine(b: Uint8Array, start: number, end: number, sink: LineSink): boolean {
  let stop = start;
  while (stop < end && b[stop] !== HASH) stop++;
  let k = start;
  const skipBlanks = () => {
    while (k < stop && (b[k] === SPACE || b[k] === TAB)) k++;
  };
  const token = () => {
    const from = k;
    while (k < stop && b[k] !== SPACE && b[k] !== TAB) k++;
    return from;
  };
  skipBlanks();
  if (k >= stop) return false;
  const labelStart = token();
  for (let c = labelStart; c < k; c++) {
    if (b[c] === COMMA) {
      throw new LineError(
        `multi-label line (label ${excerpt(b, labelStart, k)}); only one label per line is supported`,
        labelStart,
      );
    }
  }
  const label = parseNumber(b, labelStart, k);
  if (label === undefined)
    throw new LineError(`label ${excerpt(b, labelStart, k)} is not a number`, labelStart);
  sink.label(label);
  let previous = -1;
  for (skipBlanks(); k < stop; skipBlanks()) {
    const from = token();
    let colon = from;
    while (colon < k && b[colon] !== COLON) colon++;
    if (colon === k) throw new LineError(`expected index:value, found ${excerpt(b, from, k)}`, from);
    if (colon - from === 3 && b[from] === 113 && b[from + 1] === 105 && b[from + 2] === 100) continue; // qid:
    const index = parseNumber(b, from, colon);
    if (index === undefined || !Number.isInteger(index) || index < 0) {
      throw new LineError(`index ${excerpt(b, from, colon)} is not a non-negative integer`, from);
    }
    if (index <= previous) {
      throw new LineError(
        `index ${index} does not increase (after ${previous}); indices must be sorted and unique`,
        from,
      );
    }
    previous = index;
    const value = parseNumber(b, colon + 1, k);
    if (value === undefined)
      throw new LineError(`value ${excerpt(b, colon + 1, k)} is not a number`, colon + 1);
    sink.entry(index, value, from);
  }
  return true;
}

/**
 * A 1 x 5 block per range: lines, data lines, stored entries, smallest index (or -1), largest index (or -1).
 * A bad line counts as a data line here: the parse pass, which knows line numbers, reports it.
 */
export const svmlightScan: Kernel<"io.svmlight.scan"> = (_inputs, { path, start, end }) => {
  let lines = 0;
  let dataLines = 0;
  let nnz = 0;
  let low = Number.POSITIVE_INFINITY;
  let high = -1;
  const sink: LineSink = {
    label: () => undefined,
    entry: (index) => {
      nnz++;
      if (index < low) low = index;
      if (index > high) high = index;
    },
  };
  const reader = new LineReader(path, start, end);
  try {
    while (reader.next()) {
      lines++;
      try {
        if (scanLine(reader.bytes, reader.lineStart, reader.lineEnd, sink)) dataLines++;
      } catch (e) {
        if (!(e instanceof LineError)) throw e;
        dataLines++;
      }
    }
  } finally {
    reader.close();
  }
  const out = Matrix.zeros(1, 5);
  out.data.set([lines, dataLines, nnz, high < 0 ? -1 : low, high]);
  return [out];
};

/** Growable column indices and values of one column block. */
class Entries {
  indices = new Int32Array(1024);
  values = new Float64Array(1024);
  length = 0;
  readonly indptr: Int32Array;
  constructor(rows: number) {
    this.indptr = new Int32Array(rows + 1);
  }
  push(j: number, v: number): void {
    if (this.length === this.indices.length) {
      const indices = new Int32Array(this.length * 2);
      indices.set(this.indices);
      this.indices = indices;
      const values = new Float64Array(this.length * 2);
      values.set(this.values);
      this.values = values;
    }
    this.indices[this.length] = j;
    this.values[this.length++] = v;
  }
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
  const parts = widths.map(() => new Entries(rows));
  let row = -skipDataLines;
  let line = firstLine - 1;
  const shift = oneBased ? 1 : 0;
  const sink: LineSink = {
    label: (v) => {
      if (row >= 0) labels.data[row] = v;
    },
    entry: (index, v, column) => {
      if (row < 0) return;
      const j = index - shift;
      if (j < 0) throw new LineError(`index 0 in a file read as one-based (pass zeroBased: true)`, column);
      if (j >= nFeatures) {
        throw new LineError(
          `index ${index} is beyond nFeatures=${nFeatures}${oneBased ? " (indices are one-based)" : ""}`,
          column,
        );
      }
      if (v === 0) return; // an explicit zero (or -0) is not stored, as scikit-learn's loader does
      const k = Math.floor(j / blockCols);
      parts[k].push(j - k * blockCols, v);
    },
  };
  const reader = new LineReader(path, start, end);
  try {
    while (row < rows && reader.next()) {
      line++;
      const lineStart = reader.lineStart;
      let data: boolean;
      try {
        data = scanLine(reader.bytes, lineStart, reader.lineEnd, sink);
      } catch (e) {
        if (!(e instanceof LineError)) throw e;
        throw new FileFormatError(`${displayPath}:${line}:${e.column - lineStart + 1}: ${e.message}`);
      }
      if (!data) continue;
      row++;
      if (row > 0) for (const p of parts) p.indptr[row] = p.length;
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
    s.indptr.set(p.indptr);
    s.indices.set(p.indices.subarray(0, p.length));
    s.data.set(p.values.subarray(0, p.length));
    return dense ? s.toDense(out.zeros(k, rows, widths[k])) : s;
  });
  blocks.push(labels);
  return blocks;
};
