/**
 * The one interface every training policy implements, MLfabric and the baselines alike: start the run's
 * actors, say what the model is now, and react to a kill. How updates travel (scheduler, barrier, ring) is
 * the policy's own business; what it decides is written to the run's records.
 */
import type { FaultRole } from "../../sim/faults.ts";
import { HostDeadError } from "../messenger.ts";
import type { FabricRun, WorkerSlot } from "../run.ts";

/** A host a kill fault cut off, with its role and index within the role. */
export interface KillTarget {
  role: FaultRole;
  host: string;
  index: number;
}

/**
 * A training policy.
 *
 * @example
 * ```ts
 * const policy = createPolicy(config.policy, config);
 * policy.start(run); // actors run until run.stopped
 * evaluator.evaluate(policy.params(run));
 * ```
 */
export interface Policy {
  readonly name: string;
  /** Starts the workers (and the scheduler, shards, aggregators) on the run. */
  start(run: FabricRun): void;
  /** The model now (a fresh vector). */
  params(run: FabricRun): Float32Array;
  /** A kill fault fired; the host is already cut off (its transfers failed, it sends nothing more). */
  killed(run: FabricRun, target: KillTarget): void;
  /** Which worker host an aggregator kill with this ordinal hits (null: no aggregator now). */
  aggregatorHost?(ordinal: number): string | null;
}

/**
 * Runs a worker's loop body until the run stops or the worker dies; a HostDeadError caused by the worker's
 * own death ends the loop quietly; any other error fails the run.
 *
 * @example
 * ```ts
 * void workerLoop(run, worker, async () => { await oneStep(); });
 * ```
 */
export async function workerLoop(
  run: FabricRun,
  worker: WorkerSlot,
  step: () => Promise<void>,
  setup: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  try {
    await setup();
    while (!run.stopped && worker.alive) await step();
  } catch (error) {
    if ((error instanceof HostDeadError && !worker.alive) || run.stopped) return;
    run.fail(error);
  }
}
