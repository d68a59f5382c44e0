/**
 * The simulated transport: the fabric's `Transport` on the discrete-event simulator. Transfers are flows
 * on the simulator's max-min fair `Network`; compute runs the real work (a gradient) at once and delivers
 * its result exactly `modelMs` of virtual time later, whatever the work's real duration, so a run's
 * virtual timestamps and event order depend on the seed and the config only.
 */
import { ArgumentError } from "../core/errors.ts";
import type { Network } from "../sim/network.ts";
import type { Simulator } from "../sim/simulator.ts";
import type { HostId, Transport } from "./transport.ts";

/** Options of {@link createSimTransport}. */
export interface SimTransportOptions {
  sim: Simulator;
  /** A network built on the same `sim` (`new Network(sim, ...)`). */
  network: Network;
}

/** A {@link Transport} on virtual time, with its simulator and network at hand (for faults and traces). */
export interface SimTransport extends Transport {
  readonly clock: Simulator;
  readonly network: Network;
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === "object" || typeof v === "function") &&
    v !== null &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

/**
 * Checks what `compute` is given: a known host (the network's hosts are the fabric's) and a model time.
 * Internal to the transports.
 */
export function hostChecker(op: string, network: Network): (host: HostId, modelMs: number) => void {
  let known = new Set(network.hostIds());
  return (host, modelMs) => {
    if (!known.has(host)) {
      known = new Set(network.hostIds()); // hosts may have been added since
      if (!known.has(host)) throw new ArgumentError(`${op}: unknown host "${String(host)}"`);
    }
    if (typeof modelMs !== "number" || !(modelMs >= 0) || modelMs === Infinity) {
      throw new ArgumentError(`${op}: modelMs must be a finite number >= 0 but was ${String(modelMs)}`);
    }
  };
}

/**
 * The fabric's transport on virtual time.
 *
 * - `transfer` is `network.transfer`: the flow shares its sender's uplink and receiver's downlink max-min
 *   fairly and is delivered after the network's latency; it rejects with `TransferAbortedError` if
 *   `network.abortTransfers` cuts an endpoint off.
 * - `compute(host, modelMs, work)` calls `work()` at once (the real gradient). A synchronous result, or a
 *   promise's (through `sim.realWork`, which holds virtual time still until it settles), is delivered at
 *   exactly `sim.now() + modelMs`; results due at the same virtual time arrive in call order. If `work`
 *   throws or its promise rejects, the error arrives at that same time. The work must not wait on virtual
 *   time (that would deadlock).
 *
 * @example
 * ```ts
 * const sim = new Simulator();
 * const network = new Network(sim, { latencyMs: 0.05, hosts: [
 *   { id: "w0", upBytesPerS: 1.25e9, downBytesPerS: 1.25e9 },
 *   { id: "s0", upBytesPerS: 1.25e9, downBytesPerS: 1.25e9 },
 * ] });
 * const transport = createSimTransport({ sim, network });
 * void (async () => {
 *   const g = await transport.compute("w0", 30, () => computeGradient()); // at 30 ms, however long it took
 *   const d = await transport.transfer({ from: "w0", to: "s0", bytes: 1.25e6, tag: "grad" });
 *   d.endMs; // 31.05: 1 ms on the link plus 0.05 ms latency
 * })();
 * await sim.run();
 * ```
 */
export function createSimTransport(options: SimTransportOptions): SimTransport {
  const { sim, network } = options;
  const check = hostChecker("SimTransport.compute", network);
  return {
    clock: sim,
    network,
    transfer: (spec) => network.transfer(spec),
    async compute<T>(host: HostId, modelMs: number, work: () => T): Promise<Awaited<T>> {
      check(host, modelMs);
      // The delivery event is registered before the work runs: completions due together keep call order.
      const due = sim.sleep(modelMs);
      let value: Awaited<T>;
      try {
        const result = work();
        // Virtual time stands still until real asynchronous work settles (sim.realWork).
        value = await (isPromiseLike(result) ? sim.realWork(Promise.resolve(result)) : result);
      } catch (error) {
        await due;
        throw error;
      }
      await due;
      return value;
    },
  };
}
