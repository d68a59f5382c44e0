/**
 * Seeded row permutations for model selection: the order of rows is decided on the main thread (n
 * integers, as scikit-learn's `rng.permutation(n)`), the rows themselves move in block tasks.
 */
import { SeededUniform } from "../cluster/kMeansInit.ts";

/** Streams of `SeededUniform` per use, so that shuffle, trainTestSplit and KFold with one seed differ. */
export const PERMUTATION_STREAM = {
  shuffle: 101,
  trainTestSplit: 102,
  kFold: 103,
  stratifiedKFold: 104,
} as const;

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
