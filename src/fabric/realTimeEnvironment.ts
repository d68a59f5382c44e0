/**
 * The real-time environment: the same fabric, traces and faults as the virtual one, on the emulated
 * transport (net/emulatedTransport.ts): transfers take the time the max-min fair link model gives, in real
 * time; gradients take the time they really take on this machine, plus what the scenario injects (a slow
 * host's stall, a straggler's extra time), slept after the real work. Gradients run on the runtime's
 * worker-thread pool (`poolGradient`), so that the fabric's workers compute in parallel, up to one per
 * core, while the main thread keeps the emulated links' timers on time.
 */
import { createEmulatedTransport } from "../net/emulatedTransport.ts";
import { scheduleFaults } from "../sim/faults.ts";
import type { BackgroundTraffic } from "../sim/traces.ts";
import type { EnvironmentSetup, FabricEnvironment } from "./environment.ts";
import { poolGradient } from "./gradientExecutor.ts";
import { startBackground, workerTiming } from "./workerTiming.ts";

/**
 * Builds the real-time world of a run: pass it as `transport` with `clock: "real"` (the CLI does).
 *
 * @example
 * ```ts
 * const run = fabric.train({ ...options, clock: "real", transport: realTimeEnvironment });
 * ```
 */
export function realTimeEnvironment(setup: EnvironmentSetup): FabricEnvironment {
  const timing = workerTiming(setup);
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
    // What the abandoned actors still wait for (heartbeats, a partition's end) must not keep Node alive.
    clock.stop();
  };

  return {
    transport,
    gradient: poolGradient,
    // The real gradient is the compute time; only what the model adds beyond a normal worker is slept.
    computeMs: (host, step) =>
      timing.msPerBatch(host) - setup.compute.msPerBatch + timing.stallMs(host, step),
    async run(handlers) {
      const untilMs = clock.now() + setup.maxTimeMs;
      traffic = startBackground(setup, clock, transport.network, untilMs);
      faults = scheduleFaults(
        clock,
        setup.faults,
        { kill: (fault) => handlers.kill(fault) },
        { network: transport.network },
      );
      await new Promise<void>((resolve) => {
        const deadline = clock.schedule(untilMs, resolve);
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
