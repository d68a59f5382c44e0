/**
 * MLfabric's aggregation policy, as pure decisions the scheduler asks for.
 *
 * When a shard's downlink is the bottleneck, updates queue for it. If draining what is queued ahead of a
 * new update (queued bytes / the shard's estimated downlink) takes longer than an aggregation round would
 * (the update's trip to an aggregator, the aggregator's single update to the shard, the control messages),
 * the update joins an aggregation group instead of the queue. A group is open while it waits in the
 * shard's queue (its place is its oldest member's deadline); it takes new members up to
 * `aggregationGroupMax`, the soonest-granted group first, and a new one is opened when none has room. When
 * the scheduler grants it, it is sealed: its members within the delay bound are summed by the aggregator
 * (float32, member order) and sent as ONE update: one shard version, counted as all its members. Each
 * member's delay is `version - 1 - its base`, so the group meets the bound if its oldest member does; the
 * others are dropped at the seal.
 *
 * The aggregator is the worker with the shortest estimated round: the bytes of a full group into its
 * downlink and one update out of its uplink, at its estimated link bandwidths, plus the bytes already
 * headed to and from it. Aggregation is network work (the float32 sum costs microseconds), and a worker
 * computing a gradient leaves its links idle, so every live worker is a candidate; the ones already moving
 * bytes for the fabric rank lower.
 */

/** A worker that could aggregate, as the scheduler knows it. */
export interface AggregatorCandidate {
  readonly host: string;
  readonly upBytesPerS: number;
  readonly downBytesPerS: number;
  /** Bytes already headed to it (members of its groups) and from it (its grants not yet delivered). */
  readonly loadInBytes: number;
  readonly loadOutBytes: number;
}

/**
 * The estimated time (ms) for `a` to receive `incoming` updates of `bytes` and send one, with its load.
 *
 * @example
 * ```ts
 * roundMs({ host: "w1", upBytesPerS: 1e6, downBytesPerS: 1e6, loadInBytes: 0, loadOutBytes: 0 }, 3, 1000, 0.05);
 * // 4.15: 3 ms in, 1 ms out, 3 latencies
 * ```
 */
export function roundMs(a: AggregatorCandidate, incoming: number, bytes: number, latencyMs: number): number {
  return (
    ((incoming * bytes + a.loadInBytes) / a.downBytesPerS) * 1000 +
    ((bytes + a.loadOutBytes) / a.upBytesPerS) * 1000 +
    3 * latencyMs
  );
}

/**
 * The candidate with the shortest round for a full group (ties: the first listed); null if none.
 *
 * @example
 * ```ts
 * chooseAggregator([slow, fast], 1000, 8, 0.05)?.host; // fast's host
 * ```
 */
export function chooseAggregator(
  candidates: readonly AggregatorCandidate[],
  bytes: number,
  groupMax: number,
  latencyMs: number,
): { host: string; roundMs: number } | null {
  let best: { host: string; roundMs: number } | null = null;
  for (const a of candidates) {
    const ms = roundMs(a, groupMax, bytes, latencyMs);
    if (best === null || ms < best.roundMs) best = { host: a.host, roundMs: ms };
  }
  return best;
}

/**
 * Whether the shard's link is the bottleneck for a new update: draining the bytes queued ahead of it at
 * the shard's estimated downlink takes longer than the aggregation round it would join.
 *
 * @example
 * ```ts
 * shardIsBottleneck({ queuedBytes: 8000, shardDownBytesPerS: 1e6, roundMs: 4.15 }); // true: 8 ms > 4.15 ms
 * ```
 */
export function shardIsBottleneck(input: {
  queuedBytes: number;
  shardDownBytesPerS: number;
  roundMs: number;
}): boolean {
  return (input.queuedBytes / input.shardDownBytesPerS) * 1000 > input.roundMs;
}

/**
 * Which open group a new update joins: the one the scheduler will grant first among those with room
 * (groups listed in grant order); -1 if none has room.
 *
 * @example
 * ```ts
 * groupToJoin([{ members: 8 }, { members: 3 }], 8); // 1
 * ```
 */
export function groupToJoin(groupsInGrantOrder: readonly { members: number }[], groupMax: number): number {
  return groupsInGrantOrder.findIndex((g) => g.members < groupMax);
}
