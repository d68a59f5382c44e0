/**
 * The fabric's decision records: one per update (a worker's gradient for one shard at one step), saying
 * what became of it, and one per application at a parameter store. Tests check the invariants on them
 * (invariants.ts); reports summarize them into `FabricStats`.
 */

/**
 * What became of an update: applied on its own ("direct") or inside an aggregator's sum ("aggregated");
 * never applied ("dropped": over the delay bound, its transfer failed, or its epoch ended at a failover);
 * applied at a primary that then died before its replica applied it ("lost"); still in flight when the run
 * stopped ("pending").
 */
export type UpdatePath = "direct" | "aggregated" | "dropped" | "lost" | "pending";

/** Why an update was dropped. */
export type DropReason = "delayBound" | "transferFailed" | "failover" | "workerKilled" | "aggregatorFailed";

/** One update's decision record. */
export interface UpdateRecord {
  id: number;
  worker: string;
  shard: number;
  /** The shard version the gradient was computed on. */
  baseVersion: number;
  /** The shard's update count at that version (an aggregated message counts as its members). */
  baseUpdates: number;
  /** The shard version its application produced (null if never applied). */
  appliedVersion: number | null;
  /**
   * Versions the shard advanced between the pull and the application: appliedVersion - 1 - baseVersion.
   * An aggregated message is one version.
   */
  delay: number | null;
  /**
   * Updates the shard applied between the pull and the application (an aggregated message counts as its
   * members): the staleness the delay bound is enforced on; never less than `delay`.
   */
  stalenessUpdates: number | null;
  path: UpdatePath;
  /** The other updates applied in the same message (an aggregator's group, or a BSP step). */
  aggregatedWith: number[];
  /** Whether the shard's replica applied it too. */
  replicated: boolean;
  /** When it was applied, dropped or lost (for "pending": when it was created). */
  atMs: number;
  /** Set when path is "dropped". */
  dropReason: DropReason | null;
}

/** One application of a message (one update, a sum, or a BSP average) at a parameter store. */
export interface ApplyEntry {
  atMs: number;
  shard: number;
  host: string;
  role: "primary" | "replica";
  /** The store's version after the application. */
  version: number;
  /** The store's update count after the application. */
  updates: number;
  ids: number[];
}

/** One evaluation of the current model. */
export interface HistoryPoint {
  /** Seconds of the run's clock. */
  timeS: number;
  /** Updates applied so far (members of an aggregate count one each). */
  updates: number;
  /** Mean loss on (up to evalRowsMax) training rows. */
  loss: number;
  /** Accuracy on the test set (on training rows when there is none). */
  testAccuracy: number;
}

/**
 * A host the run lost: killed by the fault plan (its connections reset, everyone knows at once), or
 * declared dead by the scheduler after `heartbeat.timeoutMs` without a heartbeat (partitioned or hung).
 */
export interface HostFailure {
  role: "worker" | "shard" | "aggregator";
  host: string;
  /** When it was cut off (ms of the run's clock). */
  atMs: number;
  cause: "fault" | "heartbeat";
  /** For cause "heartbeat": when the scheduler last heard from it; else null. */
  lastHeardMs: number | null;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/**
 * One failure in words.
 *
 * @example
 * ```ts
 * describeFailure({ role: "worker", host: "w1", atMs: 1350, cause: "heartbeat", lastHeardMs: 800 });
 * // "w1 silent since 0.80 s, declared dead at 1.35 s"
 * ```
 */
export function describeFailure(f: HostFailure): string {
  return f.cause === "fault"
    ? `${f.host} killed by the fault plan at ${seconds(f.atMs)}`
    : `${f.host} silent since ${seconds(f.lastHeardMs ?? 0)}, declared dead at ${seconds(f.atMs)}`;
}

/**
 * Several failures in words, the first three in full.
 *
 * @example
 * ```ts
 * describeFailures(run.failures); // "w0 killed by the fault plan at 0.04 s; w1 silent since ...; and 5 more"
 * ```
 */
export function describeFailures(failures: readonly HostFailure[]): string {
  const shown = failures.slice(0, 3).map(describeFailure);
  if (failures.length > 3) shown.push(`and ${failures.length - 3} more`);
  return shown.join("; ");
}

/** Why a run ended: the target, maxTimeS, stop(), no worker left, or a shard with no live copy. */
export type EndReason = "target" | "maxTime" | "stopped" | "noWorkers" | "shardLost";

/** How a run ended, with a one-line reason a person can read. */
export interface RunEnd {
  reason: EndReason;
  /** Seconds of the run's clock. */
  atS: number;
  /** E.g. "no worker left: w0 killed by the fault plan at 0.40 s; w1 silent since 0.80 s, declared dead at 1.35 s". */
  message: string;
}

/** A run's fabric statistics (the `results.json` fields of the compare command). */
export interface FabricStats {
  /** Seconds until the test accuracy first reached the target; null if it never did (or no target). */
  timeToTarget: number | null;
  finalAccuracy: number;
  updatesApplied: number;
  updatesDropped: number;
  /** Delay of the applied updates in shard versions (an aggregated sum is one version). */
  maxDelay: number;
  meanDelay: number;
  /** Staleness of the applied updates in shard updates (an aggregated sum counts as its members). */
  maxStalenessUpdates: number;
  meanStalenessUpdates: number;
  /** Updates applied as members of an aggregator's sum. */
  aggregatedUpdates: number;
  /** Largest gap, in updates, between a primary and its replica. */
  replicaMaxLag: number;
  lostUpdates: number;
  /** Bytes of updates and parameters moved (control messages and background traffic excluded). */
  bytesMoved: number;
  /** `bytesMoved` by kind of transfer: "push", "pushAggregated", "toAggregator", "pull", "relay", "replica", ... */
  bytesByKind: Record<string, number>;
  /** Seconds of the run's clock until it stopped. */
  durationS: number;
}

/**
 * Summarizes a run.
 *
 * @example
 * ```ts
 * const stats = summarize({ records, history, targetAccuracy: 0.9, replicaMaxLag: 2, bytesMoved: 1e9, durationS: 12 });
 * stats.updatesApplied; // records whose path is "direct" or "aggregated"
 * ```
 */
export function summarize(input: {
  records: readonly UpdateRecord[];
  history: readonly HistoryPoint[];
  targetAccuracy: number | null;
  replicaMaxLag: number;
  bytesMoved: number;
  bytesByKind?: Record<string, number>;
  durationS: number;
}): FabricStats {
  let applied = 0;
  let dropped = 0;
  let aggregated = 0;
  let lost = 0;
  let maxDelay = 0;
  let delaySum = 0;
  let maxStaleness = 0;
  let stalenessSum = 0;
  for (const r of input.records) {
    if (r.path === "direct" || r.path === "aggregated") {
      applied++;
      if (r.path === "aggregated") aggregated++;
      const d = r.delay ?? 0;
      delaySum += d;
      if (d > maxDelay) maxDelay = d;
      const u = r.stalenessUpdates ?? 0;
      stalenessSum += u;
      if (u > maxStaleness) maxStaleness = u;
    } else if (r.path === "dropped") dropped++;
    else if (r.path === "lost") lost++;
  }
  const target = input.targetAccuracy;
  const hit = target === null ? undefined : input.history.find((h) => h.testAccuracy >= target);
  const last = input.history[input.history.length - 1];
  return {
    timeToTarget: hit === undefined ? null : hit.timeS,
    finalAccuracy: last === undefined ? 0 : last.testAccuracy,
    updatesApplied: applied,
    updatesDropped: dropped,
    maxDelay,
    meanDelay: applied === 0 ? 0 : delaySum / applied,
    maxStalenessUpdates: maxStaleness,
    meanStalenessUpdates: applied === 0 ? 0 : stalenessSum / applied,
    aggregatedUpdates: aggregated,
    replicaMaxLag: input.replicaMaxLag,
    lostUpdates: lost,
    bytesMoved: input.bytesMoved,
    bytesByKind: input.bytesByKind ?? {},
    durationS: input.durationS,
  };
}
