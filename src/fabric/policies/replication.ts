/**
 * MLfabric's replication policy, as pure decisions.
 *
 * The copy of an update to a shard's replica is sent by whoever sends the primary copy (the worker or the
 * aggregator), alongside it, never by the primary: the primary's uplink stays free for pulls. (A shard's
 * downlink carries at most inFlightPerShard grants at once, so the sender's uplink has room for the copy.) The replica applies the same grant order as the primary and reports each application to the
 * scheduler. The scheduler grants the update that will make the primary's version v only once the replica
 * has reported version v - replicaLag or more; the replica's true version is at least the reported one, so
 * the primary never leads the replica by more than replicaLag updates. When the primary dies, the replica is
 * promoted; the updates only the primary had applied (at most replicaLag) are lost, and the shard goes on
 * without a replica.
 */

/**
 * Whether the scheduler may grant the update that will bring the primary to `scheduledVersion + 1`.
 *
 * @example
 * ```ts
 * replicaAllows(10, 7, 4); // true: the primary would lead by 11 - 7 = 4
 * replicaAllows(10, 6, 4); // false: by 5
 * ```
 */
export function replicaAllows(
  scheduledVersion: number,
  replicaReportedVersion: number,
  replicaLag: number,
): boolean {
  return scheduledVersion + 1 - replicaReportedVersion <= replicaLag;
}
