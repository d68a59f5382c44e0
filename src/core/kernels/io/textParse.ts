/**
 * The text loader's second pass: one row block parsed straight from the file on a worker. The task starts at
 * a line start that the first pass placed, skips the data lines before its block, and parses `rows` data
 * lines into its output blocks (one per column block), so no thread ever holds more than a chunk of text.
 */
import { FileFormatError } from "../../errors.ts";
import type { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";
import { LineReader } from "./lineReader.ts";
import { parseNumber } from "./parseNumber.ts";
import { contentStart } from "./textScan.ts";

const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const latin1 = new TextDecoder("latin1");

/**
 * Splits the content [start, end) of one line into fields and calls `field(k, from, to)` for each (trimmed
 * of blanks and of one pair of double quotes). Returns the number of fields.
 *
 * @example
 * ```ts
 * const b = new TextEncoder().encode('1, "2" ,3');
 * splitFields(b, 0, b.length, 44, (k, from, to) => console.log(k, from, to)); // 0 0 1, 1 4 5, 2 8 9
 * ```
 */
export function splitFields(
  b: Uint8Array,
  start: number,
  end: number,
  delimiter: number,
  field: (k: number, from: number, to: number) => void,
): number {
  let k = 0;
  let pos = start;
  if (delimiter < 0) {
    while (pos < end) {
      let stop = pos;
      while (stop < end && b[stop] !== SPACE && b[stop] !== TAB) stop++;
      emit(b, k++, pos, stop, field);
      pos = stop;
      while (pos < end && (b[pos] === SPACE || b[pos] === TAB)) pos++;
    }
    return k;
  }
  for (;;) {
    let stop = pos;
    while (stop < end && b[stop] !== delimiter) stop++;
    emit(b, k++, pos, stop, field);
    if (stop >= end) return k;
    pos = stop + 1;
  }
}

function emit(
  b: Uint8Array,
  k: number,
  from: number,
  to: number,
  field: (k: number, from: number, to: number) => void,
): void {
  while (from < to && (b[from] === SPACE || b[from] === TAB)) from++;
  while (to > from && (b[to - 1] === SPACE || b[to - 1] === TAB)) to--;
  if (to - from >= 2 && b[from] === QUOTE && b[to - 1] === QUOTE) {
    from++;
    to--;
  }
  field(k, from, to);
}

/** Where a line's content ends: at the comment character, then without trailing blanks. */
export function contentEnd(b: Uint8Array, start: number, end: number, comment: number): number {
  let stop = end;
  if (comment >= 0) {
    // A loop, not indexOf: that would search on past the line to the end of the chunk.
    for (let k = start; k < end; k++) {
      if (b[k] === comment) {
        stop = k;
        break;
      }
    }
  }
  while (stop > start && (b[stop - 1] === SPACE || b[stop - 1] === TAB)) stop--;
  return stop;
}

/** A short, printable excerpt of a field for an error message. */
function excerpt(b: Uint8Array, from: number, to: number): string {
  const text = latin1.decode(b.subarray(from, Math.min(to, from + 40)));
  return JSON.stringify(to - from > 40 ? `${text}...` : text);
}

export const textParse: Kernel<"io.text.parse"> = (
  _inputs,
  { path, displayPath, start, end, firstLine, skipDataLines, rows, widths, dialect },
  out,
) => {
  const outputs: Matrix[] = widths.map((w, k) => out.take(k, rows, w));
  const cols = widths.reduce((a, w) => a + w, 0);
  // Where data column c goes: block blockOf[c], column colOf[c] of it.
  const blockOf = new Int32Array(cols);
  const colOf = new Int32Array(cols);
  for (let k = 0, c = 0; k < widths.length; k++) {
    for (let j = 0; j < widths[k]; j++, c++) {
      blockOf[c] = k;
      colOf[c] = j;
    }
  }
  const datas = outputs.map((m) => m.data);
  const skip = dialect.indexColumn ? 1 : 0;
  const reader = new LineReader(path, start, end);
  let line = firstLine - 1;
  let row = -skipDataLines;
  let b = reader.bytes;
  let lineStart = 0;
  const fail = (from: number, what: string): never => {
    throw new FileFormatError(`${displayPath}:${line}:${from - lineStart + 1}: ${what}`);
  };
  const onField = (k: number, from: number, to: number) => {
    const c = k - skip;
    if (c < 0 || c >= cols) return;
    let v: number | undefined;
    if (from === to) {
      if (!dialect.emptyAsNaN) fail(from, `field ${k + 1} is empty (pass emptyAs: "nan" to read it as NaN)`);
      v = Number.NaN;
    } else {
      v = parseNumber(b, from, to);
      if (v === undefined) fail(from, `field ${k + 1} is ${excerpt(b, from, to)}, not a number`);
    }
    datas[blockOf[c]][row * widths[blockOf[c]] + colOf[c]] = v as number;
  };
  try {
    while (row < rows && reader.next()) {
      line++;
      b = reader.bytes;
      lineStart = reader.lineStart;
      const from = contentStart(b, lineStart, reader.lineEnd, dialect.comment);
      if (from < 0) continue;
      if (row < 0) {
        row++;
        continue;
      }
      const to = contentEnd(b, from, reader.lineEnd, dialect.comment);
      const found = splitFields(b, from, to, dialect.delimiter, onField) - skip;
      if (found !== cols) {
        const noun = dialect.indexColumn ? "values after the index column" : "values";
        fail(from, `expected ${cols} ${noun} (as on the first data line), found ${Math.max(0, found)}`);
      }
      row++;
    }
  } finally {
    reader.close();
  }
  if (row < rows) {
    throw new FileFormatError(
      `${displayPath}: ended after line ${line}, before the ${rows} rows counted for this block (did the file change while loading?)`,
    );
  }
  return outputs;
};
