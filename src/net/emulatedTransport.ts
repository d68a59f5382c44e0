/**
 * The emulated transport: the fabric's `Transport` in real time, in one process, with link shaping. Its
 * transfers are flows on the simulator's own `Network` (per-host up- and down-links, max-min fair sharing,
 * latency, partitions, background flows), driven by a {@link RealTimeScheduler} instead of the virtual
 * clock: a transfer's promise resolves when the fluid model says its last byte arrived, in real time. No
 * bytes are copied; the payload travels by reference, only its size is shaped.
 *
 * Why a fluid max-min emulator and not per-link token buckets: the point of the two clocks is that they
 * share one model, so that a real-time run and a virtual-time run of the same scenario can be compared.
 * Token buckets (one per up- and down-link, each flow taking tokens from both) give max-min fairness only
 * approximately and only on average: which flow gets the next tokens depends on who asked first, bursts
 * depend on the bucket depth and on timer jitter, and a flow crossing two buckets sees neither link's fair
 * share exactly. The fluid model gives each flow exactly the max-min rate the simulator gives it, recomputed
 * at every start, end, capacity change and partition, and needs one timer for the next completion instead of
 * a refill tick per link: it is the same code, so the emulated and simulated networks cannot drift apart.
 * What real time adds is only jitter: timers fire within about a millisecond, and a compute that blocks the
 * thread delays every completion due meanwhile (their flows' progress is still exact, since it is computed
 * from the clock, but their delivery callbacks run late).
 */
import { ArgumentError } from "../core/errors.ts";
import { Network } from "../sim/network.ts";
import type { HostSpec } from "../sim/network.ts";
import type { EventLog } from "../sim/events.ts";
import type { SimulationError } from "../sim/simulator.ts";
import { RealTimeScheduler } from "./realTimeScheduler.ts";
import { hostChecker } from "./simTransport.ts";
import type { HostId, Transport } from "./transport.ts";

/** Options of {@link createEmulatedTransport}. */
export interface EmulatedTransportOptions {
  /** The hosts and their emulated link capacities (bytes/s; `1.25e9` is 10 Gbit/s). */
  hosts: readonly HostSpec[];
  /** One-way latency of every transfer (default 0). */
  latencyMs?: number;
  /** Where the network records its trace; none by default. */
  log?: EventLog;
  /**
   * An extra stall slept after each compute's real work, in ms (default none): the real compute time is
   * already spent, so this adds only what the scenario injects, such as a slow host's 0-500 ms stalls
   * (`(host) => slow.has(host) ? rng.uniform(0, 500) : 0`) or the whole model time (`(_, ms) => ms`).
   */
  computeStallMs?: (host: HostId, modelMs: number) => number;
  /** Receives errors thrown by network callbacks (default: rethrown, crashing the process: a bug). */
  onError?: (error: SimulationError) => void;
}

/** A {@link Transport} on real time, with its scheduler and network at hand (capacities, partitions). */
export interface EmulatedTransport extends Transport {
  readonly clock: RealTimeScheduler;
  readonly network: Network;
}

/**
 * An in-process, real-time transport whose transfers take the time the max-min fair link model gives.
 * `compute` runs the work on the calling thread (or awaits the promise it returns, e.g. from a worker
 * pool) and resolves when it is done, after the optional stall. The process stays alive while a transfer,
 * a stall or a `clock.sleep` is pending, and not after.
 *
 * @example
 * ```ts
 * const gbit = 1.25e8; // bytes per second in 1 Gbit/s
 * const transport = createEmulatedTransport({ latencyMs: 0.05, hosts: [
 *   { id: "w0", upBytesPerS: gbit, downBytesPerS: gbit },
 *   { id: "s0", upBytesPerS: gbit, downBytesPerS: gbit },
 * ] });
 * const d = await transport.transfer({ from: "w0", to: "s0", bytes: 12.5e6, tag: "grad" });
 * d.endMs - d.startMs; // about 100 (ms of real time)
 * ```
 */
export function createEmulatedTransport(options: EmulatedTransportOptions): EmulatedTransport {
  const clock = new RealTimeScheduler({ log: options.log, onError: options.onError });
  const network = new Network(clock, { hosts: options.hosts, latencyMs: options.latencyMs });
  const check = hostChecker("EmulatedTransport.compute", network);
  const stallOf = options.computeStallMs;
  return {
    clock,
    network,
    transfer: (spec) => network.transfer(spec),
    async compute<T>(host: HostId, modelMs: number, work: () => T): Promise<Awaited<T>> {
      check(host, modelMs);
      const value = await work();
      const stallMs = stallOf?.(host, modelMs) ?? 0;
      if (typeof stallMs !== "number" || !(stallMs >= 0) || stallMs === Infinity) {
        throw new ArgumentError(
          `EmulatedTransport.compute: computeStallMs("${host}", ${modelMs}) must give a finite number >= 0 but gave ${String(stallMs)}`,
        );
      }
      if (stallMs > 0) await clock.sleep(stallMs);
      return value;
    },
  };
}
