/**
 * Hooks that see the vectors the fabric moves, for tests and debugging: what an aggregator summed, what a
 * store applied. Records (records.ts) keep only ids and versions; these hooks see the numbers.
 */

/** One aggregation: the member updates (in the order they were summed) and the sum forwarded. */
export interface AggregationSeen {
  shard: number;
  aggregator: string;
  memberIds: readonly number[];
  members: readonly Float32Array[];
  sum: Float32Array;
}

/** One application of an update (direct, aggregated or averaged) at a parameter store. */
export interface ApplySeen {
  shard: number;
  host: string;
  role: "primary" | "replica";
  version: number;
  ids: readonly number[];
  grad: Float32Array;
}

/**
 * Optional callbacks; the vectors are the fabric's own, so copy what you keep.
 *
 * @example
 * ```ts
 * const sums: AggregationSeen[] = [];
 * fabric.train({ ...options, inspector: { aggregated: (a) => sums.push({ ...a, sum: a.sum.slice() }) } });
 * ```
 */
export interface FabricInspector {
  aggregated?(seen: AggregationSeen): void;
  applied?(seen: ApplySeen): void;
}
