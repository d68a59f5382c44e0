/**
 * Baseline: bulk-synchronous parallel parameter server (synchronous SGD), in its best-known form: at each
 * step every shard waits for all live workers' gradients, applies their average once (one version per
 * step), and answers the workers' pulls for the new version at once. Shards are independent, so a shard
 * that has all its pushes is pulled while pushes to the other shards are still on the wire (pushes and
 * pulls overlap across shards); a worker computes as soon as it has every slice. The averaged step takes
 * the large-batch learning rate of `config.syncScaling` (by default the linear scaling rule with warm-up,
 * Goyal et al. 2017): an average of k mini-batches at the base rate would move about k times less per
 * sample than the asynchronous policies, which apply every worker's gradient at that rate.
 */
import type { FabricRun, WorkerSlot } from "../run.ts";
import type { Shard } from "../shard.ts";
import type { Policy } from "./policy.ts";
import { workerLoop } from "./policy.ts";
import { HostDeadError } from "../messenger.ts";
import { SyncSchedule } from "../model/sgd.ts";

/** One shard's barrier: the gradients of the current step and the pulls waiting for the next version. */
class ShardBarrier {
  private readonly arrived = new Map<number, { id: number; grad: Float32Array; rows: number }>();
  private waiters: { version: number; wake: () => void }[] = [];
  /**
   * Every shard keeps its own schedule: all see the same members each step, so all scale alike (but in a
   * step where a worker dies after pushing to some shards only).
   */
  private readonly schedule: SyncSchedule;

  constructor(
    private readonly run: FabricRun,
    private readonly shard: Shard,
  ) {
    const { syncScaling, rows } = run.config;
    this.schedule = new SyncSchedule(syncScaling, rows);
  }

  /** A worker's gradient for the current step landed. */
  arrive(worker: WorkerSlot, id: number, grad: Float32Array): void {
    this.arrived.set(worker.index, { id, grad, rows: worker.data.batchRows });
    this.maybeApply();
  }

  /** Resolves once the shard has reached `version`. */
  reached(version: number): Promise<void> {
    if (this.shard.primary.version >= version) return Promise.resolve();
    return new Promise((wake) => this.waiters.push({ version, wake }));
  }

  /**
   * Applies the average when every live worker's gradient is in (call again when a worker dies). The
   * store's optimizer applies the base rate, so the average is scaled by the schedule's factor: the step is
   * that of the scaled rate (with the store's momentum, if any).
   */
  maybeApply(): void {
    if (this.arrived.size === 0) return;
    for (const w of this.run.aliveWorkers()) if (!this.arrived.has(w.index)) return;
    const members = [...this.arrived.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m);
    this.arrived.clear();
    const sum = new Float32Array(this.shard.range.length);
    for (const m of members) for (let k = 0; k < sum.length; k++) sum[k] += m.grad[k];
    const factor = this.schedule.next(members.map((m) => m.rows)) / members.length;
    for (let k = 0; k < sum.length; k++) sum[k] *= factor;
    const baseVersion = this.shard.primary.version;
    const ids = members.map((m) => m.id);
    this.shard.applyNow({ ids, grad: sum, baseVersion, aggregated: false }, this.run.now());
    const version = this.shard.primary.version;
    const ready = this.waiters.filter((w) => w.version <= version);
    this.waiters = this.waiters.filter((w) => w.version > version);
    for (const w of ready) w.wake();
  }
}

/**
 * The BSP policy.
 *
 * @example
 * ```ts
 * const optimizer = { learningRate: 0.05, syncScaling: "linear", warmupEpochs: 5 } as const; // the defaults
 * const { stats } = await fabric.train({ ...options, optimizer, policy: "bsp" }).result;
 * stats.maxDelay; // 0: every gradient is applied on the version it was computed on
 * ```
 */
export function bsp(): Policy {
  let barriers: ShardBarrier[] = [];
  return {
    name: "bsp",
    start(run) {
      barriers = run.shards.map((shard) => new ShardBarrier(run, shard));
      for (const worker of run.workers) {
        const params = new Float32Array(run.config.model.paramCount);
        const bases = run.shards.map(() => ({ version: 0, updates: 0 }));
        const pull = async (s: number): Promise<void> => {
          const { version, updates } = await run.pull(worker, s, params);
          bases[s] = { version, updates };
        };
        void workerLoop(
          run,
          worker,
          async () => {
            const grad = await run.gradient(worker, params);
            await Promise.all(
              run.shards.map(async (shard, s) => {
                const { offset, length } = shard.range;
                const id = run.book.create(worker.host, s, bases[s].version, bases[s].updates, run.now());
                try {
                  await run.messenger.send({
                    from: worker.host,
                    to: shard.primary.host,
                    bytes: run.sliceBytes(s),
                    tag: "push",
                  });
                } catch (error) {
                  if (error instanceof HostDeadError) run.book.dropped(id, "workerKilled", run.now());
                  throw error;
                }
                barriers[s].arrive(worker, id, grad.slice(offset, offset + length));
                await barriers[s].reached(bases[s].version + 1);
                await pull(s);
              }),
            );
          },
          async () => {
            await Promise.all(run.shards.map((_, s) => pull(s)));
          },
        );
      }
    },
    params: (run) => run.shardParams(),
    killed() {
      for (const b of barriers) b.maybeApply();
    },
  };
}
