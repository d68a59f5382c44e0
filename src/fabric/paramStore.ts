/**
 * A parameter store: one copy (primary or replica) of a shard's slice of the model, its counters and its
 * optimizer (one per store: it keeps the momentum). `version` counts the messages applied (an aggregator's
 * sum is one); `updates` counts the updates applied (a sum counts as its members). Primary and replica
 * apply the same messages in the same order, so at equal versions they hold the same bits.
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

/** One application, as a store logs it. */
export interface StoreLogEntry {
  version: number;
  /** The store's update count after it. */
  updates: number;
  ids: readonly number[];
  aggregated: boolean;
  atMs: number;
}

/**
 * One copy of a shard.
 *
 * @example
 * ```ts
 * const store = new ParamStore("s0", new Float32Array(4), { learningRate: 0.1 });
 * store.apply({ ids: [0, 1], grad: new Float32Array([1, 1, 1, 1]), baseVersion: 0, aggregated: true });
 * [store.version, store.updates]; // [1, 2]
 * store.params; // [-0.1, -0.1, -0.1, -0.1] (float32)
 * ```
 */
export class ParamStore {
  version = 0;
  updates = 0;
  /** Every update this store applied (for failover accounting). */
  readonly appliedIds = new Set<number>();
  /** Messages applied, in order (for failover accounting). */
  readonly log: StoreLogEntry[] = [];
  private readonly optimizer: Optimizer;

  constructor(
    readonly host: string,
    readonly params: Float32Array,
    optimizer: SgdOptions,
  ) {
    this.optimizer = sgd(optimizer);
  }

  /** Applies a message: version += 1, updates += its members; the optimizer's delay is in versions. */
  apply(message: UpdateMessage, atMs = 0): void {
    const delay = Math.max(0, this.version - message.baseVersion);
    this.optimizer.apply(this.params, message.grad, 0, this.params.length, delay);
    this.version++;
    this.updates += message.ids.length;
    for (const id of message.ids) this.appliedIds.add(id);
    this.log.push({
      version: this.version,
      updates: this.updates,
      ids: message.ids,
      aggregated: message.aggregated,
      atMs,
    });
  }

  /** A copy of the parameters and the counters they are at (what a pull sends). */
  snapshot(): { params: Float32Array; version: number; updates: number } {
    return { params: this.params.slice(), version: this.version, updates: this.updates };
  }
}
