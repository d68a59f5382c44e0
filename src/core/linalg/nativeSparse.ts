/**
 * The addon's sparse x dense product (native/src/dsfabric_csr.c), when it should run: the addon is built
 * with it and `DSFABRIC_BACKEND` is not `js`. An addon built before it existed still serves everything
 * else; the JavaScript loops of src/core/kernels/sparse/matmul.ts then run.
 */
import { DsfabricError } from "../errors.ts";
import { loadNativeAddon, nativeLoadFailure } from "./nativeAddon.ts";

/** The native sparse kernels. They check every argument again and throw a TypeError/RangeError. */
export interface NativeSparseKernels {
  /**
   * c += op(a) · op(b): a is the rows x cols CSR matrix (indptr, indices, data), b a bRows x bCols and c a
   * cRows x cCols row-major block. Each value of c receives its terms in the same order as the JavaScript
   * loops do, so both give the same bits.
   */
  csrMatmulAccumulate(
    rows: number,
    cols: number,
    indptr: Int32Array,
    indices: Int32Array,
    data: Float64Array,
    transA: boolean,
    b: Float64Array,
    bRows: number,
    bCols: number,
    transB: boolean,
    c: Float64Array,
    cRows: number,
    cCols: number,
  ): void;
}

/** As `StreamBackend` (src/core/kernels/streamBackend.ts): `"auto"`, or force one implementation. */
export type SparseBackend = "auto" | "native" | "js";

let found: { kernels: NativeSparseKernels | undefined } | undefined;

/** The addon's sparse kernels whatever `DSFABRIC_BACKEND` says, or undefined when it lacks them. */
export function nativeSparseKernels(): NativeSparseKernels | undefined {
  if (found === undefined) {
    const addon: unknown = loadNativeAddon();
    const fn = addon === undefined ? undefined : (addon as Record<string, unknown>).csrMatmulAccumulate;
    found = { kernels: typeof fn === "function" ? (addon as NativeSparseKernels) : undefined };
  }
  return found.kernels;
}

/**
 * The sparse kernels to use, or undefined for JavaScript: `"auto"` is native unless `DSFABRIC_BACKEND=js`
 * (read on each call) or the addon lacks them; `"native"` throws when they are missing; `"js"` never.
 *
 * @example
 * ```ts
 * const native = pickSparseKernels("auto");
 * if (native === undefined) jsLoops(); else native.csrMatmulAccumulate(...args);
 * ```
 */
export function pickSparseKernels(backend: SparseBackend): NativeSparseKernels | undefined {
  if (backend === "js" || (backend === "auto" && process.env.DSFABRIC_BACKEND === "js")) return undefined;
  const native = nativeSparseKernels();
  if (native === undefined && backend === "native") {
    const why = nativeLoadFailure() ?? "the addon predates it (rebuild: node scripts/build-native.mjs)";
    throw new DsfabricError(`csrMatmulAccumulate: backend "native" asked for but it is missing: ${why}`);
  }
  return native;
}
