import { ArgumentError } from "../../core/errors.ts";
import { Matrix } from "../../core/matrix.ts";
import { CounterRandom } from "./counterRandom.ts";
import { generateSamples, type Samples } from "./generateSamples.ts";
import { intOption, numberOption, readOptions, seedOption } from "../../core/options.ts";
import { blockSizeOption } from "../options.ts";

/** Options of `makeRegression`; every field is optional. */
export interface MakeRegressionOptions {
  /** Number of samples (default 100). */
  nSamples?: number;
  /** Number of features (default 100). */
  nFeatures?: number;
  /** Number of features with a non-zero coefficient: the first `nInformative` (default min(10, nFeatures)). */
  nInformative?: number;
  /** Standard deviation of the Gaussian noise added to `y` (default 0). */
  noise?: number;
  /** Constant added to every target (default 0). */
  bias?: number;
  /** Seed (default 0): the same seed gives the same data whatever the block size. */
  seed?: number;
  /** Block size of `x` (default: whole rows, about 4 MiB per block); `y` gets `[blockSize[0], 1]`. */
  blockSize?: readonly [number, number];
}

const KNOWN = ["nSamples", "nFeatures", "nInformative", "noise", "bias", "seed", "blockSize"];
const STREAM_COEF = 5;
const STREAM_SAMPLES = 6;

/**
 * A random linear regression problem, like scikit-learn's `make_regression`: `x` is standard normal,
 * `coef` (nFeatures x 1, a local `Matrix`) has its first `nInformative` entries uniform in [0, 100) and the
 * rest zero, and `y = x coef + bias + noise * N(0, 1)`. Generated on the main thread, block by block (see
 * `generateSamples`).
 *
 * Differences from scikit-learn: the informative features are always the first columns (no column
 * shuffle), one target only, no `effective_rank` / `tail_strength` (the features are independent), and the
 * random numbers differ (seeded counter-based streams, independent of the block size).
 *
 * @example
 * ```ts
 * const { x, y, coef } = ds.datasets.makeRegression({ nSamples: 200, nFeatures: 5, nInformative: 2, noise: 0.1, seed: 4 });
 * x.shape; // [200, 5]
 * coef.get(4, 0); // 0
 * ```
 */
export function makeRegression(options?: MakeRegressionOptions): Samples & { coef: Matrix } {
  const op = "ds.datasets.makeRegression";
  const o = readOptions(op, options, KNOWN);
  const nSamples = intOption(op, o, "nSamples", 100, 1);
  const nFeatures = intOption(op, o, "nFeatures", 100, 1);
  const nInformative = intOption(op, o, "nInformative", Math.min(10, nFeatures), 0);
  if (nInformative > nFeatures) {
    throw new ArgumentError(`${op}: nInformative (${nInformative}) must be at most nFeatures (${nFeatures})`);
  }
  const noise = numberOption(op, o, "noise", 0, 0);
  const bias = numberOption(op, o, "bias", 0, -Number.MAX_VALUE);
  const seed = seedOption(op, o);
  const blockSize = blockSizeOption(op, o, nSamples, nFeatures);
  const coef = Matrix.zeros(nFeatures, 1);
  const coefRandom = new CounterRandom(seed, STREAM_COEF, nInformative);
  coefRandom.startRow(0);
  for (let j = 0; j < nInformative; j++) coef.data[j] = 100 * coefRandom.uniform();
  const random = new CounterRandom(seed, STREAM_SAMPLES, nFeatures + 1);
  const samples = generateSamples(nSamples, nFeatures, blockSize, (row, out, at) => {
    random.startRow(row);
    let target = bias;
    for (let j = 0; j < nFeatures; j++) {
      const v = random.normal();
      out[at + j] = v;
      target += v * coef.data[j];
    }
    return noise === 0 ? target : target + noise * random.normal();
  });
  return { ...samples, coef };
}
