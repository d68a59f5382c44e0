import type { Block } from "../../core/block.ts";
import { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { gridOfChunks, isWholeBlock, normalizeSlice, slicePieces, type SliceSpec } from "../blockGrid.ts";
import { DsArray } from "../dsArray.ts";
import { emptyBlock } from "./sparse.ts";

/**
 * `x[rows, cols]` with NumPy basic-slicing semantics; always a 2-D result. Each of `rows` and `cols` is a
 * `[start?, stop?, step?]` tuple (negative values count from the end, negative steps walk backwards, `null`
 * or a missing entry is the default, out-of-range bounds clamp) or a single index (negative from the end,
 * which keeps the axis with length 1). Omitted or `null` selects the whole axis.
 *
 * The result keeps the source's block boundaries: each source block that the slice touches gives one result
 * block. A block selected whole with step 1 is shared (a view, no task); a partly selected block costs one
 * `block.slice` task. An empty selection gives shape `[0, m]` (or `[n, 0]`) with no task.
 *
 * Throws `IndexError` for a single index out of range, `ArgumentError` for a step of 0 or a non-integer.
 *
 * @example
 * ```ts
 * const x = ds.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]], { blockSize: [2, 2] });
 * await x.slice([1]).toArray();                 // [[3, 4, 5], [6, 7, 8]]
 * await x.slice(null, -1).toArray();            // [[2], [5], [8]]
 * await x.slice([null, null, -2], [0, 2]).toArray(); // [[6, 7], [0, 1]]
 * x.slice([2, 2]).shape;                        // [0, 3]
 * ```
 */
export function slice<T extends Block>(
  x: DsArray<T>,
  rows?: SliceSpec,
  cols?: SliceSpec,
  op = "slice",
): DsArray<T> {
  const rowSlice = normalizeSlice(op, x.shape[0], rows, 0);
  const colSlice = normalizeSlice(op, x.shape[1], cols, 1);
  const rowCut = slicePieces(x.grid.rowChunks, rowSlice);
  const colCut = slicePieces(x.grid.colChunks, colSlice);
  const grid = gridOfChunks(rowCut.chunks, colCut.chunks);
  if (rowCut.pieces.length === 0 || colCut.pieces.length === 0) {
    // An empty axis has the one chunk [0]: blocks of zero size, made here without a task.
    return DsArray.like(
      x,
      grid,
      grid.rowChunks.map((r) => grid.colChunks.map((c) => BlockRef.of(emptyBlock(x, r, c)))),
    );
  }
  const refs = rowCut.pieces.map((rp, i) =>
    colCut.pieces.map((cp, j) => {
      // Block by block, so that slicing a pending elementwise chain computes only the blocks it reads.
      const block = x.block(rp.block, cp.block);
      if (isWholeBlock(rp, x.grid.rowChunks[rp.block]) && isWholeBlock(cp, x.grid.colChunks[cp.block]))
        return block;
      return engine().submit({
        op,
        kernel: "block.slice",
        attrs: {
          rowStart: rp.start,
          rowStop: rp.stop,
          rowStep: rp.step,
          colStart: cp.start,
          colStop: cp.stop,
          colStep: cp.step,
        },
        inputs: [block],
        outputs: [[rp.count, cp.count]],
        blockIndex: [i, j],
      })[0];
    }),
  );
  return DsArray.like(x, grid, refs);
}
