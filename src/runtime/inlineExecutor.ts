import "../core/kernels/registerAll.ts";
import { SuppliedOutputs } from "../core/kernels/outputs.ts";
import { runKernel } from "../core/kernels/registry.ts";
import type { Executor, RunnableTask } from "./executor.ts";

/** Runs every kernel on the main thread, one task at a time. For tests, debugging and tiny arrays. */
export class InlineExecutor implements Executor {
  readonly kind = "inline";
  readonly workers = 1;
  private readonly queue: RunnableTask[] = [];
  private scheduled = false;

  enqueue(task: RunnableTask): void {
    this.queue.push(task);
    if (this.scheduled) return;
    this.scheduled = true;
    // A microtask boundary keeps submission asynchronous, exactly as with threads.
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    // Tasks made ready by a completion join the queue and run in the same loop, without recursion.
    for (let k = 0; k < this.queue.length; k++) {
      const task = this.queue[k];
      let outputs;
      try {
        const supplied = task.supplyOutputs();
        if (supplied === undefined) continue; // failed: no memory for its output
        const { blocks, fresh } = supplied;
        outputs = runKernel(
          task.kernel,
          task.inputs,
          task.attrs as never,
          new SuppliedOutputs(blocks, fresh),
        );
      } catch (e) {
        task.fail(e);
        continue;
      }
      task.complete(outputs, 0);
    }
    this.queue.length = 0;
    this.scheduled = false;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
