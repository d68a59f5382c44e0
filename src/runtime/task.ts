import type { KernelAttrs, KernelName } from "../core/kernels/names.ts";
import type { Block } from "../core/block.ts";
import type { Matrix } from "../core/matrix.ts";
import { RuntimeStateError, TaskFailedError } from "../core/errors.ts";
import { allocationError } from "./limits.ts";
import { BlockRef, type BlockListener } from "./blockRef.ts";
import type { BufferPool } from "./bufferPool.ts";
import type { RunnableTask } from "./executor.ts";

/** What a task is: a named kernel over input block futures, with the shapes its outputs will have. */
export interface TaskSpec<N extends KernelName> {
  /** The user-facing operation, for error messages (`"add"`, `"sum"`, `"ds.matmul"`). */
  op: string;
  kernel: N;
  attrs: KernelAttrs<N>;
  inputs: readonly BlockRef[];
  /** Declared [rows, cols] of each output; checked when the task completes. */
  outputs: readonly (readonly [number, number])[];
  /** The output block's position in its array, for error messages. */
  blockIndex?: readonly number[];
}

/** Where a task reports: the engine's ready queue and counters. */
export interface TaskHost {
  readonly pool: BufferPool;
  taskReady(task: Task): void;
  taskFinished(task: Task): void;
}

/**
 * One submitted task: counts its inputs down as they are computed, then goes to the executor; its result
 * resolves the output futures. A failed input fails it without running, naming this operation.
 */
export class Task implements BlockListener, RunnableTask {
  readonly spec: TaskSpec<KernelName>;
  readonly outputs: readonly BlockRef[];
  private readonly host: TaskHost;
  private pendingInputs = 0;
  private settled = false;
  private supplied: Matrix[] | undefined;

  constructor(host: TaskHost, spec: TaskSpec<KernelName>) {
    this.host = host;
    this.spec = spec;
    this.outputs = spec.outputs.map(([rows, cols]) => new BlockRef(rows, cols));
  }

  /** Listens to the inputs still computing; hands the task to the executor once none is left. */
  start(): void {
    let failed: BlockRef | undefined;
    for (const ref of this.spec.inputs) {
      ref.read();
      if (ref.isPending) {
        this.pendingInputs++;
        ref.listen(this);
      } else if (ref.isFailed) failed ??= ref;
    }
    if (failed !== undefined) this.blockFailed(failed, failed.failure());
    else if (this.pendingInputs === 0) this.host.taskReady(this);
  }

  get kernel(): KernelName {
    return this.spec.kernel;
  }

  get attrs(): unknown {
    return this.spec.attrs;
  }

  get inputs(): Block[] {
    return this.spec.inputs.map((ref) => ref.value as Block);
  }

  get bytes(): number {
    let total = 0;
    for (const ref of this.spec.inputs) total += ref.bytes;
    for (const ref of this.outputs) total += ref.bytes;
    return total;
  }

  blockDone(): void {
    if (--this.pendingInputs === 0 && !this.settled) this.host.taskReady(this);
  }

  blockFailed(_ref: BlockRef, error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.host.taskFinished(this);
    this.inputsRead();
    // A run the runtime stopped (shutdown() or init() with work pending) is one error for everything that
    // depended on it, not a chain of "x failed at block [i, j]" naming every step.
    const failure =
      error instanceof RuntimeStateError
        ? error
        : new TaskFailedError(this.spec.op, this.spec.blockIndex, error);
    for (const out of this.outputs) out.reject(failure);
  }

  /** The worker that computed the most input bytes, or -1 when no input lives on a worker. */
  preferredWorker(): number {
    let best = -1;
    let bestBytes = 0;
    const inputs = this.spec.inputs;
    for (let k = 0; k < inputs.length; k++) {
      const home = inputs[k].home;
      if (home < 0) continue;
      let total = 0;
      for (const ref of inputs) if (ref.home === home) total += ref.bytes;
      if (total > bestBytes) {
        best = home;
        bestBytes = total;
      }
    }
    return best;
  }

  /**
   * The output blocks from the pool, or undefined when the system could not allocate one: the task has then
   * failed with a ResourceError (a RangeError here would escape the executor's loop and end the process).
   */
  supplyOutputs(): { blocks: Matrix[]; fresh: boolean[] } | undefined {
    const blocks: Matrix[] = [];
    const fresh: boolean[] = [];
    for (const out of this.outputs) {
      let got;
      try {
        got = this.host.pool.acquire(out.rows, out.cols);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        this.supplied = blocks;
        this.fail(
          new TaskFailedError(this.spec.op, this.spec.blockIndex, allocationError(out.rows, out.cols, e)),
        );
        return undefined;
      }
      blocks.push(got.matrix);
      fresh.push(got.fresh);
    }
    this.supplied = blocks;
    return { blocks, fresh };
  }

  complete(results: readonly Block[], worker: number): void {
    if (this.settled) return;
    this.settled = true;
    this.host.taskFinished(this);
    this.returnUnused(results);
    this.inputsRead();
    const mismatch = shapeMismatch(this.spec, results);
    if (mismatch !== undefined) {
      const failure = new TaskFailedError(this.spec.op, this.spec.blockIndex, new Error(mismatch));
      for (const out of this.outputs) out.reject(failure);
      return;
    }
    this.outputs.forEach((out, k) => out.resolve(results[k], worker, this.host.pool));
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.returnUnused([]);
    this.blockFailed(this.outputs[0], error instanceof Error ? error : new Error(String(error)));
  }

  private inputsRead(): void {
    for (const ref of this.spec.inputs) ref.readDone();
  }

  /** Supplied blocks the kernel did not return go back to the pool: nothing else has seen them. */
  private returnUnused(results: readonly Block[]): void {
    const supplied = this.supplied;
    this.supplied = undefined;
    if (supplied === undefined) return;
    for (const m of supplied) {
      if (!results.some((r) => r.data.buffer === m.data.buffer)) this.host.pool.release(m);
    }
  }
}

function shapeMismatch(spec: TaskSpec<KernelName>, outputs: readonly Block[]): string | undefined {
  const declared = spec.outputs;
  const ok =
    outputs.length === declared.length &&
    outputs.every((m, k) => m.rows === declared[k][0] && m.cols === declared[k][1]);
  if (ok) return undefined;
  const got = outputs.map((m) => `${m.rows}x${m.cols}`).join(", ");
  const want = declared.map(([r, c]) => `${r}x${c}`).join(", ");
  return `dsfabric internal error: kernel ${spec.kernel} produced [${got}] but [${want}] was declared`;
}
