/**
 * Where an update goes when aggregation is on: the open group of its shard that will be granted first and
 * has room, or a new group at the best aggregator, but only if the shard's link is the bottleneck (the
 * queue ahead drains slower than the round the update would join). The decision rules are
 * policies/aggregation.ts; this gathers what they need from the scheduler's state.
 */
import { AggregationGroup } from "./aggregationGroup.ts";
import { chooseAggregator, groupToJoin, roundMs, shardIsBottleneck } from "./policies/aggregation.ts";
import type { AggregatorCandidate } from "./policies/aggregation.ts";
import type { GrantTicket, UpdateRequest } from "./protocol.ts";
import type { FabricRun } from "./run.ts";
import type { QueuedGroup, ShardQueue } from "./shardQueue.ts";

/** The scheduler's state that routing reads. */
export interface GroupRoutingContext {
  run: FabricRun;
  groupMax: number;
  queue: ShardQueue;
  inFlight: Iterable<GrantTicket>;
  epoch: number;
  /** Every group not yet finished (all shards). */
  groups: Iterable<AggregationGroup>;
  /** Bytes of grants from `host` not yet delivered. */
  loadOut(host: string): number;
  /** The next arrival number (the queue's tie-breaker). */
  nextArrival(): number;
}

/**
 * What the scheduler knows of `host` as a possible aggregator: estimated links and bytes headed its way.
 *
 * @example
 * ```ts
 * aggregatorCandidate(ctx, "w3").loadInBytes; // members still on their way to w3's groups
 * ```
 */
export function aggregatorCandidate(ctx: GroupRoutingContext, host: string): AggregatorCandidate {
  let inTransit = 0;
  for (const g of ctx.groups)
    if (g.aggregator === host) inTransit += g.inTransit() * ctx.run.sliceBytes(g.shard);
  return {
    host,
    upBytesPerS: ctx.run.bandwidth.up(host),
    downBytesPerS: ctx.run.bandwidth.down(host),
    loadInBytes: inTransit,
    loadOutBytes: ctx.loadOut(host),
  };
}

/**
 * The group `request` should join (an open one, or a new one not yet queued), or null when aggregation
 * does not pay for it.
 *
 * @example
 * ```ts
 * const target = groupFor(ctx, request);
 * if (target !== null && target.group.members.length === 0) queue.insert(target); // a new group
 * ```
 */
export function groupFor(ctx: GroupRoutingContext, request: UpdateRequest): QueuedGroup | null {
  const { run, groupMax } = ctx;
  const bytes = request.bytes;
  const latencyMs = run.config.network.latencyMs;
  const open = ctx.queue.openGroups(groupMax);
  const at = groupToJoin(
    open.map((g) => ({ members: g.group.members.length })),
    groupMax,
  );
  let target: QueuedGroup;
  let round: number;
  if (at >= 0) {
    target = open[at];
    const aggregator = target.group.aggregator;
    round = roundMs(
      aggregatorCandidate(ctx, aggregator),
      aggregator === request.from ? 0 : 1,
      bytes,
      latencyMs,
    );
  } else {
    const alive = run.aliveWorkers().map((w) => aggregatorCandidate(ctx, w.host));
    const best = chooseAggregator(alive, bytes, groupMax, latencyMs);
    if (best === null) return null;
    round = best.roundMs;
    target = {
      kind: "group",
      arrival: ctx.nextArrival(),
      base: request.baseUpdates,
      group: new AggregationGroup(request.shard, best.host, ctx.epoch, run.book, () => run.now()),
      bytes,
    };
  }
  let queuedBytes = ctx.queue.bytes();
  for (const t of ctx.inFlight) queuedBytes += t.bytes;
  const shardDownBytesPerS = run.bandwidth.down(run.shards[request.shard].primary.host);
  return shardIsBottleneck({ queuedBytes, shardDownBytesPerS, roundMs: round }) ? target : null;
}
