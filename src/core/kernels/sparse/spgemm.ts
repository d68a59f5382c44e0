/**
 * Sparse times sparse into a sparse block (Gustavson's row-by-row product, as scipy's): row i of the result
 * accumulates b's rows scaled by a's entries of row i in a dense scratch row, over every pair of the inner
 * dimension, and keeps the columns it touched, in order.
 */
import { CsrMatrix } from "../../csrMatrix.ts";
import type { BlockKernel } from "../registry.ts";

/**
 * Σ_k a_k · b_k for pairs of CSR blocks (a_k rows x n_k, b_k n_k x cols), as one CSR block.
 *
 * @example
 * ```ts
 * spgemm([CsrMatrix.fromDense(Matrix.fromArray([[1, 2]]))], [CsrMatrix.fromDense(Matrix.fromArray([[3], [4]]))], 1, 1)
 *   .toArray(); // [[11]]
 * ```
 */
export function spgemm(
  as: readonly CsrMatrix[],
  bs: readonly CsrMatrix[],
  rows: number,
  cols: number,
): CsrMatrix {
  const acc = new Float64Array(cols);
  const touched = new Uint8Array(cols);
  const list: number[] = [];
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < as.length; p++) {
      const a = as[p];
      const b = bs[p];
      for (let ka = a.indptr[i]; ka < a.indptr[i + 1]; ka++) {
        const v = a.data[ka];
        const r = a.indices[ka];
        for (let kb = b.indptr[r]; kb < b.indptr[r + 1]; kb++) {
          const j = b.indices[kb];
          if (touched[j] === 0) {
            touched[j] = 1;
            list.push(j);
          }
          acc[j] += v * b.data[kb];
        }
      }
    }
    list.sort((x, y) => x - y);
    for (const j of list) {
      indices.push(j);
      values.push(acc[j]);
      acc[j] = 0;
      touched[j] = 0;
    }
    list.length = 0;
    indptr[i + 1] = indices.length;
  }
  const out = CsrMatrix.allocate(rows, cols, indices.length);
  out.indptr.set(indptr);
  out.indices.set(indices);
  out.data.set(values);
  return out;
}

/** Inputs a0, b0, a1, b1, ...: all sparse, none transposed. */
export const sparseSpgemm: BlockKernel<"sparse.spgemm"> = (inputs, { rows, cols }) => {
  const as: CsrMatrix[] = [];
  const bs: CsrMatrix[] = [];
  for (let k = 0; k < inputs.length; k += 2) {
    as.push(inputs[k] as CsrMatrix);
    bs.push(inputs[k + 1] as CsrMatrix);
  }
  return [spgemm(as, bs, rows, cols)];
};
