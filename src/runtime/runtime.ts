import { availableParallelism, totalmem } from "node:os";
import { ArgumentError } from "../core/errors.ts";
import { setResourceLimits } from "./limits.ts";
import { chooseBlasThreads } from "../core/linalg/blasThreads.ts";
import { BufferPool } from "./bufferPool.ts";
import { Engine } from "./engine.ts";
import type { Executor } from "./executor.ts";
import { InlineExecutor } from "./inlineExecutor.ts";
import { ThreadPool } from "./threadPool.ts";
import { describeValue } from "../core/options.ts";

/** Options of `init`. */
export interface InitOptions {
  /** Worker threads (default: one per core). */
  workers?: number;
  /** `"threads"` (default) or `"inline"` (every task on the main thread; for debugging and tests). */
  executor?: "threads" | "inline";
  /** Most bytes of dead blocks kept for reuse (default: an eighth of the memory, at most 4 GiB). */
  poolBytes?: number;
  /** Most blocks in one array (default 1,000,000); creating more throws a ResourceError (see limits.ts). */
  maxBlocks?: number;
  /** Most bytes one dense array may need (default: the machine's memory); more throws a ResourceError. */
  memoryBytes?: number;
}

const MIB = 1024 * 1024;

function makePool(options: InitOptions): BufferPool {
  const maxIdleBytes = options.poolBytes ?? Math.min(4096 * MIB, Math.floor(totalmem() / 8));
  if (typeof maxIdleBytes !== "number" || !Number.isFinite(maxIdleBytes) || maxIdleBytes < 0) {
    throw new ArgumentError(
      `init: poolBytes must be a non-negative number of bytes but was ${String(options.poolBytes)}`,
    );
  }
  return new BufferPool({
    maxIdleBytes,
    // A forced full collection costs ~15 ms with thousands of live blocks; collecting once per GiB handed
    // out keeps that under 2% of the time even for tiny tasks, and fresh pages for 1 GiB cost ~0.5 s.
    collectMinBytes: Math.min(1024 * MIB, maxIdleBytes / 2),
  });
}

let current: Engine | undefined;

function makeExecutor(options: InitOptions, pool: BufferPool): Executor {
  const kind = options.executor ?? "threads";
  if (kind === "inline") return new InlineExecutor();
  if (kind !== "threads") {
    throw new ArgumentError(`init: executor must be "threads" or "inline" but was ${describeValue(kind)}`);
  }
  const cores = availableParallelism();
  const workers = options.workers ?? cores;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new ArgumentError(`init: workers must be a positive integer but was ${String(workers)}`);
  }
  return new ThreadPool(workers, chooseBlasThreads(cores, workers), pool);
}

/**
 * Starts the runtime. Optional: the first operation starts the default (one worker thread per core).
 * Calling it again replaces the running pool after shutting it down.
 *
 * @example
 * ```ts
 * import { init, shutdown } from "dsfabric";
 * await init({ workers: 2 });
 * // ... work ...
 * await shutdown();
 * ```
 */
export async function init(options: InitOptions = {}): Promise<void> {
  setResourceLimits("init", { maxBlocks: options.maxBlocks, memoryBytes: options.memoryBytes });
  const pool = makePool(options);
  const executor = makeExecutor(options, pool);
  if (current !== undefined) await current.executor.close();
  current = new Engine(executor, pool);
}

/**
 * Stops the worker threads. Arrays computed before stay readable; new work starts a fresh pool (with the
 * default resource limits).
 */
export async function shutdown(): Promise<void> {
  const engine = current;
  current = undefined;
  // The limits belong to the runtime init started: the next one starts from the defaults.
  setResourceLimits("shutdown", {});
  if (engine !== undefined) await engine.executor.close();
}

/** The running engine, started with defaults on first use. */
export function engine(): Engine {
  if (current === undefined) {
    const pool = makePool({});
    current = new Engine(makeExecutor({}, pool), pool);
  }
  return current;
}
