/**
 * Backend selection: the native OpenBLAS backend when its addon loads, else the pure-TypeScript one.
 * `DSFABRIC_BACKEND=js` forces the TypeScript kernels (for comparisons and for debugging).
 */
import type { LinalgBackend } from "./backend.ts";
import { createJsBackend } from "./jsBackend.ts";
import { loadNativeAddon, nativeLoadFailure, nativeStreamKernels } from "./nativeAddon.ts";
import type { NativeStreamKernels } from "./nativeAddon.ts";
import { createNativeBackend } from "./nativeBackend.ts";

export { chooseBlasThreads } from "./blasThreads.ts";

let jsBackend: LinalgBackend | undefined;
let nativeBackend: LinalgBackend | undefined;

/**
 * The pure-TypeScript backend (always available).
 *
 * @example
 * ```ts
 * jsLinalg().gemm(a, b);
 * ```
 */
export function jsLinalg(): LinalgBackend {
  jsBackend ??= createJsBackend();
  return jsBackend;
}

/**
 * The OpenBLAS backend, or undefined when the addon is not built or does not load (`backendInfo().reason`
 * says why).
 *
 * @example
 * ```ts
 * const native = nativeLinalg();
 * if (native !== undefined) native.setBlasThreads(2);
 * ```
 */
export function nativeLinalg(): LinalgBackend | undefined {
  if (nativeBackend === undefined) {
    const addon = loadNativeAddon();
    if (addon !== undefined) nativeBackend = createNativeBackend(addon);
  }
  return nativeBackend;
}

/** True when `DSFABRIC_BACKEND=js` asks for the TypeScript kernels. */
function jsForced(): boolean {
  return process.env.DSFABRIC_BACKEND === "js";
}

/**
 * The backend every kernel should use: OpenBLAS when available and not overridden, else TypeScript.
 * `DSFABRIC_BACKEND` is read on each call; any value other than `js` means "automatic".
 *
 * @example
 * ```ts
 * const { q, r } = linalg().qr(block);
 * ```
 */
export function linalg(): LinalgBackend {
  if (jsForced()) return jsLinalg();
  return nativeLinalg() ?? jsLinalg();
}

/**
 * The native streaming kernels (elementwise VM, sums, strided copy and transpose) when they should run: the
 * addon is built with them and `DSFABRIC_BACKEND` is not `js` (read on each call, as for `linalg()`).
 * Undefined means: use the JavaScript kernels.
 *
 * @example
 * ```ts
 * const native = streamKernels();
 * if (native === undefined) jsCopy(); else native.copyRect(src, 0, 8, dst, 0, 8, 4, 8);
 * ```
 */
export function streamKernels(): NativeStreamKernels | undefined {
  return jsForced() ? undefined : nativeStreamKernels();
}

/** What `dsfabric info` reports about linear algebra. */
export interface BackendInfo {
  name: LinalgBackend["name"];
  /** BLAS threads (process-wide for OpenBLAS; always 1 for js). */
  threads: number;
  /** Why the js backend is in use, when it is. */
  reason?: string;
  /** `OPENBLAS_CORETYPE` from the environment (undefined when unset): it forces OpenBLAS's kernel choice. */
  coretype: string | undefined;
  /** The kernel set OpenBLAS actually uses (e.g. "Haswell", "SkylakeX"); native only. */
  corename?: string;
  /** `openblas_get_config()`; native only. */
  config?: string;
}

/**
 * Describes the selected backend, for `dsfabric info` and benchmark headers.
 *
 * @example
 * ```ts
 * backendInfo(); // { name: "openblas", threads: 2, coretype: "Haswell", corename: "Haswell", config: "OpenBLAS 0.3.21 ..." }
 * ```
 */
export function backendInfo(): BackendInfo {
  const coretype = process.env.OPENBLAS_CORETYPE;
  const backend = linalg();
  if (backend.name === "js") {
    const reason = jsForced() ? "DSFABRIC_BACKEND=js" : (nativeLoadFailure() ?? "native backend unavailable");
    return { name: "js", threads: backend.blasThreads(), reason, coretype };
  }
  const addon = loadNativeAddon();
  return {
    name: backend.name,
    threads: backend.blasThreads(),
    coretype,
    corename: addon?.corename(),
    config: addon?.config(),
  };
}
