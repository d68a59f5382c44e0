/**
 * The virtual-time environment: a simulator, its max-min fair network with every fabric host, background
 * traffic between random pairs of hosts, random stalls of slow workers, a compute model with stragglers, and
 * the fault schedule, all drawn from the run's seed. Gradients are still computed for real (simTransport).
 */
import { createSimTransport } from "../net/simTransport.ts";
import type { BackgroundTraffic } from "../sim/traces.ts";
import { scheduleFaults } from "../sim/faults.ts";
import { Network } from "../sim/network.ts";
import { Simulator } from "../sim/simulator.ts";
import type { EnvironmentSetup, FabricEnvironment } from "./environment.ts";
import { startBackground, workerTiming } from "./workerTiming.ts";

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
  const timing = workerTiming(setup);
  let traffic: BackgroundTraffic | null = null;
  let faults: { cancel(): void } | null = null;

  const stop = (): void => {
    traffic?.stop();
    faults?.cancel();
    sim.stop();
  };

  return {
    transport,
    computeMs: (host, step) => timing.msPerBatch(host) + timing.stallMs(host, step),
    async run(handlers) {
      traffic = startBackground(setup, sim, network, setup.maxTimeMs);
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
