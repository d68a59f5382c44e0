/**
 * Dynamic-cluster generators, each driven by a seeded `Rng`: background traffic between random host pairs
 * (the MLfabric testbed ran iperf pairs at several Gbit/s), random stalls of slow hosts (the paper injected
 * 0-500 ms), and a compute-time model with per-host straggler factors. Each generator forks its own streams
 * from the given Rng, so adding one does not change what the others draw.
 */
import { ArgumentError } from "../core/errors.ts";
import type { FlowHandle, Network } from "./network.ts";
import type { Rng } from "./rng.ts";
import type { TimerId } from "./eventQueue.ts";
import type { EventScheduler } from "./eventScheduler.ts";

function need(ok: boolean, message: () => string): void {
  if (!ok) throw new ArgumentError(message());
}

const isNonNegative = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0;

/** Options of {@link backgroundTraffic}. */
export interface BackgroundTrafficOptions {
  sim: EventScheduler;
  network: Network;
  rng: Rng;
  /** Hosts the pairs are drawn from (at least two). */
  hosts: readonly string[];
  /** Mean number of pairs sending at once. */
  pairsActiveMean: number;
  /** Mean of the exponential time a pair sends (ms). */
  onDurationMsMean: number;
  /**
   * Mean of the exponential pause between two pairs of one slot (ms). The slot count is rounded up to an
   * integer, and the pause then stretched a little, so that the mean number of active pairs is exact.
   */
  offDurationMsMean: number;
  /** Rate cap of each pair (iperf -b); unlimited by default, so a pair takes its max-min share. */
  flowRateBytesPerS?: number;
  /** Stop generating at this time (default: run until `stop()`, so give `sim.run` an `untilMs` or stop it). */
  untilMs?: number;
  /** Statistics tag of the flows (default "background"). */
  tag?: string;
}

/** Running background traffic. */
export interface BackgroundTraffic {
  /** Number of independent on/off slots, each a sequence of pairs: ceil(pairsActiveMean x (on + off) / on). */
  readonly slots: number;
  /** Pairs sending now. */
  activePairs(): number;
  /** Stops every pair and generates no more. */
  stop(): void;
}

/**
 * Starts background traffic: `slots` independent on/off processes; each "on" period is a background flow
 * between a random ordered pair of distinct hosts. Slots start in their stationary state, so the mean number
 * of active pairs is `pairsActiveMean` from time 0.
 *
 * @example
 * ```ts
 * const traffic = backgroundTraffic({ sim, network: net, rng: rng.fork("iperf"), hosts: net.hostIds(),
 *   pairsActiveMean: 8, onDurationMsMean: 2000, offDurationMsMean: 2000, flowRateBytesPerS: 6.25e8 });
 * await sim.run({ untilMs: 60_000 });
 * traffic.stop();
 * ```
 */
export function backgroundTraffic(options: BackgroundTrafficOptions): BackgroundTraffic {
  const { sim, network, rng, hosts, pairsActiveMean, onDurationMsMean, offDurationMsMean } = options;
  const op = "backgroundTraffic";
  need(hosts.length >= 2, () => `${op}: hosts must list at least two hosts but has ${hosts.length}`);
  for (const h of hosts) network.capacityOf(h); // throws on an unknown host
  need(
    isNonNegative(pairsActiveMean),
    () => `${op}: pairsActiveMean must be >= 0 but was ${pairsActiveMean}`,
  );
  need(
    isNonNegative(onDurationMsMean) && onDurationMsMean > 0,
    () => `${op}: onDurationMsMean must be > 0 but was ${onDurationMsMean}`,
  );
  need(
    isNonNegative(offDurationMsMean),
    () => `${op}: offDurationMsMean must be >= 0 but was ${offDurationMsMean}`,
  );
  const untilMs = options.untilMs ?? Infinity;
  const onFraction = onDurationMsMean / (onDurationMsMean + offDurationMsMean);
  const slots = pairsActiveMean === 0 ? 0 : Math.ceil(pairsActiveMean / onFraction);
  // With more slots than the mean asks for, each slot is on a little less often.
  const onProbability = slots === 0 ? 0 : pairsActiveMean / slots;
  const offMsMean = onProbability === 1 ? 0 : (onDurationMsMean * (1 - onProbability)) / onProbability;
  const active = new Set<FlowHandle>();
  const pending: (TimerId | undefined)[] = [];
  let stopped = false;

  const runSlot = (slot: number, slotRng: Rng): void => {
    const turnOn = (): void => {
      pending[slot] = undefined;
      if (stopped || sim.now() >= untilMs) return;
      const from = slotRng.int(0, hosts.length);
      const to = (from + slotRng.int(1, hosts.length)) % hosts.length; // any other host, uniformly
      const flow = network.startBackgroundFlow(hosts[from], hosts[to], {
        maxRateBytesPerS: options.flowRateBytesPerS,
        tag: options.tag ?? "background",
      });
      active.add(flow);
      pending[slot] = sim.after(Math.min(slotRng.exponential(onDurationMsMean), untilMs - sim.now()), () => {
        pending[slot] = undefined;
        active.delete(flow);
        flow.stop();
        turnOff();
      });
    };
    const turnOff = (): void => {
      if (stopped || sim.now() >= untilMs) return;
      const offMs = slotRng.exponential(offMsMean);
      if (sim.now() + offMs < untilMs) pending[slot] = sim.after(offMs, turnOn);
    };
    // Stationary start: on with probability onProbability; exponential durations are memoryless.
    if (slotRng.next() < onProbability) turnOn();
    else turnOff();
  };
  for (let s = 0; s < slots; s++) runSlot(s, rng.fork(`slot${s}`));

  return {
    slots,
    activePairs: () => active.size,
    stop: () => {
      stopped = true;
      for (const timer of pending) if (timer !== undefined) sim.cancel(timer);
      for (const flow of active) flow.stop();
      active.clear();
    },
  };
}

/** Options of {@link slowHosts}. */
export interface SlowHostsOptions {
  rng: Rng;
  /** Hosts that may stall; any other host never does. */
  hosts: readonly string[];
  /** Probability that a host stalls at a given step. */
  stallProbability: number;
  /** Longest stall (ms); a stall is uniform in [0, stallMsMax]. Default 500, as in the paper. */
  stallMsMax?: number;
}

/** Random stalls of slow hosts, a pure function of (host, step). */
export interface SlowHosts {
  stallMs(host: string, step: number): number;
}

/**
 * Random stalls: at each step a listed host stalls with probability `stallProbability` for a uniform
 * 0..stallMsMax ms. The answer depends only on the seed, the host and the step (not on the order of
 * calls), so the same step gives the same stall however the run interleaves.
 *
 * @example
 * ```ts
 * const slow = slowHosts({ rng: rng.fork("stalls"), hosts: ["w0", "w1"], stallProbability: 0.1 });
 * slow.stallMs("w0", 17); // 0 nine times in ten, else up to 500
 * slow.stallMs("s0", 17); // 0: not listed
 * ```
 */
export function slowHosts(options: SlowHostsOptions): SlowHosts {
  const { rng, hosts, stallProbability } = options;
  const stallMsMax = options.stallMsMax ?? 500;
  need(
    isNonNegative(stallProbability) && stallProbability <= 1,
    () => `slowHosts: stallProbability must be in [0, 1] but was ${stallProbability}`,
  );
  need(isNonNegative(stallMsMax), () => `slowHosts: stallMsMax must be >= 0 but was ${stallMsMax}`);
  const perHost = new Map(hosts.map((h) => [h, rng.fork(`host:${h}`)]));
  return {
    stallMs: (host, step) => {
      need(
        Number.isInteger(step) && step >= 0,
        () => `slowHosts.stallMs: step must be an integer >= 0 but was ${step}`,
      );
      const hostRng = perHost.get(host);
      if (hostRng === undefined || stallProbability === 0) return 0;
      const draw = hostRng.fork(String(step));
      return draw.next() < stallProbability ? draw.next() * stallMsMax : 0;
    },
  };
}

/** Modelled compute time of one mini-batch on a host. */
export interface ComputeModel {
  msPerBatch(host: string, batchSize: number): number;
}

/** Options of {@link computeModel}. */
export interface ComputeModelOptions {
  rng: Rng;
  hosts: readonly string[];
  /** Compute time per sample on a normal host (measured once, or given). */
  computeMsPerSample: number;
  /** Fixed cost per mini-batch (default 0). */
  overheadMsPerBatch?: number;
  /** Fraction of the hosts that are stragglers (default 0), chosen at random. */
  stragglerFraction?: number;
  /** How many times slower a straggler is (default 2). */
  stragglerFactor?: number;
  /** Spread of the other hosts' speeds: the sd of a log-normal factor around 1 (default 0). */
  speedSpread?: number;
}

/**
 * A compute-time model: (overhead + batchSize x computeMsPerSample) x the host's factor; stragglers are
 * chosen from the seed, and every host's factor is fixed for the run.
 *
 * @example
 * ```ts
 * const model = computeModel({ rng: rng.fork("compute"), hosts: ["w0", "w1", "w2", "w3"],
 *   computeMsPerSample: 0.05, stragglerFraction: 0.25, stragglerFactor: 3 });
 * model.msPerBatch("w0", 64); // 3.2, or 9.6 if w0 is the straggler
 * ```
 */
export function computeModel(
  options: ComputeModelOptions,
): ComputeModel & { factorOf(host: string): number } {
  const { rng, hosts, computeMsPerSample } = options;
  const op = "computeModel";
  const overheadMsPerBatch = options.overheadMsPerBatch ?? 0;
  const stragglerFraction = options.stragglerFraction ?? 0;
  const stragglerFactor = options.stragglerFactor ?? 2;
  const speedSpread = options.speedSpread ?? 0;
  need(
    isNonNegative(computeMsPerSample),
    () => `${op}: computeMsPerSample must be >= 0 but was ${computeMsPerSample}`,
  );
  need(
    isNonNegative(overheadMsPerBatch),
    () => `${op}: overheadMsPerBatch must be >= 0 but was ${overheadMsPerBatch}`,
  );
  need(
    isNonNegative(stragglerFraction) && stragglerFraction <= 1,
    () => `${op}: stragglerFraction must be in [0, 1] but was ${stragglerFraction}`,
  );
  need(
    isNonNegative(stragglerFactor) && stragglerFactor >= 1,
    () => `${op}: stragglerFactor must be >= 1 but was ${stragglerFactor}`,
  );
  need(isNonNegative(speedSpread), () => `${op}: speedSpread must be >= 0 but was ${speedSpread}`);
  const stragglers = new Set(
    rng
      .fork("stragglers")
      .shuffle([...hosts])
      .slice(0, Math.round(stragglerFraction * hosts.length)),
  );
  const spreadRng = rng.fork("spread");
  const factor = new Map<string, number>();
  for (const h of hosts) {
    const base = Math.exp(spreadRng.normal(0, speedSpread)); // drawn for every host so streams stay aligned
    factor.set(h, stragglers.has(h) ? stragglerFactor : base);
  }
  const factorOf = (host: string): number => {
    const f = factor.get(host);
    if (f === undefined) throw new ArgumentError(`${op}: unknown host "${host}"`);
    return f;
  };
  return {
    factorOf,
    msPerBatch: (host, batchSize) => {
      need(
        Number.isInteger(batchSize) && batchSize >= 0,
        () => `${op}.msPerBatch: batchSize must be an integer >= 0 but was ${batchSize}`,
      );
      return (overheadMsPerBatch + batchSize * computeMsPerSample) * factorOf(host);
    },
  };
}
