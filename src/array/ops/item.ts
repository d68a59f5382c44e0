import { ArgumentError } from "../../core/errors.ts";
import { blockOf, normalizeSlice, offsetsOf } from "../blockGrid.ts";
import type { DsArray } from "../dsArray.ts";

/**
 * The element at row `i`, column `j` (negative indices count from the end), as a number. Waits for the one
 * block that holds it and reads nothing else. With no arguments, the only element of a 1x1 array (NumPy's
 * `x.item()`). Throws `IndexError` synchronously for an index out of range. NaN values come back as NaN.
 *
 * @example
 * ```ts
 * const x = ds.array([[1, 2], [3, 4]], { blockSize: [1, 1] });
 * await x.item(1, 0);   // 3
 * await x.item(-1, -1); // 4
 * ```
 */
export function item(x: DsArray, i?: number, j?: number): Promise<number> {
  const op = "item";
  if (i === undefined && j === undefined) {
    if (x.shape[0] !== 1 || x.shape[1] !== 1) {
      throw new ArgumentError(
        `${op}: give (i, j): only a 1x1 array has a single item, but x.shape=[${x.shape.join(", ")}]`,
      );
    }
    return item(x, 0, 0);
  }
  if (typeof i !== "number" || typeof j !== "number") {
    throw new ArgumentError(`${op}: i and j must both be integers but were ${String(i)} and ${String(j)}`);
  }
  const row = normalizeSlice(op, x.shape[0], i, 0).start;
  const col = normalizeSlice(op, x.shape[1], j, 1).start;
  const rowOffsets = offsetsOf(x.grid.rowChunks);
  const colOffsets = offsetsOf(x.grid.colChunks);
  const bi = blockOf(rowOffsets, row);
  const bj = blockOf(colOffsets, col);
  const ref = x.block(bi, bj);
  return ref.ready.then((m) => m.get(row - rowOffsets[bi], col - colOffsets[bj]));
}
