/**
 * The one place where the CLI calls the training driver: a config (names resolved once) plus a policy name
 * become `fabric.train` options, and the run's history and statistics come back as `results.json` wants them.
 */
import { realTimeEnvironment } from "../fabric/realTimeEnvironment.ts";
import { ArgumentError } from "../core/errors.ts";
import { resolveConfig } from "../fabric/config.ts";
import { fabric, type PolicySpec, type TrainableModel, type TrainOptions } from "../fabric/index.ts";
import type { JsonObject, JsonValue, TrainConfig } from "./config.ts";
import type { ProgressEvent } from "./progress.ts";
import type { PolicyRun } from "./report/resultsJson.ts";
import {
  configSeed,
  datasetClasses,
  resolveDataset,
  resolveModel,
  type TrainTestData,
} from "./resolveConfig.ts";
import { describeValue } from "../core/options.ts";

/** The policies `--policies` and `--policy` accept (the driver's presets). */
export const POLICIES: readonly string[] = fabric.policies;

/** A config whose dataset and model are built, shared by every policy of a comparison. */
export interface PreparedConfig {
  config: TrainConfig;
  data: TrainTestData;
  model: TrainableModel;
  seed: number;
  clock: "virtual" | "real";
  /** Target test accuracy (null when the config gives none). */
  target: number | null;
  /** The run's time budget in seconds of its clock. */
  maxTimeS: number;
}

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks a comma-separated policy list: every name known, none twice, at least one.
 *
 * @example
 * ```ts
 * parsePolicies("mlfabric, async"); // ["mlfabric", "async"]
 * parsePolicies("mlfabric,paxos");
 * // throws ArgumentError: --policies: unknown policy "paxos" (valid: mlfabric, async, bsp, ssp, allreduce)
 * ```
 */
export function parsePolicies(list: string, flag = "--policies"): string[] {
  const names = list.split(",").map((s) => s.trim());
  if (names.some((n) => n === "")) {
    throw new ArgumentError(
      `${flag}: expected names separated by commas, e.g. mlfabric,async, but was "${list}"`,
    );
  }
  for (const name of names) {
    if (!POLICIES.includes(name)) {
      throw new ArgumentError(`${flag}: unknown policy "${name}" (valid: ${POLICIES.join(", ")})`);
    }
  }
  const twice = names.find((n, k) => names.indexOf(n) !== k);
  if (twice !== undefined) throw new ArgumentError(`${flag}: policy "${twice}" is listed twice`);
  return names;
}

/**
 * Builds the config's dataset and model (once, for every policy) and reads the run-wide settings.
 *
 * @example
 * ```ts
 * const prepared = prepareConfig(loadConfig("examples/quick.json"));
 * prepared.clock; // "virtual"
 * ```
 */
export function prepareConfig(config: TrainConfig): PreparedConfig {
  const seed = configSeed(config);
  const effective: TrainConfig = { ...config, seed };
  const clock = config.clock ?? "virtual";
  if (clock !== "virtual" && clock !== "real") {
    throw new ArgumentError(`config: clock must be "virtual" or "real" but was ${describeValue(clock)}`);
  }
  const data = resolveDataset(effective);
  const model = resolveModel(effective, { inputs: data.x.shape[1], classes: datasetClasses(effective) });
  const target = isObject(config.target) ? config.target : {};
  const accuracy = typeof target.accuracy === "number" ? target.accuracy : null;
  const maxTimeS = typeof target.maxTimeS === "number" ? target.maxTimeS : 300;
  return { config: effective, data, model, seed, clock, target: accuracy, maxTimeS };
}

/**
 * The policy spec of one run: the config's `policy` object when it names this policy (its options apply),
 * else the bare name.
 *
 * @example
 * ```ts
 * policySpec({ policy: { name: "mlfabric", aggregation: false } }, "mlfabric"); // { name: "mlfabric", aggregation: false }
 * policySpec({ policy: { name: "mlfabric", aggregation: false } }, "async"); // "async"
 * ```
 */
export function policySpec(config: TrainConfig, name: string): JsonValue {
  return isObject(config.policy) && config.policy.name === name ? config.policy : name;
}

/**
 * The `fabric.train` options of one policy's run: the config's fields as they are (the driver checks them)
 * with the built dataset and model.
 *
 * @example
 * ```ts
 * trainOptions(prepared, "async", () => {}).policy; // "async"
 * ```
 */
export function trainOptions(
  prepared: PreparedConfig,
  policy: string,
  onProgress: (event: ProgressEvent) => void,
): TrainOptions {
  const c = prepared.config;
  // JSON as written: fabric.train checks every field (resolveConfig) and names the bad one.
  const passed = (key: string) => (c[key] === undefined ? {} : { [key]: c[key] });
  const fields: Partial<TrainOptions> = {
    ...passed("delayBound"),
    ...passed("replicaLag"),
    ...passed("optimizer"),
    ...passed("batchSize"),
    ...passed("target"),
    ...passed("network"),
    ...passed("compute"),
    ...passed("faults"),
    ...passed("heartbeat"),
    ...passed("evalEveryS"),
    ...passed("evalRowsMax"),
  };
  return {
    ...fields,
    model: prepared.model,
    data: prepared.data,
    cluster: c.cluster as TrainOptions["cluster"],
    policy: policySpec(c, policy) as PolicySpec,
    clock: prepared.clock,
    // Real time runs on the emulated links of net/ (the same link model as the simulator).
    ...(prepared.clock === "real" ? { transport: realTimeEnvironment } : {}),
    seed: prepared.seed,
    onProgress,
  };
}

/**
 * Checks every policy's options with the driver's own checks, so that a bad field fails before the first
 * run starts (rather than after the first policy's run).
 *
 * @example
 * ```ts
 * checkPolicies(prepared, ["mlfabric", "async"]); // throws ArgumentError on a bad option
 * ```
 */
export function checkPolicies(prepared: PreparedConfig, policies: readonly string[]): void {
  for (const policy of policies) resolveConfig(trainOptions(prepared, policy, () => {}));
}

/**
 * Runs one policy on a prepared config.
 *
 * @example
 * ```ts
 * const run = await runPolicy(prepared, "mlfabric", (e) => console.log(e.timeS, e.testAccuracy));
 * run.stats.timeToTarget; // seconds, or null
 * ```
 */
export async function runPolicy(
  prepared: PreparedConfig,
  policy: string,
  onProgress: (event: ProgressEvent) => void,
): Promise<PolicyRun> {
  const { history, stats, ended, failures } = await fabric.train(trainOptions(prepared, policy, onProgress))
    .result;
  return { history, stats, ended, failures };
}
