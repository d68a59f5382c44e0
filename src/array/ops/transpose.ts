import { engine } from "../../runtime/runtime.ts";
import { DsArray } from "../dsArray.ts";

/**
 * The transpose of `x`: an m x n array for an n x m one. One task per block: block (i, j) of the result is
 * the transpose of block (j, i) of `x`, so the row and column chunks swap and nothing else moves.
 *
 * Empty arrays transpose to empty arrays; NaN stays in place (transposed).
 *
 * @example
 * ```ts
 * const x = ds.array([[1, 2, 3], [4, 5, 6]], { blockSize: [1, 2] });
 * await x.T.toArray(); // [[1, 4], [2, 5], [3, 6]]
 * x.T.nBlocks;         // [2, 2]
 * ```
 * @see src/array/ops/transpose.ts
 */
export function transpose(x: DsArray): DsArray {
  const src = x.blocks();
  const { rowChunks, colChunks } = x.grid;
  const refs = colChunks.map((cols, i) =>
    rowChunks.map(
      (rows, j) =>
        engine().submit({
          op: "transpose",
          kernel: "block.transpose",
          attrs: {},
          inputs: [src[j][i]],
          outputs: [[cols, rows]],
          blockIndex: [i, j],
        })[0],
    ),
  );
  return DsArray.fromBlocks(
    { shape: [x.shape[1], x.shape[0]], rowChunks: colChunks, colChunks: rowChunks },
    refs,
  );
}
