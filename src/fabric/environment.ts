/**
 * What a training run needs from the world it runs in: a transport (clock, transfers, compute), the modelled
 * compute time of a mini-batch, a way to drive the clock, faults, and a way to cut a killed host off. The
 * virtual environment (virtualEnvironment.ts) builds all of it on the simulator; a real-time one plugs in
 * through `TrainOptions.transport`.
 */
import type { Transport } from "../net/transport.ts";
import type { Fault, KillFault } from "../sim/faults.ts";
import type { Rng } from "../sim/rng.ts";
import type { ResolvedCompute, ResolvedNetwork } from "./config.ts";
import type { GradientExecutor } from "./gradientExecutor.ts";

/** One host of the fabric with its link capacities. */
export interface EnvironmentHost {
  id: string;
  upBytesPerS: number;
  downBytesPerS: number;
}

/** Everything an environment is built from (the checked options of the run). */
export interface EnvironmentSetup {
  /** Every host: workers, shard primaries, replicas, the scheduler. */
  hosts: readonly EnvironmentHost[];
  workers: readonly string[];
  /** The scheduler's host: control messages only, it takes no part in background traffic. */
  scheduler: string;
  network: ResolvedNetwork;
  compute: ResolvedCompute;
  batchSize: number;
  faults: readonly Fault[];
  /** Longest run in ms of the environment's clock. */
  maxTimeMs: number;
  /** The environment's own random stream (traffic, stalls, stragglers). */
  rng: Rng;
}

/**
 * The world of one run.
 *
 * @example
 * ```ts
 * const env = virtualEnvironment(setup);
 * env.computeMs("w3", 17); // modelled ms of w3's 17th mini-batch, stall included
 * const done = env.run({ kill: (fault) => fabric.kill(fault) }); // drives the clock
 * env.stop(); // later: run() resolves
 * await done;
 * ```
 */
export interface FabricEnvironment {
  readonly transport: Transport;
  /** Modelled time of `host`'s mini-batch number `step` (straggler factor and random stall included). */
  computeMs(host: string, step: number): number;
  /**
   * Where gradients are computed. Default `inlineGradient`: on the main thread, in event order, which is
   * what keeps virtual-time runs bit-identical. The real-time environment uses `poolGradient`, so that
   * several workers' gradients run in parallel on the worker threads.
   */
  readonly gradient?: GradientExecutor;
  /**
   * Starts the traces (background traffic) and the fault schedule and drives the clock until `stop()` or
   * `maxTimeMs`. A kill fault calls `handlers.kill`; a partition is the environment's own business.
   */
  run(handlers: { kill(fault: KillFault): void }): Promise<void>;
  /** Makes `run()` resolve (the actors' pending work is abandoned). */
  stop(): void;
  /** Cuts a killed host off: its transfers in flight fail. */
  kill(host: string): void;
}

/** Builds the environment of a run; `TrainOptions.transport` takes one (for clock "real"). */
export type EnvironmentFactory = (setup: EnvironmentSetup) => FabricEnvironment;
