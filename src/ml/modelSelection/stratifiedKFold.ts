/**
 * scikit-learn's `StratifiedKFold`: k folds that each hold about the same share of every class. The rule is
 * scikit-learn 1.2's `_make_test_folds`, so that without shuffling the folds are the same rows:
 *
 * 1. Classes are numbered in order of first appearance in the labels.
 * 2. The labels sorted by that number are dealt round robin to the folds (row i of the sorted labels to
 *    fold i % k); what fold f receives of class c is how many rows of c fold f tests.
 * 3. Within each class, rows in their order go to fold 0 until its share is full, then fold 1, ... (blocks,
 *    which keeps the data's order inside each fold). With `shuffle`, each class's fold numbers are shuffled
 *    first, so the rows of a class land in the folds at random.
 *
 * For example, labels [0, 0, 0, 1, 1, 1] in 3 folds give every fold one 0 and one 1: tests [0, 3], [1, 4],
 * [2, 5]. Only the n labels are on the main thread; the rows move in block tasks (`foldArrays`).
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError } from "../../core/errors.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { SeededUniform } from "../cluster/kMeansInit.ts";
import { splitterOptions, type CrossValidator, type Fold } from "./kFold.ts";
import { PERMUTATION_STREAM, shuffleInPlace } from "./permutation.ts";
import { checkArray } from "./shuffle.ts";

/** Options of `StratifiedKFold` (scikit-learn's `n_splits`, `shuffle`, `random_state`). */
export interface StratifiedKFoldOptions {
  /** How many folds, at least 2. Default 5. */
  nSplits?: number;
  /** Shuffle each class's rows among the folds. Default false. */
  shuffle?: boolean;
  /** Seed of the shuffle; only with `shuffle: true`. Default 0. */
  randomState?: number;
}

const NAME = "StratifiedKFold";

/**
 * Stratified k-fold cross-validation splits: `split(x, labels)` with the n class labels.
 *
 * @example
 * ```ts
 * const folds = [...new StratifiedKFold({ nSplits: 3 }).split(6, [0, 0, 0, 1, 1, 1])];
 * folds[0]; // [[1, 2, 4, 5], [0, 3]]
 * ```
 */
export class StratifiedKFold implements CrossValidator {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly randomState: number | undefined;

  constructor(options: StratifiedKFoldOptions = {}) {
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

  /**
   * The `[trainIndices, testIndices]` of each fold of the rows of x (or of n rows), stratified by `labels`
   * (one class label per row; for a DsArray y, `(await y.collect()).data`).
   */
  *split(x: DsArray<Block> | number, labels?: ArrayLike<number>): Generator<Fold> {
    const op = `${NAME}.split`;
    const n = typeof x === "number" ? x : checkArray(op, "x", x).shape[0];
    if (labels === undefined || typeof labels !== "object" || typeof labels.length !== "number") {
      throw new ArgumentError(`${op}: labels must be the n class labels as an array of numbers`);
    }
    if (labels.length !== n) {
      throw new ArgumentError(`${op}: labels has ${labels.length} entries but x has ${n} rows`);
    }
    const testFold = this.testFolds(op, labels);
    for (let f = 0; f < this.nSplits; f++) {
      const train: number[] = [];
      const test: number[] = [];
      for (let i = 0; i < n; i++) (testFold[i] === f ? test : train).push(i);
      yield [train, test];
    }
  }

  /** The fold that tests each row (scikit-learn's `_make_test_folds`, see the file's comment). */
  private testFolds(op: string, labels: ArrayLike<number>): Int32Array {
    const n = labels.length;
    const classOf = new Map<number, number>(); // label -> number in order of first appearance
    const encoded = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const label = labels[i];
      if (typeof label !== "number" || Number.isNaN(label)) {
        throw new ArgumentError(`${op}: labels has ${String(label)} at row ${i} (need numbers)`);
      }
      if (!classOf.has(label)) classOf.set(label, classOf.size);
      encoded[i] = classOf.get(label)!;
    }
    const k = this.nSplits;
    const counts = new Array<number>(classOf.size).fill(0);
    for (const c of encoded) counts[c]++;
    if (counts.every((count) => count < k)) {
      throw new ArgumentError(
        `${op}: nSplits is ${k} but every class has fewer rows (the largest has ${Math.max(0, ...counts)})`,
      );
    }
    const smallest = Math.min(...counts);
    if (smallest < k) {
      process.emitWarning(
        `${op}: the least populated class has only ${smallest} rows, fewer than nSplits = ${k}`,
        { type: "UserWarning", code: "DSFABRIC_SMALL_CLASS" },
      );
    }
    // allocation[f][c]: rows of class c that fold f tests, from dealing the sorted labels round robin.
    const allocation = Array.from({ length: k }, () => new Array<number>(classOf.size).fill(0));
    let position = 0;
    counts.forEach((count, c) => {
      for (let t = 0; t < count; t++, position++) allocation[position % k][c]++;
    });
    const rng = this.shuffle
      ? new SeededUniform(this.randomState ?? 0, PERMUTATION_STREAM.stratifiedKFold)
      : undefined;
    const foldsOfClass = counts.map((_, c) => {
      const folds: number[] = [];
      for (let f = 0; f < k; f++) for (let t = 0; t < allocation[f][c]; t++) folds.push(f);
      return rng === undefined ? folds : shuffleInPlace(folds, rng);
    });
    const next = new Array<number>(classOf.size).fill(0);
    return Int32Array.from(encoded, (c) => foldsOfClass[c][next[c]++]);
  }
}
