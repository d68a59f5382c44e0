/**
 * Invariant checkers over a run's records, recomputed from the raw records and the application log (not
 * from the run's own counters): delay bound held, replica lag within bound, aggregated sums equal to the sum
 * of their members, failover lost at most replicaLag updates, no update applied twice. Each returns the
 * violations it found (empty: the invariant held).
 */
import type { AggregationSeen } from "./inspector.ts";
import type { ApplyEntry, UpdateRecord } from "./records.ts";

/** One broken invariant. */
export interface Violation {
  invariant: "delayBound" | "replicaLag" | "aggregatedSum" | "failoverLoss" | "doubleApply";
  message: string;
}

/** The outcome of `checkInvariants`. */
export interface InvariantReport {
  ok: boolean;
  violations: Violation[];
}

const LIMIT = 20;

/**
 * Every applied (or later lost) update's delay in versions, and its staleness in updates, is at most
 * `delayBound`.
 *
 * @example
 * ```ts
 * checkDelayBound(result.records, 16); // [] when the bound held
 * ```
 */
export function checkDelayBound(records: readonly UpdateRecord[], delayBound: number): Violation[] {
  const out: Violation[] = [];
  for (const r of records) {
    const worst = Math.max(r.delay ?? 0, r.stalenessUpdates ?? 0);
    if (worst > delayBound && out.length < LIMIT) {
      out.push({
        invariant: "delayBound",
        message: `update ${r.id} (worker ${r.worker}, shard ${r.shard}) was applied with delay ${r.delay} and staleness ${r.stalenessUpdates} updates, over ${delayBound} (base version ${r.baseVersion}, applied ${r.appliedVersion})`,
      });
    }
  }
  return out;
}

/**
 * Replaying the application log, a primary never leads its replica by more than `replicaLag` updates
 * while the replica is one (`replicas[s]` is shard s's replica host, null if none).
 *
 * @example
 * ```ts
 * checkReplicaLag(result.applies, ["r0", "r1"], 4); // [] when the lag held
 * ```
 */
export function checkReplicaLag(
  applies: readonly ApplyEntry[],
  replicas: readonly (string | null)[],
  replicaLag: number,
): Violation[] {
  const out: Violation[] = [];
  const replicaUpdates = replicas.map(() => 0);
  const promoted = replicas.map(() => false);
  for (const e of applies) {
    const replica = replicas[e.shard];
    if (replica === null || promoted[e.shard]) continue;
    if (e.role === "replica") {
      replicaUpdates[e.shard] = e.updates;
    } else if (e.host === replica) {
      promoted[e.shard] = true;
    } else if (e.updates - replicaUpdates[e.shard] > replicaLag && out.length < LIMIT) {
      out.push({
        invariant: "replicaLag",
        message: `shard ${e.shard}: primary ${e.host} reached ${e.updates} updates at ${e.atMs} ms while replica ${replica} had ${replicaUpdates[e.shard]} (lag > ${replicaLag})`,
      });
    }
  }
  return out;
}

/**
 * The sum an aggregator forwarded equals the float32 sum of its members, in member order, bit for bit.
 *
 * @example
 * ```ts
 * checkAggregatedSum(seen); // [] when seen.sum is exactly seen.members summed
 * ```
 */
export function checkAggregatedSum(seen: AggregationSeen): Violation[] {
  const expected = new Float32Array(seen.sum.length);
  for (const m of seen.members) for (let k = 0; k < expected.length; k++) expected[k] += m[k];
  for (let k = 0; k < expected.length; k++) {
    if (!Object.is(expected[k], seen.sum[k])) {
      return [
        {
          invariant: "aggregatedSum",
          message: `aggregate of ${seen.memberIds.join(",")} at ${seen.aggregator}: element ${k} is ${seen.sum[k]} but the members sum to ${expected[k]}`,
        },
      ];
    }
  }
  return [];
}

/**
 * No update is applied twice: not at one store, and not by two primaries of one shard (a lost update must
 * not come back at the promoted replica).
 *
 * @example
 * ```ts
 * checkNoDoubleApply(result.applies); // []
 * ```
 */
export function checkNoDoubleApply(applies: readonly ApplyEntry[]): Violation[] {
  const out: Violation[] = [];
  const seen = new Map<string, Set<number>>();
  const see = (key: string, id: number, what: string): void => {
    let set = seen.get(key);
    if (set === undefined) seen.set(key, (set = new Set()));
    if (set.has(id) && out.length < LIMIT)
      out.push({ invariant: "doubleApply", message: `update ${id} applied twice ${what}` });
    set.add(id);
  };
  for (const e of applies) {
    for (const id of e.ids) {
      see(`host ${e.shard}/${e.host}`, id, `at ${e.host}`);
      if (e.role === "primary") see(`primaries ${e.shard}`, id, `by primaries of shard ${e.shard}`);
    }
  }
  return out;
}

/**
 * A failover lost at most `replicaLag` updates per shard, and every lost update had been applied.
 *
 * @example
 * ```ts
 * checkFailoverLoss(result.records, 4); // []
 * ```
 */
export function checkFailoverLoss(records: readonly UpdateRecord[], replicaLag: number): Violation[] {
  const lostByShard = new Map<number, number>();
  const out: Violation[] = [];
  for (const r of records) {
    if (r.path !== "lost") continue;
    lostByShard.set(r.shard, (lostByShard.get(r.shard) ?? 0) + 1);
    if (r.appliedVersion === null) {
      out.push({ invariant: "failoverLoss", message: `update ${r.id} is lost but was never applied` });
    }
  }
  for (const [shard, lost] of lostByShard) {
    if (lost > replicaLag) {
      out.push({
        invariant: "failoverLoss",
        message: `shard ${shard} lost ${lost} updates > replicaLag ${replicaLag}`,
      });
    }
  }
  return out;
}

/**
 * Runs the checks that apply to a run's result: the delay bound when it was enforced, replica lag and
 * failover loss with replication, and no double application always.
 *
 * @example
 * ```ts
 * const report = fabric.checkInvariants(result);
 * assert(report.ok, report.violations.map((v) => v.message).join("\n"));
 * ```
 */
export function checkInvariants(result: {
  records: readonly UpdateRecord[];
  applies: readonly ApplyEntry[];
  config: {
    delayBound: number;
    replicaLag: number;
    policy: { name: string; ordering?: boolean; replication?: boolean };
    layout: { replicas: readonly (string | null)[] };
  };
}): InvariantReport {
  const { policy, delayBound, replicaLag, layout } = result.config;
  const violations = [...checkNoDoubleApply(result.applies)];
  if (policy.name === "mlfabric" && policy.ordering === true) {
    violations.push(...checkDelayBound(result.records, delayBound));
  }
  if (policy.name === "mlfabric" && policy.replication === true) {
    violations.push(...checkReplicaLag(result.applies, layout.replicas, replicaLag));
    violations.push(...checkFailoverLoss(result.records, replicaLag));
  }
  return { ok: violations.length === 0, violations };
}
