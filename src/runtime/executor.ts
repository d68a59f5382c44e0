import type { KernelAttrs, KernelName } from "../core/kernels/names.ts";
import type { Matrix } from "../core/matrix.ts";

/** Where one task ran and what it produced. */
export interface TaskResult {
  outputs: Matrix[];
  worker: number;
}

/**
 * The seam between the engine and the place kernels run: inline on the main thread, on worker threads, or
 * (later) on cluster processes. The engine has already waited for every input.
 */
export interface Executor {
  readonly kind: "inline" | "threads";
  readonly workers: number;
  /** Runs a kernel; `preferredWorker` is a locality hint the executor may ignore to balance load. */
  run<N extends KernelName>(
    kernel: N,
    inputs: readonly Matrix[],
    attrs: KernelAttrs<N>,
    preferredWorker: number,
  ): Promise<TaskResult>;
  close(): Promise<void>;
}
