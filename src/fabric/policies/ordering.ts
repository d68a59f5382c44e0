/**
 * MLfabric's ordering policy, as pure decisions the scheduler asks for.
 *
 * Transfers into a shard are granted a bounded number at a time (`inFlightPerShard`), earliest deadline
 * first: an update's deadline is its base plus `delayBound`, so the oldest base goes first (ties: the
 * earlier request). Each grant gets the shard's next sequence number and both stores apply in that order,
 * so what an update will be applied on is known at grant time: the shard's state plus the grants ahead.
 *
 * How delay is counted: the bound is enforced on staleness in updates, the updates the shard applies
 * between the worker's pull and the application, an aggregator's sum counting as its k members (it moved
 * the parameters as much as k updates do). A sum is one shard version, so an update's delay in versions
 * (`appliedVersion - 1 - baseVersion`) is never more than its staleness in updates, and both stay within
 * `delayBound`. Counting versions alone would let each version carry a whole group and a gradient fall
 * k times further behind under aggregation than without it.
 *
 * An update whose predicted staleness (on arrival: counting every update queued ahead of it; at grant:
 * exactly) exceeds the bound is dropped instead (its worker pulls afresh), so no applied update ever exceeds
 * it. A grant that later fails only lowers the staleness of those behind it, never raises it.
 *
 * With ordering off, transfers are granted at once in arrival order and never dropped, unless aggregation
 * is on: aggregation needs a queue to see a shard's bottleneck, so the cap stays (arrival order, no drops).
 */
import type { ResolvedPolicy } from "../configPolicy.ts";

/** What the ordering policy needs to know of a queued request. */
export interface Orderable {
  /** Arrival order at the scheduler. */
  readonly arrival: number;
  /** The base in shard updates (for a group: its oldest member's). */
  readonly base: number;
}

/** How a shard's queue is served. */
export interface OrderingRules {
  /** Grants in flight into one shard, at most. */
  inFlightMax: number;
  /** Whether the delay bound is enforced (by dropping). */
  enforceBound: boolean;
  /** Queue order: earliest deadline first, or arrival order. */
  compare: (a: Orderable, b: Orderable) => number;
}

/**
 * Earliest deadline first: oldest base version first, then arrival.
 *
 * @example
 * ```ts
 * [{ arrival: 0, base: 9 }, { arrival: 1, base: 4 }].sort(earliestDeadlineFirst);
 * // [{ arrival: 1, base: 4 }, { arrival: 0, base: 9 }]
 * ```
 */
export function earliestDeadlineFirst(a: Orderable, b: Orderable): number {
  return a.base - b.base || a.arrival - b.arrival;
}

/**
 * Arrival order.
 *
 * @example
 * ```ts
 * [{ arrival: 1, base: 0 }, { arrival: 0, base: 9 }].sort(arrivalOrder)[0].arrival; // 0
 * ```
 */
export function arrivalOrder(a: Orderable, b: Orderable): number {
  return a.arrival - b.arrival;
}

/**
 * The rules for an MLfabric policy's switches.
 *
 * @example
 * ```ts
 * orderingRules({ name: "mlfabric", ordering: true, aggregation: false, replication: false,
 *   inFlightPerShard: 2, aggregationGroupMax: 8, pullRelay: false }).inFlightMax; // 2
 * ```
 */
export function orderingRules(policy: Extract<ResolvedPolicy, { name: "mlfabric" }>): OrderingRules {
  if (policy.ordering) {
    return { inFlightMax: policy.inFlightPerShard, enforceBound: true, compare: earliestDeadlineFirst };
  }
  return {
    inFlightMax: policy.aggregation ? policy.inFlightPerShard : Infinity,
    enforceBound: false,
    compare: arrivalOrder,
  };
}

/**
 * The staleness an update will have if granted now: the updates the shard will have applied before it
 * (`scheduledUpdates`: its count once every grant so far is applied) minus those it had at the update's base.
 *
 * @example
 * ```ts
 * predictedStaleness(12, 9); // 3
 * ```
 */
export function predictedStaleness(scheduledUpdates: number, base: number): number {
  return scheduledUpdates - base;
}

/**
 * Whether an update must be dropped: granted now it would exceed the bound. The shard's scheduled count
 * only grows, so an update over the bound now can never be applied within it.
 *
 * @example
 * ```ts
 * overBound(30, 10, 16); // true: 20 updates > 16
 * ```
 */
export function overBound(scheduledUpdates: number, base: number, delayBound: number): boolean {
  return predictedStaleness(scheduledUpdates, base) > delayBound;
}
