/**
 * The policy part of the configuration: a preset name or a policy object, checked and defaulted; and the
 * fault schedule checked against the cluster and the policy (a shard kill needs replication).
 */
import type { Fault } from "../sim/faults.ts";
import type { ClusterLayout } from "./cluster.ts";
import { checkKeys, integerAtLeast, need, OP } from "./configChecks.ts";
import type { PolicyName, PolicySpec } from "./options.ts";
import { describeValue } from "../core/options.ts";

/** A policy with all its settings. */
export type ResolvedPolicy =
  | {
      name: "mlfabric";
      ordering: boolean;
      aggregation: boolean;
      replication: boolean;
      inFlightPerShard: number;
      aggregationGroupMax: number;
      pullRelay: boolean;
    }
  | { name: "ssp"; stalenessBoundSteps: number }
  | { name: "async" | "bsp" | "allreduce" };

/**
 * The preset names, in the order reports list them.
 *
 * @example
 * ```ts
 * POLICY_NAMES.includes("ssp"); // true
 * ```
 */
export const POLICY_NAMES: readonly PolicyName[] = ["mlfabric", "async", "bsp", "ssp", "allreduce"];

function flag(path: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  need(typeof v === "boolean", () => `${OP}: ${path} must be true or false but was ${describeValue(v)}`);
  return v;
}

/**
 * Checks a policy spec and fills in its defaults.
 *
 * @example
 * ```ts
 * resolvePolicy("ssp", 0); // { name: "ssp", stalenessBoundSteps: 3 }
 * resolvePolicy("sync", 0); // throws: fabric.train: policy must be one of mlfabric, async, bsp, ssp, allreduce but was "sync"
 * ```
 */
export function resolvePolicy(spec: PolicySpec | undefined, replicas: number): ResolvedPolicy {
  const raw: unknown = spec ?? "mlfabric";
  const o: Record<string, unknown> =
    typeof raw === "string" ? { name: raw } : typeof raw === "object" && raw !== null ? { ...raw } : {};
  const name = o.name;
  need(
    POLICY_NAMES.includes(name as PolicyName),
    () =>
      `${OP}: policy must be one of ${POLICY_NAMES.join(", ")} (or { name, ... }) but was ${describeValue(typeof raw === "string" ? raw : (name ?? raw))}`,
  );
  if (name === "mlfabric") {
    checkKeys("policy", o, [
      "name",
      "ordering",
      "aggregation",
      "replication",
      "inFlightPerShard",
      "aggregationGroupMax",
      "pullRelay",
    ]);
    const replication = flag("policy.replication", o.replication, replicas > 0);
    need(
      !replication || replicas > 0,
      () => `${OP}: policy.replication is on but cluster.replicas is 0 (set cluster.replicas: 1)`,
    );
    const aggregation = flag("policy.aggregation", o.aggregation, true);
    const pullRelay = flag("policy.pullRelay", o.pullRelay, aggregation);
    need(
      !pullRelay || aggregation,
      () => `${OP}: policy.pullRelay relays through aggregators but policy.aggregation is off`,
    );
    return {
      name,
      ordering: flag("policy.ordering", o.ordering, true),
      aggregation,
      pullRelay,
      replication,
      inFlightPerShard: integerAtLeast("policy.inFlightPerShard", o.inFlightPerShard, 2, 1),
      aggregationGroupMax: integerAtLeast("policy.aggregationGroupMax", o.aggregationGroupMax, 8, 2),
    };
  }
  if (name === "ssp") {
    checkKeys("policy", o, ["name", "stalenessBoundSteps"]);
    return {
      name,
      stalenessBoundSteps: integerAtLeast("policy.stalenessBoundSteps", o.stalenessBoundSteps, 3, 0),
    };
  }
  checkKeys("policy", o, ["name"]);
  return { name: name as "async" | "bsp" | "allreduce" };
}

/** Index of a role member given as a number or as its host id ("s2", "w5"); -1 when it names none. */
function indexOf(id: number | string, hosts: readonly (string | null)[]): number {
  if (typeof id === "number") return id < hosts.length ? id : -1;
  return hosts.indexOf(id);
}

/**
 * Checks that every fault names an existing actor and that the policy can survive it.
 *
 * @example
 * ```ts
 * checkFaultTargets([{ atMs: 5, kind: "kill", role: "shard", id: 0 }], layout, { name: "async" });
 * // throws: fabric.train: faults[0] kills shard 0, which needs replication (policy "async" has none)
 * ```
 */
export function checkFaultTargets(
  faults: readonly Fault[],
  layout: ClusterLayout,
  policy: ResolvedPolicy,
): void {
  faults.forEach((f, i) => {
    const where = `${OP}: faults[${i}]`;
    if (f.kind === "partition") {
      need(
        layout.hosts.includes(f.host) && f.host !== layout.scheduler,
        () => `${where} partitions an unknown host "${f.host}" (hosts: ${layout.hosts.join(", ")})`,
      );
      return;
    }
    if (f.role === "shard") {
      need(
        indexOf(f.id, layout.shards) >= 0,
        () => `${where} kills shard ${JSON.stringify(f.id)} but there are ${layout.shards.length} shards`,
      );
      need(
        policy.name === "mlfabric" && policy.replication,
        () =>
          `${where} kills shard ${JSON.stringify(f.id)}, which needs replication (policy "${policy.name}" has none)`,
      );
    } else if (f.role === "worker") {
      need(
        indexOf(f.id, layout.workers) >= 0,
        () => `${where} kills worker ${JSON.stringify(f.id)} but there are ${layout.workers.length} workers`,
      );
    } else {
      need(
        policy.name === "mlfabric" && policy.aggregation,
        () => `${where} kills an aggregator but policy "${policy.name}" aggregates nothing`,
      );
      need(typeof f.id === "number", () => `${where}: an aggregator is killed by its ordinal (a number)`);
    }
  });
  checkFaultsLeaveProgress(faults, layout);
}

/**
 * Refuses fault plans after which the run cannot go on, before it starts: the same worker killed twice
 * (the second kill would hit nothing), a shard killed twice (one replica per shard: after the first kill
 * promotes it, the second leaves no live copy), or every worker killed (nothing would be left to train).
 */
function checkFaultsLeaveProgress(faults: readonly Fault[], layout: ClusterLayout): void {
  const killed = new Map<string, number>();
  let workersKilled = 0;
  faults.forEach((f, i) => {
    if (f.kind !== "kill" || f.role === "aggregator") return;
    const hosts = f.role === "shard" ? layout.shards : layout.workers;
    const index = indexOf(f.id, hosts);
    const key = `${f.role} ${index}`;
    const earlier = killed.get(key);
    need(earlier === undefined, () => {
      const before = `faults[${earlier}] killed it at ${faults[earlier ?? 0].atMs} ms`;
      return f.role === "shard"
        ? `${OP}: faults[${i}] kills shard ${index} a second time (${before}): with one replica per shard, no live copy of it would be left`
        : `${OP}: faults[${i}] kills worker ${hosts[index]} a second time (${before})`;
    });
    killed.set(key, i);
    if (f.role === "worker") workersKilled++;
  });
  need(
    workersKilled < layout.workers.length,
    () => `${OP}: the faults kill all ${layout.workers.length} workers: none would be left to train`,
  );
}

/**
 * The index of the shard or worker a kill fault names.
 *
 * @example
 * ```ts
 * roleIndex("s2", layout.shards); // 2
 * ```
 */
export function roleIndex(id: number | string, hosts: readonly (string | null)[]): number {
  return indexOf(id, hosts);
}
