/**
 * Numeric columns (one Float64Array each) into a DsArray in row blocks: the shared last step of the
 * columnar loaders (Arrow, Parquet), which decode on the calling thread.
 */
import { ArgumentError, FileFormatError } from "../core/errors.ts";
import { Matrix } from "../core/matrix.ts";
import { denseGrid, offsetsOf } from "../array/blockGrid.ts";
import { DsArray } from "../array/dsArray.ts";
import { BlockRef } from "../runtime/blockRef.ts";
import { loaderBlockSize } from "./options.ts";
import { describeValue } from "../core/options.ts";

/**
 * The columns to read: `wanted` (checked against `available`) or every column. Throws naming the missing one.
 *
 * @example
 * ```ts
 * selectColumns("ds.loadArrow", "x.arrow", ["a", "b"], undefined); // ["a", "b"]
 * ```
 */
export function selectColumns(
  op: string,
  path: string,
  available: readonly string[],
  wanted: unknown,
): string[] {
  if (wanted === undefined) return [...available];
  if (!Array.isArray(wanted) || wanted.length === 0 || !wanted.every((c) => typeof c === "string")) {
    throw new ArgumentError(
      `${op}: columns must be a non-empty list of column names but was ${describeValue(wanted)}`,
    );
  }
  for (const c of wanted) {
    if (!available.includes(c)) {
      throw new FileFormatError(`${op}: ${path} has no column "${c}" (columns: ${available.join(", ")})`);
    }
  }
  return [...wanted];
}

/** `columns[c][i]` as element (i, c) of a DsArray cut into blocks of `blockSize` (clipped to the shape). */
export function columnsToArray(
  op: string,
  columns: readonly Float64Array[],
  rows: number,
  blockSize: unknown,
): DsArray {
  const cols = columns.length;
  const grid = denseGrid(op, [rows, cols], loaderBlockSize(op, blockSize, [rows, cols]));
  const rowOffsets = offsetsOf(grid.rowChunks);
  const colOffsets = offsetsOf(grid.colChunks);
  const refs = grid.rowChunks.map((r, i) =>
    grid.colChunks.map((c, j) => {
      const block = Matrix.zeros(r, c);
      for (let k = 0; k < c; k++) {
        const column = columns[colOffsets[j] + k];
        for (let a = 0; a < r; a++) block.data[a * c + k] = column[rowOffsets[i] + a];
      }
      return BlockRef.of(block);
    }),
  );
  return DsArray.fromBlocks(grid, refs);
}

/** A value of a numeric column as float64: null is NaN, booleans are 0/1, 64-bit integers are rounded. */
export function numeric(v: unknown): number | undefined {
  if (v === null || v === undefined) return Number.NaN;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}
