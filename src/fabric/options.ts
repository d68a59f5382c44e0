/**
 * The options of `fabric.train`, as the user writes them (every field the issue names, most optional). The
 * checked and defaulted form is `ResolvedConfig` (config.ts).
 */
import type { DsArray } from "../array/dsArray.ts";
import type { Matrix } from "../core/matrix.ts";
import type { Fault } from "../sim/faults.ts";
import type { EnvironmentFactory } from "./environment.ts";
import type { FabricInspector } from "./inspector.ts";
import type { Labels, TrainableModel } from "./model/trainableModel.ts";
import type { SgdOptions } from "./model/sgd.ts";
import type { HistoryPoint } from "./records.ts";

/** The policy presets. */
export type PolicyName = "mlfabric" | "async" | "bsp" | "ssp" | "allreduce";

/** MLfabric with each of its three policies switchable alone (all on by default). */
export interface MlfabricPolicyOptions {
  name: "mlfabric";
  /** Bounded, earliest-deadline-first transfers into each shard with the delay bound enforced (default true). */
  ordering?: boolean;
  /** Idle workers sum groups of updates when a shard's link is the bottleneck (default true). */
  aggregation?: boolean;
  /** Workers and aggregators copy every update to the shard's replica (default true; needs `cluster.replicas: 1`). */
  replication?: boolean;
  /** Transfers granted into one shard and not yet delivered, at most (default 2). */
  inFlightPerShard?: number;
  /** Updates summed by one aggregator, at most (default 8). */
  aggregationGroupMax?: number;
  /**
   * The members of an aggregation group get the shard's fresh slice from their aggregator, which pulls it
   * once after its sum lands, instead of each pulling it from the shard (default: on when aggregation is).
   */
  pullRelay?: boolean;
}

/** Stale-synchronous parallel: a worker may not start step t while the slowest is below t - s. */
export interface SspPolicyOptions {
  name: "ssp";
  /** The bound s in steps (default 3). */
  stalenessBoundSteps?: number;
}

/**
 * The optimizer of every parameter store, plus how the synchronous policies (BSP and all-reduce, which
 * apply one average of k workers' gradients per step) scale its rate. The other policies apply each
 * worker's gradient on its own (SSP and async one by one, MLfabric's aggregators a sum), so the scaling
 * does not concern them.
 */
export interface OptimizerOptions extends SgdOptions {
  /**
   * "linear" (default): the linear scaling rule with gradual warm-up (Goyal et al. 2017): an average of k
   * mini-batches takes k times the learning rate, ramped linearly from the base rate over `warmupEpochs`.
   * "sqrt": sqrt(k) times the base rate, ramped the same way. "none": the base rate for the average.
   */
  syncScaling?: "linear" | "sqrt" | "none";
  /** Epochs of the training data the warm-up lasts (default 5, as in Goyal et al.; 0: none). */
  warmupEpochs?: number;
}

/** A policy by name, or with its own options. */
export type PolicySpec =
  PolicyName | MlfabricPolicyOptions | SspPolicyOptions | { name: "async" | "bsp" | "allreduce" };

/** Background traffic between random pairs of fabric hosts (iperf pairs in the paper's testbed). */
export interface BackgroundOptions {
  /** Mean number of pairs sending at once. */
  pairsActiveMean: number;
  /** Mean duration of one pair's flow (ms). */
  onDurationMsMean: number;
  /** Mean pause of a slot between two pairs (ms). */
  offDurationMsMean: number;
  /** Rate cap of one pair; unlimited by default (a pair takes its max-min share). */
  flowRateBytesPerS?: number;
}

/** Random stalls of slow workers (the paper injected 0-500 ms). */
export interface SlowHostsOptions {
  /** Fraction of the workers that may stall, chosen from the seed (default 1: all). */
  fraction?: number;
  /** Probability that a slow worker stalls at a step. */
  stallProbability: number;
  /** Longest stall in ms (default 500); a stall is uniform in [0, stallMsMax]. */
  stallMsMax?: number;
}

/** The network every host sits on: one up- and one down-link per host, a switch without contention. */
export interface FabricNetworkOptions {
  /** Both link capacities of every host (default 1.25e9 B/s = 10 Gbit/s). */
  hostBytesPerS?: number;
  /** Uplink capacity of every host (overrides hostBytesPerS). */
  upBytesPerS?: number;
  /** Downlink capacity of every host (overrides hostBytesPerS). */
  downBytesPerS?: number;
  /** Per-host capacities by host id ("w3", "s0", "r1"), overriding the above. */
  hosts?: Record<string, { upBytesPerS?: number; downBytesPerS?: number }>;
  /** One-way latency (default 0.05 ms); a control message to or from the scheduler costs this alone. */
  latencyMs?: number;
  background?: BackgroundOptions;
  slowHosts?: SlowHostsOptions;
}

/** The compute-time model of one mini-batch. */
export interface ComputeOptions {
  /** Modelled time of one mini-batch of `batchSize` on a normal worker (default 5 ms). */
  msPerBatch?: number;
  /** Fraction of workers that are stragglers (default 0). */
  stragglerFraction?: number;
  /** How many times slower a straggler is (default 2). */
  stragglerFactor?: number;
  /** Spread (sd of a log-normal factor) of the other workers' speeds (default 0). */
  speedSpread?: number;
}

/** Training data: rows of `x`, one label per row in `y` (an n x 1 DsArray or Matrix, or a label array). */
export interface TrainData {
  x: DsArray | Matrix;
  y: DsArray | Matrix | Labels;
  /** Held-out rows for the test accuracy; without them accuracy is measured on training rows. */
  xTest?: DsArray | Matrix;
  yTest?: DsArray | Matrix | Labels;
}

/** When to stop: at the target accuracy or after `maxTimeS` seconds of the run's clock. */
export interface TargetOptions {
  /** Test accuracy in (0, 1] that ends the run (default: none, run until maxTimeS). */
  accuracy?: number;
  /** Longest run in seconds of the run's clock (default 300). */
  maxTimeS?: number;
}

/**
 * Everything `fabric.train` takes.
 *
 * @example
 * ```ts
 * const options: TrainOptions = {
 *   model: fabric.softmaxRegression({ inputs: 2, classes: 3 }),
 *   data: ds.datasets.makeBlobs({ nSamples: 3000, centers: 3, seed: 1 }),
 *   cluster: { workers: 8, shards: 2, replicas: 1 },
 *   policy: "mlfabric",
 *   target: { accuracy: 0.95, maxTimeS: 30 },
 * };
 * ```
 */
export interface TrainOptions {
  model: TrainableModel;
  data: TrainData;
  /** Workers, parameter-server shards (default 1) and replicas per shard (0 or 1, default 0). */
  cluster: { workers: number; shards?: number; replicas?: number };
  /** Default "mlfabric". */
  policy?: PolicySpec;
  /**
   * The ordering policy's bound (default 16): no update is applied after more than this many other updates
   * reached its shard since the worker pulled it (an aggregated sum counts as its members), so its delay
   * in shard versions is within it too. Over-bound updates are dropped and their workers pull afresh.
   */
  delayBound?: number;
  /** Most updates a shard's primary may lead its replica by, hence most a failover loses (default 4). */
  replicaLag?: number;
  /** SGD settings of every parameter store (default `{ learningRate: 0.05 }`), and the synchronous scaling. */
  optimizer?: OptimizerOptions;
  /** Rows per mini-batch (default 32). */
  batchSize?: number;
  target?: TargetOptions;
  network?: FabricNetworkOptions;
  compute?: ComputeOptions;
  /** Kills and partitions at given times (sim/faults.ts); a shard kill needs replication. */
  faults?: readonly Fault[];
  /**
   * The failure detector: every host sends a heartbeat to the scheduler every `intervalMs` (default 50);
   * a worker or shard primary silent for more than `timeoutMs` (default 500) is declared dead (a shard's
   * replica is promoted), as a kill would. This is how partitioned or hung hosts are found.
   */
  heartbeat?: { intervalMs?: number; timeoutMs?: number };
  /** "virtual" (default): the simulator; "real": the environment that `transport` builds. */
  clock?: "virtual" | "real";
  /** Builds the environment (transport, compute model, faults); required for clock "real". */
  transport?: EnvironmentFactory;
  /** Seed of every random choice (default 0). */
  seed?: number;
  /** Test accuracy is measured every `evalEveryS` seconds of the run's clock (default 0.5). */
  evalEveryS?: number;
  /** Rows used to measure the loss and, without a test set, the accuracy (default 2000). */
  evalRowsMax?: number;
  /** Called after every evaluation. */
  onProgress?: (point: HistoryPoint) => void;
  /** Hooks that see the fabric's vectors (aggregations, applies): for tests and debugging. */
  inspector?: FabricInspector;
}
