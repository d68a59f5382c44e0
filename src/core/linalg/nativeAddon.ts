/**
 * Loading of the optional native addon `native/build/Release/dsfabric_blas.node` (built by
 * `scripts/build-native.mjs` on `npm install`). Loading never throws: on failure `loadNativeAddon()`
 * returns undefined and `nativeLoadFailure()` says why.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The addon's streaming kernels (native/src/dsfabric_stream.c). They validate every argument again and throw
 * a TypeError/RangeError rather than touch memory outside the arrays; callers validate first so that users see
 * dsfabric's own errors. Float64Arrays may be subarrays of SharedArrayBuffers (byteOffset is honoured).
 */
export interface NativeStreamKernels {
  /** Runs elementwise bytecode (src/core/kernels/elementwise/bytecode.ts) over a rows x cols block into out. */
  evalProgram(
    code: Int32Array,
    consts: Float64Array,
    inputs: readonly Float64Array[],
    rows: number,
    cols: number,
    out: Float64Array,
  ): void;
  /** Sums map(value) of the bytecode's values; axis 2 is "all", map 0/1/2 is value/square/nonzero. */
  evalProgramSum(
    code: Int32Array,
    consts: Float64Array,
    inputs: readonly Float64Array[],
    rows: number,
    cols: number,
    axis: 0 | 1 | 2,
    map: 0 | 1 | 2,
    totals: Float64Array,
  ): void;
  /** Strided rows x cols copy (memmove per row, or one memmove when both views are contiguous). */
  copyRect(
    src: Float64Array,
    srcOffset: number,
    srcStride: number,
    dst: Float64Array,
    dstOffset: number,
    dstStride: number,
    rows: number,
    cols: number,
  ): void;
  /** dst[dstOffset + j*dstStride + i] = src[srcOffset + i*srcStride + j] for a rows x cols source. */
  transposeRect(
    src: Float64Array,
    srcOffset: number,
    srcStride: number,
    dst: Float64Array,
    dstOffset: number,
    dstStride: number,
    rows: number,
    cols: number,
  ): void;
}

/**
 * The addon's exports (see native/src/dsfabric_blas.c). Matrices are row-major with leading dimensions. The
 * streaming kernels are optional: an addon built before they existed still serves BLAS and LAPACK.
 */
export interface NativeAddon extends Partial<NativeStreamKernels> {
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float64Array,
    lda: number,
    b: Float64Array,
    ldb: number,
    beta: number,
    c: Float64Array,
    ldc: number,
  ): void;
  gemv(
    trans: boolean,
    m: number,
    n: number,
    alpha: number,
    a: Float64Array,
    lda: number,
    x: Float64Array,
    beta: number,
    y: Float64Array,
  ): void;
  syrk(
    trans: boolean,
    n: number,
    k: number,
    alpha: number,
    a: Float64Array,
    lda: number,
    beta: number,
    c: Float64Array,
    ldc: number,
  ): void;
  /** Returns LAPACK info; eigenvalues ascending in w, eigenvectors overwrite a (as columns). */
  syevd(n: number, a: Float64Array, lda: number, w: Float64Array): number;
  gesdd(
    m: number,
    n: number,
    a: Float64Array,
    lda: number,
    s: Float64Array,
    u: Float64Array,
    ldu: number,
    vt: Float64Array,
    ldvt: number,
  ): number;
  geqrf(m: number, n: number, a: Float64Array, lda: number, tau: Float64Array): number;
  orgqr(m: number, n: number, k: number, a: Float64Array, lda: number, tau: Float64Array): number;
  potrf(n: number, a: Float64Array, lda: number): number;
  gesv(n: number, nrhs: number, a: Float64Array, lda: number, b: Float64Array, ldb: number): number;
  posv(n: number, nrhs: number, a: Float64Array, lda: number, b: Float64Array, ldb: number): number;
  setThreads(n: number): void;
  getThreads(): number;
  /** `openblas_get_config()`, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64". */
  config(): string;
  /** `openblas_get_corename()`: the kernel set OpenBLAS picked (or was forced to by OPENBLAS_CORETYPE). */
  corename(): string;
}

const METHODS = [
  "gemm",
  "gemv",
  "syrk",
  "syevd",
  "gesdd",
  "geqrf",
  "orgqr",
  "potrf",
  "gesv",
  "posv",
  "setThreads",
  "getThreads",
  "config",
  "corename",
] as const;

const STREAM_METHODS = ["evalProgram", "evalProgramSum", "copyRect", "transposeRect"] as const;

function isNativeAddon(x: unknown): x is NativeAddon {
  if (typeof x !== "object" || x === null) return false;
  const record = x as Record<string, unknown>;
  return METHODS.every((name) => typeof record[name] === "function");
}

/**
 * The dsfabric package root: the nearest ancestor holding a package.json named "dsfabric". Works both
 * from src/core/linalg/ (run via tsx) and from dist/src/core/linalg/ (compiled).
 *
 * @example
 * ```ts
 * packageRoot(); // "/work/main"
 * ```
 */
export function packageRoot(start: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        const parsed = JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown };
        if (parsed.name === "dsfabric") return dir;
      } catch {
        // Not JSON we can read: keep walking up.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Path of the built addon, or undefined when the package root cannot be found.
 *
 * @example
 * ```ts
 * nativeAddonPath(); // "<root>/native/build/Release/dsfabric_blas.node"
 * ```
 */
export function nativeAddonPath(): string | undefined {
  const root = packageRoot();
  return root === undefined ? undefined : join(root, "native", "build", "Release", "dsfabric_blas.node");
}

let loaded: { addon: NativeAddon | undefined; reason: string | undefined } | undefined;

/**
 * The native addon, loaded once per thread (it is context-aware, so every worker thread may load it), or
 * undefined when it is not built or fails to load.
 *
 * @example
 * ```ts
 * const addon = loadNativeAddon();
 * if (addon === undefined) console.log(nativeLoadFailure());
 * ```
 */
export function loadNativeAddon(): NativeAddon | undefined {
  if (loaded === undefined) loaded = tryLoad();
  return loaded.addon;
}

/**
 * Why the addon could not be loaded (undefined when it loaded).
 *
 * @example
 * ```ts
 * nativeLoadFailure(); // e.g. "<root>/native/build/Release/dsfabric_blas.node not built (run: ...)"
 * ```
 */
export function nativeLoadFailure(): string | undefined {
  if (loaded === undefined) loaded = tryLoad();
  return loaded.reason;
}

/**
 * The addon's streaming kernels, or undefined when the addon is not built, fails to load, or predates them
 * (then the JavaScript kernels run; BLAS and LAPACK stay native). Ignores `DSFABRIC_BACKEND`: use
 * `streamKernels()` from selectBackend.ts for the kernels that should run.
 *
 * @example
 * ```ts
 * const k = nativeStreamKernels();
 * if (k !== undefined) k.copyRect(src, 0, 4, dst, 0, 4, 2, 4);
 * ```
 */
export function nativeStreamKernels(): NativeStreamKernels | undefined {
  if (stream === undefined) {
    const addon = loadNativeAddon();
    stream = { kernels: addon !== undefined && hasStreamKernels(addon) ? addon : undefined };
  }
  return stream.kernels;
}

let stream: { kernels: NativeStreamKernels | undefined } | undefined;

function hasStreamKernels(addon: NativeAddon): addon is NativeAddon & NativeStreamKernels {
  return STREAM_METHODS.every((name) => typeof addon[name] === "function");
}

function tryLoad(): { addon: NativeAddon | undefined; reason: string | undefined } {
  const path = nativeAddonPath();
  if (path === undefined) return { addon: undefined, reason: "dsfabric package root not found" };
  if (!existsSync(path)) {
    return { addon: undefined, reason: `${path} not built (run: node scripts/build-native.mjs)` };
  }
  try {
    const mod: unknown = createRequire(import.meta.url)(path);
    if (!isNativeAddon(mod))
      return { addon: undefined, reason: `${path} does not export the expected functions` };
    return { addon: mod, reason: undefined };
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { addon: undefined, reason: `failed to load ${path}: ${why}` };
  }
}
