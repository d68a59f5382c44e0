import { ArgumentError } from "../errors.ts";

/**
 * How many OpenBLAS threads each process should use when `workers` worker threads share `cores` cores.
 *
 * Every worker thread calls BLAS for its own blocks, and OpenBLAS's thread count is process-wide (one pool
 * shared by all workers). With one worker per core, one BLAS thread each already keeps every core busy;
 * more would oversubscribe the cores (workers x BLAS threads > cores) and thrash caches. With fewer
 * workers than cores, the spare cores go to BLAS: floor(cores / workers), at least 1.
 *
 * @example
 * ```ts
 * chooseBlasThreads(8, 8); // 1: one worker per core
 * chooseBlasThreads(8, 2); // 4
 * linalg().setBlasThreads(chooseBlasThreads(os.availableParallelism(), workers));
 * ```
 */
export function chooseBlasThreads(cores: number, workers: number): number {
  if (!Number.isInteger(cores) || cores < 1) {
    throw new ArgumentError(`chooseBlasThreads: cores must be a positive integer, got ${cores}`);
  }
  if (!Number.isInteger(workers) || workers < 1) {
    throw new ArgumentError(`chooseBlasThreads: workers must be a positive integer, got ${workers}`);
  }
  return Math.max(1, Math.floor(cores / workers));
}

/**
 * Throws `ArgumentError` unless `n` is a valid BLAS thread count (a positive integer).
 *
 * @example
 * ```ts
 * requireThreadCount(0); // ArgumentError: setBlasThreads: n must be a positive integer, got 0
 * ```
 */
export function requireThreadCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new ArgumentError(`setBlasThreads: n must be a positive integer, got ${n}`);
  }
}
