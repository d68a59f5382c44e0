import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";

/** Kronecker product of two blocks: block (i, j) of the result is a[i, j] * b. */
export const kronKernel: Kernel<"block.kron"> = ([a, b]) => {
  const rows = a.rows * b.rows;
  const cols = a.cols * b.cols;
  const out = Matrix.zeros(rows, cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      const s = a.data[i * a.cols + j];
      for (let p = 0; p < b.rows; p++) {
        const dst = (i * b.rows + p) * cols + j * b.cols;
        for (let q = 0; q < b.cols; q++) out.data[dst + q] = s * b.data[p * b.cols + q];
      }
    }
  }
  return [out];
};
