/**
 * `ds.datasets`: the real MNIST digits shipped by the `mnist` package and seeded synthetic generators.
 * Every function returns at once with `{ x, y }` DsArrays (`y` is n x 1) whose blocks are already filled.
 */
import { makeBlobs } from "./makeBlobs.ts";
import { makeClassification } from "./makeClassification.ts";
import { makeRegression } from "./makeRegression.ts";
import { mnist } from "./mnist.ts";

export type { MakeBlobsOptions } from "./makeBlobs.ts";
export type { MakeClassificationOptions } from "./makeClassification.ts";
export type { MakeRegressionOptions } from "./makeRegression.ts";
export type { MnistData, MnistOptions } from "./mnist.ts";
export type { Samples } from "./generateSamples.ts";

/**
 * The dataset functions, attached to the package's `ds` namespace as `ds.datasets`.
 *
 * @example
 * ```ts
 * const { x, y } = datasets.makeBlobs({ nSamples: 1000, centers: 4, seed: 1 });
 * const digits = datasets.mnist({ trainSize: 1000, testSize: 500 });
 * ```
 */
export const datasets = { mnist, makeBlobs, makeClassification, makeRegression };
