/**
 * The addon's KMeans assignment kernel (native/src/dsfabric_kmeans.c), when it should run: the addon is
 * built with it and `DSFABRIC_BACKEND` is not `js`. An addon built before it existed still serves
 * everything else; the JavaScript loops of src/core/kernels/ml/kMeansAssign.ts then run (same bits).
 */
import { DsfabricError } from "../errors.ts";
import { loadNativeAddon, nativeLoadFailure } from "./nativeAddon.ts";

/** The native KMeans kernel. It checks every argument again and throws a TypeError/RangeError. */
export interface NativeKMeansKernels {
  /**
   * labels[i] = the centre (of the k x m row-major `centres`) closest to row i of the strip, whose column
   * blocks are `parts` (rows x cols[j] each): the first minimum of ||c||² - 2 x·c. With a `partial`
   * (k x (m + 2), else null) each row's values and 1 are added into its centre's row, and its squared
   * distance Σ (x - c)² too when `inertia`; with `distances` (rows long, else null) each row's squared
   * distance to its centre is written there.
   */
  kmeansAssign(
    parts: readonly Float64Array[],
    cols: Int32Array,
    rows: number,
    centres: Float64Array,
    k: number,
    labels: Int32Array,
    partial: Float64Array | null,
    inertia: boolean,
    distances: Float64Array | null,
  ): void;
}

/** As `SparseBackend` (src/core/linalg/nativeSparse.ts): `"auto"`, or force one implementation. */
export type KMeansBackend = "auto" | "native" | "js";

let found: { kernels: NativeKMeansKernels | undefined } | undefined;

/** The addon's KMeans kernel whatever `DSFABRIC_BACKEND` says, or undefined when it lacks it. */
export function nativeKMeansKernels(): NativeKMeansKernels | undefined {
  if (found === undefined) {
    const addon: unknown = loadNativeAddon();
    const fn = addon === undefined ? undefined : (addon as Record<string, unknown>).kmeansAssign;
    found = { kernels: typeof fn === "function" ? (addon as NativeKMeansKernels) : undefined };
  }
  return found.kernels;
}

/**
 * The KMeans kernel to use, or undefined for JavaScript: `"auto"` is native unless `DSFABRIC_BACKEND=js`
 * (read on each call) or the addon lacks it; `"native"` throws when it is missing; `"js"` never.
 *
 * @example
 * ```ts
 * const native = pickKMeansKernels("auto");
 * if (native === undefined) jsLoops(); else native.kmeansAssign(...args);
 * ```
 */
export function pickKMeansKernels(backend: KMeansBackend): NativeKMeansKernels | undefined {
  if (backend === "js" || (backend === "auto" && process.env.DSFABRIC_BACKEND === "js")) return undefined;
  const native = nativeKMeansKernels();
  if (native === undefined && backend === "native") {
    const why = nativeLoadFailure() ?? "the addon predates it (rebuild: node scripts/build-native.mjs)";
    throw new DsfabricError(`kmeansAssign: backend "native" asked for but it is missing: ${why}`);
  }
  return native;
}
