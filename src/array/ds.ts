/**
 * The `ds` namespace: creation functions and free-standing operations, NumPy style.
 */
import "./methods/index.ts";
import { array, eye, full, identity, ones, random, zeros } from "./creation.ts";
import { where } from "./ops/arithmetic.ts";
import { applyAlongAxis } from "./ops/applyAlongAxis.ts";
import { concat } from "./ops/concat.ts";
import { kron } from "./ops/kron.ts";
import { matmul } from "./ops/matmul.ts";
import { denseArgument, denseOperand } from "./ops/sparse.ts";
import { DsArray } from "./dsArray.ts";
import { cholesky } from "./linalg/cholesky.ts";
import { qr } from "./linalg/qr.ts";
import { randomSvd } from "./linalg/randomSvd.ts";
import { solve } from "./linalg/solve.ts";
import { svd } from "./linalg/svd.ts";
import { tsqr } from "./linalg/tsqr.ts";
import type { Operand } from "./elementwise.ts";
import type { Block } from "../core/block.ts";
import type { CsrMatrix } from "../core/csrMatrix.ts";

// Sparse operands of the operations without a sparse case are made dense (ds.matmul has one).
function denseWhere(cond: DsArray<Block>, a: Operand, b: Operand): DsArray {
  return where(denseArgument(cond), denseOperand(a), denseOperand(b));
}
function denseConcat(arrays: readonly DsArray[], axis?: 0 | 1): DsArray;
function denseConcat(arrays: readonly DsArray<CsrMatrix>[], axis?: 0 | 1): DsArray<CsrMatrix>;
function denseConcat(arrays: readonly DsArray<Block>[], axis?: 0 | 1): DsArray<Block>;
function denseConcat(arrays: readonly DsArray<Block>[], axis?: 0 | 1): DsArray<Block> {
  // Sparse arrays join into a sparse array; with any dense one, all are made dense. concat checks that
  // `arrays` is a list of DsArrays and names what is wrong otherwise.
  if (Array.isArray(arrays) && arrays.every((x: unknown) => x instanceof DsArray && x.sparse)) {
    return concat(arrays, axis);
  }
  const plain = Array.isArray(arrays)
    ? arrays.map((x: DsArray<Block>) => denseArgument(x))
    : (arrays as DsArray[]);
  return concat(plain, axis);
}
function denseApply(
  fn: (v: Float64Array) => number | ArrayLike<number>,
  axis: 0 | 1,
  x: DsArray<Block>,
): DsArray {
  return applyAlongAxis(fn, axis, denseArgument(x));
}
function denseKron(a: DsArray<Block>, b: DsArray<Block>): DsArray {
  return kron(denseArgument(a), denseArgument(b));
}

export const ds = {
  array,
  random,
  zeros,
  ones,
  full,
  eye,
  identity,
  where: denseWhere,
  concat: denseConcat,
  applyAlongAxis: denseApply,
  matmul,
  kron: denseKron,
  tsqr,
  qr,
  svd,
  randomSvd,
  cholesky,
  solve,
};
