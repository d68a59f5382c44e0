/**
 * The scheduler's estimate of every host's up- and down-link bandwidth, learned from delivery reports
 * (exponentially weighted moving averages).
 *
 * A delivery of `bytes` in `durationMs` had rate r. A flow's rate is set by its bottleneck, so for each of
 * its two link ends, `r x (fabric flows on that end)` is a lower bound on what that end had to offer, and
 * nearly equal to it at the bottleneck. The end whose sample is the larger fraction of its current
 * estimate is taken to be the bottleneck and its estimate moves toward its sample; the other end's estimate
 * only rises (when its sample exceeds it): a flow slowed down by a busy shard says nothing bad about the
 * worker's uplink.
 */

/** One delivery, as reported to the scheduler. */
export interface DeliveryReport {
  from: string;
  to: string;
  bytes: number;
  /** When the transfer started and when its last byte arrived (ms). */
  startMs: number;
  endMs: number;
  /** Time on the wire: endMs - startMs without the latency (ms). */
  durationMs: number;
  /** Fabric transfers on the sender's uplink and the receiver's downlink when it ended (itself included). */
  fromFlows: number;
  toFlows: number;
}

/**
 * Per-host link estimates.
 *
 * @example
 * ```ts
 * const bw = new BandwidthEstimator([{ id: "w0", upBytesPerS: 1e9, downBytesPerS: 1e9 },
 *   { id: "s0", upBytesPerS: 1e9, downBytesPerS: 1e9 }], 0.5);
 * bw.observe({ from: "w0", to: "s0", bytes: 1e6, startMs: 0, endMs: 4.05, durationMs: 4, fromFlows: 1, toFlows: 2 });
 * bw.down("s0"); // 7.5e8: halfway from 1e9 toward the sample 2 x 2.5e8
 * bw.up("w0"); // 1e9: the worker's uplink was not the bottleneck
 * ```
 */
export class BandwidthEstimator {
  private readonly upBps = new Map<string, number>();
  private readonly downBps = new Map<string, number>();

  /**
   * @param hosts the nominal capacities, taken as the first estimates.
   * @param alpha weight of a new sample (0 < alpha <= 1).
   */
  constructor(
    hosts: readonly { id: string; upBytesPerS: number; downBytesPerS: number }[],
    private readonly alpha = 0.3,
  ) {
    for (const h of hosts) {
      this.upBps.set(h.id, h.upBytesPerS);
      this.downBps.set(h.id, h.downBytesPerS);
    }
  }

  /** Estimated uplink bandwidth of `host` (bytes/s). */
  up(host: string): number {
    return this.upBps.get(host) ?? 0;
  }

  /** Estimated downlink bandwidth of `host` (bytes/s). */
  down(host: string): number {
    return this.downBps.get(host) ?? 0;
  }

  /** Learns from one delivery; ignores same-host, empty and instantaneous ones. */
  observe(report: DeliveryReport): void {
    const { from, to, bytes, durationMs } = report;
    if (from === to || bytes <= 0 || !(durationMs > 0)) return;
    const rate = (bytes * 1000) / durationMs;
    const upSample = rate * Math.max(1, report.fromFlows);
    const downSample = rate * Math.max(1, report.toFlows);
    const upEst = this.up(from);
    const downEst = this.down(to);
    const upBottleneck = upSample / upEst >= downSample / downEst;
    this.upBps.set(from, this.blend(upEst, upSample, upBottleneck));
    this.downBps.set(to, this.blend(downEst, downSample, !upBottleneck));
  }

  private blend(estimate: number, sample: number, bottleneck: boolean): number {
    if (!bottleneck && sample <= estimate) return estimate;
    return estimate + this.alpha * (sample - estimate);
  }
}
