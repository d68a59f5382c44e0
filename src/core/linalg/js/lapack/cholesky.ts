import { LinalgError } from "../../../errors.ts";
import { Matrix } from "../../../matrix.ts";
import { requireFinite, requireSquare } from "./util.ts";

/**
 * Cholesky factor of a symmetric positive definite matrix: lower-triangular `L` with `A = L Lᵀ` and
 * a positive diagonal (LAPACK `dpotrf` with `uplo = 'L'`). Only the lower triangle of `a` is read;
 * symmetry is not checked. `a` is not modified.
 *
 * Empty input: a 0x0 matrix gives a 0x0 factor. NaN/Infinity anywhere in `a` (upper triangle included):
 * `LinalgError`.
 *
 * @throws ShapeError if `a` is not square.
 * @throws LinalgError if `a` is not positive definite; the message names the failing pivot.
 *
 * @example
 * ```ts
 * const l = cholesky(Matrix.fromArray([[4, 2], [2, 5]]));
 * l.toArray(); // [[2, 0], [1, 2]]
 * ```
 */
export function cholesky(a: Matrix): Matrix {
  return choleskyFactor("cholesky", a);
}

/** `cholesky` with the caller's name in its error messages (used by `solveSpd`). */
export function choleskyFactor(fn: string, a: Matrix): Matrix {
  requireSquare(fn, a);
  requireFinite(fn, a);
  const n = a.rows;
  const l = Matrix.zeros(n, n);
  const A = a.data;
  const L = l.data;
  // Row-oriented (Cholesky–Crout) order: every inner product runs along two contiguous rows of L.
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = A[rj + j];
    for (let k = 0; k < j; k++) d -= L[rj + k] * L[rj + k];
    if (!(d > 0)) {
      throw new LinalgError(
        `${fn}: matrix is not positive definite (pivot ${j} is ${d}; leading ${j + 1}x${j + 1} minor is not positive)`,
      );
    }
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      L[ri + j] = s / ljj;
    }
  }
  return l;
}
