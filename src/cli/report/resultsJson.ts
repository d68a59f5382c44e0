/**
 * `results.json`: what `dsfabric compare` measured, one entry per policy, in a fixed shape that the plot,
 * the Markdown summary, docs/fabric.md and the tests read.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ArgumentError } from "../../core/errors.ts";
import type { HostFailure, RunEnd } from "../../fabric/records.ts";
import type { TrainConfig } from "../config.ts";
import { describeValue } from "../../core/options.ts";

/** One evaluation during a run. */
export interface HistoryPoint {
  /** Seconds since the start, on the run's clock (virtual or real). */
  timeS: number;
  /** Updates applied so far (over all shards). */
  updates: number;
  /** Training loss at that point. */
  loss: number;
  /** Test accuracy at that point, a fraction in [0, 1]. */
  testAccuracy: number;
}

/** The fabric statistics of one run (the contract of `fabric.train`'s `stats`). */
export interface PolicyStats {
  /** Seconds until the test accuracy first reached the target, or null when it never did. */
  timeToTarget: number | null;
  finalAccuracy: number;
  updatesApplied: number;
  updatesDropped: number;
  maxDelay: number;
  meanDelay: number;
  aggregatedUpdates: number;
  replicaMaxLag: number;
  lostUpdates: number;
  bytesMoved: number;
}

/**
 * What one run of one policy gives: its history and statistics (`durationS`: its length on its clock), how
 * it ended and the hosts it lost.
 */
export interface PolicyRun {
  history: readonly HistoryPoint[];
  stats: PolicyStats & { durationS?: number };
  ended?: RunEnd;
  failures?: readonly HostFailure[];
}

/** One policy's entry of `results.json`. */
export interface PolicyResult extends PolicyStats {
  history: HistoryPoint[];
  /** Seconds of the run's clock until it stopped (at the target or at maxTimeS), when the driver says. */
  durationS?: number;
  /** Real seconds the run took on this machine (also for a virtual-clock run). */
  wallTimeS: number;
  /** How the run ended (`reason` "noWorkers" or "shardLost": early, and `message` says why). */
  ended?: RunEnd;
  /** Hosts the run lost: killed by the fault plan, or declared dead after missed heartbeats. */
  failures?: HostFailure[];
}

/** The whole of `results.json`. */
export interface Results {
  clock: "virtual" | "real";
  seed: number;
  /** The target test accuracy (null when the config sets none: the runs went to `maxTimeS`). */
  target: number | null;
  /** The effective config: the file with every `--set` applied. */
  config: TrainConfig;
  /** One entry per policy, in the order they ran. */
  policies: Record<string, PolicyResult>;
  /**
   * Present when the run stopped before every policy had run (a policy failed, or the command was
   * interrupted): why, and the policies that did not finish. `policies` holds the ones that did.
   */
  partial?: { reason: string; unfinished: string[] };
}

/** The statistics fields, in the order the summary's table shows them. */
export const STAT_FIELDS: readonly (keyof PolicyStats)[] = [
  "timeToTarget",
  "finalAccuracy",
  "updatesApplied",
  "updatesDropped",
  "maxDelay",
  "meanDelay",
  "aggregatedUpdates",
  "replicaMaxLag",
  "lostUpdates",
  "bytesMoved",
];

const HISTORY_FIELDS: readonly (keyof HistoryPoint)[] = ["timeS", "updates", "loss", "testAccuracy"];

/** One named run and the real seconds it took. */
export interface NamedRun {
  policy: string;
  run: PolicyRun;
  wallTimeS: number;
}

/**
 * Assembles `results.json` from the runs, checking that each carries every statistic as a number (only
 * `timeToTarget` may be null) and a history of `{ timeS, updates, loss, testAccuracy }`, so that a change of
 * the training driver's output fails here, by name, rather than as a blank cell in the report.
 *
 * @example
 * ```ts
 * const results = buildResults({ clock: "virtual", seed: 7, target: 0.9, config, runs: [
 *   { policy: "mlfabric", run: { history, stats }, wallTimeS: 4.2 },
 * ] });
 * Object.keys(results.policies); // ["mlfabric"]
 * ```
 */
export function buildResults(o: {
  clock: "virtual" | "real";
  seed: number;
  target: number | null;
  config: TrainConfig;
  runs: readonly NamedRun[];
  partial?: Results["partial"];
}): Results {
  const policies: Record<string, PolicyResult> = {};
  for (const { policy, run, wallTimeS } of o.runs) {
    const where = `results.json: policy ${policy}`;
    if (policy in policies) throw new ArgumentError(`${where}: ran twice`);
    const given: Partial<Record<keyof PolicyStats, unknown>> = run.stats;
    for (const field of STAT_FIELDS) {
      const v = given[field];
      if (!(typeof v === "number" || (field === "timeToTarget" && v === null))) {
        throw new ArgumentError(
          `${where}: stats.${field} must be a number${field === "timeToTarget" ? " or null" : ""} but was ${describeValue(v)}`,
        );
      }
    }
    const s = run.stats;
    const stats: PolicyStats = {
      timeToTarget: s.timeToTarget,
      finalAccuracy: s.finalAccuracy,
      updatesApplied: s.updatesApplied,
      updatesDropped: s.updatesDropped,
      maxDelay: s.maxDelay,
      meanDelay: s.meanDelay,
      aggregatedUpdates: s.aggregatedUpdates,
      replicaMaxLag: s.replicaMaxLag,
      lostUpdates: s.lostUpdates,
      bytesMoved: s.bytesMoved,
    };
    const history = run.history.map((point, k): HistoryPoint => {
      const p: Partial<Record<keyof HistoryPoint, unknown>> = point;
      for (const field of HISTORY_FIELDS) {
        if (typeof p[field] !== "number") {
          throw new ArgumentError(
            `${where}: history[${k}].${field} must be a number but was ${describeValue(p[field])}`,
          );
        }
      }
      return {
        timeS: point.timeS,
        updates: point.updates,
        loss: point.loss,
        testAccuracy: point.testAccuracy,
      };
    });
    const duration = typeof s.durationS === "number" ? { durationS: s.durationS } : {};
    const ended = run.ended === undefined ? {} : { ended: { ...run.ended } };
    const failures = run.failures === undefined ? {} : { failures: run.failures.map((f) => ({ ...f })) };
    policies[policy] = { ...stats, history, ...duration, wallTimeS, ...ended, ...failures };
  }
  const results: Results = { clock: o.clock, seed: o.seed, target: o.target, config: o.config, policies };
  if (o.partial !== undefined) results.partial = o.partial;
  return results;
}

/**
 * Writes `dir/results.json` (creating `dir`), two-space indented; returns its path.
 *
 * @example
 * ```ts
 * writeResults("out", results); // "out/results.json"
 * ```
 */
export function writeResults(dir: string, results: Results): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "results.json");
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}
