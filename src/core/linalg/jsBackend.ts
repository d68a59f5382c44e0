/**
 * The pure-TypeScript backend: BLAS kernels from `jsBlas.ts`, LAPACK routines from `js/lapack/`. Always
 * available; used when the native addon is not built or `DSFABRIC_BACKEND=js`.
 */
import type { LinalgBackend } from "./backend.ts";
import { requireThreadCount } from "./blasThreads.ts";
import { jsGemm, jsGemv, jsSyrk } from "./jsBlas.ts";
import { cholesky, qr, solve, solveSpd, svd, symEig } from "./js/lapack/index.ts";

/**
 * Creates the pure-TypeScript backend. It is single-threaded: `blasThreads()` is always 1 and
 * `setBlasThreads` only validates its argument (parallelism comes from worker threads instead).
 *
 * @example
 * ```ts
 * const js = createJsBackend();
 * js.gemm(a, b, { transA: true }); // a^T b
 * ```
 */
export function createJsBackend(): LinalgBackend {
  return {
    name: "js",
    blasThreads: () => 1,
    setBlasThreads: (n: number) => requireThreadCount(n),
    gemm: jsGemm,
    gemv: jsGemv,
    syrk: jsSyrk,
    cholesky,
    solve,
    solveSpd,
    qr,
    symEig,
    svd,
  };
}
