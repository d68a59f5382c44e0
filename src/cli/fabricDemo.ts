/**
 * The MLfabric demo (`npm start`): the experiment's scenario (examples/dynamic-cluster.json: MNIST, 32
 * workers, 4 shards with replicas, 10 Gbit/s links, background flows, slow hosts) run in real time on
 * emulated links, MLfabric against plain asynchronous PS, with a progress bar per policy and the report at
 * the end. Real time, so that what the user watches is what happens; the virtual-time experiment is one
 * `dsfabric compare` away (the last lines say how).
 */
import { fileURLToPath } from "node:url";
import type { Clock } from "../sim/clock.ts";
import { runCompare } from "./compare.ts";
import { formatInfo, infoReport } from "./info.ts";
import type { ProgressOptions } from "./progress.ts";
import type { Results } from "./report/resultsJson.ts";

/** The experiment's config, next to the package's dist/ and src/ alike. */
export const DEMO_CONFIG = fileURLToPath(
  new URL(
    `${import.meta.url.includes("/dist/") ? "../../../" : "../../"}examples/dynamic-cluster.json`,
    import.meta.url,
  ),
);

/** Options of {@link runFabricDemo}. */
export interface FabricDemoOptions {
  /** Folder of the report (results.json, accuracy.svg/png, summary.md). */
  outDir: string;
  /** Extra `--set path=value` assignments applied after the demo's own. */
  sets?: readonly string[];
  /** Config file (default: examples/dynamic-cluster.json). */
  configPath?: string;
  clock: Clock;
  log: (line: string) => void;
  progressStream?: ProgressOptions["stream"];
}

/**
 * One line comparing the two policies' times to target, or saying which did not get there.
 *
 * @example
 * ```ts
 * speedupLine(results); // "mlfabric reached 90% in 12.1 s, async in 17.9 s: 1.48x sooner"
 * ```
 */
export function speedupLine(results: Results): string {
  const target = results.target === null ? "the target" : `${(100 * results.target).toFixed(0)}%`;
  const mine = results.policies.mlfabric?.timeToTarget ?? null;
  const theirs = results.policies.async?.timeToTarget ?? null;
  const fmt = (t: number | null): string => (t === null ? "not within the budget" : `in ${t.toFixed(1)} s`);
  const head = `mlfabric reached ${target} ${fmt(mine)}, async ${fmt(theirs)}`;
  if (mine === null || theirs === null) return head;
  return `${head}: ${(theirs / mine).toFixed(2)}x ${theirs >= mine ? "sooner" : "later"}`;
}

/**
 * Runs the demo and returns what `compare` measured.
 *
 * @example
 * ```ts
 * await runFabricDemo({ outDir: "out/demo", clock: realClock, log: console.log });
 * // progress bars, the summary table, then "mlfabric reached 90% in ... s, async in ... s: ...x sooner"
 * ```
 */
export async function runFabricDemo(o: FabricDemoOptions): Promise<Results> {
  const { log } = o;
  log(formatInfo(infoReport()));
  log("");
  log("MLfabric demo: an MLP (784-128-10) learns real MNIST digits on 32 workers and 4 parameter-server");
  log(
    "shards with a replica each, on emulated 10 Gbit/s links with background flows and slow hosts, in real",
  );
  log("time; gradients are computed on the worker threads. MLfabric (ordering, aggregation, replication)");
  log("against plain asynchronous PS, each until 90% test accuracy.");
  log("");
  const results = await runCompare({
    configPath: o.configPath ?? DEMO_CONFIG,
    // Evaluation runs on the main thread, which also drives the emulated links: every 0.5 s, not the
    // virtual experiment's 0.05 s, so that it does not steal the time it measures.
    sets: ["clock=real", "target.maxTimeS=60", "evalEveryS=0.5", ...(o.sets ?? [])],
    policies: "mlfabric,async",
    outDir: o.outDir,
    clock: o.clock,
    log,
    progressStream: o.progressStream,
  });
  log("");
  log(speedupLine(results));
  log(
    "The same experiment in virtual time, with every baseline: dsfabric compare --config examples/dynamic-cluster.json --out out/compare",
  );
  return results;
}
