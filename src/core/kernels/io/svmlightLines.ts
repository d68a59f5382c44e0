/**
 * One svmlight line, read two ways: `scanLine`, which takes every valid line and says what is wrong with
 * the others (with the byte column), and the fast loops of the two passes (`countLine` here, `parseLine` in
 * svmlight.ts), which give up on anything unusual and leave such a line to `scanLine`.
 */
import { isDecimal, parseNumber } from "./parseNumber.ts";

export const SPACE = 32;
export const TAB = 9;
export const HASH = 35;
export const COLON = 58;
const COMMA = 44;
export const ZERO = 48;
/** Integer indices of at most this many digits are exact; longer ones go the slow way. */
export const MAX_INDEX_DIGITS = 15;
/** What `countLine` / `parseLine` found: a blank or comment line, a data line, or one for `scanLine`. */
export const BLANK = 0;
export const DATA = 1;
export const IRREGULAR = 2;
const latin1 = new TextDecoder("latin1");

/** What one line holds, as `scanLine` reports it. */
export interface LineSink {
  label(value: number): void;
  entry(index: number, value: number, column: number): void;
}

/** Why a line is not valid svmlight: the message and the 0-based byte column. */
export class LineError extends Error {
  readonly column: number;
  constructor(message: string, column: number) {
    super(message);
    this.column = column;
  }
}

export function excerpt(b: Uint8Array, from: number, to: number): string {
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

/** Running counts of a scan: stored entries and the index range. */
export interface Counts {
  nnz: number;
  low: number;
  high: number;
}

/** The end of a line's content [start, end): the first `#`, or `end`. */
export function contentEnd(b: Uint8Array, start: number, end: number): number {
  let k = start;
  while (k < end && b[k] !== HASH) k++;
  return k;
}

/** The first byte at or after `k` that is not a blank, or `stop`. */
export function skipBlanks(b: Uint8Array, k: number, stop: number): number {
  while (k < stop && (b[k] === SPACE || b[k] === TAB)) k++;
  return k;
}

/** The first blank at or after `k`, or `stop`. */
export function tokenEnd(b: Uint8Array, k: number, stop: number): number {
  while (k < stop && b[k] !== SPACE && b[k] !== TAB) k++;
  return k;
}

/** Whether the token at `k` starts with `qid:` (a query id, which is skipped). */
export function isQid(b: Uint8Array, k: number, stop: number): boolean {
  return k + 3 < stop && b[k] === 113 && b[k + 1] === 105 && b[k + 2] === 100 && b[k + 3] === COLON;
}

/**
 * The scan's fast read of line [start, end): BLANK, or DATA with its entries added to `counts`, or
 * IRREGULAR (nothing added) when `scanLine` must read it.
 */
export function countLine(b: Uint8Array, start: number, end: number, counts: Counts): number {
  const stop = contentEnd(b, start, end);
  let k = skipBlanks(b, start, stop);
  if (k >= stop) return BLANK;
  const labelStart = k;
  k = tokenEnd(b, k, stop);
  if (!isDecimal(b, labelStart, k)) return IRREGULAR;
  let nnz = 0;
  let low = counts.low;
  let high = counts.high;
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
    if (index <= previous || !isDecimal(b, valueStart, k)) return IRREGULAR;
    previous = index;
    nnz++;
    if (index < low) low = index;
    if (index > high) high = index;
  }
  counts.nnz += nnz;
  counts.low = low;
  counts.high = high;
  return DATA;
}
