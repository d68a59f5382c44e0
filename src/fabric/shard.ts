/**
 * A parameter-server shard: a contiguous slice of the model held by a primary store and, with replication,
 * a replica store. Under the MLfabric scheduler every message carries a sequence number (its grant order in
 * the shard's current epoch) and both stores apply in that order, holding early arrivals back; the
 * baselines apply in arrival order. When the primary dies the replica is promoted: a new epoch begins at the
 * replica's version, and the updates only the dead primary had applied are lost.
 */
import type { Range } from "./cluster.ts";
import type { SgdOptions } from "./model/sgd.ts";
import type { UpdateMessage } from "./paramStore.ts";
import { ParamStore } from "./paramStore.ts";

/** A message with its place in the shard's order. */
export interface SequencedMessage extends UpdateMessage {
  epoch: number;
  seq: number;
}

/** Holds messages back until every earlier sequence number has arrived or been skipped. */
class Sequencer {
  private next = 1;
  private readonly waiting = new Map<number, SequencedMessage | null>();

  /** Offers `seq` (null: skipped); returns the messages now applicable, in order. */
  offer(seq: number, message: SequencedMessage | null): SequencedMessage[] {
    if (seq < this.next || this.waiting.has(seq)) return [];
    this.waiting.set(seq, message);
    const ready: SequencedMessage[] = [];
    for (let m = this.waiting.get(this.next); m !== undefined; m = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.next++;
      if (m !== null) ready.push(m);
    }
    return ready;
  }

  /** Ids of the messages held back. */
  heldIds(): number[] {
    return [...this.waiting.values()].flatMap((m) => (m === null ? [] : [...m.ids]));
  }
}

/** Who hears about applications (the records, the scheduler's reports). */
export interface ShardListener {
  applied(shard: Shard, store: ParamStore, role: "primary" | "replica", message: UpdateMessage): void;
}

/** What a failover did. */
export interface Promotion {
  /** Applied at the dead primary, never at the replica. */
  lost: number[];
  /** Applied at the replica but not (yet) at the dead primary: they stand, at the replica's versions. */
  adopted: { ids: readonly number[]; version: number; aggregated: boolean; atMs: number }[];
  /** Held back at either store, never applied: dropped. */
  discarded: number[];
}

/**
 * One shard.
 *
 * @example
 * ```ts
 * const shard = new Shard(0, { offset: 0, length: 4 }, init.subarray(0, 4), { learningRate: 0.1 },
 *   "s0", "r0", listener);
 * shard.deliver("primary", { epoch: 0, seq: 2, ids: [7], grad, baseVersion: 0, aggregated: false }, 5);
 * shard.primary.version; // 0: seq 1 has not arrived
 * ```
 */
export class Shard {
  primary: ParamStore;
  replica: ParamStore | null;
  epoch = 0;
  /** Largest primary version - replica version seen. */
  replicaMaxLag = 0;
  private primarySeq = new Sequencer();
  private replicaSeq = new Sequencer();

  constructor(
    readonly index: number,
    readonly range: Range,
    init: Float32Array,
    optimizer: SgdOptions,
    primaryHost: string,
    replicaHost: string | null,
    private readonly listener: ShardListener,
  ) {
    this.primary = new ParamStore(primaryHost, init.slice(), optimizer);
    this.replica = replicaHost === null ? null : new ParamStore(replicaHost, init.slice(), optimizer);
  }

  /** Applies a message at the primary at once (the baselines: arrival order, no replica). */
  applyNow(message: UpdateMessage, atMs: number): number {
    const version = this.primary.apply(message, atMs);
    this.listener.applied(this, this.primary, "primary", message);
    return version;
  }

  /**
   * A sequenced message reached one of the stores. Returns false (and does nothing) if it belongs to an
   * ended epoch or its store is gone.
   */
  deliver(role: "primary" | "replica", message: SequencedMessage, atMs: number): boolean {
    if (message.epoch !== this.epoch || (role === "replica" && this.replica === null)) return false;
    this.drain(role, this.sequencer(role).offer(message.seq, message), atMs);
    return true;
  }

  /** Sequence number `seq` of `epoch` will never arrive at `role` (its sender died). */
  skip(role: "primary" | "replica", epoch: number, seq: number, atMs: number): void {
    if (epoch !== this.epoch || (role === "replica" && this.replica === null)) return;
    this.drain(role, this.sequencer(role).offer(seq, null), atMs);
  }

  /** The primary died: the replica becomes the primary, a new epoch begins at its version. */
  promote(): Promotion {
    const dead = this.primary;
    const replica = this.replica;
    if (replica === null) throw new Error(`shard ${this.index}: no replica to promote`);
    const lost = [...dead.appliedIds].filter((id) => !replica.appliedIds.has(id));
    const adopted = replica.log.filter((e) => e.ids.some((id) => !dead.appliedIds.has(id)));
    const held = new Set([...this.primarySeq.heldIds(), ...this.replicaSeq.heldIds()]);
    const discarded = [...held].filter((id) => !replica.appliedIds.has(id));
    this.primary = replica;
    this.replica = null;
    this.epoch++;
    this.primarySeq = new Sequencer();
    this.replicaSeq = new Sequencer();
    return { lost, adopted, discarded };
  }

  private sequencer(role: "primary" | "replica"): Sequencer {
    return role === "primary" ? this.primarySeq : this.replicaSeq;
  }

  private drain(role: "primary" | "replica", ready: readonly SequencedMessage[], atMs: number): void {
    const store = role === "primary" ? this.primary : this.replica;
    if (store === null) return;
    for (const message of ready) {
      store.apply(message, atMs);
      if (this.replica !== null) {
        this.replicaMaxLag = Math.max(this.replicaMaxLag, this.primary.version - this.replica.version);
      }
      this.listener.applied(this, store, role, message);
    }
  }
}
