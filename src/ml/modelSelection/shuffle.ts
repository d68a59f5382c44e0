/**
 * scikit-learn's `sklearn.utils.shuffle`: the rows of x (and of y, with the same permutation) in a random
 * order, over the whole array, not within each block. The permutation (n integers) is drawn on the main
 * thread; the rows move in one `block.take` task per output block, which reads the source blocks its rows
 * come from. The result keeps the input's row chunks and column blocking.
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError, ShapeError } from "../../core/errors.ts";
import { DsArray } from "../../array/dsArray.ts";
import { readOptions, seedOption } from "../../core/options.ts";
import { permutation, PERMUTATION_STREAM } from "./permutation.ts";
import { takeRows } from "./takeRows.ts";

/** Options of `shuffle`. */
export interface ShuffleOptions {
  /** Seed of the permutation (any safe integer). Default 0, so that a shuffle is reproducible. */
  randomState?: number;
}

/** Checks that `v` is a DsArray, naming the function and the argument. */
export function checkArray(op: string, name: string, v: unknown): DsArray<Block> {
  if (!(v instanceof DsArray)) {
    throw new ArgumentError(`${op}: ${name} must be a DsArray but was ${v === null ? "null" : typeof v}`);
  }
  return v as DsArray<Block>;
}

/** Checks that y (when given) has as many rows as x. */
export function checkPaired(op: string, x: DsArray<Block>, y: DsArray<Block> | undefined): void {
  if (y !== undefined && y.shape[0] !== x.shape[0]) {
    throw new ShapeError(
      `${op}: x has ${x.shape[0]} rows but y has ${y.shape[0]} (x and y must have one row per sample)`,
    );
  }
}

/**
 * The rows of x in a random order; with y, `[x, y]` both in the same order (row i of each result comes from
 * the same source row). Blocked like the inputs. The same `randomState` gives the same order on every run
 * and every blocking.
 *
 * @example
 * ```ts
 * const x = ds.array([[0], [1], [2], [3]], { blockSize: [2, 1] });
 * const [xs, ys] = shuffle(x, x.mul(10), { randomState: 1 });
 * await xs.toArray(); // the rows 0..3 in a random order, e.g. [[2], [0], [3], [1]]
 * await ys.toArray(); // ten times the same rows: [[20], [0], [30], [10]]
 * ```
 */
export function shuffle<T extends Block>(x: DsArray<T>, options?: ShuffleOptions): DsArray<T>;
export function shuffle<T extends Block, U extends Block>(
  x: DsArray<T>,
  y: DsArray<U>,
  options?: ShuffleOptions,
): [DsArray<T>, DsArray<U>];
export function shuffle(
  x: DsArray<Block>,
  yOrOptions?: DsArray<Block> | ShuffleOptions,
  maybeOptions?: ShuffleOptions,
): DsArray<Block> | [DsArray<Block>, DsArray<Block>] {
  const op = "shuffle";
  const input = checkArray(op, "x", x);
  // shuffle(x, options) or shuffle(x, y, options).
  const withY = yOrOptions instanceof DsArray || maybeOptions !== undefined;
  const y = withY && yOrOptions !== undefined ? checkArray(op, "y", yOrOptions) : undefined;
  const options = withY ? maybeOptions : yOrOptions;
  const o = readOptions(op, options, ["randomState"]);
  const seed = seedOption(op, o, "randomState");
  checkPaired(op, input, y);
  const order = permutation(input.shape[0], seed, PERMUTATION_STREAM.shuffle);
  const xs = takeRows(op, input, order, input.grid.rowChunks);
  return y === undefined ? xs : [xs, takeRows(op, y, order, y.grid.rowChunks)];
}
