/**
 * The virtual-time environment: a simulator, its max-min fair network with every fabric host, background
 * traffic between random pairs of hosts, random stalls of slow workers, a compute model with stragglers, and
 * the fault schedule, all drawn from the run's seed. Gradients are still computed for real (simTransport).
 */
import { createSimTransport } from "../net/simTransport.ts";
import type { BackgroundTraffic } from "../sim/traces.ts";
import { backgroundTraffic, computeModel, slowHosts } from "../sim/traces.ts";
import { scheduleFaults } from "../sim/faults.ts";
import { Network } from "../sim/network.ts";
import { Simulator } from "../sim/simulator.ts";
import type { EnvironmentSetup, FabricEnvironment } from "./environment.ts";

/**
 * Builds the simulated world of a run.
 *
 * @example
 * ```ts
 * const env = virtualEnvironment(setup);
 * const run = env.run({ kill: (f) => console.log("kill", f.role, f.id) });
 * // ... start the fabric's actors on env.transport, then stop when done:
 * env.stop();
 * await run;
 * ```
 */
export function virtualEnvironment(setup: EnvironmentSetup): FabricEnvironment {
  const sim = new Simulator();
  const network = new Network(sim, { latencyMs: setup.network.latencyMs, hosts: setup.hosts });
  const transport = createSimTransport({ sim, network });
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
  let traffic: BackgroundTraffic | null = null;
  let faults: { cancel(): void } | null = null;

  const stop = (): void => {
    traffic?.stop();
    faults?.cancel();
    sim.stop();
  };

  return {
    transport,
    computeMs: (host, step) =>
      compute.msPerBatch(host, setup.batchSize) + (stalls === null ? 0 : stalls.stallMs(host, step)),
    async run(handlers) {
      const bg = setup.network.background;
      if (bg !== null) {
        traffic = backgroundTraffic({
          sim,
          network,
          rng: rng.fork("background"),
          hosts: setup.hosts.map((h) => h.id).filter((h) => h !== setup.scheduler),
          pairsActiveMean: bg.pairsActiveMean,
          onDurationMsMean: bg.onDurationMsMean,
          offDurationMsMean: bg.offDurationMsMean,
          flowRateBytesPerS: bg.flowRateBytesPerS,
          untilMs: setup.maxTimeMs,
        });
      }
      faults = scheduleFaults(sim, setup.faults, { kill: (fault) => handlers.kill(fault) }, { network });
      await sim.run({ untilMs: setup.maxTimeMs });
      stop();
    },
    stop,
    kill: (host) => {
      network.abortTransfers(host);
    },
  };
}
