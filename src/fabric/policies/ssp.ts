/**
 * Baseline: stale-synchronous parallel (Ho et al., 2013) with bound s, on the asynchronous parameter
 * server: a worker may start step t only when the slowest live worker has finished step t - s. Finishing a
 * step means its pushes have landed. Clocks are exchanged with the shards' replies in real systems; here
 * a waiting worker wakes as soon as the slowest one finishes (no extra message). Every worker's gradient is
 * applied on its own, as in the asynchronous PS, so each step is one mini-batch's step at the base learning
 * rate: the large-batch scaling of BSP and all-reduce (`optimizer.syncScaling`) does not apply here.
 */
import type { WorkerSlot } from "../run.ts";
import { asyncWorker } from "./asyncPs.ts";
import type { StepGate } from "./asyncPs.ts";
import type { Policy } from "./policy.ts";

/**
 * The SSP policy.
 *
 * @example
 * ```ts
 * await fabric.train({ ...options, policy: { name: "ssp", stalenessBoundSteps: 3 } }).result;
 * ```
 */
export function ssp(boundSteps: number): Policy {
  const done = new Map<string, number>();
  let waiting: { worker: WorkerSlot; step: number; wake: () => void }[] = [];
  let alive: () => WorkerSlot[] = () => [];

  const slowest = (): number => {
    let min = Infinity;
    for (const w of alive()) min = Math.min(min, done.get(w.host) ?? 0);
    return min;
  };
  const wakeReady = (): void => {
    const floor = slowest();
    const still: typeof waiting = [];
    for (const entry of waiting) {
      if (floor >= entry.step - boundSteps || !entry.worker.alive) entry.wake();
      else still.push(entry);
    }
    waiting = still;
  };
  const gate: StepGate = {
    beforeStep(worker) {
      const step = done.get(worker.host) ?? 0; // the step about to start
      if (slowest() >= step - boundSteps) return Promise.resolve();
      return new Promise((wake) => waiting.push({ worker, step, wake }));
    },
    afterStep(worker) {
      done.set(worker.host, (done.get(worker.host) ?? 0) + 1);
      wakeReady();
    },
  };
  return {
    name: "ssp",
    start(run) {
      alive = () => run.aliveWorkers();
      for (const worker of run.workers) void asyncWorker(run, worker, gate);
    },
    params: (run) => run.shardParams(),
    killed() {
      wakeReady(); // a dead worker no longer holds the others back
    },
  };
}
