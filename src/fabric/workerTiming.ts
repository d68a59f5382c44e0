/**
 * The modelled time of a worker's mini-batch, shared by the virtual and the real-time environments: a
 * compute model with stragglers and speed spread, plus the random stalls of slow hosts (the paper's 0-500
 * ms), all drawn from the run's seed so that both clocks see the same scenario.
 */
import type { BackgroundTraffic } from "../sim/traces.ts";
import { backgroundTraffic, computeModel, slowHosts } from "../sim/traces.ts";
import type { EventScheduler } from "../sim/eventScheduler.ts";
import type { Network } from "../sim/network.ts";
import type { EnvironmentSetup } from "./environment.ts";

/** A worker's modelled mini-batch time and its slow-host stalls. */
export interface WorkerTiming {
  /** Modelled compute time of one mini-batch of `setup.batchSize` on `host` (straggler factor included). */
  msPerBatch(host: string): number;
  /** The random stall of `host` at mini-batch `step` (0 for hosts that are not slow). */
  stallMs(host: string, step: number): number;
}

/**
 * Builds the timing model of a run from its setup.
 *
 * @example
 * ```ts
 * const timing = workerTiming(setup);
 * timing.msPerBatch("w3") + timing.stallMs("w3", 17); // modelled ms of w3's 17th mini-batch
 * ```
 */
export function workerTiming(setup: EnvironmentSetup): WorkerTiming {
  const rng = setup.rng;
  const compute = computeModel({
    rng: rng.fork("compute"),
    hosts: setup.workers,
    computeMsPerSample: setup.compute.msPerBatch / setup.batchSize,
    stragglerFraction: setup.compute.stragglerFraction,
    stragglerFactor: setup.compute.stragglerFactor,
    speedSpread: setup.compute.speedSpread,
  });
  const slow = setup.network.slowHosts;
  const slowWorkers =
    slow === null
      ? []
      : rng
          .fork("slowHostChoice")
          .shuffle([...setup.workers])
          .slice(0, Math.round(slow.fraction * setup.workers.length));
  const stalls =
    slow === null
      ? null
      : slowHosts({
          rng: rng.fork("stalls"),
          hosts: slowWorkers,
          stallProbability: slow.stallProbability,
          stallMsMax: slow.stallMsMax,
        });
  return {
    msPerBatch: (host) => compute.msPerBatch(host, setup.batchSize),
    stallMs: (host, step) => (stalls === null ? 0 : stalls.stallMs(host, step)),
  };
}

/**
 * Starts the run's background traffic (iperf-like pairs between random fabric hosts, never the scheduler)
 * on a network, until `untilMs`; null when the scenario has none.
 *
 * @example
 * ```ts
 * const traffic = startBackground(setup, sim, network, setup.maxTimeMs);
 * traffic?.stop();
 * ```
 */
export function startBackground(
  setup: EnvironmentSetup,
  scheduler: EventScheduler,
  network: Network,
  untilMs: number,
): BackgroundTraffic | null {
  const bg = setup.network.background;
  if (bg === null) return null;
  return backgroundTraffic({
    sim: scheduler,
    network,
    rng: setup.rng.fork("background"),
    hosts: setup.hosts.map((h) => h.id).filter((h) => h !== setup.scheduler),
    pairsActiveMean: bg.pairsActiveMean,
    onDurationMsMean: bg.onDurationMsMean,
    offDurationMsMean: bg.offDurationMsMean,
    flowRateBytesPerS: bg.flowRateBytesPerS,
    untilMs,
  });
}
