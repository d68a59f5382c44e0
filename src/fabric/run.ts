/**
 * The state of one training run that every policy works on: the configuration, the environment and its
 * transport (through the messenger), the shards, the workers and their data, the records and events, the
 * bandwidth estimate. It also does the two things every parameter-server policy's worker does the same
 * way: compute a gradient on the next mini-batch, and pull a shard's parameters.
 */
import type { Rng } from "../sim/rng.ts";
import { BandwidthEstimator } from "./bandwidth.ts";
import { float32Bytes, splitEvenly } from "./cluster.ts";
import type { ResolvedConfig } from "./config.ts";
import type { LabelledRows } from "./data.ts";
import { WorkerData } from "./data.ts";
import type { EnvironmentHost, FabricEnvironment } from "./environment.ts";
import type { EventStream } from "./events.ts";
import { inlineGradient } from "./gradientExecutor.ts";
import { HostDeadError, Messenger } from "./messenger.ts";
import type { Sent } from "./messenger.ts";
import type { DeliveryReport } from "./bandwidth.ts";
import type { ParamStore, UpdateMessage } from "./paramStore.ts";
import { RecordBook } from "./recordBook.ts";
import type { HostFailure } from "./records.ts";
import type { ShardListener } from "./shard.ts";
import { Shard } from "./shard.ts";

/** A worker of the run. */
export interface WorkerSlot {
  readonly index: number;
  readonly host: string;
  readonly data: WorkerData;
  alive: boolean;
  /** Mini-batches started so far. */
  step: number;
}

/** What a pull got: the slice's version and update count, its epoch, and the delivery report. */
export interface PulledSlice {
  version: number;
  updates: number;
  epoch: number;
  report: DeliveryReport;
}

/** Called on every application at a store. */
export type ApplyHook = (
  shard: Shard,
  store: ParamStore,
  role: "primary" | "replica",
  message: UpdateMessage,
) => void;

/**
 * One run's shared state.
 *
 * @example
 * ```ts
 * const run = new FabricRun(config, env, hosts, rows, rng, events);
 * const grad = await run.gradient(run.workers[0], params); // after the modelled compute time
 * const version = await run.pull(run.workers[0], 1, params); // writes shard 1's slice into params
 * ```
 */
export class FabricRun implements ShardListener {
  readonly messenger: Messenger;
  readonly book: RecordBook;
  readonly bandwidth: BandwidthEstimator;
  readonly shards: Shard[];
  readonly workers: WorkerSlot[];
  /** The initial parameters. */
  readonly init: Float32Array;
  stopped = false;
  /** Hosts the run lost, in order: killed by the fault plan or declared dead by the failure detector. */
  readonly failures: HostFailure[] = [];
  /** The first error an actor hit (a bug, or real work that threw): it ends the run. */
  failure: { error: unknown } | null = null;
  private readonly hooks: ApplyHook[] = [];

  constructor(
    readonly config: ResolvedConfig,
    readonly env: FabricEnvironment,
    hosts: readonly EnvironmentHost[],
    rows: LabelledRows,
    rng: Rng,
    readonly events: EventStream,
  ) {
    this.messenger = new Messenger(env.transport, config.network.latencyMs);
    this.book = new RecordBook(events);
    this.bandwidth = new BandwidthEstimator(hosts);
    this.init = config.model.init(rng.fork("init"));
    const { layout, policy } = config;
    const replicaLag = policy.name === "mlfabric" && policy.replication ? config.replicaLag : null;
    this.shards = config.shardRanges.map(
      (range, s) =>
        new Shard(
          s,
          range,
          this.init.subarray(range.offset, range.offset + range.length),
          config.optimizer,
          layout.shards[s],
          // Without replication a replica host stays idle (the network is the same) but holds no store:
          // there is nothing to trail, and no lag to report.
          replicaLag === null ? null : layout.replicas[s],
          this,
          replicaLag,
        ),
    );
    const partitions = splitEvenly(config.rows, config.workers);
    this.workers = layout.workers.map((host, index) => ({
      index,
      host,
      data: new WorkerData(rows, partitions[index], config.batchSize, rng.fork(`data/${host}`)),
      alive: true,
      step: 0,
    }));
  }

  /** Now on the run's clock (ms). */
  now(): number {
    return this.messenger.now();
  }

  /** An actor failed: records the error and stops the run. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.stopped = true;
    this.env.stop();
  }

  /** Adds a hook called on every application (after the records are written). */
  onApply(hook: ApplyHook): void {
    this.hooks.push(hook);
  }

  /** ShardListener: writes the records, shows the inspector, calls the hooks. */
  applied(shard: Shard, store: ParamStore, role: "primary" | "replica", message: UpdateMessage): void {
    const atMs = this.now();
    if (role === "primary") {
      this.book.applied(message.ids, shard.index, store, atMs, message.aggregated);
    } else {
      this.book.replicated(message.ids, shard.index, store, atMs);
    }
    this.config.inspector.applied?.({
      shard: shard.index,
      host: store.host,
      role,
      version: store.version,
      ids: message.ids,
      grad: message.grad,
    });
    for (const hook of this.hooks) hook(shard, store, role, message);
  }

  /** The primaries' slices, in order: the model now. */
  shardParams(): Float32Array {
    const params = new Float32Array(this.config.model.paramCount);
    for (const shard of this.shards) params.set(shard.primary.params, shard.range.offset);
    return params;
  }

  /** Workers still alive. */
  aliveWorkers(): WorkerSlot[] {
    return this.workers.filter((w) => w.alive);
  }

  /** Bytes of shard `s`'s slice (an update or a pull). */
  sliceBytes(s: number): number {
    return float32Bytes(this.shards[s].range.length);
  }

  /**
   * Computes the mean gradient of `worker`'s next mini-batch at `params` (where the environment says:
   * inline, or on the worker-thread pool); resolves after the modelled compute time of that step (stall
   * included), or rejects with HostDeadError if the worker died meanwhile.
   */
  async gradient(worker: WorkerSlot, params: Float32Array): Promise<Float32Array> {
    const step = worker.step++;
    const ms = this.env.computeMs(worker.host, step);
    const model = this.config.model;
    const compute = this.env.gradient ?? inlineGradient;
    // The batch is drawn (and params read) when the work starts, as before, whichever executor runs it.
    const grad = await this.env.transport.compute(worker.host, ms, () => {
      const { x, y } = worker.data.nextBatch();
      return compute({ model, params, x, y });
    });
    if (!worker.alive) throw new HostDeadError(worker.host); // it died while computing
    return grad;
  }

  /**
   * Pulls shard `s` into `into` (at the slice's offset) from its current primary and returns the version
   * and epoch pulled. The primary serializes its state when the transfer starts. If the primary dies on
   * the way, pulls again from the promoted replica; throws HostDeadError if the worker itself is dead.
   */
  async pull(worker: WorkerSlot, s: number, into: Float32Array): Promise<PulledSlice> {
    const { params, ...pulled } = await this.pullSlice(worker.host, s);
    into.set(params, this.shards[s].range.offset);
    return pulled;
  }

  /** Like {@link pull}, to any host, giving the slice itself (an aggregator's pull for its group's relay). */
  async pullSlice(host: string, s: number): Promise<PulledSlice & { params: Float32Array }> {
    const shard = this.shards[s];
    for (;;) {
      const store = shard.primary;
      const epoch = shard.epoch;
      const snap = store.snapshot();
      let sent: Sent;
      try {
        sent = await this.messenger.send({
          from: store.host,
          to: host,
          bytes: this.sliceBytes(s),
          tag: "pull",
        });
      } catch (error) {
        if (error instanceof HostDeadError && !this.messenger.isDead(host) && shard.primary !== store) {
          continue;
        }
        throw error;
      }
      return { ...snap, epoch, report: sent.report };
    }
  }
}
