/**
 * Kernels of the one-sided block Jacobi SVD (ds.svd, dislib's algorithm): the Gram matrix of a pair of
 * column blocks over one row block, the orthogonal rotation that makes the pair's columns orthogonal, and
 * the rotation applied to a row block of the pair. A "pair" may be a single column block (an array with
 * one column block); inputs list its blocks left to right.
 */
import { linalg } from "../../linalg/selectBackend.ts";
import { Matrix } from "../../matrix.ts";
import { addAll } from "../block/addAll.ts";
import type { Kernel } from "../registry.ts";

/** Rows [r0, r0 + rows) and columns [c0, c0 + cols) of `m`, copied. */
function part(m: Matrix, r0: number, rows: number, c0: number, cols: number): Matrix {
  const p = Matrix.zeros(rows, cols);
  for (let i = 0; i < rows; i++) {
    p.data.set(m.data.subarray((r0 + i) * m.cols + c0, (r0 + i) * m.cols + c0 + cols), i * cols);
  }
  return p;
}

/**
 * [row block of each column block of the pair] to its Gram matrix [A_i A_j]ᵀ[A_i A_j], block by block
 * (A_iᵀA_i, A_iᵀA_j, A_jᵀA_j), so that the row blocks are never copied side by side.
 */
export const jacobiGram: Kernel<"linalg.jacobi.gram"> = (parts, _attrs, out) => {
  const backend = linalg();
  if (parts.length === 1) return [backend.syrk(parts[0], { trans: true })];
  const [ai, aj] = parts;
  const wi = ai.cols;
  const n = wi + aj.cols;
  const g = out.take(0, n, n);
  const put = (m: Matrix, r0: number, c0: number, transpose: boolean): void => {
    for (let r = 0; r < m.rows; r++) {
      for (let c = 0; c < m.cols; c++) {
        const v = m.data[r * m.cols + c];
        if (transpose) g.data[(r0 + c) * n + c0 + r] = v;
        else g.data[(r0 + r) * n + c0 + c] = v;
      }
    }
  };
  const gij = backend.gemm(ai, aj, { transA: true });
  put(backend.syrk(ai, { trans: true }), 0, 0, false);
  put(gij, 0, wi, false);
  put(gij, wi, 0, true);
  put(backend.syrk(aj, { trans: true }), wi, wi, false);
  return [g];
};

/**
 * The largest |g_pq| / sqrt(g_pp g_qq) over p < q: how far the columns are from orthogonal. Columns whose
 * squared norm is at most `floor` are numerically zero (rounding noise of the rotations, whose direction
 * means nothing) and are left out.
 */
export function offDiagonal(g: Matrix, floor: number): number {
  const n = g.rows;
  const d = g.data;
  let worst = 0;
  for (let p = 0; p < n; p++) {
    if (!(d[p * n + p] > floor)) continue;
    for (let q = p + 1; q < n; q++) {
      if (!(d[q * n + q] > floor)) continue;
      worst = Math.max(worst, Math.abs(d[p * n + q]) / Math.sqrt(d[p * n + p] * d[q * n + q]));
    }
  }
  return worst;
}

/** The largest |g_pq| (p < q) over the largest g_pp: the off-diagonal mass in absolute terms. */
function absoluteOff(g: Matrix): number {
  const n = g.rows;
  let big = 0;
  let diag = 0;
  for (let p = 0; p < n; p++) {
    diag = Math.max(diag, g.data[p * n + p]);
    for (let q = p + 1; q < n; q++) big = Math.max(big, Math.abs(g.data[p * n + q]));
  }
  return diag > 0 ? big / diag : 0;
}

/**
 * Above this absolute off-diagonal mass the rotation comes from LAPACK's eigensolver, which leaves
 * off-diagonal entries of ~eps · max g_pp in one step. Below it, the cosines still above `tol` belong to
 * columns too small for that absolute accuracy (an ill-conditioned pair), or are nearly converged: the scalar
 * Jacobi solver, slower (TypeScript) but accurate relative to each entry, takes over.
 */
const LAPACK_ABOVE = 1e-8;
const INNER_SWEEPS_MAX = 40;

/**
 * Cyclic two-sided Jacobi on the symmetric positive semi-definite `g` (modified in place), accumulating the
 * rotations in `j`: each 2x2 rotation is computed from the entries themselves (Rutishauser's formulas), so a
 * small entry next to a large one is removed to its own relative accuracy. That is what lets the outer sweeps
 * drive the cosines between columns below `tol` even for a condition number of 1e10, which an eigensolver's
 * absolute accuracy (eps · |g|) cannot.
 */
function jacobiEig(g: Matrix, j: Matrix, tol: number, floor: number): void {
  const n = g.rows;
  const a = g.data;
  const v = j.data;
  for (let sweep = 0; sweep < INNER_SWEEPS_MAX; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        if (!(app > floor && aqq > floor) || Math.abs(apq) <= tol * Math.sqrt(app * aqq)) continue;
        rotated = true;
        const zeta = (aqq - app) / (2 * apq);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
    if (!rotated) return;
  }
}

/**
 * [partial Gram matrices of the pair, summed here] to [J (orthogonal), off (1 x 1)]: off is the pair's largest cosine between two columns;
 * J is the identity when off <= tol (the pair is done, and multiplying by I is exact), the eigenvectors of
 * the Gram matrix in descending order of eigenvalue while its off-diagonal entries are large next to its
 * diagonal, and the rotations of a Jacobi eigensolver on the Gram matrix otherwise.
 */
export const jacobiRotation: Kernel<"linalg.jacobi.rotation"> = (partials, { tol, floor }) => {
  const g = addAll(partials);
  const n = g.rows;
  const off = offDiagonal(g, floor);
  const flag = Matrix.zeros(1, 1);
  flag.data[0] = off;
  const j = Matrix.zeros(n, n);
  if (off <= tol) {
    for (let i = 0; i < n; i++) j.data[i * n + i] = 1;
    return [j, flag];
  }
  if (absoluteOff(g) > LAPACK_ABOVE) {
    const { vectors } = linalg().symEig(g);
    // Ascending eigenvalues: reversed, so the columns come out by decreasing norm.
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) j.data[r * n + c] = vectors.data[r * n + (n - 1 - c)];
    }
    return [j, flag];
  }
  for (let i = 0; i < n; i++) j.data[i * n + i] = 1;
  jacobiEig(g, j, tol / 4, floor); // g is the kernel's own sum, free to overwrite
  return [j, flag];
};

/**
 * [row block of each column block of the pair, J] to the same row blocks of [A_i A_j] · J, computed as
 * A_i J₁₁ + A_j J₂₁ and A_i J₁₂ + A_j J₂₂ straight into the output blocks.
 */
export const jacobiRotate: Kernel<"linalg.jacobi.rotate"> = (inputs, _attrs, out) => {
  const backend = linalg();
  const j = inputs[inputs.length - 1];
  if (inputs.length === 2) {
    const c = out.take(0, inputs[0].rows, j.cols);
    backend.gemm(inputs[0], j, { c, beta: 0 });
    return [c];
  }
  const [ai, aj] = inputs;
  const wi = ai.cols;
  const wj = aj.cols;
  const results = [
    [0, wi],
    [wi, wj],
  ].map(([c0, cols], k) => {
    const c = out.take(k, ai.rows, cols);
    backend.gemm(ai, part(j, 0, wi, c0, cols), { c, beta: 0 });
    backend.gemm(aj, part(j, wi, wj, c0, cols), { c, beta: 1 });
    return c;
  });
  return results;
};

/** [block] to 1 x cols: each column's entry of largest magnitude, with its sign (the first one on ties). */
export const maxAbsEntries: Kernel<"linalg.maxAbsEntries"> = ([b]) => {
  const out = Matrix.zeros(1, b.cols);
  for (let c = 0; c < b.cols; c++) {
    let best = 0;
    for (let r = 0; r < b.rows; r++) {
      const v = b.data[r * b.cols + c];
      if (Math.abs(v) > Math.abs(best)) best = v;
    }
    out.data[c] = best;
  }
  return [out];
};
