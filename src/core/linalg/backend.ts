/**
 * The linear-algebra backend contract. Two implementations exist: `openblas` (the native OpenBLAS/LAPACKE
 * addon, see `nativeBackend.ts`) and `js` (pure TypeScript, see `jsBackend.ts`); `linalg()` in
 * `selectBackend.ts` picks one. Every method takes and returns row-major `Matrix` blocks, never modifies its
 * inputs (except `c`/`y` when given as outputs) and throws `ShapeError` for mismatched shapes and
 * `LinalgError` when a factorisation cannot complete.
 */
import type { Matrix } from "../matrix.ts";

export interface LinalgBackend {
  readonly name: "openblas" | "js";
  blasThreads(): number;
  setBlasThreads(n: number): void;
  /** C = alpha*op(A)*op(B) + beta*C (C given) ; returns C (a new Matrix when c is omitted). */
  gemm(
    a: Matrix,
    b: Matrix,
    opts?: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number; c?: Matrix },
  ): Matrix;
  gemv(
    a: Matrix,
    x: Float64Array,
    opts?: { trans?: boolean; alpha?: number; beta?: number; y?: Float64Array },
  ): Float64Array;
  /**
   * trans=false: alpha*A*A^T + beta*C (n x n), trans=true: alpha*A^T*A + beta*C; the full symmetric matrix
   * returned (C itself when given; it must be symmetric, only its upper triangle is read).
   */
  syrk(a: Matrix, opts?: { trans?: boolean; alpha?: number; beta?: number; c?: Matrix }): Matrix;
  cholesky(a: Matrix): Matrix; // lower L with A = L L^T, upper part zero; LinalgError if not PD
  solve(a: Matrix, b: Matrix): Matrix; // general square, LU with partial pivoting (gesv); LinalgError if singular
  solveSpd(a: Matrix, b: Matrix): Matrix; // symmetric positive definite (posv)
  qr(a: Matrix): { q: Matrix; r: Matrix }; // reduced: q m x k, r k x n, k = min(m, n)
  symEig(a: Matrix): { values: Float64Array; vectors: Matrix }; // ascending values, eigenvectors as columns (syevd)
  svd(a: Matrix): { u: Matrix; s: Float64Array; vt: Matrix }; // thin, s descending (gesdd)
}

/** Options of `LinalgBackend.gemm`. */
export type GemmOptions = NonNullable<Parameters<LinalgBackend["gemm"]>[2]>;
/** Options of `LinalgBackend.gemv`. */
export type GemvOptions = NonNullable<Parameters<LinalgBackend["gemv"]>[2]>;
/** Options of `LinalgBackend.syrk`. */
export type SyrkOptions = NonNullable<Parameters<LinalgBackend["syrk"]>[1]>;
