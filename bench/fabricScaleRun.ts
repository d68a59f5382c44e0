/**
 * One instrumented run of the fabric scale benchmark (bench/fabricScale.ts): `fabric.train` on a prepared
 * config, exactly as `dsfabric compare` runs it, with three probes that do not change what the run computes:
 * - the environment is `fabric.virtualEnvironment` itself, wrapped only to reach its simulator and network
 *   (events fired, transfers delivered) and to time each gradient (`transport.compute`'s real work);
 * - the model is the config's own model object seen through a prototype link, so that its evaluation
 *   calls (loss and accuracy outside a gradient) are timed too;
 * - a window stop: `stop()` once virtual time reaches the window, the way a run ends at its target.
 * Everything else (seed, policy, network, data order) is the CLI's, so a run's trajectory is the CLI's.
 */
import { performance } from "node:perf_hooks";
import { trainOptions, type PreparedConfig } from "../src/cli/runPolicy.ts";
import type { Matrix } from "../src/core/matrix.ts";
import { fabric } from "../src/fabric/index.ts";
import type {
  EnvironmentFactory,
  FabricEnvironment,
  HistoryPoint,
  TrainableModel,
  TrainOptions,
} from "../src/fabric/index.ts";
import type { Labels } from "../src/fabric/model/trainableModel.ts";
import type { HostId, Transport } from "../src/net/transport.ts";
import { Network } from "../src/sim/network.ts";
import { Simulator } from "../src/sim/simulator.ts";

/** How long a run goes on. */
export type RunLength =
  /** A fixed window of virtual seconds; the target does not end the run (its first hit is still noted). */
  | { kind: "window"; seconds: number }
  /** As the config says: until the target accuracy or `target.maxTimeS` (what `dsfabric compare` does). */
  | { kind: "scenario" };

/** What one run measured. */
export interface ScaleRun {
  workers: number;
  shards: number;
  policy: string;
  /** Virtual seconds simulated. */
  virtualS: number;
  /** Wall seconds of `fabric.train` from the call until the result (data preparation not included). */
  wallS: number;
  /**
   * CPU seconds of the process meanwhile (every thread: OpenBLAS's too). On a machine that other work keeps
   * busy, wall time grows with the load and this does not.
   */
  cpuS: number;
  /** Simulator events fired. */
  events: number;
  /** Network transfers delivered (updates, pulls, control messages; background flows not counted). */
  transfers: number;
  /** Max-min re-sharings of the network's rates, and the flows they covered in all. */
  recomputations: number;
  recomputedFlows: number;
  /** Mini-batch gradients computed (real work). */
  gradients: number;
  /** Wall seconds inside the gradients' real work (batch gather + loss and gradient). */
  gradientS: number;
  /** Model evaluations (one per `evalEveryS` of virtual time). */
  evaluations: number;
  /** Wall seconds inside the evaluations' model calls (loss on eval rows, accuracy on the test rows). */
  evaluationS: number;
  /** First virtual time (s) with test accuracy at or above the target, or null. */
  reachedS: number | null;
  target: number | null;
  finalAccuracy: number;
  updatesApplied: number;
  updatesDropped: number;
}

/** Timers shared by the probes of one run. */
class Probe {
  gradients = 0;
  gradientMs = 0;
  evaluationMs = 0;
  /** True while a gradient's real work runs: its model calls are gradient time, not evaluation time. */
  inGradient = false;
  sim: Simulator | null = null;
  network: Network | null = null;

  /** Runs one gradient's real work, timed. */
  gradient<T>(work: () => T): T {
    const t0 = performance.now();
    this.inGradient = true;
    try {
      return work();
    } finally {
      this.inGradient = false;
      this.gradients++;
      this.gradientMs += performance.now() - t0;
    }
  }

  /** Runs a model call, counted as evaluation time unless a gradient is running. */
  model<T>(call: () => T): T {
    if (this.inGradient) return call();
    const t0 = performance.now();
    try {
      return call();
    } finally {
      this.evaluationMs += performance.now() - t0;
    }
  }
}

/**
 * `fabric.virtualEnvironment`, with its transport's `compute` timed and its simulator and network kept for
 * the counters. The virtual environment computes gradients inline (synchronously), so timing `work()` is
 * timing the gradient.
 */
function probedEnvironment(probe: Probe): EnvironmentFactory {
  return (setup) => {
    const env: FabricEnvironment = fabric.virtualEnvironment(setup);
    const inner: Transport = env.transport;
    const withParts = inner as Transport & { network?: unknown };
    if (inner.clock instanceof Simulator) probe.sim = inner.clock;
    if (withParts.network instanceof Network) probe.network = withParts.network;
    const transport: Transport = {
      ...inner,
      compute: <T>(host: HostId, modelMs: number, work: () => T) =>
        inner.compute(host, modelMs, () => probe.gradient(work)),
    };
    return { ...env, transport };
  };
}

/**
 * The config's model, unchanged, behind a prototype link whose `lossAndGradient` and `accuracy` are timed.
 * `Object.create` keeps `instanceof` and every other property of the original.
 */
function probedModel(model: TrainableModel, probe: Probe): TrainableModel {
  const seen = Object.create(model) as TrainableModel;
  Object.defineProperties(seen, {
    lossAndGradient: {
      value: (params: Float32Array, x: Matrix, y: Labels, grad: Float32Array): number =>
        probe.model(() => model.lossAndGradient(params, x, y, grad)),
    },
    accuracy: {
      value: (params: Float32Array, x: Matrix, y: Labels): number =>
        probe.model(() => model.accuracy(params, x, y)),
    },
  });
  return seen;
}

function firstHit(history: readonly HistoryPoint[], target: number | null): number | null {
  if (target === null) return null;
  return history.find((p) => p.testAccuracy >= target)?.timeS ?? null;
}

/**
 * Runs `policy` on `prepared` for `length` and measures it.
 *
 * @example
 * ```ts
 * const prepared = prepareConfig(loadConfig("examples/dynamic-cluster.json", ["cluster.workers=64"]));
 * const run = await scaleRun(prepared, "async", { kind: "window", seconds: 1 });
 * run.wallS / run.virtualS; // wall seconds per virtual second
 * ```
 */
export async function scaleRun(
  prepared: PreparedConfig,
  policy: string,
  length: RunLength,
): Promise<ScaleRun> {
  const probe = new Probe();
  const base: TrainOptions = trainOptions(prepared, policy, () => {});
  let stop = (): void => {};
  const windowS = length.kind === "window" ? length.seconds : null;
  const options: TrainOptions = {
    ...base,
    model: probedModel(prepared.model, probe),
    transport: probedEnvironment(probe),
    // In a window the target only is noted (from the history), so that every run spans the same window;
    // the run's path up to the target is the same either way (the target only ends a run).
    target: windowS === null ? base.target : { maxTimeS: Math.max(windowS, prepared.maxTimeS) },
    onProgress: (point) => {
      // Evaluations fall on multiples of evalEveryS; a hair of tolerance for their float sums.
      if (windowS !== null && point.timeS >= windowS - 1e-9) stop();
    },
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const handle = fabric.train(options);
  stop = () => handle.stop();
  const result = await handle.result;
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const { stats, history } = result;
  const net = probe.network?.stats();
  const last = history[history.length - 1];
  return {
    workers: result.config.workers,
    shards: result.config.shards,
    policy,
    virtualS: last === undefined ? 0 : last.timeS,
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    events: probe.sim?.eventsFired ?? 0,
    transfers: net?.transfersCompleted ?? 0,
    recomputations: net?.recomputations ?? 0,
    recomputedFlows: net?.recomputedFlows ?? 0,
    gradients: probe.gradients,
    gradientS: probe.gradientMs / 1000,
    evaluations: history.length,
    evaluationS: probe.evaluationMs / 1000,
    reachedS: firstHit(history, prepared.target),
    target: prepared.target,
    finalAccuracy: stats.finalAccuracy,
    updatesApplied: stats.updatesApplied,
    updatesDropped: stats.updatesDropped,
  };
}
