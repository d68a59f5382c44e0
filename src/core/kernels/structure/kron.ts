import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";
import { stitchBlocks } from "../block/stitch.ts";

/**
 * One block of a Kronecker product: kron(a[aRow : aRow + aRows, aCol : aCol + aCols], B), where the first
 * input is a block of a and the others are a row-major `bGridRows` x `bGridCols` grid of blocks of b, glued
 * into B. Element (i * p + r, j * q + s) of the output is a[i, j] * B[r, s] (p x q is B's shape).
 */
export const kronSubKernel: Kernel<"structure.kron"> = (inputs, attrs) => {
  const { aRow, aRows, aCol, aCols, bGridRows, bGridCols } = attrs;
  const a = inputs[0];
  const b = inputs.length === 2 ? inputs[1] : stitchBlocks(inputs.slice(1), bGridRows, bGridCols);
  const p = b.rows;
  const q = b.cols;
  const cols = aCols * q;
  const out = Matrix.zeros(aRows * p, cols);
  const dst = out.data;
  const src = b.data;
  for (let i = 0; i < aRows; i++) {
    for (let j = 0; j < aCols; j++) {
      const s = a.data[(aRow + i) * a.cols + aCol + j];
      for (let r = 0; r < p; r++) {
        const to = (i * p + r) * cols + j * q;
        const from = r * q;
        for (let t = 0; t < q; t++) dst[to + t] = s * src[from + t];
      }
    }
  }
  return [out];
};
