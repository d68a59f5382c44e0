/**
 * `fabric.train`: checks the options, builds the environment (virtual time by default), starts the policy's
 * actors and an evaluator that measures the model every `evalEveryS` of the run's clock, and stops at the
 * target accuracy or after `maxTimeS`. Same options and seed give bit-identical results in virtual time.
 */
import { Rng } from "../sim/rng.ts";
import type { ResolvedConfig } from "./config.ts";
import { resolveConfig } from "./config.ts";
import { gatherRows, headRows } from "./data.ts";
import type { EnvironmentHost } from "./environment.ts";
import { Evaluator } from "./evaluator.ts";
import type { FabricEvent } from "./events.ts";
import { EventStream } from "./events.ts";
import { startFailureDetector } from "./failureDetector.ts";
import { declareDead, killTarget } from "./kill.ts";
import type { TrainOptions } from "./options.ts";
import { createPolicy } from "./policies/createPolicy.ts";
import type {
  ApplyEntry,
  EndReason,
  FabricStats,
  HistoryPoint,
  HostFailure,
  RunEnd,
  UpdateRecord,
} from "./records.ts";
import { describeFailure, describeFailures } from "./records.ts";
import { summarize } from "./records.ts";
import { FabricRun } from "./run.ts";
import { virtualEnvironment } from "./virtualEnvironment.ts";

/** What a finished run gives. */
export interface TrainResult {
  /** The trained parameters (the primaries' slices, or the all-reduce copy). */
  params: Float32Array;
  history: HistoryPoint[];
  stats: FabricStats;
  /** One decision record per update, by id. */
  records: UpdateRecord[];
  /** Every application at a parameter store, in order. */
  applies: ApplyEntry[];
  /** How the run ended: the target, maxTimeS, stop(), or early (no worker left, a shard with no live copy). */
  ended: RunEnd;
  /** Hosts the run lost, in order (kill faults, and hosts the failure detector declared dead). */
  failures: HostFailure[];
  /** The checked options the run used (functions and data left out). */
  config: Omit<ResolvedConfig, "model" | "onProgress" | "inspector" | "environment">;
}

/** A run in progress. */
export interface TrainRun {
  /** Resolves when the run stops (target, maxTimeS, stop()); rejects if an actor failed. */
  result: Promise<TrainResult>;
  /** The run's events; iterate before the first await to see them all. */
  events: AsyncIterable<FabricEvent>;
  /** Stops the run early (the result then resolves). */
  stop(): void;
}

function hostSpecs(config: ResolvedConfig): EnvironmentHost[] {
  const n = config.network;
  return config.layout.hosts.map((id) => ({
    id,
    upBytesPerS: n.hosts[id]?.upBytesPerS ?? n.upBytesPerS,
    downBytesPerS: n.hosts[id]?.downBytesPerS ?? n.downBytesPerS,
  }));
}

function endMessage(reason: EndReason, config: ResolvedConfig): string {
  switch (reason) {
    case "target":
      return `reached the target accuracy ${config.targetAccuracy}`;
    case "maxTime":
      return `ran for target.maxTimeS (${config.maxTimeS} s)`;
    case "stopped":
      return "stopped by the caller";
    default:
      return reason;
  }
}

async function execute(
  config: ResolvedConfig,
  options: TrainOptions,
  events: EventStream,
  control: { stop: () => void },
): Promise<TrainResult> {
  const { model, layout } = config;
  const rng = new Rng(config.seed);
  const rows = await gatherRows(options.data.x, options.data.y, model.classes, "data");
  const test =
    options.data.xTest !== undefined && options.data.yTest !== undefined
      ? await gatherRows(options.data.xTest, options.data.yTest, model.classes, "data.test")
      : headRows(rows, config.evalRowsMax);
  const evaluator = new Evaluator(model, headRows(rows, config.evalRowsMax), test);
  const hosts = hostSpecs(config);
  const env = (config.environment ?? virtualEnvironment)({
    hosts,
    workers: layout.workers,
    scheduler: layout.scheduler,
    network: config.network,
    compute: config.compute,
    batchSize: config.batchSize,
    faults: config.faults,
    maxTimeMs: config.maxTimeS * 1000,
    rng: rng.fork("environment"),
  });
  const run = new FabricRun(config, env, hosts, rows, rng.fork("fabric"), events);
  const clock = env.transport.clock;
  const start = clock.now();
  const policy = createPolicy(config.policy);
  const history: HistoryPoint[] = [];
  let ended: RunEnd | null = null;
  const finish = (reason: EndReason, message = endMessage(reason, config)): void => {
    if (run.stopped) return;
    run.stopped = true;
    ended = { reason, atS: (run.now() - start) / 1000, message };
    events.emit({ type: "done", atMs: run.now(), reason });
    env.stop();
  };
  const noWorkerLeft = (): void => {
    if (run.aliveWorkers().length > 0) return;
    const workers = run.failures.filter((f) => f.role !== "shard");
    finish("noWorkers", `no worker left: ${describeFailures(workers)}`);
  };
  control.stop = () => finish("stopped");
  const evaluate = (): void => {
    const { loss, testAccuracy } = evaluator.evaluate(policy.params(run));
    const point: HistoryPoint = {
      timeS: run.now() / 1000,
      updates: run.book.appliedCount,
      loss,
      testAccuracy,
    };
    history.push(point);
    events.emit({ type: "eval", atMs: run.now(), updates: point.updates, loss, testAccuracy });
    config.onProgress?.(point);
    if (config.targetAccuracy !== null && testAccuracy >= config.targetAccuracy) finish("target");
  };
  const evalMs = config.evalEveryS * 1000;
  const maxMs = config.maxTimeS * 1000;
  const evaluations = async (): Promise<void> => {
    evaluate();
    for (let k = 1; !run.stopped; k++) {
      const at = Math.min(k * evalMs, maxMs);
      await clock.sleep(Math.max(0, start + at - clock.now()));
      if (run.stopped) return;
      evaluate();
      if (at >= maxMs) finish("maxTime");
    }
  };
  policy.start(run);
  evaluations().catch((error: unknown) => run.fail(error));
  startFailureDetector(run, config.heartbeat, (target, lastHeardMs) => {
    if (!declareDead(run, policy, target, lastHeardMs)) {
      const lost = run.failures[run.failures.length - 1];
      finish(
        "shardLost",
        `shard ${target.index} has no live copy: its primary ${describeFailure(lost)}, and it has no replica to promote`,
      );
      return;
    }
    noWorkerLeft();
  });
  await env.run({
    kill: (fault) => {
      if (run.stopped) return;
      killTarget(run, policy, fault);
      noWorkerLeft();
    },
  });
  if (!run.stopped) {
    evaluate();
    finish("maxTime");
  }
  events.close();
  if (run.failure !== null) throw run.failure.error;
  const records = run.book.records;
  const replicaMaxLag = Math.max(0, ...run.shards.map((s) => s.replicaMaxLag));
  const { model: _m, onProgress: _p, inspector: _i, environment: _e, ...rest } = config;
  return {
    params: policy.params(run),
    history,
    stats: summarize({
      records,
      history,
      targetAccuracy: config.targetAccuracy,
      replicaMaxLag,
      bytesMoved: run.messenger.bytesMoved,
      bytesByKind: Object.fromEntries(run.messenger.bytesByKind),
      durationS: (clock.now() - start) / 1000,
    }),
    records,
    applies: run.book.applies,
    ended: ended ?? {
      reason: "maxTime",
      atS: (clock.now() - start) / 1000,
      message: endMessage("maxTime", config),
    },
    failures: run.failures,
    config: rest,
  };
}

/**
 * Trains a model data-parallel on a simulated (or real) cluster under a policy.
 *
 * Throws ArgumentError or ShapeError at once on a bad option (zero workers, delayBound < 1, an unknown
 * policy, a model whose inputs differ from the data's columns, ...); label values are checked before the
 * run starts and reject `result`.
 *
 * @example
 * ```ts
 * const { x, y } = ds.datasets.makeBlobs({ nSamples: 2000, nFeatures: 2, centers: 3, seed: 1 });
 * const run = fabric.train({
 *   model: fabric.softmaxRegression({ inputs: 2, classes: 3 }),
 *   data: { x, y },
 *   cluster: { workers: 4, shards: 2, replicas: 1 },
 *   policy: "mlfabric",
 *   target: { accuracy: 0.95, maxTimeS: 20 },
 *   seed: 7,
 * });
 * const { stats, history } = await run.result;
 * stats.timeToTarget; // seconds of virtual time, or null
 * ```
 */
export function train(options: TrainOptions): TrainRun {
  const config = resolveConfig(options);
  const events = new EventStream();
  const control = { stop: (): void => {} };
  const result = execute(config, options, events, control).finally(() => events.close());
  return { result, events, stop: () => control.stop() };
}
