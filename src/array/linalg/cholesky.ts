import type { Block } from "../../core/block.ts";
import type { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { gridOfChunks, offsetsOf, sameChunks } from "../blockGrid.ts";
import { DsArray } from "../dsArray.ts";
import { rechunkTo } from "../rechunk.ts";
import { readOptions } from "../../core/options.ts";
import { finiteArgument, linalgFailure, squareArgument, zerosBlock } from "./checks.ts";

/**
 * Cholesky factorisation of a symmetric positive definite array, `a = L Lᵀ` (numpy.linalg.cholesky): L is
 * lower triangular with a positive diagonal, blocked like a. Only the lower triangle of a is read (numpy
 * and LAPACK's potrf with uplo "L" do the same), so an asymmetric a is factored as its lower triangle's
 * symmetric completion.
 *
 * Algorithm: blocked right-looking Cholesky over the tiles of a's grid: for each diagonal tile k, one task
 * factors it (potrf), one per tile below solves against it (trsm), and one per tile of the trailing lower
 * triangle subtracts the rank-b update (syrk on the diagonal, gemm off it). The grid must be square-tiled:
 * when a's row and column chunks differ, a is rechunked so that its column chunks are its row chunks.
 *
 * Async: resolves once the factorisation is done, so that a matrix that is not positive definite rejects
 * with a LinalgError naming the rows where the factorisation broke down (NaN or an infinity in a is a
 * LinalgError too, found before any task runs). Sparse input is made dense;
 * non-square a is a ShapeError. Accuracy: ‖L Lᵀ - a‖ ~ eps ‖a‖, as LAPACK's.
 *
 * @example
 * ```ts
 * const a = ds.array([[4, 2], [2, 5]], { blockSize: [1, 1] });
 * const l = await ds.cholesky(a);
 * await l.toArray(); // [[2, 0], [1, 2]]
 * ```
 * @see src/array/linalg/cholesky.ts
 */
export async function cholesky(a: DsArray<Block>, options?: Record<string, never>): Promise<DsArray> {
  const op = "ds.cholesky";
  readOptions(op, options, []);
  const given = squareArgument(op, "a", a);
  await finiteArgument(op, "a", given);
  const chunks = given.grid.rowChunks;
  const x = sameChunks(chunks, given.grid.colChunks) ? given : rechunkTo(given, chunks, chunks, op);
  const offsets = offsetsOf(chunks);
  const eng = engine();
  const tiles: BlockRef[][] = x.blocks().map((row) => [...row]);
  const nb = chunks.length;
  for (let k = 0; k < nb; k++) {
    [tiles[k][k]] = eng.submit({
      op,
      kernel: "linalg.tile.potrf",
      attrs: { offset: offsets[k] },
      inputs: [tiles[k][k]],
      outputs: [[chunks[k], chunks[k]]],
      blockIndex: [k, k],
    });
    for (let i = k + 1; i < nb; i++) {
      [tiles[i][k]] = eng.submit({
        op,
        kernel: "linalg.tile.trsm",
        attrs: {},
        inputs: [tiles[i][k], tiles[k][k]],
        outputs: [[chunks[i], chunks[k]]],
        blockIndex: [i, k],
      });
    }
    for (let i = k + 1; i < nb; i++) {
      for (let j = k + 1; j <= i; j++) {
        [tiles[i][j]] = eng.submit({
          op,
          kernel: "linalg.tile.update",
          attrs: {},
          inputs: [tiles[i][j], tiles[i][k], tiles[j][k]],
          outputs: [[chunks[i], chunks[j]]],
          blockIndex: [i, j],
        });
      }
    }
  }
  for (let i = 0; i < nb; i++)
    for (let j = i + 1; j < nb; j++) tiles[i][j] = zerosBlock(op, chunks[i], chunks[j]);
  const l = DsArray.fromBlocks(gridOfChunks(chunks, chunks), tiles);
  try {
    await l.persist();
  } catch (e) {
    throw linalgFailure(e);
  }
  return l;
}
