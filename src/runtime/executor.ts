import type { KernelName } from "../core/kernels/names.ts";
import type { Block } from "../core/block.ts";
import type { Matrix } from "../core/matrix.ts";

/**
 * A task whose inputs are all computed, as an executor sees it. The executor runs the kernel on the
 * inputs, writing into the supplied output blocks where it can, and reports back through `complete` or
 * `fail` (never synchronously inside `enqueue`). No promise or closure is made per task.
 */
export interface RunnableTask {
  readonly kernel: KernelName;
  readonly attrs: unknown;
  /** The computed input blocks. */
  readonly inputs: readonly Block[];
  /** Bytes of inputs and outputs: the executor's measure of a task's cost when it batches. */
  readonly bytes: number;
  /** The worker that computed most of the input bytes, or -1. */
  preferredWorker(): number;
  /** Output blocks for the kernel (recycled memory), made when the task is dispatched. */
  supplyOutputs(): { blocks: Matrix[]; fresh: boolean[] } | undefined;
  complete(outputs: readonly Block[], worker: number): void;
  fail(error: unknown): void;
}

/**
 * The seam between the engine and the place kernels run: inline on the main thread, on worker threads, or
 * (later) on cluster processes. The engine hands over a task once every input is computed.
 */
export interface Executor {
  readonly kind: "inline" | "threads";
  readonly workers: number;
  enqueue(task: RunnableTask): void;
  close(): Promise<void>;
}
