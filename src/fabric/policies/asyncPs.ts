/**
 * Baseline: asynchronous parameter server with no scheduling, in its best-known form. Every worker pushes
 * its gradient to every shard at once, as soon as it has it; concurrent transfers share the links max-min
 * fairly (all the capacity there is gets used); a shard applies each update on arrival whatever its delay;
 * a worker pulls each shard right after its push to that shard lands (pushes and pulls overlap across
 * shards) and computes again once it has every slice.
 */
import { HostDeadError } from "../messenger.ts";
import type { FabricRun, WorkerSlot } from "../run.ts";
import type { Policy } from "./policy.ts";
import { workerLoop } from "./policy.ts";

/** Hooks that turn the asynchronous loop into SSP: wait before a step, report its end. */
export interface StepGate {
  beforeStep(worker: WorkerSlot): Promise<void>;
  afterStep(worker: WorkerSlot): void;
}

/**
 * Pushes `grad`'s slice for shard `s` straight to the primary, applies it on arrival, then pulls the shard.
 * Returns the version pulled.
 */
async function pushThenPull(
  run: FabricRun,
  worker: WorkerSlot,
  s: number,
  grad: Float32Array,
  base: { version: number; updates: number },
  params: Float32Array,
): Promise<{ version: number; updates: number }> {
  const shard = run.shards[s];
  const { offset, length } = shard.range;
  const id = run.book.create(worker.host, s, base.version, base.updates, run.now());
  try {
    await run.messenger.send({
      from: worker.host,
      to: shard.primary.host,
      bytes: run.sliceBytes(s),
      tag: "push",
    });
    shard.applyNow(
      { ids: [id], grad: grad.slice(offset, offset + length), baseVersion: base.version, aggregated: false },
      run.now(),
    );
  } catch (error) {
    if (!(error instanceof HostDeadError)) throw error;
    run.book.dropped(id, worker.alive ? "transferFailed" : "workerKilled", run.now());
    if (!worker.alive) throw error;
  }
  const { version, updates } = await run.pull(worker, s, params);
  return { version, updates };
}

/**
 * Starts one asynchronous worker (optionally gated, for SSP).
 *
 * @example
 * ```ts
 * for (const w of run.workers) void asyncWorker(run, w, null);
 * ```
 */
export function asyncWorker(run: FabricRun, worker: WorkerSlot, gate: StepGate | null): Promise<void> {
  const params = new Float32Array(run.config.model.paramCount);
  const bases = run.shards.map(() => ({ version: 0, updates: 0 }));
  const pullAll = async (): Promise<void> => {
    await Promise.all(
      run.shards.map(async (_, s) => {
        const { version, updates } = await run.pull(worker, s, params);
        bases[s] = { version, updates };
      }),
    );
  };
  return workerLoop(
    run,
    worker,
    async () => {
      if (gate !== null) await gate.beforeStep(worker);
      if (run.stopped) return;
      const grad = await run.gradient(worker, params);
      await Promise.all(
        run.shards.map(async (_, s) => {
          bases[s] = await pushThenPull(run, worker, s, grad, bases[s], params);
        }),
      );
      gate?.afterStep(worker);
    },
    pullAll,
  );
}

/**
 * The asynchronous parameter-server policy.
 *
 * @example
 * ```ts
 * const result = await fabric.train({ ...options, policy: "async" }).result;
 * result.stats.maxDelay; // unbounded: whatever the contention made it
 * ```
 */
export function asyncPs(): Policy {
  return {
    name: "async",
    start(run) {
      for (const worker of run.workers) void asyncWorker(run, worker, null);
    },
    params: (run) => run.shardParams(),
    killed() {
      // A dead worker's loop ends on its own (its transfers fail); the others go on.
    },
  };
}
