import { linalg } from "../../linalg/selectBackend.ts";
import type { Kernel } from "../registry.ts";

/**
 * One output block of a blocked matmul: sum over k of op(A[i,k]) op(B[k,j]). Inputs come in pairs
 * (a0, b0, a1, b1, ...) and are accumulated into one output with beta = 1, so the partial products never
 * exist as separate blocks.
 */
export const matmulAccumulate: Kernel<"matmul.accumulate"> = (
  inputs,
  { transA, transB, rows, cols },
  outputs,
) => {
  const c = outputs.zeros(0, rows, cols);
  const backend = linalg();
  for (let p = 0; p < inputs.length; p += 2) {
    backend.gemm(inputs[p], inputs[p + 1], { transA, transB, alpha: 1, beta: 1, c });
  }
  return [c];
};
