import { Matrix } from "../../../matrix.ts";
import { choleskyFactor } from "./cholesky.ts";
import { requireRhs, requireSquare } from "./util.ts";

/**
 * Solves `A X = B` for symmetric positive definite `A` via its Cholesky factor (LAPACK `dposv`): about
 * half the work of `solve` and no pivoting. Only the lower triangle of `a` is read. `b` is n x k and the
 * result is n x k. Neither input is modified.
 *
 * Empty input: n = 0 gives a 0 x k result. NaN/Infinity in `a`: `LinalgError`; in `b`: propagates into
 * the result.
 *
 * @throws ShapeError if `a` is not square or `b.rows !== a.rows`.
 * @throws LinalgError if `a` is not positive definite (the message names the failing pivot).
 *
 * @example
 * ```ts
 * const x = solveSpd(Matrix.fromArray([[4, 2], [2, 5]]), Matrix.fromArray([[2], [1]]));
 * x.toArray(); // [[0.5], [0]]
 * ```
 */
export function solveSpd(a: Matrix, b: Matrix): Matrix {
  // Shapes first so that a wrong b is reported as such even when a is also not positive definite.
  requireSquare("solveSpd", a);
  requireRhs("solveSpd", a, b);
  const l = choleskyFactor("solveSpd", a);
  const L = l.data;
  const n = a.rows;
  const k = b.cols;
  const x = Matrix.zeros(n, k);
  const X = x.data;
  X.set(b.data);

  // Forward substitution L Y = B, row by row of X so the inner loop is contiguous.
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let t = 0; t < i; t++) {
      const lv = L[ri + t];
      if (lv === 0) continue;
      for (let c = 0; c < k; c++) X[i * k + c] -= lv * X[t * k + c];
    }
    const d = L[ri + i];
    for (let c = 0; c < k; c++) X[i * k + c] /= d;
  }
  // Back substitution Lᵀ X = Y, column-oriented: once x_i is final, row i of L (= column i of Lᵀ) holds
  // its coefficients in every earlier equation, which keeps the reads of L contiguous.
  for (let i = n - 1; i >= 0; i--) {
    const d = L[i * n + i];
    for (let c = 0; c < k; c++) X[i * k + c] /= d;
    for (let t = 0; t < i; t++) {
      const lv = L[i * n + t];
      if (lv === 0) continue;
      for (let c = 0; c < k; c++) X[t * k + c] -= lv * X[i * k + c];
    }
  }
  return x;
}
