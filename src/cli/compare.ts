/**
 * `dsfabric compare`: runs each policy on the same config and seed, then writes `results.json`, the accuracy
 * plot (SVG and PNG) and `summary.md` into the output folder, and prints the summary.
 */
import type { Clock } from "../sim/clock.ts";
import { loadConfig } from "./config.ts";
import { throwIfEndedEarly } from "./endedEarly.ts";
import { createProgress, type ProgressOptions } from "./progress.ts";
import { prepareReport, type ReportFiles, type ReportTarget } from "./report/reportFolder.ts";
import { buildResults, type NamedRun, type Results } from "./report/resultsJson.ts";
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

/**
 * Runs `policies` one after another with a progress display each, measuring the real time each took. Each
 * finished run is also pushed to `done` as it ends, so that a caller still has them when a later one fails.
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
  done: NamedRun[] = [],
): Promise<NamedRun[]> {
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
      done.push({ policy, run, wallTimeS: (o.clock.now() - startMs) / 1000 });
    } finally {
      progress.stop();
    }
  }
  return done;
}

/**
 * Runs the policies and writes the report into `report` (when given). When a policy fails, or the command
 * gets SIGINT, the policies that finished are still written, as a report marked partial (results.json's
 * `partial`, a line in summary.md); then the failure is rethrown, or the process exits with status 130.
 *
 * @example
 * ```ts
 * const { results, files } = await runReported(prepared, ["mlfabric", "async"], o, report);
 * ```
 */
export async function runReported(
  prepared: PreparedConfig,
  policies: readonly string[],
  o: { clock: Clock; progressStream?: ProgressOptions["stream"]; log: (line: string) => void },
  report: ReportTarget | undefined,
): Promise<{ results: Results; files?: ReportFiles }> {
  const done: NamedRun[] = [];
  const resultsOf = (partial?: Results["partial"]) =>
    buildResults({
      clock: prepared.clock,
      seed: prepared.seed,
      target: prepared.target,
      config: prepared.config,
      runs: done,
      partial,
    });
  const writePartial = async (reason: string): Promise<void> => {
    if (report === undefined || done.length === 0) return;
    const finished = new Set(done.map((r) => r.policy));
    const unfinished = policies.filter((p) => !finished.has(p));
    const files = await report.write(resultsOf({ reason, unfinished }));
    o.log(`wrote a partial report (${done.length} of ${policies.length} policies): ${files.results}`);
  };
  const onInterrupt = () => {
    process.stderr.write("dsfabric: interrupted (SIGINT)\n");
    void writePartial("interrupted (SIGINT)")
      .catch((e: unknown) => process.stderr.write(`dsfabric: ${String(e)}\n`))
      .finally(() => {
        report?.discard();
        process.exit(130);
      });
  };
  process.once("SIGINT", onInterrupt);
  try {
    await runPolicies(prepared, policies, o, done);
  } catch (e) {
    const failed = policies[done.length];
    // The policy's failure is what the user must see: a report that cannot be written only gets a line.
    await writePartial(`policy ${failed} failed: ${e instanceof Error ? e.message : String(e)}`).catch(
      (w: unknown) =>
        o.log(`could not write the partial report: ${w instanceof Error ? w.message : String(w)}`),
    );
    throw e;
  } finally {
    process.off("SIGINT", onInterrupt);
  }
  const results = resultsOf();
  return { results, files: report === undefined ? undefined : await report.write(results) };
}

/**
 * The whole command. The output folder is checked first (before anything is loaded), then the policy list,
 * the config and its dataset and model, so that a mistake in any of them fails before the first run starts.
 *
 * @example
 * ```ts
 * await runCompare({ configPath: "examples/quick.json", sets: ["seed=7"], policies: "mlfabric,async",
 *   outDir: "out/compare", clock: realClock, log: console.log });
 * // out/compare/results.json, accuracy.svg, accuracy.png, summary.md
 * ```
 */
export async function runCompare(o: CompareOptions): Promise<Results> {
  const report = prepareReport("dsfabric compare", o.outDir);
  try {
    const policies = parsePolicies(o.policies);
    const prepared = prepareConfig(loadConfig(o.configPath, o.sets));
    checkPolicies(prepared, policies);
    const { results, files } = await runReported(prepared, policies, o, report);
    o.log("");
    o.log(formatSummary(results));
    if (files !== undefined) o.log(`wrote ${files.results}, ${files.svg}, ${files.png}, ${files.summary}`);
    throwIfEndedEarly(results);
    return results;
  } finally {
    report.discard();
  }
}
