/**
 * The small checks `resolveConfig` is made of: each throws an ArgumentError that names the option's path and
 * the value it received.
 */
import { ArgumentError } from "../core/errors.ts";
import { describeValue } from "../core/options.ts";

/**
 * The operation every configuration error names.
 *
 * @example
 * ```ts
 * throw new ArgumentError(`${OP}: seed must be a safe integer but was 1.5`);
 * ```
 */
export const OP = "fabric.train";

/**
 * Throws ArgumentError with the lazily built message unless `ok`.
 *
 * @example
 * ```ts
 * need(workers >= 1, () => `fabric.train: cluster.workers must be >= 1 but was ${workers}`);
 * ```
 */
export function need(ok: boolean, message: () => string): asserts ok {
  if (!ok) throw new ArgumentError(message());
}

/**
 * An optional plain object (undefined passes through).
 *
 * @example
 * ```ts
 * optionalObject("network", undefined); // undefined
 * optionalObject("network", 3); // throws: fabric.train: network must be an object but was 3
 * ```
 */
export function optionalObject(path: string, v: unknown): Record<string, unknown> | undefined {
  if (v === undefined) return undefined;
  need(
    typeof v === "object" && v !== null && !Array.isArray(v),
    () => `${OP}: ${path} must be an object but was ${describeValue(v)}`,
  );
  return v as Record<string, unknown>;
}

/**
 * Rejects keys outside `allowed` (a typo in a config file), naming the allowed ones.
 *
 * @example
 * ```ts
 * checkKeys("cluster", { worker: 4 }, ["workers", "shards", "replicas"]);
 * // throws: fabric.train: cluster has an unknown option "worker" (known: workers, shards, replicas)
 * ```
 */
export function checkKeys(path: string, o: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(o)) {
    need(
      allowed.includes(key),
      () => `${OP}: ${path} has an unknown option "${key}" (known: ${allowed.join(", ")})`,
    );
  }
}

/**
 * An integer >= `min`; `fallback` when undefined (null: required).
 *
 * @example
 * ```ts
 * integerAtLeast("delayBound", 0, 16, 1); // throws: fabric.train: delayBound must be an integer >= 1 but was 0
 * ```
 */
export function integerAtLeast(path: string, v: unknown, fallback: number | null, min: number): number {
  if (v === undefined && fallback !== null) return fallback;
  need(
    typeof v === "number" && Number.isInteger(v) && v >= min,
    () => `${OP}: ${path} must be an integer >= ${min} but was ${describeValue(v)}`,
  );
  return v;
}

/**
 * A finite number above `min` (or at it when `orEqual`); `fallback` when undefined (null: required).
 *
 * @example
 * ```ts
 * numberIn("network.latencyMs", -1, 0.05, 0, true); // throws: ... must be a finite number >= 0 but was -1
 * ```
 */
export function numberIn(
  path: string,
  v: unknown,
  fallback: number | null,
  min: number,
  orEqual: boolean,
): number {
  if (v === undefined && fallback !== null) return fallback;
  need(
    typeof v === "number" && Number.isFinite(v) && (orEqual ? v >= min : v > min),
    () => `${OP}: ${path} must be a finite number ${orEqual ? ">=" : ">"} ${min} but was ${describeValue(v)}`,
  );
  return v;
}
