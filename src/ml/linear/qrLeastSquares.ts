/**
 * Least squares by a tall-skinny QR, for an x too ill-conditioned for the normal equations. Forming xᵀx
 * squares x's condition number κ: the normal equations' solution carries a relative error of about
 * κ² · 1e-16, so at κ = 1e6 nothing is left, and a column whose singular value is below 1e-6 of the largest
 * looks like rank deficiency. scikit-learn solves with `scipy.linalg.lstsq` on x itself (error ~κ · 1e-16).
 * So does this, in one more pass: a QR of [xc | yc] (the centred x with the centred y beside it; Q never
 * formed), whose R = [[R₁₁, R₁₂], [0, R₂₂]] gives min ‖R₁₁ w - R₁₂‖ = min ‖xc w - yc‖. That small problem is
 * solved on the calling thread by the SVD of R₁₁, with singular values below max(n, m) · eps · σmax
 * counted as zero (numpy's `lstsq` rule), which gives the minimum-norm solution when x is rank-deficient.
 */
import type { Block } from "../../core/block.ts";
import { linalg } from "../../core/linalg/selectBackend.ts";
import { Matrix } from "../../core/matrix.ts";
import { ds } from "../../array/ds.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { rowLike } from "../estimator.ts";
import type { NormalEquations } from "./normalEquations.ts";

/**
 * x's condition number above which LinearRegression leaves the normal equations for the QR: there their
 * solution keeps about 16 - 2·log10(κ) = 8 digits.
 */
export const CONDITION_FOR_QR = 1e4;

/**
 * x's condition number (its largest over its smallest singular value, infinite when singular), from the
 * eigenvalues of its Gram matrix (ascending, as symEig gives them).
 *
 * @example
 * ```ts
 * conditionOfGram(Float64Array.of(1, 100)); // 10
 * ```
 */
export function conditionOfGram(eigenvalues: Float64Array): number {
  const largest = eigenvalues[eigenvalues.length - 1];
  const smallest = eigenvalues[0];
  return smallest > 0 ? Math.sqrt(largest / smallest) : Infinity;
}

/**
 * The least-squares solution w (features x targets) of xc w = yc and x's numerical rank, by the QR of
 * [xc | yc] (see the file's comment). `eq` gives the means (zero without an intercept) and n.
 *
 * @example
 * ```ts
 * const eq = await normalEquations("LinearRegression", x, y, true);
 * const { w, rank } = await leastSquaresByQr(x, y, eq);
 * ```
 */
export async function leastSquaresByQr(
  x: DsArray<Block>,
  y: DsArray<Block>,
  eq: NormalEquations,
): Promise<{ w: Matrix; rank: number }> {
  const m = eq.xMean.length;
  const k = eq.yMean.length;
  const dense = (a: DsArray<Block>) => (a.sparse ? a.toDense() : a) as DsArray;
  const centre = (a: DsArray, mean: Float64Array) =>
    mean.some((v) => v !== 0) ? a.sub(rowLike(mean, a)) : a;
  const both = ds.concat([centre(dense(x), eq.xMean), centre(dense(y), eq.yMean)], 1);
  const r = await ds.tsqr(both, { mode: "r" }).r.collect();
  // R₁₁ (its first min(rows, m) rows: fewer when n < m) and R₁₂ beside it.
  const rows = Math.min(r.rows, m);
  const r11 = new Matrix(rows, m);
  const r12 = new Matrix(rows, k);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < m; j++) r11.data[i * m + j] = r.data[i * r.cols + j];
    for (let j = 0; j < k; j++) r12.data[i * k + j] = r.data[i * r.cols + m + j];
  }
  const backend = linalg();
  const { u, s, vt } = backend.svd(r11);
  const cut = Math.max(eq.n, m) * Number.EPSILON * (s[0] ?? 0);
  // w = V diag(1/s) Uᵀ R₁₂ over the kept singular values.
  const utb = backend.gemm(u, r12, { transA: true });
  let rank = 0;
  for (let i = 0; i < s.length; i++) {
    const keep = s[i] > cut;
    if (keep) rank++;
    for (let j = 0; j < k; j++) utb.data[i * k + j] = keep ? utb.data[i * k + j] / s[i] : 0;
  }
  return { w: backend.gemm(vt, utb, { transA: true }), rank };
}
