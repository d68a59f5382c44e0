import { ArgumentError } from "../../core/errors.ts";
import { engine } from "../../runtime/runtime.ts";
import { normalizeSlice, pieceIndices, slicePieces, type SliceSpec } from "../blockGrid.ts";
import { DsArray } from "../dsArray.ts";

/**
 * A new array equal to `x` except that `value` is written over the region `x.slice(rows, cols)` selects
 * (NumPy's `y = x.copy(); y[rows, cols] = value`); `x` is unchanged. `rows` and `cols` take the same forms as
 * in `slice`. Only the blocks the region touches get a task (a `fill.constant` for a block covered whole, a
 * `block.assign` for a block covered in part); every other block is shared with `x`, not copied. An empty
 * region returns an array sharing all of `x`'s blocks. `value` may be NaN or ±Infinity.
 *
 * @example
 * ```ts
 * const x = ds.zeros([3, 3], { blockSize: [2, 2] });
 * await x.set([0, 2], -1, 7).toArray(); // [[0, 0, 7], [0, 0, 7], [0, 0, 0]]
 * ```
 */
export function set(x: DsArray, rows: SliceSpec, cols: SliceSpec, value: number): DsArray {
  const op = "set";
  if (typeof value !== "number") {
    throw new ArgumentError(
      `${op}: value must be a number but was ${typeof value} (to write an array, use ds.where)`,
    );
  }
  const rowCut = slicePieces(x.grid.rowChunks, normalizeSlice(op, x.shape[0], rows, 0));
  const colCut = slicePieces(x.grid.colChunks, normalizeSlice(op, x.shape[1], cols, 1));
  const src = x.blocks();
  if (rowCut.pieces.length === 0 || colCut.pieces.length === 0) return DsArray.fromBlocks(x.grid, src);
  const refs = src.map((row) => row.slice());
  for (const rp of rowCut.pieces) {
    const rowCount = x.grid.rowChunks[rp.block];
    for (const cp of colCut.pieces) {
      const colCount = x.grid.colChunks[cp.block];
      const blockIndex = [rp.block, cp.block];
      const outputs = [[rowCount, colCount] as const];
      // A block covered whole is written fresh, without reading the old one.
      refs[rp.block][cp.block] =
        rp.count === rowCount && cp.count === colCount
          ? engine().submit({
              op,
              kernel: "fill.constant",
              attrs: { rows: rowCount, cols: colCount, value },
              inputs: [],
              outputs,
              blockIndex,
            })[0]
          : engine().submit({
              op,
              kernel: "block.assign",
              attrs: { rows: pieceIndices(rp), cols: pieceIndices(cp), value },
              inputs: [src[rp.block][cp.block]],
              outputs,
              blockIndex,
            })[0];
    }
  }
  return DsArray.fromBlocks(x.grid, refs);
}
