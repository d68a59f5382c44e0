/**
 * Kernels of the tiled factorisations (ds.cholesky, ds.solve): per tile a Cholesky factor (potrf), a
 * triangular solve (trsm), a rank-b update (syrk/gemm), and a block back-substitution. Each works on whole
 * tiles with the BLAS backend, so the arithmetic is LAPACK's and the task graph is the algorithm.
 */
import { LinalgError } from "../../errors.ts";
import { linalg } from "../../linalg/selectBackend.ts";
import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";

function transposed(m: Matrix): Matrix {
  const t = Matrix.zeros(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) t.data[j * m.rows + i] = m.data[i * m.cols + j];
  }
  return t;
}

/** The lower triangle of `a` (diagonal included) mirrored into a full symmetric matrix. */
function lowerSymmetric(a: Matrix): Matrix {
  const n = a.rows;
  const s = Matrix.zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = a.data[i * n + j];
      s.data[i * n + j] = v;
      s.data[j * n + i] = v;
    }
  }
  return s;
}

/**
 * [diagonal tile] to [L], its lower Cholesky factor, reading only the lower triangle; a tile that is not
 * positive definite (the leading minor of global order `offset` + p + 1 is not positive) is a LinalgError.
 */
export const tilePotrf: Kernel<"linalg.tile.potrf"> = ([a], { offset }) => {
  try {
    return [linalg().cholesky(lowerSymmetric(a))];
  } catch (e) {
    if (!(e instanceof LinalgError)) throw e;
    throw new LinalgError(
      `ds.cholesky: a is not positive definite (the factorisation broke down in rows ${offset}..${offset + a.rows - 1})`,
      { cause: e },
    );
  }
};

/** [A_ik, L_kk] to X with X · L_kkᵀ = A_ik (the trsm of a right-looking Cholesky). */
export const tileTrsm: Kernel<"linalg.tile.trsm"> = ([a, l]) => [
  transposed(linalg().solve(l, transposed(a))),
];

/** [C, A, B] to C - A · Bᵀ (syrk when A is B, gemm otherwise). */
export const tileUpdate: Kernel<"linalg.tile.update"> = ([c, a, b], _attrs, out) => {
  const r = out.take(0, c.rows, c.cols);
  r.data.set(c.data);
  linalg().gemm(a, b, { transB: true, alpha: -1, beta: 1, c: r });
  return [r];
};

/** [square tiles] to 1 x 1: the largest |diagonal entry| of any of them. */
export const tileDiagMax: Kernel<"linalg.tile.diagMax"> = (tiles) => {
  let best = 0;
  for (const t of tiles)
    for (let i = 0; i < t.rows; i++) best = Math.max(best, Math.abs(t.data[i * t.cols + i]));
  const out = Matrix.zeros(1, 1);
  out.data[0] = best;
  return [out];
};

/**
 * [R_ii (upper triangular), Y_i, scale (1 x 1), R_i,j, X_j, R_i,j+1, X_j+1, ...] to
 * X_i = R_ii⁻¹ (Y_i - Σ R_ij X_j): one tile row of a block back-substitution. A diagonal entry of R_ii no
 * larger than `n` · eps · scale (the largest diagonal entry of all of R) means a is singular to working
 * precision: LinalgError.
 */
export const tileBackSolve: Kernel<"linalg.tile.backSolve"> = (inputs, { n, offset, op }) => {
  const [r, y, scale] = inputs;
  const tol = n * Number.EPSILON * scale.data[0];
  for (let p = 0; p < r.rows; p++) {
    const d = Math.abs(r.data[p * r.cols + p]);
    if (!(d > tol)) {
      throw new LinalgError(
        `${op}: a is singular to working precision (|R[${offset + p}, ${offset + p}]| = ${d} <= ${tol} in its QR factorisation)`,
      );
    }
  }
  const rhs = Matrix.zeros(y.rows, y.cols);
  rhs.data.set(y.data);
  for (let k = 3; k < inputs.length; k += 2) {
    linalg().gemm(inputs[k], inputs[k + 1], { alpha: -1, beta: 1, c: rhs });
  }
  // Back-substitution in place (the tile is upper triangular and checked above).
  const m = r.rows;
  const cols = rhs.cols;
  const x = rhs.data;
  for (let p = m - 1; p >= 0; p--) {
    const row = p * m;
    for (let q = p + 1; q < m; q++) {
      const v = r.data[row + q];
      if (v === 0) continue;
      for (let c = 0; c < cols; c++) x[p * cols + c] -= v * x[q * cols + c];
    }
    const d = r.data[row + p];
    for (let c = 0; c < cols; c++) x[p * cols + c] /= d;
  }
  return [rhs];
};
