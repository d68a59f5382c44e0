/**
 * MLfabric's replication policy, as a pure decision.
 *
 * The copy of an update to a shard's replica is sent by whoever sends the primary copy (the worker or the
 * aggregator), alongside it, never by the primary: the primary's uplink stays free for pulls. (A shard's
 * downlink carries at most inFlightPerShard grants at once, so the sender's uplink has room for the copy.)
 * The replica applies the same grant order as the primary and acknowledges each application to the
 * primary and to the scheduler (control messages). Lag is counted in updates, an aggregator's sum counting
 * as its members, since a failover loses updates, not messages.
 *
 * Two holds keep the primary at most `replicaLag` updates ahead: the scheduler holds a shard's grants while
 * the updates the replica reports applying trail those already granted by more than `replicaLag` (so that
 * grants do not run ahead of the replica and pile up at the primary), and the primary applies a message
 * only once the replica has acknowledged enough updates that it stays within the lag after it (the exact
 * guarantee: the replica's true count is at least the acknowledged one). Measured: holding grants against
 * what the primary has received instead (a looser hold) let grants run ahead of what workers could pull,
 * raised staleness and drops, and reached the target later. When the primary dies, the replica is promoted and the updates only the
 * primary had applied, at most `replicaLag`, are lost; the shard goes on without a replica. If a sender
 * dies after its primary copy landed but before its replica copy did, the primary sends the replica that
 * one message (a repair: the replica would otherwise miss it for good).
 */

/**
 * Whether the scheduler may grant another transfer into the shard: the updates the replica reports applying
 * do not trail those granted so far by more than `replicaLag`.
 *
 * @example
 * ```ts
 * replicaAllows(10, 6, 4); // true: the replica trails the grants by 4
 * replicaAllows(10, 5, 4); // false: by 5
 * ```
 */
export function replicaAllows(
  scheduledUpdates: number,
  replicaReportedUpdates: number,
  replicaLag: number,
): boolean {
  return scheduledUpdates - replicaReportedUpdates <= replicaLag;
}
