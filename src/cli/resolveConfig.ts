/**
 * Turns the names in a config into the real objects: `dataset` into training and test DsArrays (MNIST or a
 * synthetic generator), `model` into a `TrainableModel` whose shape is checked against the data, before
 * anything trains.
 */
import { ArgumentError, ShapeError } from "../core/errors.ts";
import type { DsArray } from "../array/dsArray.ts";
import { ds } from "../index.ts";
import { mlp, softmaxRegression, type TrainableModel } from "../fabric/model/index.ts";
import type { JsonObject, JsonValue, TrainConfig } from "./config.ts";
import { describeValue } from "../core/options.ts";

/** Training and test sets. */
export interface TrainTestData {
  x: DsArray;
  y: DsArray;
  xTest: DsArray;
  yTest: DsArray;
}

/** Dataset names a config may give, and what each maps to. */
export const DATASET_NAMES = ["mnist", "blobs", "classification"] as const;
/** Model names a config may give. */
export const MODEL_NAMES = ["mlp", "softmax"] as const;

/** The options of each model besides its name. */
const MODEL_KEYS: Record<(typeof MODEL_NAMES)[number], readonly string[]> = {
  mlp: ["layers", "activation", "l2"],
  softmax: ["inputs", "classes", "l2"],
};

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function named(
  config: TrainConfig,
  key: "dataset" | "model",
  names: readonly string[],
): { name: string; options: JsonObject } {
  const v = config[key];
  const example = key === "dataset" ? '{ "name": "mnist" }' : '{ "name": "mlp", "layers": [784, 64, 10] }';
  if (!isObject(v) || typeof v.name !== "string") {
    throw new ArgumentError(
      `config: ${key} must be an object with a name (one of ${names.join(", ")}), e.g. ${example}, but was ${describeValue(v)}`,
    );
  }
  const { name, ...options } = v;
  if (!names.includes(name)) {
    throw new ArgumentError(
      `config: ${key}.name must be one of ${names.join(", ")} but was ${describeValue(name)}`,
    );
  }
  return { name, options };
}

/**
 * The config's seed: an integer, 0 when absent.
 *
 * @example
 * ```ts
 * configSeed({ seed: 7 }); // 7
 * configSeed({}); // 0
 * configSeed({ seed: 1.5 }); // throws ArgumentError: config: seed must be an integer but was 1.5
 * ```
 */
export function configSeed(config: TrainConfig): number {
  const seed = config.seed ?? 0;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw new ArgumentError(`config: seed must be an integer but was ${describeValue(seed)}`);
  }
  return seed;
}

/**
 * The dataset a config names. `mnist` takes the options of `ds.datasets.mnist`; `blobs` and
 * `classification` take those of `makeBlobs` / `makeClassification` plus `testSize` (default: a fifth of
 * `nSamples`): `nSamples + testSize` rows are drawn from one distribution, the first `nSamples` train and the
 * rest test (the block size is chosen here: one row block for each set). The dataset's seed defaults to the config's `seed`.
 *
 * @example
 * ```ts
 * const data = resolveDataset({ dataset: { name: "blobs", nSamples: 800, nFeatures: 4, centers: 3 }, seed: 1 });
 * data.x.shape; // [800, 4]
 * data.xTest.shape; // [160, 4]
 * ```
 */
export function resolveDataset(config: TrainConfig): TrainTestData {
  const { name, options } = named(config, "dataset", DATASET_NAMES);
  options.seed ??= configSeed(config);
  if (name === "mnist") return ds.datasets.mnist(options);
  const { testSize: rawTest, ...generatorOptions } = options;
  const nSamples = generatorOptions.nSamples ?? 100;
  if (typeof nSamples !== "number" || !Number.isInteger(nSamples) || nSamples < 1) {
    throw new ArgumentError(
      `config: dataset.nSamples must be an integer >= 1 but was ${describeValue(nSamples)}`,
    );
  }
  const testSize = rawTest ?? Math.max(1, Math.floor(nSamples / 5));
  if (typeof testSize !== "number" || !Number.isInteger(testSize) || testSize < 1) {
    throw new ArgumentError(
      `config: dataset.testSize must be an integer >= 1 but was ${describeValue(testSize)}`,
    );
  }
  const make = name === "blobs" ? ds.datasets.makeBlobs : ds.datasets.makeClassification;
  // Rows [0, nSamples) train and [nSamples, end) test. With row blocks of nSamples rows both are whole
  // blocks, so the split is two views (no task). A one-row probe gives the width (it draws the same centres).
  const total = { ...generatorOptions, nSamples: nSamples + testSize };
  const cols = make({ ...total, nSamples: 1, blockSize: undefined }).x.shape[1];
  const blocked = make({ ...total, blockSize: [nSamples, cols] });
  return {
    x: blocked.x.slice([0, nSamples]),
    y: blocked.y.slice([0, nSamples]),
    xTest: blocked.x.slice([nSamples, null]),
    yTest: blocked.y.slice([nSamples, null]),
  };
}

/**
 * The number of classes of the dataset a config names, read from its options (no data is generated):
 * 10 for mnist, the centres of blobs (default 3), `nClasses` of classification (default 2).
 *
 * @example
 * ```ts
 * datasetClasses({ dataset: { name: "blobs", centers: 4 } }); // 4
 * datasetClasses({ dataset: { name: "mnist" } }); // 10
 * ```
 */
export function datasetClasses(config: TrainConfig): number {
  const { name, options } = named(config, "dataset", DATASET_NAMES);
  if (name === "mnist") return 10;
  if (name === "classification") return typeof options.nClasses === "number" ? options.nClasses : 2;
  const centers = options.centers;
  return Array.isArray(centers) ? centers.length : typeof centers === "number" ? centers : 3;
}

/**
 * The model a config names, checked against the data: `mlp` takes `layers` (inputs first, classes last)
 * and `l2`; `softmax` takes `l2` and reads its inputs and classes from the data (or checks them if given).
 *
 * @example
 * ```ts
 * resolveModel({ model: { name: "mlp", layers: [784, 64, 10] } }, { inputs: 784, classes: 10 }).paramCount; // 50890
 * resolveModel({ model: { name: "mlp", layers: [20, 10] } }, { inputs: 784, classes: 10 });
 * // throws ShapeError: config: model.layers[0] is 20 but the dataset has 784 features per sample
 * ```
 */
export function resolveModel(
  config: TrainConfig,
  shape: { inputs: number; classes: number },
): TrainableModel {
  const { name, options } = named(config, "model", MODEL_NAMES);
  const known = MODEL_KEYS[name as (typeof MODEL_NAMES)[number]];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ArgumentError(
        `config: model ${name} has no option "${key}" (its options: name, ${known.join(", ")})`,
      );
    }
  }
  const l2 = options.l2 as number | undefined;
  const model =
    name === "mlp"
      ? mlp({ layers: options.layers as number[], activation: options.activation as "relu" | undefined, l2 })
      : softmaxRegression({
          inputs: (options.inputs as number | undefined) ?? shape.inputs,
          classes: (options.classes as number | undefined) ?? shape.classes,
          l2,
        });
  const first = name === "mlp" ? "model.layers[0]" : "model.inputs";
  const last = name === "mlp" ? "the last of model.layers" : "model.classes";
  if (model.inputs !== shape.inputs) {
    throw new ShapeError(
      `config: ${first} is ${model.inputs} but the dataset has ${shape.inputs} features per sample`,
    );
  }
  if (model.classes < shape.classes) {
    throw new ShapeError(
      `config: ${last} is ${model.classes} but the dataset has ${shape.classes} classes (labels 0..${shape.classes - 1})`,
    );
  }
  return model;
}
