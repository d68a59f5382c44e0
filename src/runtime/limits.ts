/**
 * The limits an array is checked against when it is created, before any task is submitted: how many blocks
 * (each block costs a future, a task and bookkeeping on the main thread, so a million of them is already
 * gigabytes of heap) and how many bytes of memory its dense blocks need. Past either, creation throws a
 * `ResourceError` naming the shape, the block size and what it would need, instead of V8 running out of
 * heap or a SharedArrayBuffer failing to allocate on a worker's turn. `init({ maxBlocks, memoryBytes })`
 * sets them.
 */
import { totalmem } from "node:os";
import { ArgumentError, ResourceError } from "../core/errors.ts";

/** The limits (see the file's comment). */
export interface ResourceLimits {
  /** Most blocks in one array (default 1,000,000). */
  maxBlocks: number;
  /** Most bytes an array's dense blocks may take together (default: the machine's memory). */
  memoryBytes: number;
}

const DEFAULTS: ResourceLimits = { maxBlocks: 1_000_000, memoryBytes: totalmem() };
let limits: ResourceLimits = { ...DEFAULTS };

/** The limits in force. */
export function resourceLimits(): Readonly<ResourceLimits> {
  return limits;
}

/**
 * Sets the limits (each absent one back to its default), checking them.
 *
 * @example
 * ```ts
 * setResourceLimits("init", { maxBlocks: 10_000 });
 * ```
 */
export function setResourceLimits(op: string, given: Partial<ResourceLimits>): void {
  const next = { ...DEFAULTS };
  for (const key of ["maxBlocks", "memoryBytes"] as const) {
    const v = given[key];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
      throw new ArgumentError(`${op}: ${key} must be an integer >= 1 but was ${String(v)}`);
    }
    next[key] = v;
  }
  limits = next;
}

/** Bytes in a readable unit: "1.5 GiB". */
function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

/**
 * Throws a ResourceError when an array of `shape` in blocks of `blockSize` would have more than `maxBlocks`
 * blocks.
 *
 * @example
 * ```ts
 * checkBlockCount("ds.zeros", [1e6, 1e6], [1, 1]); // throws: 1e12 blocks, more than maxBlocks
 * ```
 */
export function checkBlockCount(
  op: string,
  shape: readonly [number, number],
  blockSize: readonly [number, number],
): void {
  const count = Math.ceil(shape[0] / blockSize[0]) * Math.ceil(shape[1] / blockSize[1]);
  if (count > limits.maxBlocks) {
    throw new ResourceError(
      `${op}: shape [${shape.join(", ")}] in blocks of [${blockSize.join(", ")}] makes ${count.toExponential(2)} blocks, more than maxBlocks = ${limits.maxBlocks}; use larger blocks (or init({ maxBlocks }))`,
    );
  }
}

/**
 * Throws a ResourceError when a dense array of `shape` (float64) would need more than `memoryBytes`.
 *
 * @example
 * ```ts
 * checkDenseBytes("ds.random", [3e5, 3e5], [3e5, 3e5]); // throws: needs 670.6 GiB
 * ```
 */
export function checkDenseBytes(
  op: string,
  shape: readonly [number, number],
  blockSize: readonly [number, number],
): void {
  const bytes = shape[0] * shape[1] * 8;
  if (bytes > limits.memoryBytes) {
    throw new ResourceError(
      `${op}: a dense array of shape [${shape.join(", ")}] (blocks of [${blockSize.join(", ")}]) needs ${formatBytes(bytes)}, more than the memory limit of ${formatBytes(limits.memoryBytes)} (init({ memoryBytes }))`,
    );
  }
}

/** The error for a block the system could not allocate (a SharedArrayBuffer's RangeError). */
export function allocationError(rows: number, cols: number, cause: unknown): ResourceError {
  return new ResourceError(
    `cannot allocate a ${rows} x ${cols} block (${formatBytes(rows * cols * 8)}): out of memory`,
    { cause },
  );
}
