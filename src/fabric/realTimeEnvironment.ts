/**
 * The real-time environment: the same fabric, traces and faults as the virtual one, on the emulated
 * transport (net/emulatedTransport.ts): transfers take the time the max-min fair link model gives, in real
 * time; gradients take the time they really take on this machine, plus what the scenario injects (a slow
 * host's stall, a straggler's extra time), slept after the real work.
 */
import { createEmulatedTransport } from "../net/emulatedTransport.ts";
import { scheduleFaults } from "../sim/faults.ts";
import { backgroundTraffic, computeModel, slowHosts } from "../sim/traces.ts";
import type { BackgroundTraffic } from "../sim/traces.ts";
import type { EnvironmentSetup, FabricEnvironment } from "./environment.ts";

/**
 * Builds the real-time world of a run: pass it as `transport` with `clock: "real"` (the CLI does).
 *
 * @example
 * ```ts
 * const run = fabric.train({ ...options, clock: "real", transport: realTimeEnvironment });
 * ```
 */
export function realTimeEnvironment(setup: EnvironmentSetup): FabricEnvironment {
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
  // The real gradient is the compute time; only what the model adds beyond a normal worker is slept.
  const extraMs = (host: string, step: number): number =>
    compute.msPerBatch(host, setup.batchSize) -
    setup.compute.msPerBatch +
    (stalls === null ? 0 : stalls.stallMs(host, step));
  const transport = createEmulatedTransport({
    hosts: setup.hosts,
    latencyMs: setup.network.latencyMs,
    computeStallMs: (_host, modelMs) => Math.max(0, modelMs),
  });
  const clock = transport.clock;
  let traffic: BackgroundTraffic | null = null;
  let faults: { cancel(): void } | null = null;
  let finish: (() => void) | null = null;

  const stop = (): void => {
    traffic?.stop();
    faults?.cancel();
    finish?.();
  };

  return {
    transport,
    computeMs: (host, step) => extraMs(host, step),
    async run(handlers) {
      const bg = setup.network.background;
      if (bg !== null) {
        traffic = backgroundTraffic({
          sim: clock,
          network: transport.network,
          rng: rng.fork("background"),
          hosts: setup.hosts.map((h) => h.id).filter((h) => h !== setup.scheduler),
          pairsActiveMean: bg.pairsActiveMean,
          onDurationMsMean: bg.onDurationMsMean,
          offDurationMsMean: bg.offDurationMsMean,
          flowRateBytesPerS: bg.flowRateBytesPerS,
          untilMs: clock.now() + setup.maxTimeMs,
        });
      }
      faults = scheduleFaults(
        clock,
        setup.faults,
        { kill: (fault) => handlers.kill(fault) },
        { network: transport.network },
      );
      await new Promise<void>((resolve) => {
        const deadline = clock.schedule(clock.now() + setup.maxTimeMs, resolve);
        finish = () => {
          clock.cancel(deadline);
          resolve();
        };
      });
      stop();
    },
    stop,
    kill: (host) => {
      transport.network.abortTransfers(host);
    },
  };
}
