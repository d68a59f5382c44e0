/**
 * A parameter-server shard: a contiguous slice of the model held by a primary store and, with replication,
 * a replica store. Under the MLfabric scheduler every message carries a sequence number (its grant order in
 * the shard's current epoch) and both stores apply in that order, holding early arrivals back; the
 * baselines apply in arrival order. With replication the primary also holds a message back until the
 * replica has acknowledged enough updates that applying it keeps the primary at most `replicaLag` updates
 * ahead. When the primary dies the replica is promoted: a new epoch begins at the replica's state, and the
 * updates only the dead primary had applied are lost.
 */
import type { Range } from "./cluster.ts";
import type { SgdOptions } from "./model/sgd.ts";
import type { StoreLogEntry, UpdateMessage } from "./paramStore.ts";
import { ParamStore } from "./paramStore.ts";

/** A message with its place in the shard's order. */
export interface SequencedMessage extends UpdateMessage {
  epoch: number;
  seq: number;
}

/** Puts messages in sequence order: a message is released once every earlier one arrived or was skipped. */
class Sequencer {
  private next = 1;
  private readonly waiting = new Map<number, SequencedMessage | null>();

  /** Offers `seq` (null: skipped); returns the messages now released, in order. */
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

  /** Ids of the messages waiting for an earlier one. */
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
  /** Applied at the replica but not (yet) at the dead primary: they stand, as the replica applied them. */
  adopted: StoreLogEntry[];
  /** Held back at either store, never applied: dropped. */
  discarded: number[];
}

type Role = "primary" | "replica";

/**
 * One shard.
 *
 * @example
 * ```ts
 * const shard = new Shard(0, { offset: 0, length: 4 }, init.subarray(0, 4), { learningRate: 0.1 },
 *   "s0", "r0", listener, 4);
 * shard.deliver("primary", { epoch: 0, seq: 2, ids: [7], grad, baseVersion: 0, aggregated: false }, 5);
 * shard.primary.version; // 0: seq 1 has not arrived
 * ```
 */
export class Shard {
  primary: ParamStore;
  replica: ParamStore | null;
  epoch = 0;
  /** Largest primary updates - replica updates seen. */
  replicaMaxLag = 0;
  private sequencers = { primary: new Sequencer(), replica: new Sequencer() };
  private ready: Record<Role, SequencedMessage[]> = { primary: [], replica: [] };
  /** Updates the replica has acknowledged to the primary. */
  private replicaAcked = 0;
  /** Messages the primary received, by sequence number, kept until the replica has them (for repairs). */
  private copies = new Map<number, SequencedMessage>();

  /**
   * @param replicaLag the most updates the primary may lead its replica by; null: no replica gate (the
   *   replica, if any, applies on its own).
   */
  constructor(
    readonly index: number,
    readonly range: Range,
    init: Float32Array,
    optimizer: SgdOptions,
    primaryHost: string,
    replicaHost: string | null,
    private readonly listener: ShardListener,
    private readonly replicaLag: number | null = null,
  ) {
    this.primary = new ParamStore(primaryHost, init.slice(), optimizer);
    this.replica = replicaHost === null ? null : new ParamStore(replicaHost, init.slice(), optimizer);
  }

  /** Applies a message at the primary at once (the baselines: arrival order, no replica). */
  applyNow(message: UpdateMessage, atMs: number): void {
    this.primary.apply(message, atMs);
    this.listener.applied(this, this.primary, "primary", message);
  }

  /**
   * A sequenced message reached one of the stores. Returns false (and does nothing) if it belongs to an
   * ended epoch or its store is gone.
   */
  deliver(role: Role, message: SequencedMessage, atMs: number): boolean {
    if (message.epoch !== this.epoch || (role === "replica" && this.replica === null)) return false;
    if (role === "primary" && this.replica !== null) this.copies.set(message.seq, message);
    this.release(role, this.sequencers[role].offer(message.seq, message), atMs);
    return true;
  }

  /** Sequence number `seq` of `epoch` will never arrive at `role` (its sender died before sending it). */
  skip(role: Role, epoch: number, seq: number, atMs: number): void {
    if (epoch !== this.epoch || (role === "replica" && this.replica === null)) return;
    this.release(role, this.sequencers[role].offer(seq, null), atMs);
  }

  /** The primary's copy of message `seq`, to repair a replica whose copy was lost with its sender. */
  copyFor(epoch: number, seq: number): SequencedMessage | null {
    return epoch === this.epoch ? (this.copies.get(seq) ?? null) : null;
  }

  /** The replica's acknowledgement of `updates` applied reached the primary. */
  replicaAck(epoch: number, updates: number, atMs: number): void {
    if (epoch !== this.epoch) return;
    this.replicaAcked = Math.max(this.replicaAcked, updates);
    this.drain("primary", atMs);
  }

  /** The primary died: the replica becomes the primary, a new epoch begins at its state. */
  promote(): Promotion {
    const dead = this.primary;
    const replica = this.replica;
    if (replica === null) throw new Error(`shard ${this.index}: no replica to promote`);
    const lost = [...dead.appliedIds].filter((id) => !replica.appliedIds.has(id));
    const adopted = replica.log.filter((e) => e.ids.some((id) => !dead.appliedIds.has(id)));
    const held = new Set([
      ...this.sequencers.primary.heldIds(),
      ...this.sequencers.replica.heldIds(),
      ...this.ready.primary.flatMap((m) => m.ids),
      ...this.ready.replica.flatMap((m) => m.ids),
    ]);
    const discarded = [...held].filter((id) => !replica.appliedIds.has(id) && !dead.appliedIds.has(id));
    this.primary = replica;
    this.replica = null;
    this.epoch++;
    this.sequencers = { primary: new Sequencer(), replica: new Sequencer() };
    this.ready = { primary: [], replica: [] };
    this.copies.clear();
    return { lost, adopted, discarded };
  }

  private release(role: Role, released: readonly SequencedMessage[], atMs: number): void {
    this.ready[role].push(...released);
    this.drain(role, atMs);
  }

  /** Applies what is ready, in order; the primary stops at a message the replica gate holds back. */
  private drain(role: Role, atMs: number): void {
    const store = role === "primary" ? this.primary : this.replica;
    const queue = this.ready[role];
    while (store !== null && queue.length > 0) {
      const message = queue[0];
      const gated = role === "primary" && this.replica !== null && this.replicaLag !== null;
      if (gated && this.primary.updates + message.ids.length - this.replicaAcked > (this.replicaLag ?? 0))
        return;
      queue.shift();
      store.apply(message, atMs);
      if (role === "replica")
        for (const seq of this.copies.keys()) if (seq <= message.seq) this.copies.delete(seq);
      if (this.replica !== null) {
        this.replicaMaxLag = Math.max(this.replicaMaxLag, this.primary.updates - this.replica.updates);
      }
      this.listener.applied(this, store, role, message);
    }
  }
}
