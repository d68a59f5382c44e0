/**
 * Argument checks shared by both linear-algebra backends, so that the `js` and `openblas` backends reject
 * the same inputs with the same error type and message. Every message names the operation and the shapes.
 */
import { ArgumentError, LinalgError, ShapeError } from "../errors.ts";
import type { Matrix } from "../matrix.ts";

/**
 * `3x4`, the shape notation of every message.
 *
 * @example
 * ```ts
 * shapeOf(Matrix.zeros(3, 4)); // "3x4"
 * ```
 */
export function shapeOf(m: Matrix): string {
  return `${m.rows}x${m.cols}`;
}

/** Dimensions of `C = op(A) op(B)`: C is m x n, the inner dimension is k. */
export interface GemmDims {
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

/**
 * Checks the shapes of `gemm` (and of `c` when given) and returns its dimensions. Throws `ShapeError` on a
 * mismatch and `ArgumentError` when `c` shares memory with `a` or `b`.
 *
 * @example
 * ```ts
 * gemmDims(Matrix.zeros(2, 3), Matrix.zeros(4, 3), false, true); // { m: 2, n: 4, k: 3 }
 * ```
 */
export function gemmDims(a: Matrix, b: Matrix, transA: boolean, transB: boolean, c?: Matrix): GemmDims {
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows;
  const n = transB ? b.rows : b.cols;
  const detail = `a ${shapeOf(a)}, b ${shapeOf(b)}, transA=${transA}, transB=${transB}`;
  if (k !== kb) throw new ShapeError(`gemm: op(a) has ${k} columns but op(b) has ${kb} rows (${detail})`);
  if (c !== undefined) {
    if (c.rows !== m || c.cols !== n) {
      throw new ShapeError(`gemm: c is ${shapeOf(c)} but op(a) op(b) is ${m}x${n} (${detail})`);
    }
    if (overlaps(c.data, a.data) || overlaps(c.data, b.data)) {
      throw new ArgumentError("gemm: c must not share memory with a or b");
    }
  }
  return { m, n, k };
}

/**
 * Checks the output of `syrk` (n x n, not sharing memory with a) and returns n.
 *
 * @example
 * ```ts
 * syrkDims(Matrix.zeros(5, 3), true); // 3
 * ```
 */
export function syrkDims(a: Matrix, trans: boolean, c?: Matrix): number {
  const n = trans ? a.cols : a.rows;
  if (c !== undefined) {
    if (c.rows !== n || c.cols !== n) {
      throw new ShapeError(
        `syrk: c is ${shapeOf(c)} but the product is ${n}x${n} (a ${shapeOf(a)}, trans=${trans})`,
      );
    }
    if (overlaps(c.data, a.data)) throw new ArgumentError("syrk: c must not share memory with a");
  }
  return n;
}

/**
 * Checks the shapes of `gemv` and returns the lengths of x and y.
 *
 * @example
 * ```ts
 * gemvDims(Matrix.zeros(2, 3), new Float64Array(2), true); // { xLen: 2, yLen: 3 }
 * ```
 */
export function gemvDims(
  a: Matrix,
  x: Float64Array,
  trans: boolean,
  y?: Float64Array,
): { xLen: number; yLen: number } {
  const xLen = trans ? a.rows : a.cols;
  const yLen = trans ? a.cols : a.rows;
  const detail = `a ${shapeOf(a)}, trans=${trans}`;
  if (x.length !== xLen)
    throw new ShapeError(`gemv: x has ${x.length} values but op(a) has ${xLen} columns (${detail})`);
  if (y !== undefined) {
    if (y.length !== yLen)
      throw new ShapeError(`gemv: y has ${y.length} values but op(a) has ${yLen} rows (${detail})`);
    if (overlaps(y, a.data) || overlaps(y, x))
      throw new ArgumentError("gemv: y must not share memory with a or x");
  }
  return { xLen, yLen };
}

/**
 * Throws `ShapeError` unless `a` is square.
 *
 * @example
 * ```ts
 * requireSquare("cholesky", Matrix.zeros(2, 3)); // ShapeError: cholesky: a must be square but is 2x3
 * ```
 */
export function requireSquare(fn: string, a: Matrix): void {
  if (a.rows !== a.cols) throw new ShapeError(`${fn}: a must be square but is ${shapeOf(a)}`);
}

/**
 * Throws `ShapeError` unless the right-hand side `b` has as many rows as `a`.
 *
 * @example
 * ```ts
 * requireRhs("solve", Matrix.zeros(2, 2), Matrix.zeros(3, 1)); // ShapeError
 * ```
 */
export function requireRhs(fn: string, a: Matrix, b: Matrix): void {
  if (b.rows !== a.rows) {
    throw new ShapeError(`${fn}: a is ${shapeOf(a)} but b has ${b.rows} rows (b is ${shapeOf(b)})`);
  }
}

/**
 * Throws `LinalgError` at the first NaN or infinite entry of `a` (same message as the js LAPACK kernels).
 *
 * @example
 * ```ts
 * requireFinite("svd", Matrix.fromArray([[1, NaN]])); // LinalgError: svd: a contains NaN at (0, 1)
 * ```
 */
export function requireFinite(fn: string, a: Matrix): void {
  const d = a.data;
  for (let idx = 0; idx < d.length; idx++) {
    if (!Number.isFinite(d[idx])) {
      const i = Math.floor(idx / a.cols);
      throw new LinalgError(`${fn}: a contains ${d[idx]} at (${i}, ${idx - i * a.cols})`);
    }
  }
}

/**
 * True when two typed arrays share at least one byte of memory.
 *
 * @example
 * ```ts
 * const x = new Float64Array(4);
 * overlaps(x.subarray(0, 2), x.subarray(1, 3)); // true
 * ```
 */
export function overlaps(x: Float64Array, y: Float64Array): boolean {
  if (x.buffer !== y.buffer || x.length === 0 || y.length === 0) return false;
  return x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength;
}

/**
 * `C *= beta` over the whole array; beta = 0 overwrites (NaN/Infinity in C are not propagated, as in BLAS).
 *
 * @example
 * ```ts
 * scaleInPlace(y, 0); // y is now all zeros, even where it held NaN
 * ```
 */
export function scaleInPlace(c: Float64Array, beta: number): void {
  if (beta === 1) return;
  if (beta === 0) c.fill(0);
  else for (let i = 0; i < c.length; i++) c[i] *= beta;
}
