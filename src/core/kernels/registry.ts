import type { Matrix } from "../matrix.ts";
import type { KernelAttrs, KernelName } from "./names.ts";

/** A kernel: pure function from input blocks and attributes to output blocks. */
export type Kernel<N extends KernelName> = (inputs: readonly Matrix[], attrs: KernelAttrs<N>) => Matrix[];

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
): Matrix[] {
  const kernel = (kernels as { [K in N]?: Kernel<K> })[name];
  if (kernel === undefined) throw new Error(`dsfabric internal error: no kernel named "${name}"`);
  return kernel(inputs, attrs);
}

export function isKernelRegistered(name: KernelName): boolean {
  return kernels[name] !== undefined;
}
