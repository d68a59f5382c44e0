/**
 * `dsfabric compare`: runs each policy on the same config and seed, then writes `results.json`, the accuracy
 * plot (SVG and PNG) and `summary.md` into the output folder, and prints the summary.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../sim/clock.ts";
import { loadConfig } from "./config.ts";
import { createProgress, type ProgressOptions } from "./progress.ts";
import { writePlots } from "./report/plot.ts";
import { buildResults, writeResults, type NamedRun, type Results } from "./report/resultsJson.ts";
import { formatSummary } from "./report/summary.ts";
import { checkPolicies, parsePolicies, prepareConfig, runPolicy, type PreparedConfig } from "./runPolicy.ts";

/** Options of {@link runCompare} (the command line's, parsed). */
export interface CompareOptions {
  configPath: string;
  /** `--set path=value` assignments, in order. */
  sets: readonly string[];
  /** Comma-separated policy names. */
  policies: string;
  outDir: string;
  /** Real clock: wall time of each run, and the pace of progress lines. */
  clock: Clock;
  log: (line: string) => void;
  /** Where progress goes (default stdout). */
  progressStream?: ProgressOptions["stream"];
}

/** The files `compare` writes. */
export interface CompareFiles {
  results: string;
  svg: string;
  png: string;
  summary: string;
}

/**
 * Runs `policies` one after another with a progress display each, measuring the real time each took.
 *
 * @example
 * ```ts
 * const runs = await runPolicies(prepared, ["mlfabric", "async"], { clock: realClock });
 * runs.map((r) => r.policy); // ["mlfabric", "async"]
 * ```
 */
export async function runPolicies(
  prepared: PreparedConfig,
  policies: readonly string[],
  o: { clock: Clock; progressStream?: ProgressOptions["stream"] },
): Promise<NamedRun[]> {
  const runs: NamedRun[] = [];
  for (const policy of policies) {
    const progress = createProgress({
      label: policy,
      totalS: prepared.maxTimeS,
      clock: o.clock,
      stream: o.progressStream,
    });
    const startMs = o.clock.now();
    try {
      const run = await runPolicy(prepared, policy, (e) => progress.update(e));
      runs.push({ policy, run, wallTimeS: (o.clock.now() - startMs) / 1000 });
    } finally {
      progress.stop();
    }
  }
  return runs;
}

/**
 * Writes the report of `results` into `dir`: results.json, accuracy.svg, accuracy.png and summary.md.
 *
 * @example
 * ```ts
 * await writeReport("out", results); // { results: "out/results.json", svg: ..., png: ..., summary: "out/summary.md" }
 * ```
 */
export async function writeReport(dir: string, results: Results): Promise<CompareFiles> {
  mkdirSync(dir, { recursive: true });
  const resultsPath = writeResults(dir, results);
  const plots = await writePlots(dir, results);
  const summary = join(dir, "summary.md");
  writeFileSync(summary, formatSummary(results));
  return { results: resultsPath, ...plots, summary };
}

/**
 * The whole command. The policy list is checked first, then the config and its dataset and model, so that
 * a mistake in any of them fails before the first run starts.
 *
 * @example
 * ```ts
 * await runCompare({ configPath: "examples/quick.json", sets: ["seed=7"], policies: "mlfabric,async",
 *   outDir: "out", clock: realClock, log: console.log });
 * // out/results.json, out/accuracy.svg, out/accuracy.png, out/summary.md
 * ```
 */
export async function runCompare(o: CompareOptions): Promise<Results> {
  const policies = parsePolicies(o.policies);
  const prepared = prepareConfig(loadConfig(o.configPath, o.sets));
  checkPolicies(prepared, policies);
  const runs = await runPolicies(prepared, policies, o);
  const results = buildResults({
    clock: prepared.clock,
    seed: prepared.seed,
    target: prepared.target,
    config: prepared.config,
    runs,
  });
  const files = await writeReport(o.outDir, results);
  o.log("");
  o.log(formatSummary(results));
  o.log(`wrote ${files.results}, ${files.svg}, ${files.png}, ${files.summary}`);
  return results;
}
