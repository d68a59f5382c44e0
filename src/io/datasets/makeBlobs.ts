import { ArgumentError } from "../../core/errors.ts";
import { Matrix } from "../../core/matrix.ts";
import type { Shape } from "../../array/blockGrid.ts";
import { CounterRandom } from "./counterRandom.ts";
import { generateSamples, type Samples } from "./generateSamples.ts";
import {
  describeValue,
  intOption,
  numberOption,
  type RawOptions,
  readOptions,
  seedOption,
} from "../../core/options.ts";
import { blockSizeOption } from "../options.ts";
import { classOfRank, Permutation } from "./permutation.ts";

/** Options of `makeBlobs`; every field is optional. */
export interface MakeBlobsOptions {
  /** Number of samples (default 100). */
  nSamples?: number;
  /** Number of features (default 2; ignored in favour of the centres' width when `centers` is a list). */
  nFeatures?: number;
  /** Number of clusters drawn uniformly in `centerBox` (default 3), or the centres themselves. */
  centers?: number | readonly (readonly number[])[];
  /** Standard deviation of every cluster, or one per cluster (default 1). */
  clusterStd?: number | readonly number[];
  /** Range of the random centres' coordinates (default [-10, 10]). */
  centerBox?: readonly [number, number];
  /** Seed (default 0): the same seed gives the same data whatever the block size. */
  seed?: number;
  /** Block size of `x` (default: whole rows, about 4 MiB per block); `y` gets `[blockSize[0], 1]`. */
  blockSize?: readonly [number, number];
}

const KNOWN = ["nSamples", "nFeatures", "centers", "clusterStd", "centerBox", "seed", "blockSize"];
const STREAM_CENTERS = 1;
const STREAM_SAMPLES = 2;

/**
 * Isotropic Gaussian blobs for clustering and classification, like scikit-learn's `make_blobs`: the
 * samples are split as evenly as possible between the clusters (the first `nSamples % k` clusters get one
 * more), rows come out in a seeded random order, `y` holds the cluster index 0..k-1 and `centers` the
 * cluster centres. Generated on the main thread, block by block (see `generateSamples`).
 *
 * Differences from scikit-learn: the random numbers differ (seeded counter-based streams, independent of
 * the block size), and `nSamples` is a single number (not a per-cluster list).
 *
 * @example
 * ```ts
 * const { x, y, centers } = ds.datasets.makeBlobs({ nSamples: 300, nFeatures: 2, centers: 3, seed: 1 });
 * x.shape; // [300, 2]
 * y.shape; // [300, 1]
 * centers.rows; // 3
 * ```
 */
export function makeBlobs(options?: MakeBlobsOptions): Samples & { centers: Matrix } {
  const op = "ds.datasets.makeBlobs";
  const o = readOptions(op, options, KNOWN);
  const nSamples = intOption(op, o, "nSamples", 100, 1);
  const seed = seedOption(op, o);
  const centers = blobCenters(op, o, seed);
  const k = centers.rows;
  const nFeatures = centers.cols;
  const std = clusterStds(op, o, k);
  const blockSize: Shape = blockSizeOption(op, o, nSamples, nFeatures);
  const order = new Permutation(nSamples, seed);
  const random = new CounterRandom(seed, STREAM_SAMPLES, nFeatures);
  const samples = generateSamples(nSamples, nFeatures, blockSize, (row, out, at) => {
    const label = classOfRank(order.at(row), nSamples, k);
    random.startRow(row);
    for (let j = 0; j < nFeatures; j++)
      out[at + j] = centers.data[label * nFeatures + j] + std[label] * random.normal();
    return label;
  });
  return { ...samples, centers };
}

/** The centres: given as a list, or `centers` (default 3) drawn uniformly in `centerBox`. */
function blobCenters(op: string, o: RawOptions, seed: number): Matrix {
  if (Array.isArray(o.centers)) {
    const list = o.centers as readonly unknown[];
    if (list.length === 0) throw new ArgumentError(`${op}: centers must not be an empty list`);
    const width = Array.isArray(list[0]) ? (list[0] as unknown[]).length : -1;
    list.forEach((c, i) => {
      if (
        !Array.isArray(c) ||
        c.length !== width ||
        width < 1 ||
        !c.every((v) => typeof v === "number" && Number.isFinite(v))
      ) {
        throw new ArgumentError(
          `${op}: centers[${i}] must be a list of ${width < 1 ? "at least one" : width} finite numbers (like centers[0]) but was ${describeValue(c)}`,
        );
      }
    });
    if (o.nFeatures !== undefined && o.nFeatures !== width) {
      throw new ArgumentError(
        `${op}: nFeatures is ${JSON.stringify(o.nFeatures)} but the centres have ${width} coordinates`,
      );
    }
    return Matrix.fromArray(list as number[][]);
  }
  const k = intOption(op, o, "centers", 3, 1);
  const nFeatures = intOption(op, o, "nFeatures", 2, 1);
  const box = o.centerBox ?? [-10, 10];
  if (
    !Array.isArray(box) ||
    box.length !== 2 ||
    !box.every((v) => typeof v === "number" && Number.isFinite(v)) ||
    !(box[0] <= box[1])
  ) {
    throw new ArgumentError(
      `${op}: centerBox must be [low, high] with low <= high but was ${describeValue(box)}`,
    );
  }
  const [low, high] = box as [number, number];
  const centers = Matrix.zeros(k, nFeatures);
  const random = new CounterRandom(seed, STREAM_CENTERS, nFeatures);
  for (let c = 0; c < k; c++) {
    random.startRow(c);
    for (let j = 0; j < nFeatures; j++)
      centers.data[c * nFeatures + j] = low + (high - low) * random.uniform();
  }
  return centers;
}

/** One standard deviation per cluster. */
function clusterStds(op: string, o: RawOptions, k: number): Float64Array {
  if (Array.isArray(o.clusterStd)) {
    const list = o.clusterStd as readonly unknown[];
    if (list.length !== k || !list.every((v) => typeof v === "number" && Number.isFinite(v) && v >= 0)) {
      throw new ArgumentError(
        `${op}: clusterStd must be a number or a list of ${k} finite numbers >= 0 (one per centre) but was ${describeValue(list)}`,
      );
    }
    return Float64Array.from(list as number[]);
  }
  return new Float64Array(k).fill(numberOption(op, o, "clusterStd", 1, 0));
}
