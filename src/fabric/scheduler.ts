/**
 * The fabric scheduler: the central actor that sees every update transfer under the MLfabric policy. It
 * queues requests per shard, grants them under the ordering rules (a bounded number in flight, earliest
 * deadline first, over-bound updates dropped) and the replication gate, routes updates into aggregation
 * groups when a shard's link is the bottleneck, and learns link bandwidths from delivery reports. Requests,
 * decisions and reports are control messages that cost the network latency. The decisions themselves are
 * the pure functions of policies/ordering.ts, aggregation.ts and replication.ts; this file keeps the state.
 */
import type { AggregationGroup } from "./aggregationGroup.ts";
import type { DeliveryReport } from "./bandwidth.ts";
import type { ResolvedPolicy } from "./configPolicy.ts";
import { groupFor } from "./groupRouting.ts";
import { failUnlessDead, repairReplica } from "./delivery.ts";
import { orderingRules, overBound } from "./policies/ordering.ts";
import type { OrderingRules } from "./policies/ordering.ts";
import { replicaAllows } from "./policies/replication.ts";
import type { Decision, GrantTicket, UpdateRequest } from "./protocol.ts";
import { destinationOf } from "./protocol.ts";
import type { DropReason } from "./records.ts";
import type { FabricRun } from "./run.ts";
import { ShardQueue } from "./shardQueue.ts";
import type { Queued, QueuedSingle } from "./shardQueue.ts";

type MlfabricPolicy = Extract<ResolvedPolicy, { name: "mlfabric" }>;

/** The scheduler's view of one shard. */
interface ShardState {
  epoch: number;
  seq: number;
  /** The primary's update count once every grant so far is applied. */
  scheduledUpdates: number;
  /** The replica's update count as last reported. */
  replicaReported: number;
  queue: ShardQueue;
  inFlight: Set<GrantTicket>;
}

/**
 * The central scheduler of one MLfabric run.
 *
 * @example
 * ```ts
 * const scheduler = new FabricScheduler(run, policy, (group) => void aggregate(run, scheduler, group, true));
 * const decision = await scheduler.request({ from: "w3", shard: 0, bytes: 4e5, baseVersion: 12,
 *   baseUpdates: 40, epoch: 0, ids: [41] });
 * ```
 */
export class FabricScheduler {
  readonly host: string;
  private readonly rules: OrderingRules;
  private readonly states: ShardState[];
  private readonly loadOut = new Map<string, number>();
  private readonly groups = new Set<AggregationGroup>();
  private arrivals = 0;

  constructor(
    private readonly run: FabricRun,
    private readonly policy: MlfabricPolicy,
    private readonly startGroup: (group: AggregationGroup) => void,
  ) {
    this.host = run.config.layout.scheduler;
    this.rules = orderingRules(policy);
    this.states = run.shards.map((shard) => ({
      epoch: shard.epoch,
      seq: 0,
      scheduledUpdates: shard.primary.updates,
      replicaReported: shard.replica === null ? -Infinity : shard.replica.updates,
      queue: new ShardQueue(this.rules.compare),
      inFlight: new Set(),
    }));
  }

  /** Asks for a decision: the request travels to the scheduler, the decision back (a latency each way). */
  async request(request: UpdateRequest): Promise<Decision> {
    const messenger = this.run.messenger;
    await messenger.control(request.from, this.host);
    const decision = await new Promise<Decision>((answer) => this.enqueue(request, answer));
    await messenger.control(this.host, request.from);
    return decision;
  }

  /** Sends a delivery report from `receiver` to the scheduler (a control message), which learns from it. */
  report(receiver: string, report: DeliveryReport): void {
    const { run } = this;
    run.messenger
      .control(receiver, this.host)
      .then(() => run.bandwidth.observe(report))
      .catch((error: unknown) => failUnlessDead(run, error));
  }

  /** The primary reported a delivery: frees its slot and feeds the bandwidth estimate. */
  delivered(ticket: GrantTicket, report: DeliveryReport): void {
    this.run.bandwidth.observe(report);
    if (this.settle(ticket)) this.serve(ticket.shard);
  }

  /** The replica of shard `s` reported having applied `updates` in `epoch`. */
  replicaApplied(s: number, epoch: number, updates: number): void {
    const state = this.states[s];
    if (epoch !== state.epoch) return;
    state.replicaReported = Math.max(state.replicaReported, updates);
    this.serve(s);
  }

  /**
   * A granted transfer will never land where it has not yet (its sender died, or had nothing to send). If
   * the primary has it and the replica never will, the primary repairs the replica (the one time a primary
   * sends an update: otherwise the replica would miss it for good).
   */
  void(ticket: GrantTicket, reason: DropReason): void {
    const state = this.states[ticket.shard];
    const shard = this.run.shards[ticket.shard];
    if (ticket.epoch !== state.epoch || !this.settle(ticket)) return;
    const now = this.run.now();
    if (!ticket.primaryDelivered) {
      state.scheduledUpdates -= ticket.ids.length;
      shard.skip("primary", ticket.epoch, ticket.seq, now);
      for (const id of ticket.ids) this.run.book.dropped(id, reason, now);
    }
    if (ticket.replicate && !ticket.replicaDelivered) {
      if (ticket.primaryDelivered) repairReplica(this.run, ticket);
      else shard.skip("replica", ticket.epoch, ticket.seq, now);
    }
    this.serve(ticket.shard);
  }

  /** Shard `s`'s replica was promoted: everything queued or granted in the old epoch is void. */
  shardFailed(s: number): void {
    const shard = this.run.shards[s];
    const state = this.states[s];
    for (const q of state.queue.take(() => true)) this.drop(q, "failover");
    for (const t of state.inFlight) this.settle(t);
    state.epoch = shard.epoch;
    state.seq = 0;
    state.scheduledUpdates = shard.primary.updates;
    state.replicaReported = -Infinity;
    for (const group of this.groups) if (group.shard === s) group.abort("failover");
  }

  /** A worker died: its queued requests go, its grants are void, its aggregation groups fail. */
  workerFailed(host: string): void {
    for (const state of this.states) {
      const gone = state.queue.take(
        (q) => (q.kind === "single" ? q.request.from : q.group.aggregator) === host,
      );
      for (const q of gone) this.drop(q, q.kind === "single" ? "workerKilled" : "aggregatorFailed", false);
      for (const t of [...state.inFlight]) if (t.from === host) this.void(t, "workerKilled");
    }
    for (const group of this.groups) {
      if (group.aggregator === host) group.abort("aggregatorFailed");
      else
        for (const m of group.live)
          if (m.worker === host && !group.hasLanded(m.id)) group.fail(m.id, "workerKilled");
    }
  }

  /** Hosts aggregating now, in worker order (for an aggregator kill). */
  aggregators(): string[] {
    const hosts = new Set([...this.groups].filter((g) => !g.aborted).map((g) => g.aggregator));
    return this.run.workers.map((w) => w.host).filter((h) => hosts.has(h));
  }

  /** An aggregation group finished (forwarded, dropped or failed). */
  groupDone(group: AggregationGroup): void {
    this.groups.delete(group);
  }

  private enqueue(request: UpdateRequest, answer: (d: Decision) => void): void {
    const state = this.states[request.shard];
    const q: QueuedSingle = {
      kind: "single",
      arrival: this.arrivals++,
      base: request.baseUpdates,
      request,
      answer,
    };
    if (request.epoch !== state.epoch) return this.drop(q, "failover");
    if (
      this.rules.enforceBound &&
      overBound(state.scheduledUpdates, request.baseUpdates, this.run.config.delayBound)
    ) {
      return this.drop(q, "delayBound");
    }
    if (!(this.policy.aggregation && this.joinGroup(state, q))) {
      if (this.predictedLate(state, q)) return this.drop(q, "delayBound");
      state.queue.insert(q);
    }
    this.serve(request.shard);
  }

  /**
   * Whether an update of `entry` (a single, or one joining a group) would exceed the bound: every entry
   * ahead of it in the queue will be granted first, one version each.
   */
  private predictedLate(state: ShardState, entry: Queued, base = entry.base): boolean {
    if (!this.rules.enforceBound) return false;
    const ahead = state.queue.ahead(entry);
    return overBound(state.scheduledUpdates + ahead, base, this.run.config.delayBound);
  }

  /** Routes a single update into an open aggregation group (or a new one) if the shard is the bottleneck. */
  private joinGroup(state: ShardState, q: QueuedSingle): boolean {
    const { request } = q;
    const target = groupFor(
      {
        run: this.run,
        groupMax: this.policy.aggregationGroupMax,
        queue: state.queue,
        inFlight: state.inFlight,
        epoch: state.epoch,
        groups: this.groups,
        loadOut: (host) => this.loadOut.get(host) ?? 0,
        nextArrival: () => this.arrivals++,
      },
      request,
    );
    if (target === null || this.predictedLate(state, target, request.baseUpdates)) return false;
    const group = target.group;
    if (group.members.length === 0) {
      this.groups.add(group);
      state.queue.insert(target);
      this.startGroup(group);
    }
    group.join({
      id: request.ids[0],
      worker: request.from,
      baseVersion: request.baseVersion,
      baseUpdates: request.baseUpdates,
    });
    state.queue.reposition(target);
    this.decide(q, { destination: "aggregator", aggregator: group.aggregator, group });
    return true;
  }

  /** Drops what can no longer meet the bound, then grants what the rules allow. */
  private serve(s: number): void {
    const state = this.states[s];
    const shard = this.run.shards[s];
    const bound = this.run.config.delayBound;
    const late = (base: number): boolean =>
      this.rules.enforceBound && overBound(state.scheduledUpdates, base, bound);
    for (const q of state.queue.take((x) => x.kind === "single" && late(x.base))) this.drop(q, "delayBound");
    const replicate = this.policy.replication && shard.replica !== null;
    while (state.queue.length > 0 && state.inFlight.size < this.rules.inFlightMax) {
      if (
        replicate &&
        !replicaAllows(state.scheduledUpdates, state.replicaReported, this.run.config.replicaLag)
      )
        break;
      const q = state.queue.shift() as Queued;
      if (q.kind === "group") {
        for (const m of q.group.live) if (late(m.baseUpdates)) q.group.fail(m.id, "delayBound");
        if (q.group.live.length === 0) {
          q.group.abort("delayBound");
          continue;
        }
      } else if (late(q.base)) {
        this.drop(q, "delayBound");
        continue;
      }
      state.seq++;
      const from = q.kind === "single" ? q.request.from : q.group.aggregator;
      const ticket: GrantTicket = {
        shard: s,
        epoch: state.epoch,
        seq: state.seq,
        from,
        bytes: q.kind === "single" ? q.request.bytes : q.bytes,
        ids: q.kind === "single" ? q.request.ids : q.group.live.map((m) => m.id),
        replicate,
        primaryDelivered: false,
        replicaDelivered: false,
        done: false,
      };
      state.scheduledUpdates += ticket.ids.length;
      state.inFlight.add(ticket);
      this.loadOut.set(from, (this.loadOut.get(from) ?? 0) + ticket.bytes);
      const decision: Decision = {
        destination: "shard",
        startAtMs: this.run.now(),
        maxRateBytesPerS: null,
        primary: shard.primary.host,
        replica: replicate ? (shard.replica?.host ?? null) : null,
        replicate,
        ticket,
      };
      if (q.kind === "single") this.decide(q, decision);
      else q.group.seal(() => true, decision);
    }
  }

  /** Drops a queued entry: a single's request is answered "drop"; a group's members are dropped. */
  private drop(q: Queued, reason: DropReason, answer = true): void {
    if (q.kind === "group") {
      q.group.abort(reason);
      return;
    }
    for (const id of q.request.ids) this.run.book.dropped(id, reason, this.run.now());
    if (answer) this.decide(q, { destination: "drop" });
  }

  private decide(q: QueuedSingle, decision: Decision): void {
    const now = this.run.now();
    const r = q.request;
    for (const id of r.ids) {
      this.run.events.emit({
        type: "decision",
        atMs: now,
        id,
        worker: r.from,
        shard: r.shard,
        destination: destinationOf(decision),
        replicate: decision.destination === "shard" && decision.replicate,
      });
    }
    q.answer(decision);
  }

  /** Marks a ticket done; false if it already was. */
  private settle(ticket: GrantTicket): boolean {
    if (ticket.done) return false;
    ticket.done = true;
    this.states[ticket.shard].inFlight.delete(ticket);
    this.loadOut.set(ticket.from, (this.loadOut.get(ticket.from) ?? 0) - ticket.bytes);
    return true;
  }
}
