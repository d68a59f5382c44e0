import "../core/kernels/registerAll.ts";
import type { KernelAttrs, KernelName } from "../core/kernels/names.ts";
import { runKernel } from "../core/kernels/registry.ts";
import type { Matrix } from "../core/matrix.ts";
import type { Executor, TaskResult } from "./executor.ts";

/** Runs every kernel on the main thread, one task at a time. For tests, debugging and tiny arrays. */
export class InlineExecutor implements Executor {
  readonly kind = "inline";
  readonly workers = 1;

  run<N extends KernelName>(
    kernel: N,
    inputs: readonly Matrix[],
    attrs: KernelAttrs<N>,
  ): Promise<TaskResult> {
    // A microtask boundary keeps submission asynchronous, exactly as with threads.
    return Promise.resolve().then(() => ({ outputs: runKernel(kernel, inputs, attrs), worker: 0 }));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
