/**
 * Elementwise add, sub and mul of two sparse blocks of one shape, sparse: a merge of each row's sorted
 * columns (add and sub keep the union of the stored entries, mul the intersection), as scipy does.
 */
import { CsrMatrix } from "../../csrMatrix.ts";
import type { BlockKernel } from "../registry.ts";

/**
 * `a op b` for two CSR blocks of the same shape.
 *
 * @example
 * ```ts
 * combineCsr(a, b, "add"); // entries of a, b or both, summed
 * ```
 */
export function combineCsr(a: CsrMatrix, b: CsrMatrix, op: "add" | "sub" | "mul"): CsrMatrix {
  const indptr = new Int32Array(a.rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const keepLone = op !== "mul";
  const sign = op === "sub" ? -1 : 1;
  for (let i = 0; i < a.rows; i++) {
    let p = a.indptr[i];
    let q = b.indptr[i];
    const pEnd = a.indptr[i + 1];
    const qEnd = b.indptr[i + 1];
    while (p < pEnd || q < qEnd) {
      const ja = p < pEnd ? a.indices[p] : Infinity;
      const jb = q < qEnd ? b.indices[q] : Infinity;
      if (ja === jb) {
        indices.push(ja);
        values.push(op === "mul" ? a.data[p] * b.data[q] : a.data[p] + sign * b.data[q]);
        p++;
        q++;
      } else if (ja < jb) {
        if (keepLone) {
          indices.push(ja);
          values.push(a.data[p]);
        }
        p++;
      } else {
        if (keepLone) {
          indices.push(jb);
          values.push(sign * b.data[q]);
        }
        q++;
      }
    }
    indptr[i + 1] = indices.length;
  }
  const out = CsrMatrix.allocate(a.rows, a.cols, indices.length);
  out.indptr.set(indptr);
  out.indices.set(indices);
  out.data.set(values);
  return out;
}

export const sparseCombine: BlockKernel<"sparse.combine"> = ([a, b], { op }) => [
  combineCsr(a as CsrMatrix, b as CsrMatrix, op),
];
