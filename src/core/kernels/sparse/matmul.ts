/**
 * Block products with a sparse operand, for `matmul.accumulate`: a pair with a sparse side is accumulated
 * by walking its stored entries (each adds a scaled row of the other side into the output), a dense pair
 * goes to BLAS as before. The output is dense, as scipy's sparse x dense product is. A sparse left side
 * runs in the addon (native/src/dsfabric_csr.c, vectorised along the dense rows) when it is built, else in
 * the loops here; both give the same bits.
 */
import { isSparse, type Block } from "../../block.ts";
import type { CsrMatrix } from "../../csrMatrix.ts";
import { pickSparseKernels, type SparseBackend } from "../../linalg/nativeSparse.ts";
import { linalg } from "../../linalg/selectBackend.ts";
import type { Matrix } from "../../matrix.ts";
import type { BlockKernel } from "../registry.ts";

/** c += op(a) · op(b) where a is sparse and b dense. */
function sparseDense(
  a: CsrMatrix,
  b: Matrix,
  transA: boolean,
  transB: boolean,
  c: Matrix,
  backend: SparseBackend,
): void {
  const native = pickSparseKernels(backend);
  if (native !== undefined) {
    native.csrMatmulAccumulate(
      a.rows,
      a.cols,
      a.indptr,
      a.indices,
      a.data,
      transA,
      b.data,
      b.rows,
      b.cols,
      transB,
      c.data,
      c.rows,
      c.cols,
    );
    return;
  }
  const n = c.cols;
  const cd = c.data;
  const bd = b.data;
  for (let r = 0; r < a.rows; r++) {
    for (let k = a.indptr[r]; k < a.indptr[r + 1]; k++) {
      // Stored entry (r, col) is op(a)[i, inner] with (i, inner) = (r, col), or (col, r) when transposed.
      const v = a.data[k];
      const i = transA ? a.indices[k] : r;
      const inner = transA ? r : a.indices[k];
      const ci = i * n;
      if (transB) for (let j = 0; j < n; j++) cd[ci + j] += v * bd[j * b.cols + inner];
      else {
        const bi = inner * n;
        for (let j = 0; j < n; j++) cd[ci + j] += v * bd[bi + j];
      }
    }
  }
}

/** c += op(a) · op(b) where a is dense and b sparse. */
function denseSparse(a: Matrix, b: CsrMatrix, transA: boolean, transB: boolean, c: Matrix): void {
  const m = c.rows;
  const n = c.cols;
  const cd = c.data;
  const ad = a.data;
  const aAt = (i: number, inner: number) => (transA ? ad[inner * a.cols + i] : ad[i * a.cols + inner]);
  for (let r = 0; r < b.rows; r++) {
    for (let k = b.indptr[r]; k < b.indptr[r + 1]; k++) {
      // Stored entry (r, col) is op(b)[inner, j].
      const v = b.data[k];
      const inner = transB ? b.indices[k] : r;
      const j = transB ? r : b.indices[k];
      for (let i = 0; i < m; i++) cd[i * n + j] += aAt(i, inner) * v;
    }
  }
}

/**
 * c += op(a) · op(b) for any pair of blocks; two sparse blocks multiply with the right one made dense.
 * `backend` forces the native or the JavaScript sparse x dense loops (tests compare them); `"native"`
 * throws when the addon lacks them.
 *
 * @example
 * ```ts
 * const c = Matrix.zeros(2, 1);
 * accumulateProduct(CsrMatrix.fromDense(Matrix.fromArray([[1, 0], [0, 2]])), Matrix.fromArray([[3], [4]]), false, false, c);
 * c.toArray(); // [[3], [8]]
 * ```
 */
export function accumulateProduct(
  a: Block,
  b: Block,
  transA: boolean,
  transB: boolean,
  c: Matrix,
  backend: SparseBackend = "auto",
): void {
  if (isSparse(a)) sparseDense(a, isSparse(b) ? b.toDense() : b, transA, transB, c, backend);
  else if (isSparse(b)) denseSparse(a, b, transA, transB, c);
  else linalg().gemm(a, b, { transA, transB, alpha: 1, beta: 1, c });
}

/** One output block of a blocked matmul over pairs (a0, b0, a1, b1, ...), dense or sparse. */
export const matmulAnyAccumulate: BlockKernel<"matmul.accumulate"> = (
  inputs,
  { transA, transB, rows, cols },
  outputs,
) => {
  const c = outputs.zeros(0, rows, cols);
  for (let p = 0; p < inputs.length; p += 2) accumulateProduct(inputs[p], inputs[p + 1], transA, transB, c);
  return [c];
};
