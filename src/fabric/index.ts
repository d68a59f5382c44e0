/**
 * MLfabric: network-aware data-parallel training. `fabric.train` runs a model on a cluster of workers,
 * parameter-server shards and replicas under a policy (MLfabric's ordering, aggregation and replication,
 * or a baseline), in virtual time on the simulator or in real time through a pluggable environment.
 *
 * @example
 * ```ts
 * import { ds, fabric } from "dsfabric";
 * const { x, y } = ds.datasets.makeBlobs({ nSamples: 2000, centers: 3, seed: 1 });
 * const run = fabric.train({ model: fabric.softmaxRegression({ inputs: 2, classes: 3 }), data: { x, y },
 *   cluster: { workers: 4, shards: 2 }, target: { accuracy: 0.95 } });
 * console.log((await run.result).stats);
 * ```
 */
import { mlp, modelFromJSON, sgd, softmaxRegression } from "./model/index.ts";
import { POLICY_NAMES } from "./configPolicy.ts";
import { formatFabricEvent } from "./events.ts";
import { checkInvariants } from "./invariants.ts";
import { train } from "./train.ts";
import { virtualEnvironment } from "./virtualEnvironment.ts";

/**
 * The `fabric` namespace: `train`, the model factories and the optimizer, the event text form, the
 * invariant checkers, the virtual environment (to wrap or replace), and the policy names.
 *
 * @example
 * ```ts
 * const run = fabric.train({ model: fabric.mlp({ layers: [784, 128, 10] }), data, cluster: { workers: 32 } });
 * fabric.policies; // ["mlfabric", "async", "bsp", "ssp", "allreduce"]
 * ```
 */
export const fabric = {
  train,
  mlp,
  softmaxRegression,
  modelFromJSON,
  sgd,
  formatEvent: formatFabricEvent,
  checkInvariants,
  virtualEnvironment,
  policies: POLICY_NAMES,
};

export type { TrainResult, TrainRun } from "./train.ts";
export type {
  BackgroundOptions,
  ComputeOptions,
  FabricNetworkOptions,
  MlfabricPolicyOptions,
  OptimizerOptions,
  PolicyName,
  PolicySpec,
  SlowHostsOptions,
  SspPolicyOptions,
  TargetOptions,
  TrainData,
  TrainOptions,
} from "./options.ts";
export type {
  ApplyEntry,
  DropReason,
  EndReason,
  FabricStats,
  HistoryPoint,
  HostFailure,
  RunEnd,
  UpdatePath,
  UpdateRecord,
} from "./records.ts";
export type { FabricEvent } from "./events.ts";
export type { HeartbeatOptions } from "./configHeartbeat.ts";
export type {
  EnvironmentFactory,
  EnvironmentHost,
  EnvironmentSetup,
  FabricEnvironment,
} from "./environment.ts";
export type { GradientExecutor, GradientJob } from "./gradientExecutor.ts";
export type { ResolvedConfig, ResolvedCompute, ResolvedNetwork, ResolvedPolicy } from "./config.ts";
export type { AggregationSeen, ApplySeen, FabricInspector } from "./inspector.ts";
export type { InvariantReport, Violation } from "./invariants.ts";
export type {
  MlpOptions,
  Optimizer,
  SgdOptions,
  SyncScaling,
  SoftmaxRegressionOptions,
  TrainableModel,
} from "./model/index.ts";
