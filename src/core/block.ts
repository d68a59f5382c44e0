/**
 * A block as the runtime moves it: dense (`Matrix`) or sparse (`CsrMatrix`). Kernels say which they take:
 * most take dense blocks only (the registry checks); the sparse kernels take either.
 */
import { CsrMatrix } from "./csrMatrix.ts";
import type { Matrix } from "./matrix.ts";

export type Block = Matrix | CsrMatrix;

/** Whether a block is sparse. */
export function isSparse(b: Block): b is CsrMatrix {
  return b instanceof CsrMatrix;
}
