/**
 * scikit-learn's `train_test_split`: sizes as scikit-learn computes them (a fraction rounds up for the test
 * set and down for the train set; the one not given is the rest), then either a random split (a seeded
 * permutation of all rows: the test set is its first nTest rows, the train set the next nTrain, both in
 * that random order, gathered by block tasks), a stratified random split (`stratify`, see
 * stratifiedSplit.ts) or, with `shuffle: false`, the first nTrain rows and the next nTest (slices).
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError } from "../../core/errors.ts";
import { DsArray } from "../../array/dsArray.ts";
import { booleanOption, describeValue, readOptions, seedOption } from "../../core/options.ts";
import { permutation, PERMUTATION_STREAM } from "./permutation.ts";
import { checkArray, checkPaired } from "./shuffle.ts";
import { stratifiedIndices } from "./stratifiedSplit.ts";
import { takeRowsBlocked } from "./takeRows.ts";
import { SeededUniform } from "../cluster/kMeansInit.ts";

/** Options of `trainTestSplit` (scikit-learn's `test_size`, `train_size`, `random_state`, `shuffle`). */
export interface TrainTestSplitOptions {
  /**
   * The test set: a fraction of the rows in (0, 1) (rounded up) or a count of rows in [1, n). Default: the
   * rows not in the train set, or 0.25 when trainSize is not given either.
   */
  testSize?: number;
  /** The train set: a fraction in (0, 1) (rounded down) or a count in [1, n). Default: the other rows. */
  trainSize?: number;
  /** Seed of the permutation (any safe integer). Default 0, so that a split is reproducible. */
  randomState?: number;
  /** Shuffle before splitting. Default true; false takes the first rows for train and the next for test. */
  shuffle?: boolean;
  /**
   * The class label of every row (n numbers, e.g. `(await y.collect()).data`): each class gets its share of
   * the train and the test set, as scikit-learn's stratified split. Only with `shuffle` true.
   */
  stratify?: ArrayLike<number>;
}

const OP = "trainTestSplit";
const KNOWN = ["testSize", "trainSize", "randomState", "shuffle", "stratify"];

/** A size option: "count" for an integer >= 1, "fraction" for a number in (0, 1), or undefined. */
function sizeKind(name: string, value: unknown, n: number): "count" | "fraction" | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && value > 0 && value < 1) return "fraction";
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value < n) return "count";
  throw new ArgumentError(
    `${OP}: ${name} must be a fraction in (0, 1) or a count of rows in [1, ${n}) (n = ${n}) but was ${describeValue(value)}`,
  );
}

/** The stratify option: n labels (NaN is rejected with the classes), only with shuffle. */
function stratifyOption(v: unknown, n: number, doShuffle: boolean): ArrayLike<number> | undefined {
  if (v === undefined) return undefined;
  const ok =
    (Array.isArray(v) && v.every((l) => typeof l === "number")) ||
    (ArrayBuffer.isView(v) && !(v instanceof DataView));
  if (!ok) {
    throw new ArgumentError(
      `${OP}: stratify must be the n labels as an array of numbers (for a DsArray y: (await y.collect()).data) but was ${v instanceof DsArray ? "a DsArray" : JSON.stringify(v)?.slice(0, 60)}`,
    );
  }
  const labels = v as ArrayLike<number>;
  if (labels.length !== n) {
    throw new ArgumentError(`${OP}: stratify has ${labels.length} labels but x has ${n} rows`);
  }
  if (!doShuffle) {
    throw new ArgumentError(
      `${OP}: stratify needs shuffle: true (a stratified split without shuffling is not defined)`,
    );
  }
  return labels;
}

/**
 * The train and test sizes of n rows, as scikit-learn's `_validate_shuffle_split` computes them: a fraction
 * f of the test set gives ceil(f n) rows, of the train set floor(f n); a count is taken as it is.
 *
 * @example
 * ```ts
 * splitSizes(10, { testSize: 0.25 }); // [7, 3]
 * splitSizes(10, { trainSize: 0.25 }); // [2, 8]
 * ```
 */
export function splitSizes(
  n: number,
  sizes: { testSize?: number; trainSize?: number },
): [nTrain: number, nTest: number] {
  const testSize = sizes.testSize ?? (sizes.trainSize === undefined ? 0.25 : undefined);
  const trainSize = sizes.trainSize;
  const testKind = sizeKind("testSize", testSize, n);
  const trainKind = sizeKind("trainSize", trainSize, n);
  if (testKind === "fraction" && trainKind === "fraction" && testSize! + trainSize! > 1) {
    throw new ArgumentError(
      `${OP}: testSize + trainSize = ${testSize! + trainSize!} but as fractions they must add up to at most 1`,
    );
  }
  let nTest = testKind === "fraction" ? Math.ceil(testSize! * n) : testSize;
  let nTrain = trainKind === "fraction" ? Math.floor(trainSize! * n) : trainSize;
  if (nTrain === undefined) nTrain = n - nTest!;
  if (nTest === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new ArgumentError(
      `${OP}: the train set (${nTrain} rows) and the test set (${nTest}) add up to more than the ${n} rows of x`,
    );
  }
  if (nTrain === 0) {
    throw new ArgumentError(
      `${OP}: with ${n} rows, testSize ${JSON.stringify(testSize)} and trainSize ${JSON.stringify(trainSize)} the train set is empty`,
    );
  }
  return [nTrain, nTest];
}

/**
 * Splits the rows of x (and of y, the same way) into a train set and a test set, as scikit-learn's
 * `train_test_split`; returns `[xTrain, xTest]` or `[xTrain, xTest, yTrain, yTest]`. The random split is a
 * seeded permutation of all rows, so a train or test set mixes rows from every block; its results are
 * blocked with x's (and y's) block size.
 *
 * @example
 * ```ts
 * const x = ds.array([[0], [1], [2], [3], [4], [5], [6], [7]], { blockSize: [3, 1] });
 * const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, x.mul(10), { testSize: 0.25, randomState: 0 });
 * xTrain.shape; // [6, 1]
 * xTest.shape; // [2, 1]
 * ```
 */
export function trainTestSplit<T extends Block>(
  x: DsArray<T>,
  options?: TrainTestSplitOptions,
): [DsArray<T>, DsArray<T>];
export function trainTestSplit<T extends Block, U extends Block>(
  x: DsArray<T>,
  y: DsArray<U>,
  options?: TrainTestSplitOptions,
): [DsArray<T>, DsArray<T>, DsArray<U>, DsArray<U>];
export function trainTestSplit(
  x: DsArray<Block>,
  yOrOptions?: DsArray<Block> | TrainTestSplitOptions,
  maybeOptions?: TrainTestSplitOptions,
): DsArray<Block>[] {
  const input = checkArray(OP, "x", x);
  // trainTestSplit(x, options) or trainTestSplit(x, y, options).
  const withY = yOrOptions instanceof DsArray || maybeOptions !== undefined;
  const y = withY && yOrOptions !== undefined ? checkArray(OP, "y", yOrOptions) : undefined;
  const o = readOptions(OP, withY ? maybeOptions : yOrOptions, KNOWN);
  const seed = seedOption(OP, o, "randomState");
  const doShuffle = booleanOption(OP, o, "shuffle", true);
  checkPaired(OP, input, y);
  const n = input.shape[0];
  const [nTrain, nTest] = splitSizes(n, { testSize: o.testSize as number, trainSize: o.trainSize as number });
  const labels = stratifyOption(o.stratify, n, doShuffle);
  let rows: { train: Int32Array; test: Int32Array } | undefined;
  if (labels !== undefined) {
    rows = stratifiedIndices(
      OP,
      labels,
      nTrain,
      nTest,
      new SeededUniform(seed, PERMUTATION_STREAM.trainTestSplit),
    );
  } else if (doShuffle) {
    const order = permutation(n, seed, PERMUTATION_STREAM.trainTestSplit);
    rows = { train: order.subarray(nTest, nTest + nTrain), test: order.subarray(0, nTest) };
  }
  const split = (a: DsArray<Block>): DsArray<Block>[] => {
    if (rows === undefined) return [a.slice([0, nTrain]), a.slice([nTrain, nTrain + nTest])];
    return [takeRowsBlocked(OP, a, rows.train), takeRowsBlocked(OP, a, rows.test)];
  };
  return y === undefined ? split(input) : [...split(input), ...split(y)];
}
