/**
 * The scheduler's queue for one shard: single updates waiting for a grant, and open aggregation groups
 * waiting in their oldest member's place, kept in the ordering policy's order.
 */
import type { AggregationGroup } from "./aggregationGroup.ts";
import type { Orderable } from "./policies/ordering.ts";
import type { Decision, UpdateRequest } from "./protocol.ts";

/** A single update waiting for its grant. */
export interface QueuedSingle extends Orderable {
  kind: "single";
  base: number;
  request: UpdateRequest;
  answer: (d: Decision) => void;
}

/** An open aggregation group waiting for its grant. */
export interface QueuedGroup extends Orderable {
  kind: "group";
  base: number;
  group: AggregationGroup;
  bytes: number;
}

export type Queued = QueuedSingle | QueuedGroup;

/**
 * One shard's queue.
 *
 * @example
 * ```ts
 * const queue = new ShardQueue(earliestDeadlineFirst);
 * queue.insert(entry);
 * queue.shift(); // the entry to grant next
 * ```
 */
export class ShardQueue {
  entries: Queued[] = [];

  constructor(private readonly compare: (a: Orderable, b: Orderable) => number) {}

  get length(): number {
    return this.entries.length;
  }

  insert(q: Queued): void {
    const at = this.entries.findIndex((other) => this.compare(q, other) < 0);
    this.entries.splice(at < 0 ? this.entries.length : at, 0, q);
  }

  remove(q: Queued): void {
    const at = this.entries.indexOf(q);
    if (at >= 0) this.entries.splice(at, 1);
  }

  /** Re-sorts a group whose oldest member changed. */
  reposition(q: QueuedGroup): void {
    this.remove(q);
    q.base = q.group.baseUpdates();
    this.insert(q);
  }

  /** How many updates would be granted before `q` (queued or not); a group counts its live members. */
  ahead(q: Queued): number {
    let n = 0;
    for (const other of this.entries) {
      if (other === q || this.compare(other, q) >= 0) continue;
      n += other.kind === "single" ? other.request.ids.length : other.group.live.length;
    }
    return n;
  }

  shift(): Queued | undefined {
    return this.entries.shift();
  }

  /** Removes and returns the entries matching `pred`. */
  take(pred: (q: Queued) => boolean): Queued[] {
    const out = this.entries.filter(pred);
    if (out.length > 0) this.entries = this.entries.filter((q) => !pred(q));
    return out;
  }

  /** Bytes that will cross the shard's downlink for what is queued (a group sends one update). */
  bytes(): number {
    let total = 0;
    for (const q of this.entries) total += q.kind === "single" ? q.request.bytes : q.bytes;
    return total;
  }

  /** Open groups with fewer than `max` members, in grant order. */
  openGroups(max: number): QueuedGroup[] {
    return this.entries.filter((q): q is QueuedGroup => q.kind === "group" && q.group.members.length < max);
  }
}
