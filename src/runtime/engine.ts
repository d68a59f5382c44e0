import type { KernelAttrs, KernelName } from "../core/kernels/names.ts";
import type { Matrix } from "../core/matrix.ts";
import { TaskFailedError } from "../core/errors.ts";
import { BlockRef } from "./blockRef.ts";
import { BlockStore } from "./blockStore.ts";
import type { Executor, TaskResult } from "./executor.ts";

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

/** Counters for tests and progress: how many tasks were submitted, by kernel. */
export interface EngineStats {
  tasksSubmitted: number;
  tasksDone: number;
  byKernel: Record<string, number>;
  /** Block futures made by tasks and still referenced (as last observed by the garbage collector). */
  liveBlocks: number;
  liveBytes: number;
}

/**
 * Task submission with futures. `submit` returns output futures at once; the task runs when all of its
 * inputs are computed, on the worker that holds most of its input bytes when that worker is free. A failed
 * input fails the task with an error that names this operation and carries the cause.
 */
export class Engine {
  readonly executor: Executor;
  private readonly counters = { tasksSubmitted: 0, tasksDone: 0, byKernel: {} as Record<string, number> };
  private readonly store = new BlockStore();

  constructor(executor: Executor) {
    this.executor = executor;
  }

  submit<N extends KernelName>(spec: TaskSpec<N>): BlockRef[] {
    this.counters.tasksSubmitted++;
    this.counters.byKernel[spec.kernel] = (this.counters.byKernel[spec.kernel] ?? 0) + 1;
    const done = this.execute(spec);
    const refs = spec.outputs.map(
      ([rows, cols], k) =>
        new BlockRef(
          rows,
          cols,
          done.then((r) => r.outputs[k]),
        ),
    );
    refs.forEach((ref) => this.store.track(ref));
    done.then(
      (r) => refs.forEach((ref) => (ref.home = r.worker)),
      () => undefined,
    );
    return refs;
  }

  private async execute<N extends KernelName>(spec: TaskSpec<N>): Promise<TaskResult> {
    let inputs: Matrix[];
    try {
      inputs = await Promise.all(spec.inputs.map((ref) => ref.ready));
    } catch (cause) {
      throw new TaskFailedError(spec.op, spec.blockIndex, cause);
    }
    let result;
    try {
      result = await this.executor.run(spec.kernel, inputs, spec.attrs, preferredWorker(spec.inputs));
    } catch (cause) {
      throw new TaskFailedError(spec.op, spec.blockIndex, cause);
    } finally {
      this.counters.tasksDone++;
    }
    checkShapes(spec, result.outputs);
    return result;
  }

  stats(): EngineStats {
    return { ...this.counters, byKernel: { ...this.counters.byKernel }, ...this.store.stats() };
  }
}

/** The worker that computed the most input bytes, or -1 when no input lives on a worker. */
function preferredWorker(inputs: readonly BlockRef[]): number {
  const bytesByWorker = new Map<number, number>();
  let best = -1;
  let bestBytes = 0;
  for (const ref of inputs) {
    if (ref.home < 0) continue;
    const total = (bytesByWorker.get(ref.home) ?? 0) + ref.bytes;
    bytesByWorker.set(ref.home, total);
    if (total > bestBytes) {
      best = ref.home;
      bestBytes = total;
    }
  }
  return best;
}

function checkShapes(spec: TaskSpec<KernelName>, outputs: readonly Matrix[]): void {
  const declared = spec.outputs;
  const ok =
    outputs.length === declared.length &&
    outputs.every((m, k) => m.rows === declared[k][0] && m.cols === declared[k][1]);
  if (!ok) {
    const got = outputs.map((m) => `${m.rows}x${m.cols}`).join(", ");
    const want = declared.map(([r, c]) => `${r}x${c}`).join(", ");
    throw new TaskFailedError(
      spec.op,
      spec.blockIndex,
      new Error(
        `dsfabric internal error: kernel ${spec.kernel} produced [${got}] but [${want}] was declared`,
      ),
    );
  }
}
