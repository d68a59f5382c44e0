import { LinalgError } from "../../../errors.ts";
import { Matrix } from "../../../matrix.ts";
import { qr } from "./qr.ts";
import { EPS, requireFinite } from "./util.ts";

/** Jacobi converges quadratically; after QR preconditioning even ill-conditioned input needs ~10 sweeps. */
const MAX_SWEEPS = 60;

/**
 * Thin singular value decomposition `A = U diag(s) Vᵀ`: Householder QR, then one-sided (Hestenes) Jacobi
 * on Rᵀ. Slower than Golub–Kahan but simple, robust and accurate to high relative precision. With `k = min(m, n)`: `u` is m x k
 * and `vt` is k x n, both with orthonormal columns/rows; `s` is descending and non-negative. Singular
 * vectors for (numerically) zero singular values are completed by Gram–Schmidt, so they stay orthonormal
 * but are otherwise arbitrary, as are the signs of all singular vector pairs. `a` is not modified.
 *
 * Empty input: m x 0 or 0 x n gives empty `s`, `u` m x 0 and `vt` 0 x n. NaN/Infinity in `a`: `LinalgError`.
 *
 * @throws LinalgError if `a` is not finite or Jacobi fails to converge within 60 sweeps.
 *
 * @example
 * ```ts
 * const { u, s, vt } = svd(Matrix.fromArray([[3, 0], [0, -4], [0, 0]]));
 * s; // Float64Array [4, 3]; u is 3x2, vt is 2x2
 * ```
 */
export function svd(a: Matrix): { u: Matrix; s: Float64Array; vt: Matrix } {
  requireFinite("svd", a);
  const m = a.rows;
  const n = a.cols;
  const tall = m >= n;
  const p = Math.min(m, n);
  if (p === 0) return { u: Matrix.zeros(m, 0), s: new Float64Array(0), vt: Matrix.zeros(0, n) };
  // Work on X = A (tall) or X = Aᵀ (wide), so X is max(m, n) x p. Preconditioning with X = Q R and
  // running Jacobi on Rᵀ instead of X cuts the sweep count sharply on ill-conditioned input (Drmač–Veselić)
  // and makes the Jacobi work p x p however tall X is.
  const x = tall ? a : transpose(a);
  const { q, r } = qr(x);
  // The p columns of Rᵀ are kept as the rows of w (= R) so dot products and rotations run over contiguous memory.
  const w = Float64Array.from(r.data);
  // Scaling into [-1, 1] keeps the squared norms below from overflowing or underflowing.
  let maxAbs = 0;
  for (let i = 0; i < w.length; i++) maxAbs = Math.max(maxAbs, Math.abs(w[i]));
  if (maxAbs > 0) for (let i = 0; i < w.length; i++) w[i] /= maxAbs;

  // Rows this small are rounding noise: rotating them cannot make them orthogonal to the big rows (each
  // rotation adds noise of their own size), so Jacobi skips them and they are replaced by completion below.
  let fro2 = 0;
  for (let i = 0; i < w.length; i++) fro2 += w[i] * w[i];
  const noise = p * EPS * Math.sqrt(fro2);
  // rot accumulates the rotations applied to the rows of w: Rᵀ rotᵀ = W' (orthogonal columns).
  const rot = new Float64Array(p * p);
  for (let i = 0; i < p; i++) rot[i * p + i] = 1;
  jacobi(w, rot, p, noise * noise);

  const norms = new Float64Array(p);
  for (let j = 0; j < p; j++) norms[j] = Math.sqrt(dot(w, j * p, w, j * p, p));
  const order = Array.from({ length: p }, (_, j) => j).sort((i, j) => norms[j] - norms[i]);
  const s = new Float64Array(p);
  for (let j = 0; j < p; j++) s[j] = norms[order[j]] * maxAbs;

  // Rows of `basis` are the normalised rows of w in descending order, except that noise-level rows carry
  // no direction information (and were left unorthogonalised), so they are replaced.
  const basis = new Float64Array(p * p);
  let kept = 0;
  while (kept < p && norms[order[kept]] > noise) {
    const src = order[kept];
    for (let i = 0; i < p; i++) basis[kept * p + i] = w[src * p + i] / norms[src];
    kept++;
  }
  completeRows(basis, kept, p);

  // With B the matrix whose rows are `basis`, Rᵀ = Bᵀ S rot (rows of rot reordered), so
  // X = Q R = (Q rotᵀ) S B. Column j of qrot = Q rotᵀ is Q · (row order[j] of rot); it is orthonormal
  // because Q's columns and rot's rows are.
  const qrot = Matrix.zeros(x.rows, p);
  const Q = q.data;
  for (let i = 0; i < x.rows; i++) {
    for (let t = 0; t < p; t++) {
      const qit = Q[i * p + t];
      if (qit === 0) continue;
      for (let j = 0; j < p; j++) qrot.data[i * p + j] += qit * rot[order[j] * p + t];
    }
  }
  const b = new Matrix(p, p, basis);
  // Tall: A = X = qrot S B. Wide: A = Xᵀ = Bᵀ S qrotᵀ.
  return tall ? { u: qrot, s, vt: b } : { u: transpose(b), s, vt: transpose(qrot) };
}

function transpose(a: Matrix): Matrix {
  const t = Matrix.zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j];
  return t;
}

/**
 * Cyclic one-sided Jacobi on the p rows (length p) of w, applying the same rotations to the rows of rot.
 * Pairs involving a row whose squared norm is at most `negligible` are skipped.
 */
function jacobi(w: Float64Array, rot: Float64Array, p: number, negligible: number): void {
  // Rotation threshold on the cosine of the angle between two rows. It must sit clearly above the rounding
  // noise of a length-p dot product, or tiny rotations would go on forever.
  const tol = Math.max(p, 16) * EPS;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let j = 0; j < p - 1; j++) {
      const oj = j * p;
      for (let k = j + 1; k < p; k++) {
        const ok = k * p;
        // Fused pass for ‖w_j‖², ‖w_k‖² and w_j·w_k: one read of each row instead of three.
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < p; i++) {
          const x = w[oj + i];
          const y = w[ok + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (alpha <= negligible || beta <= negligible) continue;
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        // Rotation that zeroes the (j, k) entry of the 2x2 Gram matrix [[alpha, gamma], [gamma, beta]];
        // t is the smaller root of t² + 2ζt - 1 = 0, i.e. |angle| <= π/4, which is what makes it converge.
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        rotateRows(w, oj, ok, p, c, sn);
        rotateRows(rot, oj, ok, p, c, sn);
      }
    }
    if (!rotated) return;
  }
  throw new LinalgError(`svd: one-sided Jacobi did not converge after ${MAX_SWEEPS} sweeps`);
}

function rotateRows(d: Float64Array, oj: number, ok: number, len: number, c: number, s: number): void {
  for (let i = 0; i < len; i++) {
    const x = d[oj + i];
    const y = d[ok + i];
    d[oj + i] = c * x - s * y;
    d[ok + i] = s * x + c * y;
  }
}

function dot(a: Float64Array, oa: number, b: Float64Array, ob: number, len: number): number {
  let sum = 0;
  for (let i = 0; i < len; i++) sum += a[oa + i] * b[ob + i];
  return sum;
}

/**
 * Fills rows from..p-1 of `basis` with unit vectors orthogonal to each other and to rows 0..from-1 (which
 * are orthonormal), by Gram–Schmidt on standard basis vectors. Each step takes the e_i least covered by
 * the rows so far (smallest Σ_r basis[r][i]²): its residual is then at least sqrt((p - j) / p), and
 * orthogonalising twice makes the result orthogonal to working precision.
 */
function completeRows(basis: Float64Array, from: number, p: number): void {
  const covered = new Float64Array(p);
  for (let r = 0; r < from; r++) for (let i = 0; i < p; i++) covered[i] += basis[r * p + i] ** 2;
  const cand = new Float64Array(p);
  for (let j = from; j < p; j++) {
    let idx = 0;
    for (let i = 1; i < p; i++) if (covered[i] < covered[idx]) idx = i;
    cand.fill(0);
    cand[idx] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let r = 0; r < j; r++) {
        const proj = dot(basis, r * p, cand, 0, p);
        for (let i = 0; i < p; i++) cand[i] -= proj * basis[r * p + i];
      }
    }
    const nrm = Math.sqrt(dot(cand, 0, cand, 0, p));
    for (let i = 0; i < p; i++) {
      basis[j * p + i] = cand[i] / nrm;
      covered[i] += basis[j * p + i] ** 2;
    }
  }
}
