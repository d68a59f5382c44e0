import type { KernelName } from "../core/kernels/names.ts";
import type { BlockRef } from "./blockRef.ts";
import { BlockStore } from "./blockStore.ts";
import type { BufferPool, BufferPoolStats } from "./bufferPool.ts";
import type { Executor } from "./executor.ts";
import { Task, type TaskHost, type TaskSpec } from "./task.ts";

export type { TaskSpec } from "./task.ts";

/** Counters for tests and progress: how many tasks were submitted, by kernel. */
export interface EngineStats {
  tasksSubmitted: number;
  tasksDone: number;
  byKernel: Record<string, number>;
  /** Block futures made by tasks and still referenced (as last observed by the garbage collector). */
  liveBlocks: number;
  liveBytes: number;
  /** The block pool's counters. */
  pool: BufferPoolStats;
}

/**
 * Task submission with futures. `submit` returns output futures at once; the task goes to the executor
 * when all of its inputs are computed, which places it by where its inputs live and by load. A failed
 * input fails the task with an error that names this operation and carries the cause.
 */
export class Engine implements TaskHost {
  readonly executor: Executor;
  readonly pool: BufferPool;
  private readonly counters = { tasksSubmitted: 0, tasksDone: 0, byKernel: {} as Record<string, number> };
  private readonly store = new BlockStore();

  constructor(executor: Executor, pool: BufferPool) {
    this.executor = executor;
    this.pool = pool;
  }

  /** The task's output futures (its own list: read-only, so that no caller can change what the task resolves). */
  submit<N extends KernelName>(spec: TaskSpec<N>): readonly BlockRef[] {
    this.counters.tasksSubmitted++;
    this.counters.byKernel[spec.kernel] = (this.counters.byKernel[spec.kernel] ?? 0) + 1;
    const task = new Task(this, spec);
    for (const ref of task.outputs) this.store.track(ref);
    task.start();
    return task.outputs;
  }

  taskReady(task: Task): void {
    this.executor.enqueue(task);
  }

  taskFinished(): void {
    this.counters.tasksDone++;
  }

  stats(): EngineStats {
    return {
      ...this.counters,
      byKernel: { ...this.counters.byKernel },
      ...this.store.stats(),
      pool: this.pool.stats(),
    };
  }
}
