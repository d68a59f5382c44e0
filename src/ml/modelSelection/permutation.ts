/**
 * Seeded row permutations for model selection: the order of rows is decided on the main thread (n
 * integers, as scikit-learn's `rng.permutation(n)`), the rows themselves move in block tasks.
 */
import { ArgumentError } from "../../core/errors.ts";
import { SeededUniform } from "../cluster/kMeansInit.ts";

/** Streams of `SeededUniform` per use, so that shuffle, trainTestSplit and KFold with one seed differ. */
export const PERMUTATION_STREAM = {
  shuffle: 101,
  trainTestSplit: 102,
  kFold: 103,
  stratifiedKFold: 104,
} as const;

/** The `randomState` option: any safe integer, 0 when absent (reproducible by default). */
export function randomStateOption(op: string, value: unknown): number {
  const v = value ?? 0;
  if (typeof v !== "number" || !Number.isSafeInteger(v)) {
    throw new ArgumentError(`${op}: randomState must be an integer but was ${JSON.stringify(v)}`);
  }
  return v;
}

/** A boolean option, or its default when absent. */
export function booleanOption(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new ArgumentError(`${op}: ${name} must be true or false but was ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * A uniformly random permutation of 0..n-1 (Fisher–Yates), the same for the same (seed, stream) on every
 * run and every blocking.
 *
 * @example
 * ```ts
 * permutation(5, 0, PERMUTATION_STREAM.shuffle); // e.g. Int32Array [3, 0, 4, 1, 2], always the same
 * ```
 */
export function permutation(n: number, seed: number, stream: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffleInPlace(out, new SeededUniform(seed, stream));
}

/** `items` in a uniformly random order drawn from `rng` (Fisher–Yates, in place); returns `items`. */
export function shuffleInPlace<T extends { [i: number]: number; length: number }>(
  items: T,
  rng: SeededUniform,
): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}
