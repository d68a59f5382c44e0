/**
 * Checks `fabric.train`'s options before anything runs and fills in the defaults. Every error names the
 * option by its path and the value received (a typo in a config file fails here, not mid-run).
 */
import { DsArray } from "../array/dsArray.ts";
import { ArgumentError, ShapeError } from "../core/errors.ts";
import { Matrix } from "../core/matrix.ts";
import type { Fault } from "../sim/faults.ts";
import { validateFaults } from "../sim/faults.ts";
import { clusterLayout, splitEvenly } from "./cluster.ts";
import type { ClusterLayout, Range } from "./cluster.ts";
import { resolveHeartbeat } from "./configHeartbeat.ts";
import type { HeartbeatOptions } from "./configHeartbeat.ts";
import { checkFaultTargets, resolvePolicy } from "./configPolicy.ts";
import type { ResolvedPolicy } from "./configPolicy.ts";
import type { EnvironmentFactory } from "./environment.ts";
import type { FabricInspector } from "./inspector.ts";
import type { SgdOptions, SyncScaling } from "./model/sgd.ts";
import { resolveOptimizer } from "./configOptimizer.ts";
import type { TrainableModel } from "./model/trainableModel.ts";
import type { TrainOptions } from "./options.ts";
import { resolveCompute, resolveNetwork } from "./configNetwork.ts";
import type { ResolvedCompute, ResolvedNetwork } from "./configNetwork.ts";
import type { HistoryPoint } from "./records.ts";
import { checkKeys, integerAtLeast, need, numberIn, OP, optionalObject } from "./configChecks.ts";
import { describeValue } from "../core/options.ts";

export type { ResolvedPolicy } from "./configPolicy.ts";
export type { ResolvedCompute, ResolvedNetwork } from "./configNetwork.ts";

/** Every option of a run, checked and defaulted. */
export interface ResolvedConfig {
  model: TrainableModel;
  workers: number;
  shards: number;
  replicas: number;
  policy: ResolvedPolicy;
  delayBound: number;
  replicaLag: number;
  optimizer: SgdOptions;
  /** How BSP and all-reduce scale the rate of their averaged steps (the other policies ignore it). */
  syncScaling: SyncScaling;
  batchSize: number;
  targetAccuracy: number | null;
  maxTimeS: number;
  network: ResolvedNetwork;
  compute: ResolvedCompute;
  faults: Fault[];
  /** Heartbeat interval and timeout of the failure detector (failureDetector.ts). */
  heartbeat: HeartbeatOptions;
  clock: "virtual" | "real";
  environment: EnvironmentFactory | null;
  seed: number;
  evalEveryS: number;
  evalRowsMax: number;
  onProgress: ((point: HistoryPoint) => void) | null;
  inspector: FabricInspector;
  layout: ClusterLayout;
  /** Each shard's slice of the parameters. */
  shardRanges: Range[];
  /** Training rows. */
  rows: number;
}

/** Every option `train` accepts (unknown keys are rejected by name). */
export const TRAIN_OPTION_KEYS: readonly string[] = [
  "model",
  "data",
  "cluster",
  "policy",
  "delayBound",
  "replicaLag",
  "optimizer",
  "batchSize",
  "target",
  "network",
  "compute",
  "faults",
  "heartbeat",
  "clock",
  "transport",
  "seed",
  "evalEveryS",
  "evalRowsMax",
  "onProgress",
  "inspector",
];

function isModel(m: unknown): m is TrainableModel {
  const o = m as Partial<TrainableModel> | null;
  return (
    typeof o === "object" &&
    o !== null &&
    typeof o.paramCount === "number" &&
    typeof o.lossAndGradient === "function" &&
    typeof o.accuracy === "function"
  );
}

/** Rows and columns of a data matrix, from its shape (no data is read). */
function shapeOf(name: string, v: unknown): readonly number[] {
  if (v instanceof DsArray) return v.shape;
  if (v instanceof Matrix) return [v.rows, v.cols];
  throw new ArgumentError(`${OP}: ${name} must be a DsArray or a Matrix but was ${describeValue(v)}`);
}

function labelCount(name: string, v: unknown): number {
  if (v instanceof Int32Array || v instanceof Float64Array) return v.length;
  const shape = shapeOf(name, v);
  if (shape.length !== 2 || shape[1] !== 1) {
    throw new ShapeError(`${OP}: ${name} must have one column of labels but has shape [${shape.join(", ")}]`);
  }
  return shape[0];
}

function checkData(options: TrainOptions, model: TrainableModel): number {
  const data = optionalObject("data", options.data);
  need(data !== undefined, () => `${OP}: data is required ({ x, y, xTest?, yTest? })`);
  checkKeys("data", data, ["x", "y", "xTest", "yTest"]);
  const xShape = shapeOf("data.x", data.x);
  const rows = xShape[0];
  if (xShape[1] !== model.inputs) {
    throw new ShapeError(
      `${OP}: the model takes ${model.inputs} inputs but data.x has ${xShape[1]} columns (data.x.shape=[${xShape.join(", ")}])`,
    );
  }
  const yRows = labelCount("data.y", data.y);
  if (yRows !== rows) throw new ShapeError(`${OP}: data.x has ${rows} rows but data.y has ${yRows} labels`);
  if ((data.xTest === undefined) !== (data.yTest === undefined)) {
    throw new ArgumentError(`${OP}: give both data.xTest and data.yTest, or neither`);
  }
  if (data.xTest !== undefined) {
    const tShape = shapeOf("data.xTest", data.xTest);
    if (tShape[1] !== model.inputs) {
      throw new ShapeError(
        `${OP}: the model takes ${model.inputs} inputs but data.xTest has ${tShape[1]} columns`,
      );
    }
    const tRows = labelCount("data.yTest", data.yTest);
    if (tRows !== tShape[0]) {
      throw new ShapeError(`${OP}: data.xTest has ${tShape[0]} rows but data.yTest has ${tRows} labels`);
    }
    need(tRows >= 1, () => `${OP}: data.xTest has no rows`);
  }
  return rows;
}

/**
 * Checks and defaults every option; throws ArgumentError or ShapeError naming the option and the value.
 *
 * @example
 * ```ts
 * resolveConfig({ model, data, cluster: { workers: 0 } });
 * // throws ArgumentError: fabric.train: cluster.workers must be an integer >= 1 but was 0
 * ```
 */
export function resolveConfig(options: TrainOptions): ResolvedConfig {
  need(
    typeof options === "object" && options !== null,
    () => `${OP}: options must be an object but was ${describeValue(options)}`,
  );
  checkKeys("options", options as unknown as Record<string, unknown>, TRAIN_OPTION_KEYS);
  const model = options.model;
  need(isModel(model), () => `${OP}: model must be a trainable model (fabric.mlp, fabric.softmaxRegression)`);
  const cluster = optionalObject("cluster", options.cluster);
  need(cluster !== undefined, () => `${OP}: cluster is required ({ workers, shards?, replicas? })`);
  checkKeys("cluster", cluster, ["workers", "shards", "replicas"]);
  const workers = integerAtLeast("cluster.workers", cluster.workers, null, 1);
  const shards = integerAtLeast("cluster.shards", cluster.shards, 1, 1);
  const replicas = integerAtLeast("cluster.replicas", cluster.replicas, 0, 0);
  need(
    replicas <= 1,
    () => `${OP}: cluster.replicas must be 0 or 1 (one replica per shard) but was ${replicas}`,
  );
  need(
    shards <= model.paramCount,
    () => `${OP}: cluster.shards is ${shards} but the model has only ${model.paramCount} parameters to split`,
  );
  const rows = checkData(options, model);
  need(
    workers <= rows,
    () => `${OP}: cluster.workers is ${workers} but data.x has only ${rows} rows (each worker needs one)`,
  );
  const policy = resolvePolicy(options.policy, replicas);
  const delayBound = integerAtLeast("delayBound", options.delayBound, 16, 1);
  const replicaLag = integerAtLeast("replicaLag", options.replicaLag, 4, 0);
  const { optimizer, syncScaling } = resolveOptimizer(options.optimizer);
  const batchSize = integerAtLeast("batchSize", options.batchSize, 32, 1);
  const target = optionalObject("target", options.target) ?? {};
  checkKeys("target", target, ["accuracy", "maxTimeS"]);
  const targetAccuracy =
    target.accuracy === undefined ? null : numberIn("target.accuracy", target.accuracy, null, 0, false);
  need(
    targetAccuracy === null || targetAccuracy <= 1,
    () => `${OP}: target.accuracy must be in (0, 1] but was ${targetAccuracy}`,
  );
  const maxTimeS = numberIn("target.maxTimeS", target.maxTimeS, 300, 0, false);
  const layout = clusterLayout({ workers, shards, replicas });
  const network = resolveNetwork(options, layout);
  const compute = resolveCompute(options);
  const faults = validateFaults(options.faults ?? [], `${OP}: faults`);
  checkFaultTargets(faults, layout, policy);
  const clock = options.clock ?? "virtual";
  need(
    clock === "virtual" || clock === "real",
    () => `${OP}: clock must be "virtual" or "real" but was ${describeValue(clock)}`,
  );
  const environment = options.transport ?? null;
  need(
    environment === null || typeof environment === "function",
    () => `${OP}: transport must be a function (setup) => environment`,
  );
  need(
    clock === "virtual" || environment !== null,
    () => `${OP}: clock "real" needs options.transport, the factory of a real-time environment`,
  );
  const seed = options.seed ?? 0;
  need(Number.isSafeInteger(seed), () => `${OP}: seed must be a safe integer but was ${describeValue(seed)}`);
  const evalEveryS = numberIn("evalEveryS", options.evalEveryS, 0.5, 0, false);
  // Configs under which the clock cannot move on: refused before the run rather than spinning forever.
  const resolutionS = clock === "real" ? 1e-3 : 1e-6;
  need(
    evalEveryS >= resolutionS,
    () =>
      `${OP}: evalEveryS is ${evalEveryS} s, below the ${clock} clock's resolution of ${resolutionS * 1000} ms: evaluations would not let time advance`,
  );
  need(
    !(clock === "virtual" && compute.msPerBatch === 0 && network.latencyMs === 0),
    () =>
      `${OP}: compute.msPerBatch and network.latencyMs are both 0: virtual time would not advance (every step would take no time); give one of them a positive value`,
  );
  const heartbeat = resolveHeartbeat(options.heartbeat, clock, network.latencyMs);
  const evalRowsMax = integerAtLeast("evalRowsMax", options.evalRowsMax, 2000, 1);
  need(
    options.onProgress === undefined || typeof options.onProgress === "function",
    () => `${OP}: onProgress must be a function`,
  );
  return {
    model,
    workers,
    shards,
    replicas,
    policy,
    delayBound,
    replicaLag,
    optimizer,
    syncScaling,
    batchSize,
    targetAccuracy,
    maxTimeS,
    network,
    compute,
    faults,
    heartbeat,
    clock,
    environment,
    seed,
    evalEveryS,
    evalRowsMax,
    onProgress: options.onProgress ?? null,
    inspector: options.inspector ?? {},
    layout,
    shardRanges: splitEvenly(model.paramCount, shards),
    rows,
  };
}
