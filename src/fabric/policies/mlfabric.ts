/**
 * The MLfabric policy: workers ask the central scheduler before sending each update, and the scheduler
 * composes the three policies, each switchable alone: ordering (ordering.ts), aggregation
 * (aggregation.ts) and replication (replication.ts).
 *
 * A worker pulls every shard, computes a gradient on its next mini-batch, and for each shard asks the
 * scheduler `{ worker, shard, bytes, baseVersion }`. It obeys the decision: send to the shard (with a copy to
 * the replica), send to an aggregator, or drop (its update is never applied late); then it pulls that
 * shard afresh (from its aggregator, with pull relays, once the group's sum has landed), and computes again
 * once it has every slice. When a primary dies its replica is promoted,
 * the updates only the primary had applied are counted lost, and workers pull from the new primary.
 */
import type { ResolvedPolicy } from "../configPolicy.ts";
import { aggregate } from "../aggregator.ts";
import type { AggregationGroup, RelayedSlice } from "../aggregationGroup.ts";
import { failUnlessDead, sendGranted } from "../delivery.ts";
import { HostDeadError } from "../messenger.ts";
import type { FabricRun, WorkerSlot } from "../run.ts";
import { FabricScheduler } from "../scheduler.ts";
import type { Policy } from "./policy.ts";
import { workerLoop } from "./policy.ts";

type MlfabricPolicy = Extract<ResolvedPolicy, { name: "mlfabric" }>;

/**
 * One update of `worker` for shard `s`, from request to landing (or drop). Returns the aggregation group
 * the update landed in, if it went to an aggregator.
 */
async function pushUpdate(
  run: FabricRun,
  scheduler: FabricScheduler,
  worker: WorkerSlot,
  s: number,
  grad: Float32Array,
  base: { version: number; updates: number; epoch: number },
): Promise<AggregationGroup | null> {
  const id = run.book.create(worker.host, s, base.version, base.updates, run.now());
  const bytes = run.sliceBytes(s);
  const decision = await scheduler
    .request({
      from: worker.host,
      shard: s,
      bytes,
      baseVersion: base.version,
      baseUpdates: base.updates,
      epoch: base.epoch,
      ids: [id],
    })
    .catch((error: unknown) => {
      // The request or its answer failed: this worker died (the scheduler dropped or voided what it had).
      if (error instanceof HostDeadError) run.book.dropped(id, "workerKilled", run.now());
      throw error;
    });
  if (decision.destination === "drop") return null;
  if (decision.destination === "shard") {
    await sendGranted(run, scheduler, decision, {
      ids: [id],
      grad,
      baseVersion: base.version,
      aggregated: false,
    });
    return null;
  }
  try {
    const { report } = await run.messenger.send({
      from: worker.host,
      to: decision.aggregator,
      bytes,
      tag: "toAggregator",
    });
    decision.group.receive(id, grad);
    scheduler.report(decision.aggregator, report);
    return decision.group;
  } catch (error) {
    if (!(error instanceof HostDeadError)) throw error;
    decision.group.fail(id, worker.alive ? "aggregatorFailed" : "workerKilled");
    if (!worker.alive) throw error;
    return null;
  }
}

/**
 * Gets shard `s`'s fresh slice from the aggregator of `group` (pull relay) into `params`; false when there
 * is none to get (the group ended without one, the aggregator died on the way, or the shard failed over
 * since), and the worker pulls from the shard itself. Throws HostDeadError if the worker itself died.
 */
async function receiveRelay(
  run: FabricRun,
  scheduler: FabricScheduler,
  worker: WorkerSlot,
  group: AggregationGroup,
  params: Float32Array,
): Promise<RelayedSlice | null> {
  const slice = await group.relayed;
  if (slice === null || run.stopped) return null;
  if (group.aggregator !== worker.host) {
    try {
      const { report } = await run.messenger.send({
        from: group.aggregator,
        to: worker.host,
        bytes: run.sliceBytes(group.shard),
        tag: "relay",
      });
      scheduler.report(worker.host, report);
    } catch (error) {
      if (!(error instanceof HostDeadError) || !worker.alive) throw error;
      return null;
    }
  }
  const shard = run.shards[group.shard];
  if (slice.epoch !== shard.epoch) return null;
  params.set(slice.params, shard.range.offset);
  return slice;
}

/** A worker's loop under MLfabric. */
function mlfabricWorker(
  run: FabricRun,
  scheduler: FabricScheduler,
  worker: WorkerSlot,
  relay: boolean,
): Promise<void> {
  const params = new Float32Array(run.config.model.paramCount);
  const bases = run.shards.map(() => ({ version: 0, updates: 0, epoch: 0 }));
  const pull = async (s: number): Promise<void> => {
    const { version, updates, epoch, report } = await run.pull(worker, s, params);
    bases[s] = { version, updates, epoch };
    scheduler.report(worker.host, report);
  };
  return workerLoop(
    run,
    worker,
    async () => {
      const grad = await run.gradient(worker, params);
      await Promise.all(
        run.shards.map(async (shard, s) => {
          const { offset, length } = shard.range;
          const group = await pushUpdate(
            run,
            scheduler,
            worker,
            s,
            grad.slice(offset, offset + length),
            bases[s],
          );
          const relayed =
            relay && group !== null ? await receiveRelay(run, scheduler, worker, group, params) : null;
          if (relayed === null) await pull(s);
          else bases[s] = { version: relayed.version, updates: relayed.updates, epoch: relayed.epoch };
        }),
      );
    },
    async () => {
      await Promise.all(run.shards.map((_, s) => pull(s)));
    },
  );
}

/**
 * The MLfabric policy with the given switches.
 *
 * @example
 * ```ts
 * const { stats } = await fabric.train({ ...options, policy: { name: "mlfabric", aggregation: false } }).result;
 * stats.maxDelay <= options.delayBound; // true: the ordering policy drops what would exceed it
 * ```
 */
export function mlfabric(policy: MlfabricPolicy): Policy {
  let scheduler: FabricScheduler | null = null;
  return {
    name: "mlfabric",
    start(run) {
      const sched = new FabricScheduler(
        run,
        policy,
        (group) => void aggregate(run, sched, group, policy.pullRelay),
      );
      scheduler = sched;
      const failed = (error: unknown): void => failUnlessDead(run, error);
      run.onApply((shard, store, role) => {
        if (role !== "replica") return;
        // The replica acknowledges each application to the scheduler and to its primary.
        const { epoch } = shard;
        const { updates } = store;
        const primary = shard.primary.host;
        run.messenger
          .control(store.host, sched.host)
          .then(() => sched.replicaApplied(shard.index, epoch, updates))
          .catch(failed);
        run.messenger
          .control(store.host, primary)
          .then(() => shard.replicaAck(epoch, updates, run.now()))
          .catch(failed);
      });
      for (const worker of run.workers) void mlfabricWorker(run, sched, worker, policy.pullRelay);
    },
    params: (run) => run.shardParams(),
    killed(run, target) {
      if (scheduler === null) return;
      if (target.role !== "shard") {
        scheduler.workerFailed(target.host);
        return;
      }
      const shard = run.shards[target.index];
      const now = run.now();
      const promotion = shard.promote();
      run.book.lost(promotion.lost, now);
      for (const e of promotion.adopted) run.book.adopt(e);
      for (const id of promotion.discarded) run.book.dropped(id, "failover", now);
      run.events.emit({
        type: "promote",
        atMs: now,
        shard: shard.index,
        host: shard.primary.host,
        version: shard.primary.version,
        lost: promotion.lost,
      });
      scheduler.shardFailed(target.index);
    },
    aggregatorHost(ordinal) {
      const hosts = scheduler?.aggregators() ?? [];
      return hosts.length === 0 ? null : hosts[ordinal % hosts.length];
    },
  };
}
