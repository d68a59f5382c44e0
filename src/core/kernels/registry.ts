import type { Matrix } from "../matrix.ts";
import type { KernelAttrs, KernelName } from "./names.ts";
import { freshOutputs, type BlockOutputs } from "./outputs.ts";

/**
 * A kernel: pure function from input blocks and attributes to output blocks. Kernels that make a block of
 * a declared output shape ask `out` for it (a recycled buffer when the runtime supplies one).
 */
export type Kernel<N extends KernelName> = (
  inputs: readonly Matrix[],
  attrs: KernelAttrs<N>,
  out: BlockOutputs,
) => Matrix[];

type KernelRegistry = { [N in KernelName]?: Kernel<N> };
const kernels: KernelRegistry = {};

/**
 * Registers a kernel under its name. Throws on a duplicate: two kernels with one name is always a bug.
 *
 * @example
 * ```ts
 * registerKernel("block.transpose", ([m]) => [transposeBlock(m)]);
 * ```
 */
export function registerKernel<N extends KernelName>(name: N, kernel: Kernel<N>): void {
  if (kernels[name] !== undefined)
    throw new Error(`dsfabric internal error: kernel "${name}" registered twice`);
  (kernels as { [K in N]?: Kernel<K> })[name] = kernel;
}

/** Runs the kernel registered under `name`. */
export function runKernel<N extends KernelName>(
  name: N,
  inputs: readonly Matrix[],
  attrs: KernelAttrs<N>,
  out: BlockOutputs = freshOutputs,
): Matrix[] {
  const kernel = (kernels as { [K in N]?: Kernel<K> })[name];
  if (kernel === undefined) throw new Error(`dsfabric internal error: no kernel named "${name}"`);
  return kernel(inputs, attrs, out);
}

export function isKernelRegistered(name: KernelName): boolean {
  return kernels[name] !== undefined;
}
