/**
 * Elementwise add, sub and mul of two sparse blocks of one shape, sparse: a merge of each row's sorted
 * columns (add and sub keep the union of the stored entries, mul the intersection, as scipy does, plus the
 * NaN that a non-finite value times an implicit zero makes in NumPy).
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
  const f =
    op === "add"
      ? (x: number, y: number) => x + y
      : op === "sub"
        ? (x: number, y: number) => x - y
        : (x: number, y: number) => x * y;
  const indptr = new Int32Array(a.rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  // An entry against an implicit zero: kept for add and sub; for mul only when it is NaN (inf * 0 or
  // NaN * 0), so that the values are NumPy's, where scipy would give 0.
  const lone = (j: number, v: number) => {
    if (op !== "mul" || v !== v) {
      indices.push(j);
      values.push(v);
    }
  };
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
        values.push(f(a.data[p++], b.data[q++]));
      } else if (ja < jb) lone(ja, f(a.data[p++], 0));
      else lone(jb, f(0, b.data[q++]));
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
