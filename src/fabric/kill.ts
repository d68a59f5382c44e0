/**
 * What losing a host does to a run, whoever noticed: a kill fault of the plan (killTarget) or the
 * scheduler's failure detector (declareDead). Either way the host is cut off for good (it sends nothing
 * more; its transfers in flight fail), the loss is recorded, and the policy reacts (promote a replica,
 * forget a worker). A shard whose primary is declared dead with no replica to promote has no live copy:
 * the run cannot go on, and says so.
 */
import { ArgumentError } from "../core/errors.ts";
import type { KillFault } from "../sim/faults.ts";
import { roleIndex } from "./configPolicy.ts";
import type { KillTarget, Policy } from "./policies/policy.ts";
import type { HostFailure } from "./records.ts";
import type { FabricRun } from "./run.ts";

/**
 * Cuts a host off for good and records it: it sends and receives nothing more, its transfers in flight
 * fail, a worker stops being alive.
 */
function fence(run: FabricRun, target: KillTarget, how: Pick<HostFailure, "cause" | "lastHeardMs">): void {
  const { host } = target;
  run.messenger.kill(host);
  if (target.role !== "shard") run.workers[target.index].alive = false;
  run.env.kill(host);
  const atMs = run.now();
  run.failures.push({ role: target.role, host, atMs, ...how });
  run.events.emit({ type: "kill", atMs, role: target.role, host, ...how });
}

/**
 * Cuts a host off and lets the policy react.
 *
 * @example
 * ```ts
 * cutOff(run, policy, { role: "worker", host: "w3", index: 3 }, { cause: "fault", lastHeardMs: null });
 * run.failures.at(-1); // { role: "worker", host: "w3", atMs: ..., cause: "fault", lastHeardMs: null }
 * ```
 */
export function cutOff(
  run: FabricRun,
  policy: Policy,
  target: KillTarget,
  how: Pick<HostFailure, "cause" | "lastHeardMs">,
): void {
  fence(run, target, how);
  policy.killed(run, target);
}

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
  cutOff(run, policy, { role: fault.role, host, index }, { cause: "fault", lastHeardMs: null });
  return true;
}

/**
 * The failure detector found a host silent for longer than the timeout: cuts it off like a kill. Returns
 * false when it was a shard's primary with no replica to promote (the host is cut off, and the run has no
 * live copy of that shard left).
 *
 * @example
 * ```ts
 * startFailureDetector(run, config.heartbeat, (target, heard) => {
 *   if (!declareDead(run, policy, target, heard)) finish("shardLost");
 * });
 * ```
 */
export function declareDead(
  run: FabricRun,
  policy: Policy,
  target: KillTarget,
  lastHeardMs: number,
): boolean {
  const how = { cause: "heartbeat" as const, lastHeardMs };
  if (target.role === "shard" && run.shards[target.index].replica === null) {
    fence(run, target, how);
    return false;
  }
  cutOff(run, policy, target, how);
  return true;
}
