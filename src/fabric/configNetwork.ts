/**
 * The network and compute-model parts of the configuration: link capacities, latency, background traffic
 * and slow hosts; the compute time of a mini-batch and the stragglers. Checked, with defaults.
 */
import type { ClusterLayout } from "./cluster.ts";
import { checkKeys, need, numberIn, OP, optionalObject } from "./configChecks.ts";
import type { BackgroundOptions, TrainOptions } from "./options.ts";

/** The network options with defaults. */
export interface ResolvedNetwork {
  upBytesPerS: number;
  downBytesPerS: number;
  hosts: Record<string, { upBytesPerS?: number; downBytesPerS?: number }>;
  latencyMs: number;
  background: BackgroundOptions | null;
  slowHosts: { fraction: number; stallProbability: number; stallMsMax: number } | null;
}

/** The compute model with defaults. */
export interface ResolvedCompute {
  msPerBatch: number;
  stragglerFraction: number;
  stragglerFactor: number;
  speedSpread: number;
}

/**
 * Checks `options.network` against the cluster's hosts and fills in the defaults.
 *
 * @example
 * ```ts
 * resolveNetwork({ network: { latencyMs: -1 } } as TrainOptions, layout);
 * // throws: fabric.train: network.latencyMs must be a finite number >= 0 but was -1
 * ```
 */
export function resolveNetwork(options: TrainOptions, layout: ClusterLayout): ResolvedNetwork {
  const n = optionalObject("network", options.network) ?? {};
  checkKeys("network", n, [
    "hostBytesPerS",
    "upBytesPerS",
    "downBytesPerS",
    "hosts",
    "latencyMs",
    "background",
    "slowHosts",
  ]);
  const host = numberIn("network.hostBytesPerS", n.hostBytesPerS, 1.25e9, 0, false);
  const up = numberIn("network.upBytesPerS", n.upBytesPerS, host, 0, false);
  const down = numberIn("network.downBytesPerS", n.downBytesPerS, host, 0, false);
  const hosts = optionalObject("network.hosts", n.hosts) ?? {};
  for (const [id, cap] of Object.entries(hosts)) {
    need(
      layout.hosts.includes(id) && id !== layout.scheduler,
      () => `${OP}: network.hosts names an unknown host "${id}" (hosts: ${layout.hosts.join(", ")})`,
    );
    const c = optionalObject(`network.hosts.${id}`, cap) ?? {};
    checkKeys(`network.hosts.${id}`, c, ["upBytesPerS", "downBytesPerS"]);
    numberIn(`network.hosts.${id}.upBytesPerS`, c.upBytesPerS, up, 0, false);
    numberIn(`network.hosts.${id}.downBytesPerS`, c.downBytesPerS, down, 0, false);
  }
  const latencyMs = numberIn("network.latencyMs", n.latencyMs, 0.05, 0, true);
  const bg = optionalObject("network.background", n.background);
  let background: BackgroundOptions | null = null;
  if (bg !== undefined) {
    checkKeys("network.background", bg, [
      "pairsActiveMean",
      "onDurationMsMean",
      "offDurationMsMean",
      "flowRateBytesPerS",
    ]);
    background = {
      pairsActiveMean: numberIn("network.background.pairsActiveMean", bg.pairsActiveMean, null, 0, true),
      onDurationMsMean: numberIn("network.background.onDurationMsMean", bg.onDurationMsMean, null, 0, false),
      offDurationMsMean: numberIn(
        "network.background.offDurationMsMean",
        bg.offDurationMsMean,
        null,
        0,
        true,
      ),
      flowRateBytesPerS:
        bg.flowRateBytesPerS === undefined
          ? undefined
          : numberIn("network.background.flowRateBytesPerS", bg.flowRateBytesPerS, null, 0, false),
    };
  }
  const sh = optionalObject("network.slowHosts", n.slowHosts);
  let slowHosts: ResolvedNetwork["slowHosts"] = null;
  if (sh !== undefined) {
    checkKeys("network.slowHosts", sh, ["fraction", "stallProbability", "stallMsMax"]);
    const fraction = numberIn("network.slowHosts.fraction", sh.fraction, 1, 0, true);
    need(fraction <= 1, () => `${OP}: network.slowHosts.fraction must be <= 1 but was ${fraction}`);
    const p = numberIn("network.slowHosts.stallProbability", sh.stallProbability, null, 0, true);
    need(p <= 1, () => `${OP}: network.slowHosts.stallProbability must be <= 1 but was ${p}`);
    const stallMsMax = numberIn("network.slowHosts.stallMsMax", sh.stallMsMax, 500, 0, true);
    slowHosts = { fraction, stallProbability: p, stallMsMax };
  }
  return {
    upBytesPerS: up,
    downBytesPerS: down,
    hosts: hosts as ResolvedNetwork["hosts"],
    latencyMs,
    background,
    slowHosts,
  };
}

/**
 * Checks `options.compute` and fills in the defaults.
 *
 * @example
 * ```ts
 * resolveCompute({ compute: { msPerBatch: 2 } } as TrainOptions).stragglerFactor; // 2
 * ```
 */
export function resolveCompute(options: TrainOptions): ResolvedCompute {
  const c = optionalObject("compute", options.compute) ?? {};
  checkKeys("compute", c, ["msPerBatch", "stragglerFraction", "stragglerFactor", "speedSpread"]);
  const stragglerFraction = numberIn("compute.stragglerFraction", c.stragglerFraction, 0, 0, true);
  need(
    stragglerFraction <= 1,
    () => `${OP}: compute.stragglerFraction must be <= 1 but was ${stragglerFraction}`,
  );
  const stragglerFactor = numberIn("compute.stragglerFactor", c.stragglerFactor, 2, 0, false);
  need(stragglerFactor >= 1, () => `${OP}: compute.stragglerFactor must be >= 1 but was ${stragglerFactor}`);
  return {
    msPerBatch: numberIn("compute.msPerBatch", c.msPerBatch, 5, 0, true),
    stragglerFraction,
    stragglerFactor,
    speedSpread: numberIn("compute.speedSpread", c.speedSpread, 0, 0, true),
  };
}
