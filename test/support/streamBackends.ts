/**
 * Which stream-kernel backends a test runs: always the JavaScript one, and the native one when the addon
 * has the stream kernels. In CI the native one must be there (a silently skipped half would hide a broken
 * build).
 */
import type { StreamBackend } from "../../src/core/kernels/elementwise/evaluate.ts";
import { nativeLoadFailure, nativeStreamKernels } from "../../src/core/linalg/nativeAddon.ts";

export const native = nativeStreamKernels();
if (native === undefined && process.env.CI !== undefined) {
  throw new Error(`CI: the native stream kernels must be built here: ${nativeLoadFailure()}`);
}

/** Why the native half is skipped, for node:test's `skip` option; false when it runs. */
export const nativeSkip: string | false =
  native === undefined
    ? `native stream kernels not available: ${nativeLoadFailure() ?? "the addon predates them (rebuild it)"}`
    : false;

if (nativeSkip !== false) console.log(`# native half skipped: ${nativeSkip}`);

export const backends: StreamBackend[] = native === undefined ? ["js"] : ["js", "native"];
