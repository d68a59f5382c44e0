/**
 * An aggregator at work: the worker the scheduler picked for a group waits until the scheduler grants the
 * group (the group stays open to new members until then), learns of the grant, waits for the sealed
 * members still on their way, sums them (float32, id order) and sends the sum as one update, like any
 * granted update. The sum is applied once (one shard version) and counts as all its members. With pull
 * relays on, the aggregator then pulls the shard's slice once and offers it to the members, which get it
 * from the aggregator's uplink instead of each pulling it from the shard's: the shard's uplink, which
 * carries every worker's pulls, is the bottleneck once aggregation has relieved its downlink.
 */
import type { AggregationGroup } from "./aggregationGroup.ts";
import { sendGranted } from "./delivery.ts";
import { HostDeadError } from "./messenger.ts";
import type { FabricRun } from "./run.ts";
import type { FabricScheduler } from "./scheduler.ts";

/**
 * Runs one aggregation group to its end (forwarded, dropped, or failed).
 *
 * @example
 * ```ts
 * const scheduler = new FabricScheduler(run, policy, (group) => void aggregate(run, scheduler, group, true));
 * ```
 */
export async function aggregate(
  run: FabricRun,
  scheduler: FabricScheduler,
  group: AggregationGroup,
  relay: boolean,
): Promise<void> {
  try {
    const decision = await group.granted;
    if (decision.destination !== "shard") return; // dropped: its members' records say why
    await run.messenger.control(scheduler.host, group.aggregator);
    await group.ready;
    if (group.aborted || run.stopped) return;
    const sum = group.sum();
    if (sum === null) {
      scheduler.void(decision.ticket, "aggregatorFailed"); // every member failed on its way
      return;
    }
    run.config.inspector.aggregated?.({
      shard: group.shard,
      aggregator: group.aggregator,
      memberIds: sum.ids,
      members: sum.members,
      sum: sum.sum,
    });
    run.events.emit({
      type: "aggregate",
      atMs: run.now(),
      shard: group.shard,
      aggregator: group.aggregator,
      ids: sum.ids,
    });
    await sendGranted(run, scheduler, decision, {
      ids: sum.ids,
      grad: sum.sum,
      baseVersion: sum.baseVersion,
      aggregated: true,
    });
    if (relay && !run.stopped && !run.messenger.isDead(group.aggregator)) {
      const { report, ...slice } = await run.pullSlice(group.aggregator, group.shard);
      scheduler.report(group.aggregator, report);
      group.offerRelay(slice);
    }
  } catch (error) {
    if (!(error instanceof HostDeadError)) {
      run.fail(error);
      return;
    }
    group.abort("aggregatorFailed"); // the aggregator died: members not yet applied are dropped
  } finally {
    group.offerRelay(null); // no-op if the slice was offered; otherwise the members pull it themselves
    scheduler.groupDone(group);
  }
}
