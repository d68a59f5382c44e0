/**
 * The optimizer part of the configuration: the SGD settings every parameter store uses, and how the
 * synchronous policies scale the rate of their averaged steps. Errors name `optimizer.<field>`.
 */
import { ArgumentError } from "../core/errors.ts";
import { checkKeys, need, numberIn, OP, optionalObject } from "./configChecks.ts";
import { DEFAULT_WARMUP_EPOCHS, sgd } from "./model/sgd.ts";
import type { SgdOptions, SyncScaling } from "./model/sgd.ts";
import type { OptimizerOptions } from "./options.ts";
import { describeValue } from "../core/options.ts";

/** The optimizer options `train` accepts (unknown keys are rejected by name). */
const OPTIMIZER_KEYS: readonly string[] = [
  "learningRate",
  "momentum",
  "staleness",
  "syncScaling",
  "warmupEpochs",
];

/**
 * Checks `options.optimizer` and fills in its defaults: the stores' SGD settings (only the keys `sgd`
 * takes) and the synchronous scaling (default linear with a 5-epoch warm-up).
 *
 * @example
 * ```ts
 * resolveOptimizer({ learningRate: 0.1, momentum: 0.9 });
 * // { optimizer: { learningRate: 0.1, momentum: 0.9 }, syncScaling: { rule: "linear", warmupEpochs: 5 } }
 * resolveOptimizer({ learningRate: 0.1, syncScaling: "log" });
 * // throws ArgumentError: fabric.train: optimizer.syncScaling must be "linear", "sqrt" or "none" but was "log"
 * ```
 */
export function resolveOptimizer(options: OptimizerOptions | undefined): {
  optimizer: SgdOptions;
  syncScaling: SyncScaling;
} {
  const o = optionalObject("optimizer", options) ?? { learningRate: 0.05 };
  checkKeys("optimizer", o, OPTIMIZER_KEYS);
  const { syncScaling = "linear", warmupEpochs, ...rest } = o;
  need(
    syncScaling === "linear" || syncScaling === "sqrt" || syncScaling === "none",
    () =>
      `${OP}: optimizer.syncScaling must be "linear", "sqrt" or "none" but was ${describeValue(syncScaling)}`,
  );
  const epochs = numberIn("optimizer.warmupEpochs", warmupEpochs, DEFAULT_WARMUP_EPOCHS, 0, true);
  const optimizer = rest as unknown as SgdOptions;
  try {
    sgd(optimizer);
  } catch (error) {
    // sgd names itself; a config error names the option's path instead.
    if (error instanceof ArgumentError) {
      throw new ArgumentError(`${OP}: optimizer.${error.message.replace(/^sgd: /, "")}`);
    }
    throw error;
  }
  return { optimizer, syncScaling: { rule: syncScaling, warmupEpochs: epochs } };
}
