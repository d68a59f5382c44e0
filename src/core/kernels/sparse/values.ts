/**
 * Elementwise maps that keep zeros zero (f(0) = 0), so they touch only the stored values of a sparse block:
 * scaling by a finite number, negation, absolute value, square root and positive powers. The array layer
 * sends every other map (one with f(0) != 0, such as adding a non-zero scalar or exp) to the dense path.
 */
import { CsrMatrix } from "../../csrMatrix.ts";
import type { BlockKernel } from "../registry.ts";
import type { SparseValueMap } from "./attrs.ts";

function mapper(op: SparseValueMap, c: number): (v: number) => number {
  switch (op) {
    case "mul":
      return (v) => v * c;
    case "div":
      return (v) => v / c;
    case "neg":
      return (v) => -v;
    case "abs":
      return Math.abs;
    case "sqrt":
      return Math.sqrt;
    case "pow":
      return (v) => v ** c;
  }
}

export const sparseMapValues: BlockKernel<"sparse.mapValues"> = ([b], { op, value }) => {
  const s = b as CsrMatrix;
  const out = CsrMatrix.allocate(s.rows, s.cols, s.nnz);
  out.indptr.set(s.indptr);
  out.indices.set(s.indices);
  const f = mapper(op, value);
  for (let k = 0; k < s.nnz; k++) out.data[k] = f(s.data[k]);
  return [out];
};
