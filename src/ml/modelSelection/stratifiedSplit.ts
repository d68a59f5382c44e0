/**
 * The stratified split of scikit-learn's `StratifiedShuffleSplit` (what `train_test_split(stratify=y)`
 * uses): each class gets its share of the train set and then of the test set by scikit-learn's
 * `_approximate_mode` (the floor of each class's proportional share, then one more row to the classes of
 * largest remainder, ties broken at random), and its rows are drawn at random within the class. Only the
 * labels (n numbers) are on the main thread; the caller moves the rows with block tasks.
 */
import { ArgumentError } from "../../core/errors.ts";
import { distinctIndices, type SeededUniform } from "../cluster/kMeansInit.ts";

/** Rows per class out of `draws`, in proportion to `counts` (scikit-learn's `_approximate_mode`). */
export function approximateMode(counts: readonly number[], draws: number, rng: SeededUniform): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * draws);
  const floored = continuous.map(Math.floor);
  let needed = draws - floored.reduce((a, b) => a + b, 0);
  const remainders = continuous.map((c, i) => c - floored[i]);
  const values = [...new Set(remainders)].sort((a, b) => b - a);
  for (const value of values) {
    if (needed <= 0) break;
    const tied = remainders.flatMap((r, i) => (r === value ? [i] : []));
    const now = Math.min(tied.length, needed);
    for (const k of distinctIndices(tied.length, now, rng)) floored[tied[k]]++;
    needed -= now;
  }
  return floored;
}

/**
 * The train and test rows of a stratified split of `labels` into nTrain and nTest rows, each in random
 * order. Throws when a class has a single row, or when either set has fewer rows than there are classes
 * (scikit-learn's conditions).
 */
export function stratifiedIndices(
  op: string,
  labels: ArrayLike<number>,
  nTrain: number,
  nTest: number,
  rng: SeededUniform,
): { train: Int32Array; test: Int32Array } {
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(labels[i])) throw new ArgumentError(`${op}: stratify has NaN at row ${i}`);
  }
  const classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  const classOf = new Map(classes.map((c, k) => [c, k]));
  const members: number[][] = classes.map(() => []);
  for (let i = 0; i < n; i++) members[classOf.get(labels[i])!].push(i);
  const counts = members.map((m) => m.length);
  const smallest = Math.min(...counts);
  if (smallest < 2) {
    throw new ArgumentError(
      `${op}: the least populated class in stratify (${classes[counts.indexOf(smallest)]}) has only 1 row; every class needs at least 2`,
    );
  }
  for (const [name, size] of [
    ["train", nTrain],
    ["test", nTest],
  ] as const) {
    if (size < classes.length) {
      throw new ArgumentError(
        `${op}: the ${name} set has ${size} rows but stratify has ${classes.length} classes (need at least one row per class)`,
      );
    }
  }
  const trainPer = approximateMode(counts, nTrain, rng);
  const testPer = approximateMode(
    counts.map((c, k) => c - trainPer[k]),
    nTest,
    rng,
  );
  const train: number[] = [];
  const test: number[] = [];
  members.forEach((rows, k) => {
    const order = distinctIndices(rows.length, rows.length, rng);
    for (let t = 0; t < trainPer[k]; t++) train.push(rows[order[t]]);
    for (let t = trainPer[k]; t < trainPer[k] + testPer[k]; t++) test.push(rows[order[t]]);
  });
  const mixed = (rows: number[]) =>
    Int32Array.from(distinctIndices(rows.length, rows.length, rng), (k) => rows[k]);
  return { train: mixed(train), test: mixed(test) };
}
