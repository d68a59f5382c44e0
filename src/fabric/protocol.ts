/**
 * The messages between the fabric's actors and the central scheduler: a request to send an update, the
 * scheduler's decision, and the state the scheduler keeps of a granted transfer.
 */
import type { AggregationGroup } from "./aggregationGroup.ts";

/** "I have an update for shard `shard`, `bytes` long, computed on `baseVersion`." */
export interface UpdateRequest {
  /** The worker that computed it. */
  from: string;
  shard: number;
  bytes: number;
  /** The shard version it was computed on. */
  baseVersion: number;
  /** The shard's update count at the base version: the delay bound is enforced on updates since it. */
  baseUpdates: number;
  /** The shard epoch the base version belongs to (it changes when a replica is promoted). */
  epoch: number;
  /** The update's record id (one). */
  ids: readonly number[];
}

/** A granted transfer into a shard, as the scheduler tracks it until its delivery is reported. */
export interface GrantTicket {
  readonly shard: number;
  readonly epoch: number;
  readonly seq: number;
  readonly from: string;
  readonly bytes: number;
  readonly ids: readonly number[];
  readonly replicate: boolean;
  primaryDelivered: boolean;
  replicaDelivered: boolean;
  /** Settled: delivered and reported, or voided. */
  done: boolean;
}

/**
 * The scheduler's answer: send to the shard now (with its sequence number, and whether to copy to the
 * replica afterwards), send to an aggregator, or drop the update (pull afresh).
 */
export type Decision =
  | {
      destination: "shard";
      startAtMs: number;
      /** Pacing (null: as fast as the links allow). */
      maxRateBytesPerS: number | null;
      primary: string;
      replica: string | null;
      replicate: boolean;
      ticket: GrantTicket;
    }
  | { destination: "aggregator"; aggregator: string; group: AggregationGroup }
  | { destination: "drop" };

/**
 * The one-word form of a decision's destination, as the issue writes it.
 *
 * @example
 * ```ts
 * destinationOf({ destination: "drop" }); // "drop"
 * ```
 */
export function destinationOf(d: Decision): string {
  return d.destination === "aggregator" ? `aggregator:${d.aggregator}` : d.destination;
}
