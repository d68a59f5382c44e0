/**
 * The fabric's hosts and who owns what: worker hosts `w0..`, shard primaries `s0..`, their replicas `r0..`,
 * the central scheduler `sched`; each shard's contiguous slice of the flat parameter vector; each worker's
 * contiguous row partition of the training data. All the arithmetic of "which part is whose" lives here.
 */
import { ArgumentError } from "../core/errors.ts";

/** A contiguous range `[offset, offset + length)` of parameters or rows. */
export interface Range {
  readonly offset: number;
  readonly length: number;
}

/** Host ids of every role. `replicas[s]` is null when shard s has none. */
export interface ClusterLayout {
  readonly workers: readonly string[];
  readonly shards: readonly string[];
  readonly replicas: readonly (string | null)[];
  readonly scheduler: string;
  /** Every host, in the order workers, shards, replicas, scheduler. */
  readonly hosts: readonly string[];
}

/**
 * The scheduler's host id.
 *
 * @example
 * ```ts
 * messenger.control("w3", SCHEDULER_HOST); // a request to the scheduler
 * ```
 */
export const SCHEDULER_HOST = "sched";

/**
 * The host ids of a cluster.
 *
 * @example
 * ```ts
 * const layout = clusterLayout({ workers: 2, shards: 1, replicas: 1 });
 * layout.hosts; // ["w0", "w1", "s0", "r0", "sched"]
 * ```
 */
export function clusterLayout(cluster: { workers: number; shards: number; replicas: number }): ClusterLayout {
  const workers = Array.from({ length: cluster.workers }, (_, i) => `w${i}`);
  const shards = Array.from({ length: cluster.shards }, (_, i) => `s${i}`);
  const replicas = shards.map((_, i) => (cluster.replicas > 0 ? `r${i}` : null));
  const hosts = [...workers, ...shards, ...replicas.filter((r): r is string => r !== null), SCHEDULER_HOST];
  return { workers, shards, replicas, scheduler: SCHEDULER_HOST, hosts };
}

/**
 * Splits `total` items into `parts` contiguous ranges whose sizes differ by at most one (the first
 * `total % parts` ranges get one more).
 *
 * @example
 * ```ts
 * splitEvenly(10, 3); // [{offset: 0, length: 4}, {offset: 4, length: 3}, {offset: 7, length: 3}]
 * splitEvenly(2, 3); // throws ArgumentError: cannot split 2 items into 3 non-empty parts
 * ```
 */
export function splitEvenly(total: number, parts: number): Range[] {
  if (!Number.isInteger(total) || !Number.isInteger(parts) || parts < 1 || total < parts) {
    throw new ArgumentError(`splitEvenly: cannot split ${total} items into ${parts} non-empty parts`);
  }
  const base = Math.floor(total / parts);
  const extra = total % parts;
  const ranges: Range[] = [];
  let offset = 0;
  for (let p = 0; p < parts; p++) {
    const length = base + (p < extra ? 1 : 0);
    ranges.push({ offset, length });
    offset += length;
  }
  return ranges;
}

/**
 * Bytes on the wire of `count` float32 values (a parameter slice or its gradient).
 *
 * @example
 * ```ts
 * float32Bytes(25_443); // 101772
 * ```
 */
export function float32Bytes(count: number): number {
  return 4 * count;
}
