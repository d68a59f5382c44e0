/**
 * Which implementation a streaming kernel (elementwise evaluation, sums, strided copy and transpose) runs:
 * the addon's native code or JavaScript. One place, so that every streaming entry point reads
 * `DSFABRIC_BACKEND` and reports a missing addon the same way.
 */
import { DsfabricError } from "../errors.ts";
import { nativeLoadFailure, nativeStreamKernels } from "../linalg/nativeAddon.ts";
import type { NativeStreamKernels } from "../linalg/nativeAddon.ts";
import { streamKernels } from "../linalg/selectBackend.ts";

/**
 * `"auto"`: native when the addon has the kernels and `DSFABRIC_BACKEND` is not `js`; `"native"` and `"js"`
 * force one (tests and benchmarks compare them).
 */
export type StreamBackend = "auto" | "native" | "js";

/**
 * The native kernels to use, or undefined for JavaScript. `"native"` throws when they are not available.
 *
 * @example
 * ```ts
 * const native = pickStreamKernels("copyRect", "auto");
 * if (native === undefined) copyInJs(); else native.copyRect(src, 0, 4, dst, 0, 4, 2, 4);
 * ```
 */
export function pickStreamKernels(fn: string, backend: StreamBackend): NativeStreamKernels | undefined {
  if (backend === "auto") return streamKernels();
  if (backend === "js") return undefined;
  const native = nativeStreamKernels();
  if (native === undefined) {
    const why = nativeLoadFailure() ?? "the addon predates them (rebuild: node scripts/build-native.mjs)";
    throw new DsfabricError(
      `${fn}: backend "native" asked for but the native stream kernels are missing: ${why}`,
    );
  }
  return native;
}
