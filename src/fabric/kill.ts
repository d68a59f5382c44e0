/**
 * What a kill fault does to a run: find the host it names (a shard's current primary, a worker, the
 * aggregator with that ordinal), cut it off (it sends nothing more; its transfers in flight fail), and let
 * the policy react (promote a replica, forget a worker).
 */
import { ArgumentError } from "../core/errors.ts";
import type { KillFault } from "../sim/faults.ts";
import { roleIndex } from "./configPolicy.ts";
import type { Policy } from "./policies/policy.ts";
import type { FabricRun } from "./run.ts";

/**
 * Carries out a kill fault; returns false when it hit nothing (no aggregator at work, already dead).
 *
 * @example
 * ```ts
 * env.run({ kill: (fault) => killTarget(run, policy, fault) });
 * ```
 */
export function killTarget(run: FabricRun, policy: Policy, fault: KillFault): boolean {
  const { layout } = run.config;
  let host: string | null;
  if (fault.role === "shard") {
    const shard = run.shards[roleIndex(fault.id, layout.shards)];
    if (shard.replica === null) {
      run.fail(
        new ArgumentError(
          `fabric.train: a fault kills shard ${shard.index}'s primary ${shard.primary.host} at ${run.now()} ms, but the shard has no replica left to promote`,
        ),
      );
      return false;
    }
    host = shard.primary.host;
  } else if (fault.role === "worker") {
    host = layout.workers[roleIndex(fault.id, layout.workers)];
  } else {
    host = policy.aggregatorHost?.(Number(fault.id)) ?? null;
  }
  if (host === null || run.messenger.isDead(host)) return false;
  const index = fault.role === "shard" ? roleIndex(fault.id, layout.shards) : layout.workers.indexOf(host);
  run.messenger.kill(host);
  if (fault.role !== "shard") run.workers[index].alive = false;
  run.env.kill(host);
  run.events.emit({ type: "kill", atMs: run.now(), role: fault.role, host });
  policy.killed(run, { role: fault.role, host, index });
  return true;
}
