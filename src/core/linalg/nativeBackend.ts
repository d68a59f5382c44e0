/**
 * The `openblas` backend: thin wrappers that check shapes (same checks and messages as the js backend),
 * copy inputs that LAPACK would overwrite, call the native addon and turn LAPACK's `info` into `LinalgError`.
 */
import { LinalgError } from "../errors.ts";
import { Matrix } from "../matrix.ts";
import type { GemmOptions, GemvOptions, LinalgBackend, SyrkOptions } from "./backend.ts";
import { requireThreadCount } from "./blasThreads.ts";
import { gemmDims, gemvDims, requireFinite, requireRhs, requireSquare, syrkDims } from "./checks.ts";
import type { NativeAddon } from "./nativeAddon.ts";

const EPS = 2 ** -52;
/** LAPACKE's return value when it cannot allocate its work arrays. */
const LAPACK_WORK_MEMORY_ERROR = -1010;

/** Leading dimension of a row-major matrix as BLAS wants it (at least 1, even with 0 columns). */
function ld(cols: number): number {
  return Math.max(1, cols);
}

/** Throws for a failed LAPACK call; `positive` explains info > 0 (whose meaning depends on the routine). */
function checkInfo(fn: string, routine: string, info: number, positive: (info: number) => string): void {
  if (info === 0) return;
  if (info > 0) throw new LinalgError(`${fn}: ${positive(info)}`);
  if (info === LAPACK_WORK_MEMORY_ERROR) throw new LinalgError(`${fn}: LAPACK ${routine} ran out of memory`);
  throw new LinalgError(`${fn}: LAPACK ${routine} rejected argument ${-info}`);
}

function notPositiveDefinite(info: number): string {
  return `matrix is not positive definite (pivot ${info - 1}; leading ${info}x${info} minor is not positive)`;
}

function copyOf(a: Matrix): Matrix {
  const out = Matrix.zeros(a.rows, a.cols);
  out.data.set(a.data);
  return out;
}

/**
 * Creates the OpenBLAS/LAPACKE backend over a loaded addon (see `nativeLinalg()` for the usual way in).
 *
 * @example
 * ```ts
 * const addon = loadNativeAddon();
 * if (addon !== undefined) createNativeBackend(addon).cholesky(spd);
 * ```
 */
export function createNativeBackend(addon: NativeAddon): LinalgBackend {
  return {
    name: "openblas",
    blasThreads: () => addon.getThreads(),
    setBlasThreads(n: number): void {
      requireThreadCount(n);
      addon.setThreads(n);
    },

    gemm(a: Matrix, b: Matrix, opts: GemmOptions = {}): Matrix {
      const transA = opts.transA ?? false;
      const transB = opts.transB ?? false;
      const { m, n, k } = gemmDims(a, b, transA, transB, opts.c);
      const c = opts.c ?? Matrix.zeros(m, n);
      const beta = opts.c === undefined ? 0 : (opts.beta ?? 0);
      const alpha = opts.alpha ?? 1;
      addon.gemm(transA, transB, m, n, k, alpha, a.data, ld(a.cols), b.data, ld(b.cols), beta, c.data, ld(n));
      return c;
    },

    gemv(a: Matrix, x: Float64Array, opts: GemvOptions = {}): Float64Array {
      const trans = opts.trans ?? false;
      const { yLen } = gemvDims(a, x, trans, opts.y);
      const y = opts.y ?? new Float64Array(yLen);
      const beta = opts.y === undefined ? 0 : (opts.beta ?? 0);
      addon.gemv(trans, a.rows, a.cols, opts.alpha ?? 1, a.data, ld(a.cols), x, beta, y);
      return y;
    },

    syrk(a: Matrix, opts: SyrkOptions = {}): Matrix {
      const trans = opts.trans ?? false;
      const n = syrkDims(a, trans, opts.c);
      const k = trans ? a.rows : a.cols;
      const c = opts.c ?? Matrix.zeros(n, n);
      const beta = opts.c === undefined ? 0 : (opts.beta ?? 0);
      addon.syrk(trans, n, k, opts.alpha ?? 1, a.data, ld(a.cols), beta, c.data, ld(n));
      return c;
    },

    cholesky(a: Matrix): Matrix {
      requireSquare("cholesky", a);
      requireFinite("cholesky", a);
      const n = a.rows;
      const l = copyOf(a);
      checkInfo("cholesky", "dpotrf", addon.potrf(n, l.data, ld(n)), notPositiveDefinite);
      for (let i = 0; i < n; i++) l.data.fill(0, i * n + i + 1, (i + 1) * n);
      return l;
    },

    solve(a: Matrix, b: Matrix): Matrix {
      requireSquare("solve", a);
      requireRhs("solve", a, b);
      requireFinite("solve", a);
      const n = a.rows;
      const lu = Float64Array.from(a.data);
      const x = copyOf(b);
      let maxAbs = 0;
      for (let i = 0; i < lu.length; i++) maxAbs = Math.max(maxAbs, Math.abs(lu[i]));
      const info = addon.gesv(n, b.cols, lu, ld(n), x.data, ld(b.cols));
      checkInfo("solve", "dgesv", Math.min(info, 0), () => "");
      // info > 0 (an exact zero pivot) is caught below. Like the js kernel (and unlike bare dgesv, which only
      // stops at an exact zero), a pivot no larger than n * eps * max|A| means singular to working precision.
      const tol = n * EPS * maxAbs;
      for (let j = 0; j < n; j++) {
        const pivot = Math.abs(lu[j * n + j]);
        if (pivot <= tol) {
          throw new LinalgError(
            `solve: matrix is singular to working precision (pivot ${j} is ${pivot}, threshold ${tol})`,
          );
        }
      }
      return x;
    },

    solveSpd(a: Matrix, b: Matrix): Matrix {
      requireSquare("solveSpd", a);
      requireRhs("solveSpd", a, b);
      requireFinite("solveSpd", a);
      const n = a.rows;
      const factor = Float64Array.from(a.data);
      const x = copyOf(b);
      checkInfo(
        "solveSpd",
        "dposv",
        addon.posv(n, b.cols, factor, ld(n), x.data, ld(b.cols)),
        notPositiveDefinite,
      );
      return x;
    },

    qr(a: Matrix): { q: Matrix; r: Matrix } {
      requireFinite("qr", a);
      const { rows: m, cols: n } = a;
      const k = Math.min(m, n);
      const q = Matrix.zeros(m, k);
      const r = Matrix.zeros(k, n);
      if (k === 0) return { q, r };
      const w = Float64Array.from(a.data);
      const tau = new Float64Array(k);
      checkInfo("qr", "dgeqrf", addon.geqrf(m, n, w, n, tau), (i) => `dgeqrf failed (info ${i})`);
      for (let i = 0; i < k; i++) r.data.set(w.subarray(i * n + i, (i + 1) * n), i * n + i);
      // Q's first k columns, formed in place in the leading m x k part of w (leading dimension n >= k).
      checkInfo("qr", "dorgqr", addon.orgqr(m, k, k, w, n, tau), (i) => `dorgqr failed (info ${i})`);
      for (let i = 0; i < m; i++) q.data.set(w.subarray(i * n, i * n + k), i * k);
      return { q, r };
    },

    symEig(a: Matrix): { values: Float64Array; vectors: Matrix } {
      requireSquare("symEig", a);
      requireFinite("symEig", a);
      const n = a.rows;
      const vectors = copyOf(a);
      const values = new Float64Array(n);
      const info = addon.syevd(n, vectors.data, ld(n), values);
      checkInfo("symEig", "dsyevd", info, (i) => `LAPACK dsyevd did not converge (info ${i})`);
      return { values, vectors };
    },

    svd(a: Matrix): { u: Matrix; s: Float64Array; vt: Matrix } {
      requireFinite("svd", a);
      const { rows: m, cols: n } = a;
      const k = Math.min(m, n);
      const u = Matrix.zeros(m, k);
      const s = new Float64Array(k);
      const vt = Matrix.zeros(k, n);
      const w = Float64Array.from(a.data);
      const info = addon.gesdd(m, n, w, ld(n), s, u.data, ld(k), vt.data, ld(n));
      checkInfo("svd", "dgesdd", info, (i) => `LAPACK dgesdd did not converge (info ${i})`);
      return { u, s, vt };
    },
  };
}
