/**
 * `dsfabric train`: one training run from a config file, with a progress bar, its statistics printed at the
 * end, and optionally the same report as `compare` (for that one policy) written to `--out`.
 */
import type { Clock } from "../sim/clock.ts";
import { describeFailures } from "../fabric/records.ts";
import { loadConfig } from "./config.ts";
import { throwIfEndedEarly } from "./endedEarly.ts";
import { runReported } from "./compare.ts";
import { prepareReport } from "./report/reportFolder.ts";
import type { ProgressOptions } from "./progress.ts";
import type { PolicyResult, Results } from "./report/resultsJson.ts";
import { formatBytes } from "./report/summary.ts";
import { checkPolicies, parsePolicies, prepareConfig } from "./runPolicy.ts";

/** Options of {@link runTrain} (the command line's, parsed). */
export interface TrainCommandOptions {
  configPath: string;
  sets: readonly string[];
  /** The policy to run; default: the config's `policy` (its name when it is an object), else "mlfabric". */
  policy?: string;
  /** Where to write results.json, the plot and summary.md (nothing is written without it). */
  outDir?: string;
  clock: Clock;
  log: (line: string) => void;
  progressStream?: ProgressOptions["stream"];
}

/**
 * One run's statistics as aligned text lines.
 *
 * @example
 * ```ts
 * formatRunStats("mlfabric", "virtual", result).split("\n")[0];
 * // "policy               mlfabric"
 * ```
 */
export function formatRunStats(policy: string, clock: "virtual" | "real", r: PolicyResult): string {
  const rows: [string, string][] = [
    ["policy", policy],
    [
      "time to target",
      r.timeToTarget === null ? "not reached" : `${r.timeToTarget.toFixed(2)} s (${clock} clock)`,
    ],
    ["final accuracy", r.finalAccuracy.toFixed(4)],
    ["updates applied", String(r.updatesApplied)],
    ["updates dropped", String(r.updatesDropped)],
    ["delay max / mean", `${r.maxDelay} / ${r.meanDelay.toFixed(2)}`],
    ["aggregated updates", String(r.aggregatedUpdates)],
    ["replica max lag", String(r.replicaMaxLag)],
    ["lost updates", String(r.lostUpdates)],
    ["bytes moved", formatBytes(r.bytesMoved)],
    ["wall time", `${r.wallTimeS.toFixed(2)} s`],
  ];
  if (r.failures !== undefined && r.failures.length > 0)
    rows.push(["hosts lost", describeFailures(r.failures)]);
  if (r.ended !== undefined) rows.push(["ended", `${r.ended.message} (at ${r.ended.atS.toFixed(2)} s)`]);
  return rows.map(([k, v]) => `${k.padEnd(20)} ${v}`).join("\n");
}

/**
 * The whole command.
 *
 * @example
 * ```ts
 * await runTrain({ configPath: "examples/quick.json", sets: [], clock: realClock, log: console.log });
 * ```
 */
export async function runTrain(o: TrainCommandOptions): Promise<Results> {
  const report = o.outDir === undefined ? undefined : prepareReport("dsfabric train", o.outDir);
  try {
    const config = loadConfig(o.configPath, o.sets);
    const fromConfig =
      typeof config.policy === "string"
        ? config.policy
        : typeof config.policy === "object" && config.policy !== null && !Array.isArray(config.policy)
          ? config.policy.name
          : undefined;
    const policy = o.policy ?? (typeof fromConfig === "string" ? fromConfig : "mlfabric");
    parsePolicies(policy, o.policy === undefined ? "config: policy" : "--policy");
    const prepared = prepareConfig(config);
    checkPolicies(prepared, [policy]);
    const { results, files } = await runReported(prepared, [policy], o, report);
    o.log(formatRunStats(policy, results.clock, results.policies[policy]));
    if (files !== undefined) o.log(`wrote ${files.results}, ${files.svg}, ${files.png}, ${files.summary}`);
    throwIfEndedEarly(results);
    return results;
  } finally {
    report?.discard();
  }
}
