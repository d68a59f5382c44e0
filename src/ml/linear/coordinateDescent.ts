/**
 * Cyclic coordinate descent for the elastic net on the Gram form, as scikit-learn's
 * `enet_coordinate_descent_gram` (`sklearn/linear_model/_cd_fast.pyx`, the solver its ElasticNet and Lasso
 * use with `precompute=True`). It minimises
 *
 *     (1/2) wᵀ Q w - qᵀ w + l1 ||w||₁ + (l2/2) ||w||²,   Q = xᵀx, q = xᵀy,
 *
 * which is (1/2) ||y - x w||² + l1 ||w||₁ + (l2/2) ||w||² up to the constant (1/2) ||y||². It keeps
 * H = Q w up to date (one axpy of a row of Q per changed coordinate), so an epoch costs O(m²) whatever the
 * number of rows. Stopping rule, as scikit-learn's: after an epoch whose largest coordinate change is
 * below tol times the largest coefficient (or when all are zero, or at the last epoch), compute the
 * duality gap; stop when it is below tol · ||y||².
 */
import type { Matrix } from "../../core/matrix.ts";

/** What one coordinate-descent run returns. */
export interface CoordinateDescentResult {
  /** The coefficients (m). */
  w: Float64Array;
  /** The last duality gap computed (of the unscaled objective above). */
  gap: number;
  /** The tolerance the gap was held to: tol · ||y||². */
  tolGap: number;
  /** Epochs run. */
  nIter: number;
  /** Whether the gap fell below tolGap. */
  converged: boolean;
}

/** The penalties and the stopping rule of a run. */
export interface CoordinateDescentOptions {
  l1: number;
  l2: number;
  maxIter: number;
  tol: number;
  positive: boolean;
}

/**
 * Runs coordinate descent from w = 0 for the Gram matrix `gram` (m x m), `q` = xᵀy (m) and
 * `yNorm2` = ||y||².
 *
 * @example
 * ```ts
 * const r = coordinateDescentGram(Matrix.fromArray([[2]]), Float64Array.of(4), 8,
 *   { l1: 1, l2: 0, maxIter: 100, tol: 1e-4, positive: false });
 * r.w; // Float64Array [1.5]: (4 - 1) / 2
 * ```
 */
export function coordinateDescentGram(
  gram: Matrix,
  q: Float64Array,
  yNorm2: number,
  { l1, l2, maxIter, tol, positive }: CoordinateDescentOptions,
): CoordinateDescentResult {
  const m = gram.rows;
  const Q = gram.data;
  const w = new Float64Array(m);
  const H = new Float64Array(m); // Q w
  const tolGap = tol * yNorm2;
  let gap = tolGap + 1;
  let nIter = 0;
  let converged = false;
  for (let iter = 0; iter < maxIter; iter++) {
    nIter = iter + 1;
    let wMax = 0;
    let dwMax = 0;
    for (let ii = 0; ii < m; ii++) {
      const qii = Q[ii * m + ii];
      if (qii === 0) continue;
      const wOld = w[ii];
      const row = ii * m;
      if (wOld !== 0) for (let t = 0; t < m; t++) H[t] -= wOld * Q[row + t];
      const tmp = q[ii] - H[ii];
      w[ii] = positive && tmp < 0 ? 0 : (Math.sign(tmp) * Math.max(Math.abs(tmp) - l1, 0)) / (qii + l2);
      const wNew = w[ii];
      if (wNew !== 0) for (let t = 0; t < m; t++) H[t] += wNew * Q[row + t];
      dwMax = Math.max(dwMax, Math.abs(wNew - wOld));
      wMax = Math.max(wMax, Math.abs(wNew));
    }
    if (wMax === 0 || dwMax / wMax < tol || iter === maxIter - 1) {
      gap = dualityGap(w, H, q, yNorm2, l1, l2, positive);
      if (gap < tolGap) {
        converged = true;
        break;
      }
    }
  }
  return { w, gap, tolGap, nIter, converged };
}

/**
 * scikit-learn's duality gap on the Gram form: the residual's squared norm from ||y||² + wᵀQw - 2 qᵀw, the
 * dual point x ᵀ(y - xw) scaled into the dual ball (radius l1), and the primal minus the dual objective.
 */
function dualityGap(
  w: Float64Array,
  H: Float64Array,
  q: Float64Array,
  yNorm2: number,
  l1: number,
  l2: number,
  positive: boolean,
): number {
  const m = w.length;
  let qDotW = 0;
  let wH = 0;
  let wNorm2 = 0;
  let l1Norm = 0;
  let dualNorm = positive ? -Infinity : 0;
  for (let i = 0; i < m; i++) {
    qDotW += w[i] * q[i];
    wH += w[i] * H[i];
    wNorm2 += w[i] * w[i];
    l1Norm += Math.abs(w[i]);
    const xta = q[i] - H[i] - l2 * w[i];
    dualNorm = Math.max(dualNorm, positive ? xta : Math.abs(xta));
  }
  const rNorm2 = yNorm2 + wH - 2 * qDotW;
  let gap: number;
  let scale: number;
  if (dualNorm > l1) {
    scale = l1 / dualNorm;
    gap = 0.5 * (rNorm2 + rNorm2 * scale * scale);
  } else {
    scale = 1;
    gap = rNorm2;
  }
  return gap + l1 * l1Norm - scale * yNorm2 + scale * qDotW + 0.5 * l2 * (1 + scale * scale) * wNorm2;
}
