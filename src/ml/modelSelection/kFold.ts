/**
 * scikit-learn's `KFold`: n rows cut into nSplits consecutive folds, the first n % nSplits of them one row
 * larger; each fold is the test set once and the other rows the train set. With `shuffle`, the folds are
 * cut from a seeded permutation of the rows instead. Indices come out sorted, as scikit-learn's.
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError } from "../../core/errors.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { booleanOption, intOption, readOptions, seedOption } from "../../core/options.ts";
import { permutation, PERMUTATION_STREAM } from "./permutation.ts";
import { checkArray, checkPaired } from "./shuffle.ts";

/** One split: the row indices of the train set and of the test set, each ascending. */
export type Fold = [trainIndices: number[], testIndices: number[]];

/** What GridSearchCV's `cv` accepts besides a fold count: anything that splits rows as KFold does. */
export interface CrossValidator {
  /**
   * The folds of the rows of x (or of n rows). `labels`: one class label per row, for splitters that
   * stratify (GridSearchCV passes y's values when y has one column); KFold ignores them.
   */
  split(x: DsArray<Block> | number, labels?: ArrayLike<number>): Iterable<Fold>;
}

/** Options of `KFold` (scikit-learn's `n_splits`, `shuffle`, `random_state`). */
export interface KFoldOptions {
  /** How many folds, at least 2. Default 5. */
  nSplits?: number;
  /** Cut the folds from a random permutation of the rows. Default false. */
  shuffle?: boolean;
  /** Seed of the permutation; only with `shuffle: true` (as scikit-learn, it is an error otherwise). Default 0. */
  randomState?: number;
}

const NAME = "KFold";

/**
 * The options KFold and StratifiedKFold share (scikit-learn's `n_splits`, `shuffle`, `random_state`),
 * checked: randomState without shuffle is an error, as in scikit-learn.
 */
export function splitterOptions(
  name: string,
  options: unknown,
): { nSplits: number; shuffle: boolean; randomState: number | undefined } {
  const o = readOptions(name, options, ["nSplits", "shuffle", "randomState"]);
  const shuffle = booleanOption(name, o, "shuffle", false);
  if (!shuffle && o.randomState !== undefined) {
    throw new ArgumentError(
      `${name}: randomState has no effect when shuffle is false; pass shuffle: true or leave randomState out`,
    );
  }
  return {
    nSplits: intOption(name, o, "nSplits", 5, 2),
    shuffle,
    randomState: shuffle ? seedOption(name, o, "randomState") : undefined,
  };
}

/**
 * k-fold cross-validation splits.
 *
 * @example
 * ```ts
 * const folds = [...new KFold({ nSplits: 3 }).split(5)];
 * folds[0]; // [[2, 3, 4], [0, 1]]
 * folds[2]; // [[0, 1, 2, 3], [4]]
 * ```
 */
export class KFold implements CrossValidator {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly randomState: number | undefined;

  constructor(options: KFoldOptions = {}) {
    ({
      nSplits: this.nSplits,
      shuffle: this.shuffle,
      randomState: this.randomState,
    } = splitterOptions(NAME, options));
  }

  /** The number of splits (scikit-learn's `get_n_splits`). */
  getNSplits(): number {
    return this.nSplits;
  }

  /** The `[trainIndices, testIndices]` of each fold of the rows of x (or of n rows). */
  *split(x: DsArray<Block> | number): Generator<Fold> {
    const n = typeof x === "number" ? x : checkArray(`${NAME}.split`, "x", x).shape[0];
    if (!Number.isInteger(n) || n < 0) {
      throw new ArgumentError(`${NAME}.split: the number of rows must be an integer >= 0 but was ${n}`);
    }
    if (this.nSplits > n) {
      throw new ArgumentError(
        `${NAME}.split: nSplits is ${this.nSplits} but x has only ${n} rows (need nSplits <= rows)`,
      );
    }
    const order = this.shuffle
      ? permutation(n, this.randomState ?? 0, PERMUTATION_STREAM.kFold)
      : Array.from({ length: n }, (_, i) => i);
    const small = Math.floor(n / this.nSplits);
    const larger = n % this.nSplits;
    let start = 0;
    for (let f = 0; f < this.nSplits; f++) {
      const stop = start + small + (f < larger ? 1 : 0);
      const inTest = new Uint8Array(n);
      for (let k = start; k < stop; k++) inTest[order[k]] = 1;
      const train: number[] = [];
      const test: number[] = [];
      for (let i = 0; i < n; i++) (inTest[i] === 1 ? test : train).push(i);
      yield [train, test];
      start = stop;
    }
  }

  /** Every fold as arrays: `[xTrain, xTest]`, or `[xTrain, xTest, yTrain, yTest]` with y. */
  folds(x: DsArray<Block>, y?: DsArray<Block>): DsArray<Block>[][] {
    return Array.from(this.split(x), (fold) => foldArrays(x, y, fold));
  }
}

/**
 * The rows of one fold, gathered by block tasks (blocked with x's and y's block size): `[xTrain, xTest]`,
 * or `[xTrain, xTest, yTrain, yTest]` with y.
 *
 * @example
 * ```ts
 * const x = ds.array([[0], [1], [2], [3]], { blockSize: [2, 1] });
 * const [xTrain, xTest] = foldArrays(x, undefined, [[0, 3], [1, 2]]);
 * await xTest.toArray(); // [[1], [2]]
 * ```
 */
export function foldArrays(
  x: DsArray<Block>,
  y: DsArray<Block> | undefined,
  [train, test]: Fold,
): DsArray<Block>[] {
  const input = checkArray("foldArrays", "x", x);
  checkPaired("foldArrays", input, y);
  const split = (a: DsArray<Block>) => [a.take(train, 0), a.take(test, 0)];
  return y === undefined ? split(input) : [...split(input), ...split(y)];
}
