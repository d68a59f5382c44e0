import { Matrix } from "../../../matrix.ts";
import { requireFinite } from "./util.ts";

/**
 * Reduced QR factorisation by Householder reflections (LAPACK `dgeqrf` + `dorgqr`): `A = Q R` with
 * `k = min(m, n)`, `q` m x k with orthonormal columns and `r` k x n upper triangular (upper trapezoidal
 * when m < n). The diagonal of `r` may be negative; a column that is already zero below the diagonal gets
 * no reflection, so `qr` of an upper-triangular matrix returns `q = I`. `a` is not modified.
 *
 * Empty input: m x 0 or 0 x n gives `q` m x 0 and `r` 0 x n. NaN/Infinity in `a`: `LinalgError`.
 *
 * @example
 * ```ts
 * const { q, r } = qr(Matrix.fromArray([[3, 1], [4, 2]]));
 * r.toArray(); // [[-5, -2.2], [0, 0.4]] (up to rounding)
 * ```
 */
export function qr(a: Matrix): { q: Matrix; r: Matrix } {
  requireFinite("qr", a);
  const m = a.rows;
  const n = a.cols;
  const k = Math.min(m, n);
  // w holds R on and above the diagonal and the reflector tails v (with implicit v_j = 1) below it.
  const w = Float64Array.from(a.data);
  const tau = new Float64Array(k);
  const tmp = new Float64Array(n);

  for (let j = 0; j < k; j++) {
    const rj = j * n;
    const x0 = w[rj + j];
    const tailNorm = scaledNorm(w, (j + 1) * n + j, n, m - j - 1);
    if (tailNorm === 0) continue; // already upper triangular in this column: H = I (tau = 0)
    // The new diagonal takes the sign opposite to x0 so that x0 - beta never cancels (dlarfg).
    const norm = Math.hypot(x0, tailNorm);
    const beta = x0 >= 0 ? -norm : norm;
    const v0 = x0 - beta;
    for (let i = j + 1; i < m; i++) w[i * n + j] /= v0;
    tau[j] = (beta - x0) / beta;
    w[rj + j] = beta;
    applyReflector(w, n, j, w, n, m, j, j + 1, n, tau[j], tmp);
  }

  const r = Matrix.zeros(k, n);
  for (let i = 0; i < k; i++) r.data.set(w.subarray(i * n + i, (i + 1) * n), i * n + i);

  // Q = H_0 ... H_{k-1} I[:, :k], applied right to left: H_j leaves rows and columns before j untouched
  // at that point, so each step only works on the trailing block.
  const q = Matrix.zeros(m, k);
  const Q = q.data;
  for (let i = 0; i < k; i++) Q[i * k + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    if (tau[j] !== 0) applyReflector(w, n, j, Q, k, m, j, j, k, tau[j], tmp);
  }
  return { q, r };
}

/**
 * Applies H = I - tau v vᵀ, whose v lives in column `vcol` of `v` (row stride `vn`; v_j = 1 implicit, tail in
 * rows j+1..m-1), to columns [c0, c1) of `t` (row stride `tn`), rows j..m-1. Row-wise so every inner loop is contiguous:
 * first tmp = tau · vᵀ T, then T -= v tmp.
 */
function applyReflector(
  v: Float64Array,
  vn: number,
  vcol: number,
  t: Float64Array,
  tn: number,
  m: number,
  j: number,
  c0: number,
  c1: number,
  tau: number,
  tmp: Float64Array,
): void {
  for (let c = c0; c < c1; c++) tmp[c] = t[j * tn + c];
  for (let i = j + 1; i < m; i++) {
    const vi = v[i * vn + vcol];
    if (vi === 0) continue;
    for (let c = c0; c < c1; c++) tmp[c] += vi * t[i * tn + c];
  }
  for (let c = c0; c < c1; c++) {
    tmp[c] *= tau;
    t[j * tn + c] -= tmp[c];
  }
  for (let i = j + 1; i < m; i++) {
    const vi = v[i * vn + vcol];
    if (vi === 0) continue;
    for (let c = c0; c < c1; c++) t[i * tn + c] -= vi * tmp[c];
  }
}

/** 2-norm of `len` values at stride `stride`, scaled by the largest one so that squares cannot overflow. */
function scaledNorm(d: Float64Array, start: number, stride: number, len: number): number {
  let scale = 0;
  for (let i = 0; i < len; i++) scale = Math.max(scale, Math.abs(d[start + i * stride]));
  if (scale === 0) return 0;
  let ss = 0;
  for (let i = 0; i < len; i++) {
    const x = d[start + i * stride] / scale;
    ss += x * x;
  }
  return scale * Math.sqrt(ss);
}
