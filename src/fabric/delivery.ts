/**
 * Carrying out a grant: the sender (a worker, or an aggregator with a sum) sends the update to the shard's
 * primary, which applies it in grant order and reports the delivery to the scheduler; if the grant says so,
 * the same sender sends a copy to the replica at the same time (not awaited: the sender goes on with its
 * work once the primary has it). The primary never forwards anything.
 */
import type { Decision } from "./protocol.ts";
import { HostDeadError } from "./messenger.ts";
import type { UpdateMessage } from "./paramStore.ts";
import type { FabricRun } from "./run.ts";
import type { FabricScheduler } from "./scheduler.ts";
import type { SequencedMessage } from "./shard.ts";

const ignoreDead = (error: unknown): void => {
  if (!(error instanceof HostDeadError)) throw error;
};

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
