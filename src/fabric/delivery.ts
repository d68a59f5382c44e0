/**
 * Carrying out a grant: the sender (a worker, or an aggregator with a sum) sends the update to the shard's
 * primary, which applies it in grant order and reports the delivery to the scheduler; if the grant says so,
 * the same sender sends a copy to the replica at the same time (not awaited: the sender goes on with its
 * work once the primary has it). The primary never forwards anything.
 */
import type { Decision, GrantTicket } from "./protocol.ts";
import { HostDeadError } from "./messenger.ts";
import type { UpdateMessage } from "./paramStore.ts";
import type { FabricRun } from "./run.ts";
import type { FabricScheduler } from "./scheduler.ts";
import type { SequencedMessage } from "./shard.ts";

const ignoreDead = (error: unknown): void => {
  if (!(error instanceof HostDeadError)) throw error;
};

/**
 * Ends a background transfer's failure: a dead host is expected (faults), anything else fails the run.
 *
 * @example
 * ```ts
 * messenger.control(a, b).catch((error: unknown) => failUnlessDead(run, error));
 * ```
 */
export function failUnlessDead(run: FabricRun, error: unknown): void {
  if (!(error instanceof HostDeadError)) run.fail(error);
}

/**
 * Repairs a replica whose copy of a granted message was lost with its sender (the primary has it): the
 * primary sends its copy, the one time a primary sends an update; otherwise the replica would miss it for
 * good, trail forever and lose it on a failover.
 *
 * @example
 * ```ts
 * if (ticket.primaryDelivered && !ticket.replicaDelivered) repairReplica(run, ticket);
 * ```
 */
export function repairReplica(run: FabricRun, ticket: GrantTicket): void {
  const shard = run.shards[ticket.shard];
  const copy = shard.copyFor(ticket.epoch, ticket.seq);
  const replica = shard.replica;
  if (copy === null || replica === null) return;
  run.messenger
    .send({ from: shard.primary.host, to: replica.host, bytes: ticket.bytes, tag: "repair" })
    .then(() => shard.deliver("replica", copy, run.now()))
    .catch((error: unknown) => failUnlessDead(run, error));
}

/**
 * Sends a granted update. Resolves once the primary copy has landed (or the primary died: the update is
 * dropped); rejects with HostDeadError if the sender itself died (the scheduler voids its grant).
 *
 * @example
 * ```ts
 * const decision = await scheduler.request(request);
 * if (decision.destination === "shard") await sendGranted(run, scheduler, decision, message);
 * ```
 */
export async function sendGranted(
  run: FabricRun,
  scheduler: FabricScheduler,
  decision: Extract<Decision, { destination: "shard" }>,
  message: UpdateMessage,
): Promise<void> {
  const { ticket } = decision;
  const shard = run.shards[ticket.shard];
  const sequenced: SequencedMessage = { ...message, epoch: ticket.epoch, seq: ticket.seq };
  const dropAll = (): void => {
    for (const id of message.ids) run.book.dropped(id, "failover", run.now());
  };
  if (decision.replicate && decision.replica !== null) {
    // The copy leaves with the primary copy: a shard's downlink carries a bounded number of grants at once,
    // so the sender's uplink has room for a second flow, and the replica trails by less.
    run.messenger
      .send({ from: ticket.from, to: decision.replica, bytes: ticket.bytes, tag: "replica" })
      .then(() => {
        ticket.replicaDelivered = true;
        if (!shard.deliver("replica", sequenced, run.now())) dropAll();
      })
      .catch(ignoreDead);
  }
  let report;
  try {
    ({ report } = await run.messenger.send({
      from: ticket.from,
      to: decision.primary,
      bytes: ticket.bytes,
      tag: message.aggregated ? "pushAggregated" : "push",
    }));
  } catch (error) {
    if (!(error instanceof HostDeadError) || run.messenger.isDead(ticket.from)) throw error;
    dropAll(); // the primary died: its replica was promoted and this grant's epoch is over
    return;
  }
  ticket.primaryDelivered = true;
  if (!shard.deliver("primary", sequenced, run.now())) {
    dropAll();
    return;
  }
  run.messenger
    .control(decision.primary, scheduler.host)
    .then(() => scheduler.delivered(ticket, report))
    .catch(ignoreDead);
}
