/**
 * An aggregation group: updates for one shard routed to one aggregator. It is open while it waits in the
 * shard's queue (members join), sealed when the scheduler grants it (members over the delay bound are
 * dropped), then ready once every sealed member has landed at the aggregator (or failed); its sum is the
 * float32 sum of the landed members, in id order.
 */
import type { Decision } from "./protocol.ts";
import type { DropReason } from "./records.ts";
import type { RecordBook } from "./recordBook.ts";

/** One update of a group. */
export interface GroupMember {
  id: number;
  worker: string;
  baseVersion: number;
  baseUpdates: number;
}

/** What the aggregator forwards: the sum and who is in it. */
export interface GroupSum {
  ids: number[];
  members: Float32Array[];
  sum: Float32Array;
  /** The oldest base version among the summed members. */
  baseVersion: number;
}

/** The shard's slice as the aggregator pulled it after its sum landed, for the members (pull relay). */
export interface RelayedSlice {
  params: Float32Array;
  version: number;
  updates: number;
  epoch: number;
}

/**
 * A group being aggregated.
 *
 * @example
 * ```ts
 * const group = new AggregationGroup(0, "w3", 0, book, () => sim.now());
 * group.join({ id: 4, worker: "w1", baseVersion: 7, baseUpdates: 30 });
 * group.join({ id: 9, worker: "w3", baseVersion: 8, baseUpdates: 31 });
 * group.receive(9, new Float32Array([1, 2]));
 * group.receive(4, new Float32Array([3, 4]));
 * group.seal(() => true, grantDecision);
 * await group.ready;
 * group.sum()?.sum; // Float32Array [4, 6]
 * ```
 */
export class AggregationGroup {
  readonly members: GroupMember[] = [];
  sealed = false;
  aborted = false;
  /** Summed and handed to the aggregator's transfer: from then on the grant decides its members' fate. */
  forwarded = false;
  /** The scheduler's decision for the group's single update (resolved when sealed or aborted). */
  readonly granted: Promise<Decision>;
  /** Resolves once sealed and every sealed member has landed or failed, or when aborted. */
  readonly ready: Promise<void>;
  /**
   * The slice the aggregator pulled after its sum landed (pull relay), or null when there is none to relay
   * (the group was dropped or aborted, the aggregator died, or relays are off): members then pull it
   * themselves.
   */
  readonly relayed: Promise<RelayedSlice | null>;
  private readonly received = new Map<number, Float32Array>();
  private readonly failed = new Set<number>();
  private resolveGranted: (d: Decision) => void = () => {};
  private resolveReady: () => void = () => {};
  private resolveRelayed: (slice: RelayedSlice | null) => void = () => {};

  constructor(
    readonly shard: number,
    readonly aggregator: string,
    readonly epoch: number,
    private readonly book: RecordBook,
    private readonly now: () => number,
  ) {
    this.granted = new Promise((resolve) => (this.resolveGranted = resolve));
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    this.relayed = new Promise((resolve) => (this.resolveRelayed = resolve));
  }

  /** The aggregator offers its pulled slice to the members (null: none); only the first offer counts. */
  offerRelay(slice: RelayedSlice | null): void {
    this.resolveRelayed(slice);
  }

  /** Members still in the running (not failed). */
  get live(): GroupMember[] {
    return this.members.filter((m) => !this.failed.has(m.id));
  }

  /** The oldest base, in shard updates, among the live members (Infinity if none). */
  baseUpdates(): number {
    return Math.min(...this.live.map((m) => m.baseUpdates));
  }

  /** Live members still on their way to the aggregator (the aggregator's own update never travels). */
  inTransit(): number {
    return this.live.filter((m) => m.worker !== this.aggregator && !this.received.has(m.id)).length;
  }

  join(member: GroupMember): void {
    this.members.push(member);
  }

  /** Whether member `id`'s gradient has landed at the aggregator. */
  hasLanded(id: number): boolean {
    return this.received.has(id);
  }

  /** Member `id`'s gradient landed at the aggregator. */
  receive(id: number, grad: Float32Array): void {
    if (this.aborted || this.failed.has(id)) return;
    this.received.set(id, grad);
    this.check();
  }

  /** Member `id` will never be summed (its transfer failed, or it is over the bound at the seal). */
  fail(id: number, reason: DropReason): void {
    if (this.aborted || this.forwarded || this.failed.has(id)) return;
    this.failed.add(id);
    this.received.delete(id);
    this.book.dropped(id, reason, this.now());
    this.check();
  }

  /** The scheduler granted the group: members for which `keep` is false are dropped (over the bound). */
  seal(keep: (m: GroupMember) => boolean, decision: Decision): void {
    this.sealed = true;
    for (const m of this.live) if (!keep(m)) this.fail(m.id, "delayBound");
    this.resolveGranted(decision);
    this.check();
  }

  /** The aggregator died, the shard failed over, or the group was dropped: its unsummed members are dropped. */
  abort(reason: DropReason): void {
    if (this.aborted || this.forwarded) return;
    this.aborted = true;
    for (const m of this.members) this.book.dropped(m.id, reason, this.now());
    this.resolveGranted({ destination: "drop" });
    this.resolveReady();
    this.resolveRelayed(null);
  }

  /** The float32 sum of the landed live members, in id order (null if none landed); the group is forwarded. */
  sum(): GroupSum | null {
    this.forwarded = true;
    const landed = this.live.filter((m) => this.received.has(m.id)).sort((a, b) => a.id - b.id);
    if (landed.length === 0) return null;
    const vectors = landed.map((m) => this.received.get(m.id) as Float32Array);
    const sum = new Float32Array(vectors[0].length);
    for (const v of vectors) for (let k = 0; k < sum.length; k++) sum[k] += v[k];
    return {
      ids: landed.map((m) => m.id),
      members: vectors,
      sum,
      baseVersion: Math.min(...landed.map((m) => m.baseVersion)),
    };
  }

  private check(): void {
    if (this.sealed && this.live.every((m) => this.received.has(m.id))) this.resolveReady();
  }
}
