/** The transpose of a sparse block, still sparse: a counting sort of the entries by column. */
import { CsrMatrix } from "../../csrMatrix.ts";
import type { BlockKernel } from "../registry.ts";

/**
 * CSR of the transpose: entries counted per column, then placed row by row, so each new row's columns
 * (the old rows) come out increasing.
 *
 * @example
 * ```ts
 * transposeCsr(CsrMatrix.fromDense(Matrix.fromArray([[0, 1], [2, 0]]))).toArray(); // [[0, 2], [1, 0]]
 * ```
 */
export function transposeCsr(s: CsrMatrix): CsrMatrix {
  const t = CsrMatrix.allocate(s.cols, s.rows, s.nnz);
  const next = new Int32Array(s.cols + 1);
  for (let k = 0; k < s.nnz; k++) next[s.indices[k] + 1]++;
  for (let j = 0; j < s.cols; j++) next[j + 1] += next[j];
  t.indptr.set(next);
  for (let i = 0; i < s.rows; i++) {
    for (let k = s.indptr[i]; k < s.indptr[i + 1]; k++) {
      const at = next[s.indices[k]]++;
      t.indices[at] = i;
      t.data[at] = s.data[k];
    }
  }
  return t;
}

export const sparseTranspose: BlockKernel<"sparse.transpose"> = ([b]) => [transposeCsr(b as CsrMatrix)];
