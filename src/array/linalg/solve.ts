import type { Block } from "../../core/block.ts";
import { ShapeError } from "../../core/errors.ts";
import type { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { gridOfChunks, offsetsOf } from "../blockGrid.ts";
import { DsArray } from "../dsArray.ts";
import { matmul } from "../ops/matmul.ts";
import { readOptions } from "../../core/options.ts";
import { finiteArgument, linalgFailure, matrixArgument, squareArgument } from "./checks.ts";
import { qr } from "./qr.ts";

/**
 * Solves a x = b for a square n x n a and an n x k b (numpy.linalg.solve with a 2-D b); x is n x k,
 * blocked like a's columns by b's columns.
 *
 * Algorithm: not blocked LU. a is factored by `ds.qr` (a = Q R, block Gram-Schmidt with reorthogonalisation,
 * all tasks), Qᵀb is a distributed matmul, and R x = Qᵀb is solved by block back-substitution: one task per
 * tile row and column block of b, each subtracting the solved tiles (gemm) and back-substituting through its
 * diagonal tile. QR costs about three times the flops of LU with partial pivoting but is stable without
 * pivoting, which would need row exchanges across the whole grid.
 *
 * Async: resolves once x is computed, so that a singular a rejects with a LinalgError: a diagonal entry of
 * R no larger than n · eps · max|diag R| (singular to working precision; numpy only stops at an exact zero
 * pivot), and so is NaN or an infinity in a or b. Non-square a, or b with other than n rows, is a
 * ShapeError; sparse operands are made dense.
 * Accuracy: the residual ‖a x - b‖ is ~eps ‖a‖ ‖x‖; x itself agrees with numpy to about cond(a) · eps.
 *
 * @example
 * ```ts
 * const a = ds.array([[3, 1], [1, 2]], { blockSize: [1, 1] });
 * const b = ds.array([[9], [8]], { blockSize: [1, 1] });
 * const x = await ds.solve(a, b);
 * await x.toArray(); // [[2], [3]] (up to rounding)
 * ```
 * @see src/array/linalg/solve.ts
 */
export async function solve(
  a: DsArray<Block>,
  b: DsArray<Block>,
  options?: Record<string, never>,
): Promise<DsArray> {
  const op = "ds.solve";
  readOptions(op, options, []);
  const x = squareArgument(op, "a", a);
  const rhs = matrixArgument(op, "b", b);
  const n = x.shape[0];
  if (rhs.shape[0] !== n) {
    throw new ShapeError(
      `${op}: b must have ${n} rows (as a) but has shape [${rhs.shape.join(", ")}] (a.shape=[${x.shape.join(", ")}])`,
    );
  }
  await Promise.all([finiteArgument(op, "a", x), finiteArgument(op, "b", rhs)]);
  const { q, r } = qr(x);
  const y = matmul(q, rhs, { transposeA: true }, { op, a: "q", b: "b" });
  const chunks = r.grid.rowChunks;
  const offsets = offsetsOf(chunks);
  const rTiles = r.blocks();
  const yTiles = y.blocks();
  const eng = engine();
  const [scale] = eng.submit({
    op,
    kernel: "linalg.tile.diagMax",
    attrs: {},
    inputs: chunks.map((_, i) => rTiles[i][i]),
    outputs: [[1, 1]],
  });
  const nb = chunks.length;
  const xTiles: BlockRef[][] = chunks.map(() => []);
  for (let i = nb - 1; i >= 0; i--) {
    xTiles[i] = y.grid.colChunks.map((cols, c) => {
      const inputs = [rTiles[i][i], yTiles[i][c], scale];
      for (let j = i + 1; j < nb; j++) inputs.push(rTiles[i][j], xTiles[j][c]);
      return eng.submit({
        op,
        kernel: "linalg.tile.backSolve",
        attrs: { n, offset: offsets[i], op },
        inputs,
        outputs: [[chunks[i], cols]],
        blockIndex: [i, c],
      })[0];
    });
  }
  const solution = DsArray.fromBlocks(gridOfChunks(chunks, y.grid.colChunks), xTiles);
  try {
    await solution.persist();
  } catch (e) {
    throw linalgFailure(e);
  }
  return solution;
}
