import { ArgumentError } from "../../core/errors.ts";
import { CounterRandom } from "./counterRandom.ts";
import { generateSamples, type Samples } from "./generateSamples.ts";
import { intOption, numberOption, readOptions, seedOption } from "../../core/options.ts";
import { blockSizeOption } from "../options.ts";
import { classOfRank, Permutation } from "./permutation.ts";

/** Options of `makeClassification`; every field is optional. */
export interface MakeClassificationOptions {
  /** Number of samples (default 100). */
  nSamples?: number;
  /** Total number of features: `nInformative` informative ones first, then noise (default 20). */
  nFeatures?: number;
  /** Number of informative features (default 2); `nClasses` must be at most 2^nInformative. */
  nInformative?: number;
  /** Number of classes (default 2). */
  nClasses?: number;
  /** Half the side of the hypercube whose vertices are the class centres (default 1): larger is easier. */
  classSep?: number;
  /** Seed (default 0): the same seed gives the same data whatever the block size. */
  seed?: number;
  /** Block size of `x` (default: whole rows, about 4 MiB per block); `y` gets `[blockSize[0], 1]`. */
  blockSize?: readonly [number, number];
}

const KNOWN = ["nSamples", "nFeatures", "nInformative", "nClasses", "classSep", "seed", "blockSize"];
const STREAM_VERTICES = 3;
/** Vertex numbers are permuted over at most 2^30 vertices; more classes than that are refused. */
const PERMUTED_DIMS_MAX = 30;
const STREAM_SAMPLES = 4;
/** First of the four streams of the vertex permutation (the sample permutation uses 100..103). */
const STREAM_VERTEX_ORDER = 200;

/**
 * A random n-class classification problem, a simplified form of scikit-learn's `make_classification`:
 * each class is one Gaussian cluster (unit variance) centred on a distinct random vertex of the hypercube
 * [-classSep, classSep]^nInformative in the first `nInformative` features; the other
 * `nFeatures - nInformative` features are standard-normal noise. Classes are as even as possible and rows
 * come out in a seeded random order; `y` holds the class 0..nClasses-1. Generated on the main thread, block
 * by block (see `generateSamples`).
 *
 * Differences from scikit-learn: one cluster per class (`n_clusters_per_class=1`), no random covariance
 * per cluster, no redundant or repeated features, no label noise (`flip_y=0`), no shift or scale, and the
 * informative features are always the first columns (no column shuffle).
 *
 * @example
 * ```ts
 * const { x, y } = ds.datasets.makeClassification({ nSamples: 1000, nFeatures: 20, nInformative: 5, nClasses: 4, seed: 3 });
 * x.shape; // [1000, 20]
 * await y.max(); // 3
 * ```
 */
export function makeClassification(options?: MakeClassificationOptions): Samples {
  const op = "ds.datasets.makeClassification";
  const o = readOptions(op, options, KNOWN);
  const nSamples = intOption(op, o, "nSamples", 100, 1);
  const nFeatures = intOption(op, o, "nFeatures", 20, 1);
  const nInformative = intOption(op, o, "nInformative", Math.min(2, nFeatures), 1);
  if (nInformative > nFeatures) {
    throw new ArgumentError(`${op}: nInformative (${nInformative}) must be at most nFeatures (${nFeatures})`);
  }
  const nClasses = intOption(op, o, "nClasses", 2, 2, 2 ** PERMUTED_DIMS_MAX);
  if (nInformative < PERMUTED_DIMS_MAX && nClasses > 2 ** nInformative) {
    throw new ArgumentError(
      `${op}: nClasses (${nClasses}) must be at most 2^nInformative = ${2 ** nInformative} (one hypercube vertex per class); raise nInformative`,
    );
  }
  const classSep = numberOption(op, o, "classSep", 1, 0);
  const seed = seedOption(op, o);
  const blockSize = blockSizeOption(op, o, nSamples, nFeatures);
  const vertices = hypercubeVertices(nClasses, nInformative, seed);
  const order = new Permutation(nSamples, seed);
  const random = new CounterRandom(seed, STREAM_SAMPLES, nFeatures);
  return generateSamples(nSamples, nFeatures, blockSize, (row, out, at) => {
    const label = classOfRank(order.at(row), nSamples, nClasses);
    random.startRow(row);
    for (let j = 0; j < nFeatures; j++) {
      const centre = j < nInformative ? classSep * vertices[label * nInformative + j] : 0;
      out[at + j] = centre + random.normal();
    }
    return label;
  });
}

/**
 * `count` distinct random vertices of {-1, 1}^dims, row-major: the first (up to 30) coordinates are the
 * bits of a seeded permutation of the vertex numbers (so vertices never repeat), further coordinates are
 * random signs.
 */
function hypercubeVertices(count: number, dims: number, seed: number): Float64Array {
  const out = new Float64Array(count * dims);
  const permutedDims = Math.min(dims, PERMUTED_DIMS_MAX);
  const order = new Permutation(2 ** permutedDims, seed, STREAM_VERTEX_ORDER);
  const random = new CounterRandom(seed, STREAM_VERTICES, dims);
  for (let c = 0; c < count; c++) {
    const vertex = order.at(c);
    random.startRow(c);
    for (let j = 0; j < dims; j++) {
      const positive = j < permutedDims ? ((vertex >>> j) & 1) === 1 : random.uniform() < 0.5;
      out[c * dims + j] = positive ? 1 : -1;
    }
  }
  return out;
}
