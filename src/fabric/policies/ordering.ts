/**
 * MLfabric's ordering policy, as pure decisions the scheduler asks for.
 *
 * Transfers into a shard are granted a bounded number at a time (`inFlightPerShard`), earliest deadline
 * first: an update's deadline is `baseVersion + delayBound` in shard versions, so the oldest base goes
 * first (ties: the earlier request). Each grant gets the shard's next sequence number and both stores apply
 * in that order, so the version an update will be applied on is known at grant time: the shard's version
 * plus the grants ahead of it. Its delay is that minus its base; if that exceeds the bound the update is
 * dropped instead (its worker pulls afresh), so no applied update ever exceeds `delayBound`. A grant that
 * later fails only lowers the versions of those behind it, never raises them.
 *
 * With ordering off, transfers are granted at once in arrival order and never dropped, unless aggregation
 * is on: aggregation needs a queue to see a shard's bottleneck, so the cap stays (arrival order, no drops).
 */
import type { ResolvedPolicy } from "../configPolicy.ts";

/** What the ordering policy needs to know of a queued request. */
export interface Orderable {
  /** Arrival order at the scheduler. */
  readonly arrival: number;
  readonly baseVersion: number;
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
 * [{ arrival: 0, baseVersion: 9 }, { arrival: 1, baseVersion: 4 }].sort(earliestDeadlineFirst);
 * // [{ arrival: 1, baseVersion: 4 }, { arrival: 0, baseVersion: 9 }]
 * ```
 */
export function earliestDeadlineFirst(a: Orderable, b: Orderable): number {
  return a.baseVersion - b.baseVersion || a.arrival - b.arrival;
}

/** Arrival order. */
export function arrivalOrder(a: Orderable, b: Orderable): number {
  return a.arrival - b.arrival;
}

/**
 * The rules for an MLfabric policy's switches.
 *
 * @example
 * ```ts
 * orderingRules({ name: "mlfabric", ordering: true, aggregation: false, replication: false,
 *   inFlightPerShard: 2, aggregationGroupMax: 8 }).inFlightMax; // 2
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
 * The delay an update on `baseVersion` will have if granted now: it will be applied on the version the
 * shard reaches once every grant ahead of it is applied (`scheduledVersion`).
 *
 * @example
 * ```ts
 * predictedDelay(12, 9); // 3
 * ```
 */
export function predictedDelay(scheduledVersion: number, baseVersion: number): number {
  return scheduledVersion - baseVersion;
}

/**
 * Whether an update must be dropped: granted now it would exceed the bound. The shard's scheduled version
 * only grows, so an update over the bound now can never be applied within it.
 *
 * @example
 * ```ts
 * overBound(30, 10, 16); // true: delay 20 > 16
 * ```
 */
export function overBound(scheduledVersion: number, baseVersion: number, delayBound: number): boolean {
  return predictedDelay(scheduledVersion, baseVersion) > delayBound;
}
