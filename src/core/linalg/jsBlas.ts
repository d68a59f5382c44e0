/**
 * Level-2/3 BLAS in pure TypeScript on `Matrix` blocks: gemm, gemv, syrk. The heavy lifting is in
 * `jsGemm.ts`; this file maps matrices and options onto it.
 */
import { Matrix } from "../matrix.ts";
import type { GemmOptions, GemvOptions, SyrkOptions } from "./backend.ts";
import { gemmDims, gemvDims, scaleInPlace, syrkDims } from "./checks.ts";
import { gemmStrided, strided } from "./jsGemm.ts";
import type { Strided } from "./jsGemm.ts";

/** Operand view of op(A) for a row-major matrix: transposing just swaps the strides. */
function opView(a: Matrix, trans: boolean): Strided {
  return trans ? strided(a.data, 0, 1, a.cols) : strided(a.data, 0, a.cols, 1);
}

/**
 * `C = alpha * op(A) * op(B) + beta * C`. When `c` is omitted a new matrix is returned (beta is then
 * irrelevant); when given, it is written in place and returned. Defaults: no transposes, alpha 1, beta 0.
 *
 * @example
 * ```ts
 * const c = jsGemm(a, b, { transB: true }); // a * b^T
 * ```
 */
export function jsGemm(a: Matrix, b: Matrix, opts: GemmOptions = {}): Matrix {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const { m, n, k } = gemmDims(a, b, transA, transB, opts.c);
  const c = opts.c ?? Matrix.zeros(m, n);
  const beta = opts.c === undefined ? 0 : (opts.beta ?? 0);
  gemmStrided(m, n, k, opts.alpha ?? 1, opView(a, transA), opView(b, transB), beta, c.data, 0, n);
  return c;
}

/**
 * `y = alpha * op(A) * x + beta * y`; a new vector when `y` is omitted. Defaults: no transpose, alpha 1, beta 0.
 *
 * @example
 * ```ts
 * const y = jsGemv(a, x, { trans: true }); // a^T x
 * ```
 */
export function jsGemv(a: Matrix, x: Float64Array, opts: GemvOptions = {}): Float64Array {
  const trans = opts.trans ?? false;
  const { yLen } = gemvDims(a, x, trans, opts.y);
  const y = opts.y ?? new Float64Array(yLen);
  const alpha = opts.alpha ?? 1;
  scaleInPlace(y, opts.y === undefined ? 0 : (opts.beta ?? 0));
  if (alpha === 0) return y;
  const A = a.data;
  const n = a.cols;
  if (!trans) {
    // One dot product per row, unrolled by 4 (four independent partial sums).
    for (let i = 0; i < a.rows; i++) {
      const r = i * n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // prettier-ignore
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        s0 += A[r + j] * x[j];
        s1 += A[r + j + 1] * x[j + 1];
        s2 += A[r + j + 2] * x[j + 2];
        s3 += A[r + j + 3] * x[j + 3];
      }
      for (; j < n; j++) s0 += A[r + j] * x[j];
      y[i] += alpha * (s0 + s1 + s2 + s3);
    }
  } else {
    // y += (alpha * x_i) * row_i: contiguous axpy over each row of A.
    for (let i = 0; i < a.rows; i++) {
      const f = alpha * x[i];
      const r = i * n;
      for (let j = 0; j < n; j++) y[j] += f * A[r + j];
    }
  }
  return y;
}

/** Output tile edge of syrk: only tiles on or above the diagonal are computed. */
const SYRK_TILE = 256;

/**
 * `alpha * A * A^T` (trans = false; A is n x k) or `alpha * A^T * A` (trans = true; A is k x n), plus
 * `beta * C` when C is given (symmetric; its upper triangle is read), as a full symmetric n x n matrix. Computes the upper-triangular tiles with the gemm kernel, then mirrors them, so
 * the result is exactly symmetric and costs about half of a gemm.
 *
 * @example
 * ```ts
 * const gram = jsSyrk(x, { trans: true }); // x^T x
 * ```
 */
export function jsSyrk(a: Matrix, opts: SyrkOptions = {}): Matrix {
  const trans = opts.trans ?? false;
  const alpha = opts.alpha ?? 1;
  const n = syrkDims(a, trans, opts.c);
  const k = trans ? a.rows : a.cols;
  const c = opts.c ?? Matrix.zeros(n, n);
  const beta = opts.c === undefined ? 0 : (opts.beta ?? 0);
  const C = c.data;
  // op(A)(i, p) and op(A)^T(p, j) read the same storage with swapped strides.
  const [rs, cs] = trans ? [1, a.cols] : [a.cols, 1];
  for (let i0 = 0; i0 < n; i0 += SYRK_TILE) {
    const mi = Math.min(SYRK_TILE, n - i0);
    for (let j0 = i0; j0 < n; j0 += SYRK_TILE) {
      const nj = Math.min(SYRK_TILE, n - j0);
      const left = strided(a.data, i0 * rs, rs, cs);
      const right = strided(a.data, j0 * rs, cs, rs);
      gemmStrided(mi, nj, k, alpha, left, right, beta, C, i0 * n + j0, n);
    }
  }
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) C[i * n + j] = C[j * n + i];
  return c;
}
