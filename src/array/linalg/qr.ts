import type { Block } from "../../core/block.ts";
import type { BlockRef } from "../../runtime/blockRef.ts";
import { gridOfChunks, offsetsOf } from "../blockGrid.ts";
import { DsArray } from "../dsArray.ts";
import { concat } from "../ops/concat.ts";
import { matmul } from "../ops/matmul.ts";
import { readOptions } from "../../core/options.ts";
import { matrixArgument, zerosBlock } from "./checks.ts";
import { tsqrOf } from "./tsqr.ts";

/**
 * QR factorisation of an array on any block grid, `a = Q R` (numpy.linalg.qr's reduced mode): with
 * k = min(m, n), Q is m x k with orthonormal columns and R is k x n upper triangular (trapezoidal when
 * m < n), R's diagonal non-negative (numpy's factors agree after negating the columns of Q and rows of R
 * where numpy's R has a negative diagonal).
 *
 * Algorithm (m >= n): block Gram-Schmidt with reorthogonalisation (BCGS2) over a's column blocks. Each
 * column block is projected out of the previous Q blocks twice (two distributed matmuls per pass), then
 * factored by `ds.tsqr`; "twice is enough" keeps ‖QᵀQ - I‖ at the eps level for condition numbers up to
 * about 1/eps (measured: ~1e-15 at condition 1e10), unlike CholeskyQR. When m < n, the first m columns are
 * factored so and R's remaining columns are Qᵀ a[:, m:].
 *
 * Blocking: Q has a's row chunks and, for m >= n, a's column chunks; R has a's column chunks on both axes
 * (for m < n, Q's and R's row chunks are those of a[:, :m]). Sparse input is made dense.
 *
 * Rank-deficient a: QR = a still holds to eps, but the columns of Q for a column block that lies in the
 * span of earlier ones (R's diagonal ~0 there) are orthonormal among themselves and not guaranteed
 * orthogonal to the earlier ones (a Householder QR such as numpy's completes the basis instead).
 *
 * @example
 * ```ts
 * const a = ds.array([[1, 2, 2], [2, 1, 0], [2, 0, 1], [0, 2, 2]], { blockSize: [2, 1] });
 * const { q, r } = ds.qr(a);
 * q.shape; // [4, 3]
 * r.shape; // [3, 3]
 * await r.slice(0, 0).toArray(); // [[3]]
 * ```
 * @see src/array/linalg/qr.ts
 */
export function qr(a: DsArray<Block>, options?: Record<string, never>): { q: DsArray; r: DsArray } {
  const op = "ds.qr";
  readOptions(op, options, []);
  const x = matrixArgument(op, "a", a);
  const [m, n] = x.shape;
  if (m >= n) return tallQr(op, x);
  // Wide: QR of the leading m x m part, then R's other columns are Qᵀ a[:, m:].
  const left = x.slice(null, [0, m]);
  const { q, r } = tallQr(op, left);
  const rest = matmul(q, x.slice(null, [m, n]), { transposeA: true }, { op, a: "q", b: "a" });
  return { q, r: concat([r, rest], 1) };
}

/** BCGS2 over the column blocks of a dense array with m >= n. */
function tallQr(op: string, x: DsArray): { q: DsArray; r: DsArray } {
  const { rowChunks, colChunks } = x.grid;
  const colOffsets = offsetsOf(colChunks);
  const names = { op, a: "q", b: "w" };
  const qBlocks: BlockRef[][] = rowChunks.map(() => []);
  const rBlocks: BlockRef[][] = colChunks.map(() => []);
  colChunks.forEach((width, j) => {
    let w = x.slice(null, [colOffsets[j], colOffsets[j] + width]);
    if (j > 0) {
      const previous = DsArray.fromBlocks(
        gridOfChunks(rowChunks, colChunks.slice(0, j)),
        qBlocks.map((row) => row.slice(0, j)),
      );
      // Two projections: the second removes what rounding left of the earlier directions in the first.
      const c1 = matmul(previous, w, { transposeA: true }, names);
      w = w.sub(matmul(previous, c1, {}, names));
      const c2 = matmul(previous, w, { transposeA: true }, names);
      w = w.sub(matmul(previous, c2, {}, names));
      const c = c1.add(c2);
      for (let l = 0; l < j; l++) rBlocks[l].push(c.block(l, 0));
    }
    const { q, r } = tsqrOf(op, w, true) as { q: DsArray; r: DsArray };
    rBlocks[j].push(r.block(0, 0));
    for (let l = j + 1; l < colChunks.length; l++) rBlocks[l].push(zerosBlock(op, colChunks[l], width));
    q.blocks().forEach((row, i) => qBlocks[i].push(row[0]));
  });
  return {
    q: DsArray.fromBlocks(gridOfChunks(rowChunks, colChunks), qBlocks),
    r: DsArray.fromBlocks(gridOfChunks(colChunks, colChunks), rBlocks),
  };
}
