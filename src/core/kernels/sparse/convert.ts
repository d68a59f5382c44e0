/** Sparse blocks to dense and back. */
import { isSparse } from "../../block.ts";
import { CsrMatrix } from "../../csrMatrix.ts";
import type { BlockKernel } from "../registry.ts";

export const sparseToDense: BlockKernel<"sparse.toDense"> = ([b], _attrs, out) => {
  if (!isSparse(b)) return [b];
  return [b.toDense(out.zeros(0, b.rows, b.cols))];
};

export const sparseFromDense: BlockKernel<"sparse.fromDense"> = ([b]) => [
  isSparse(b) ? b : CsrMatrix.fromDense(b),
];
