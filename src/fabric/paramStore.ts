/**
 * A parameter store: one copy (primary or replica) of a shard's slice of the model, its version counter and
 * its optimizer (one per store: it keeps the momentum). Primary and replica apply the same messages in the
 * same order, so at equal versions they hold the same bits.
 */
import type { Optimizer, SgdOptions } from "./model/sgd.ts";
import { sgd } from "./model/sgd.ts";

/** What a store applies: one update, an aggregator's sum, or a BSP average. */
export interface UpdateMessage {
  /** The member updates' record ids. */
  ids: readonly number[];
  /** The gradient for the slice (length = the slice's length). */
  grad: Float32Array;
  /** The oldest base version among the members: the delay handed to the optimizer is counted from it. */
  baseVersion: number;
  /** An aggregator's sum (for the records). */
  aggregated: boolean;
}

/**
 * One copy of a shard.
 *
 * @example
 * ```ts
 * const store = new ParamStore("s0", new Float32Array(4), { learningRate: 0.1 });
 * store.apply({ ids: [0], grad: new Float32Array([1, 1, 1, 1]), baseVersion: 0, aggregated: false });
 * store.version; // 1
 * store.params; // [-0.1, -0.1, -0.1, -0.1] (float32)
 * ```
 */
export class ParamStore {
  version = 0;
  /** Every update this store applied (for failover accounting). */
  readonly appliedIds = new Set<number>();
  /** Messages applied, with the version each produced (for failover accounting). */
  readonly log: { version: number; ids: readonly number[]; aggregated: boolean; atMs: number }[] = [];
  private readonly optimizer: Optimizer;

  constructor(
    readonly host: string,
    readonly params: Float32Array,
    optimizer: SgdOptions,
  ) {
    this.optimizer = sgd(optimizer);
  }

  /** Applies a message: version += 1; the optimizer sees delay = old version - message.baseVersion. */
  apply(message: UpdateMessage, atMs = 0): number {
    const delay = Math.max(0, this.version - message.baseVersion);
    this.optimizer.apply(this.params, message.grad, 0, this.params.length, delay);
    this.version++;
    for (const id of message.ids) this.appliedIds.add(id);
    this.log.push({ version: this.version, ids: message.ids, aggregated: message.aggregated, atMs });
    return this.version;
  }

  /** A copy of the parameters and the version they are at (what a pull sends). */
  snapshot(): { params: Float32Array; version: number } {
    return { params: this.params.slice(), version: this.version };
  }
}
