import { isSparse, type Block } from "../block.ts";
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

/** A kernel that takes and makes sparse blocks too (`CsrMatrix`); it checks what it was given. */
export type BlockKernel<N extends KernelName> = (
  inputs: readonly Block[],
  attrs: KernelAttrs<N>,
  out: BlockOutputs,
) => Block[];

type KernelRegistry = { [N in KernelName]?: BlockKernel<N> };
const kernels: KernelRegistry = {};

function store<N extends KernelName>(name: N, kernel: BlockKernel<N>): void {
  if (kernels[name] !== undefined)
    throw new Error(`dsfabric internal error: kernel "${name}" registered twice`);
  (kernels as { [K in N]?: BlockKernel<K> })[name] = kernel;
}

/**
 * Registers a kernel under its name. Throws on a duplicate: two kernels with one name is always a bug.
 *
 * @example
 * ```ts
 * registerKernel("block.transpose", ([m]) => [transposeBlock(m)]);
 * ```
 */
export function registerKernel<N extends KernelName>(name: N, kernel: Kernel<N>): void {
  // The array layer densifies sparse operands of dense-only operations; a sparse block here is a bug.
  store(name, (inputs, attrs, out) => {
    for (const b of inputs) {
      if (isSparse(b)) throw new Error(`dsfabric internal error: kernel "${name}" got a sparse block`);
    }
    return kernel(inputs as readonly Matrix[], attrs, out);
  });
}

/**
 * Registers a kernel that takes sparse blocks too.
 *
 * @example
 * ```ts
 * registerBlockKernel("sparse.toDense", ([s]) => [(s as CsrMatrix).toDense()]);
 * ```
 */
export function registerBlockKernel<N extends KernelName>(name: N, kernel: BlockKernel<N>): void {
  store(name, kernel);
}

/** Runs the kernel registered under `name`. */
export function runKernel<N extends KernelName>(
  name: N,
  inputs: readonly Block[],
  attrs: KernelAttrs<N>,
  out: BlockOutputs = freshOutputs,
): Block[] {
  const kernel = (kernels as { [K in N]?: BlockKernel<K> })[name];
  if (kernel === undefined) throw new Error(`dsfabric internal error: no kernel named "${name}"`);
  return kernel(inputs, attrs, out);
}

export function isKernelRegistered(name: KernelName): boolean {
  return kernels[name] !== undefined;
}
