/**
 * The transport seam of MLfabric: everything the fabric sends goes through a `Transport`, and all of its
 * timing comes from the transport's `clock`. The simulated transport runs on virtual time; the emulated
 * one on real time over the same link model; a socket transport (cluster mode) will implement the same.
 */
import type { Clock } from "../sim/clock.ts";

/** A host of the fabric (a worker, a shard, a replica); transports map it to a network endpoint. */
export type HostId = string;

/** One message: `bytes` on the wire from `from` to `to`; `tag` groups bytes in the statistics. */
export interface TransferSpec {
  from: HostId;
  to: HostId;
  bytes: number;
  tag: string;
  /** Pacing: the sender never exceeds this rate (the fabric scheduler's "rate" decision). */
  maxRateBytesPerS?: number;
}

/** When a transfer started and when its last byte arrived, in the transport's clock (ms). */
export interface Delivery {
  startMs: number;
  endMs: number;
  bytes: number;
}

export interface Transport {
  readonly clock: Clock;
  /** Moves the bytes; resolves at delivery. Rejects if an endpoint dies while it is in flight. */
  transfer(spec: TransferSpec): Promise<Delivery>;
  /**
   * Runs real work (a gradient) that the model says takes `modelMs` on `host`. On virtual time the result
   * arrives exactly `modelMs` later whatever the real duration; on real time, when the work is done.
   */
  compute<T>(host: HostId, modelMs: number, work: () => T): Promise<Awaited<T>>;
}
