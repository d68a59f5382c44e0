import { LinalgError } from "../../../errors.ts";
import { Matrix } from "../../../matrix.ts";
import { EPS, requireFinite, requireRhs, requireSquare } from "./util.ts";

/**
 * Solves `A X = B` for square `A` by LU factorisation with partial (row) pivoting, like LAPACK `dgesv`.
 * `b` is n x k and the result is n x k. Neither input is modified.
 *
 * Unlike `dgesv`, which only stops at an exactly zero pivot, a pivot no larger than `n·ε·max|A|` is treated
 * as singular: past that point the computed solution is dominated by rounding noise and would be garbage.
 *
 * Empty input: n = 0 gives a 0 x k result. NaN/Infinity in `a`: `LinalgError`; in `b`: propagates into
 * the affected entries of the result.
 *
 * @throws ShapeError if `a` is not square or `b.rows !== a.rows`.
 * @throws LinalgError if `a` is singular to working precision.
 *
 * @example
 * ```ts
 * const x = solve(Matrix.fromArray([[2, 1], [1, 3]]), Matrix.fromArray([[3], [5]]));
 * x.toArray(); // [[0.8], [1.4]]
 * ```
 */
export function solve(a: Matrix, b: Matrix): Matrix {
  requireSquare("solve", a);
  requireRhs("solve", a, b);
  requireFinite("solve", a);
  const n = a.rows;
  const k = b.cols;
  const lu = Float64Array.from(a.data);
  const x = Matrix.zeros(n, k);
  const X = x.data;
  X.set(b.data);

  let maxAbs = 0;
  for (let i = 0; i < lu.length; i++) maxAbs = Math.max(maxAbs, Math.abs(lu[i]));
  const tol = n * EPS * maxAbs;

  // Elimination applies each row operation to X straight away, so the multipliers need not be stored.
  for (let j = 0; j < n; j++) {
    let p = j;
    let best = Math.abs(lu[j * n + j]);
    for (let i = j + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + j]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (best <= tol) {
      throw new LinalgError(
        `solve: matrix is singular to working precision (pivot ${j} is ${best}, threshold ${tol})`,
      );
    }
    if (p !== j) {
      swapRows(lu, n, p, j);
      swapRows(X, k, p, j);
    }
    const rj = j * n;
    const piv = lu[rj + j];
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      const f = lu[ri + j] / piv;
      if (f === 0) continue;
      for (let c = j + 1; c < n; c++) lu[ri + c] -= f * lu[rj + c];
      for (let c = 0; c < k; c++) X[i * k + c] -= f * X[j * k + c];
    }
  }

  // Back substitution on U, one whole row of X at a time so the inner loop is contiguous.
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    for (let t = i + 1; t < n; t++) {
      const u = lu[ri + t];
      if (u === 0) continue;
      for (let c = 0; c < k; c++) X[i * k + c] -= u * X[t * k + c];
    }
    const d = lu[ri + i];
    for (let c = 0; c < k; c++) X[i * k + c] /= d;
  }
  return x;
}

function swapRows(d: Float64Array, width: number, r1: number, r2: number): void {
  const o1 = r1 * width;
  const o2 = r2 * width;
  for (let c = 0; c < width; c++) {
    const t = d[o1 + c];
    d[o1 + c] = d[o2 + c];
    d[o2 + c] = t;
  }
}
