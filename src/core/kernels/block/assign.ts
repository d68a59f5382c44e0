import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";

/** A copy of the block with `value` written at every (row, col) of the given local lists. */
export const assignKernel: Kernel<"block.assign"> = ([m], { rows, cols, value }) => {
  const out = new Matrix(m.rows, m.cols, new Float64Array(new SharedArrayBuffer(m.data.length * 8)));
  out.data.set(m.data);
  for (const i of rows) for (const j of cols) out.data[i * m.cols + j] = value;
  return [out];
};
