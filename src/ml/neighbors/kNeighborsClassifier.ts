/**
 * KNeighborsClassifier, as scikit-learn's with `algorithm="brute"` and the Euclidean metric: the neighbours
 * come from NearestNeighbors' tasks, then one vote task per query strip reads their distances, indices and
 * the class number of every fitted row (one n x 1 block made at fit).
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError, ShapeError } from "../../core/errors.ts";
import { Matrix } from "../../core/matrix.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { rechunkTo } from "../../array/rechunk.ts";
import { describeValue, intOption, readOptions } from "../../core/options.ts";
import { BlockRef } from "../../runtime/blockRef.ts";
import { checkInput, checkSaved, fitted, type SavedModel, savedModel } from "../estimator.ts";
import { labelCounts } from "../linear/logisticTasks.ts";
import { FittedRows, type NeighborsState } from "./nearestNeighbors.ts";
import { voteOf } from "./neighborsTasks.ts";

/** Options of `KNeighborsClassifier` (scikit-learn's `n_neighbors`, `weights`). */
export interface KNeighborsClassifierOptions {
  /** Neighbours that vote. Default 5. */
  nNeighbors?: number;
  /** `"uniform"` (default: one vote each) or `"distance"` (weight 1 / distance; exact matches outvote all). */
  weights?: "uniform" | "distance";
}

interface SavedOptions {
  nNeighbors: number;
  weights: "uniform" | "distance";
}

interface ClassifierState extends NeighborsState {
  /** The label of every fitted row. */
  y: number[];
}

const NAME = "KNeighborsClassifier";

interface Fitted {
  rows: FittedRows;
  y: number[];
  classes: number[];
  /** Class number of every fitted row, n x 1. */
  codes: BlockRef;
}

function withLabels(rows: FittedRows, y: number[]): Fitted {
  const classes = [...new Set(y)].sort((a, b) => a - b);
  const number = new Map(classes.map((c, i) => [c, i]));
  const codes = Matrix.zeros(y.length, 1);
  y.forEach((label, i) => (codes.data[i] = number.get(label) as number));
  return { rows, y, classes, codes: BlockRef.of(codes) };
}

/**
 * Classification by a vote of the k nearest training rows (Euclidean, brute force). Labels are any finite
 * numbers; predict gives the label of largest vote (ties to the smallest label, as scikit-learn). A sparse
 * x is made dense. Saved models (toJSON) hold the training rows and labels.
 *
 * @example
 * ```ts
 * const x = ds.array([[0], [1], [2], [10], [11]], { blockSize: [2, 1] });
 * const y = ds.array([[3], [3], [3], [7], [7]], { blockSize: [2, 1] });
 * const knn = await new KNeighborsClassifier({ nNeighbors: 3 }).fit(x, y);
 * await knn.predict(ds.array([[1.5], [9]], { blockSize: [1, 1] })).toArray(); // [[3], [7]]
 * ```
 */
export class KNeighborsClassifier {
  /** Predicts class labels (GridSearchCV stratifies its folds). */
  readonly estimatorType = "classifier";
  readonly nNeighbors: number;
  readonly weights: "uniform" | "distance";
  private state: Fitted | undefined;

  constructor(options: KNeighborsClassifierOptions = {}) {
    const o = readOptions(NAME, options, ["nNeighbors", "weights"]);
    this.nNeighbors = intOption(NAME, o, "nNeighbors", 5, 1);
    const weights = o.weights ?? "uniform";
    if (weights !== "uniform" && weights !== "distance") {
      throw new ArgumentError(
        `${NAME}: weights must be "uniform" or "distance" but was ${describeValue(o.weights)}`,
      );
    }
    this.weights = weights;
  }

  /** The labels' sorted distinct values. */
  get classes(): Float64Array {
    return Float64Array.from(fitted(NAME, "classes", this.state).classes);
  }

  get nFeaturesIn(): number {
    return fitted(NAME, "nFeaturesIn", this.state).rows.nFeaturesIn;
  }

  /** Keeps x (n x features, made dense) and its labels y (n x 1, finite numbers). */
  async fit(x: DsArray<Block>, y: DsArray<Block>): Promise<this> {
    const target = checkInput(NAME, "fit", y);
    checkInput(NAME, "fit", x);
    if (target.shape[0] !== x.shape[0] || target.shape[1] !== 1) {
      throw new ShapeError(
        `${NAME}.fit: y must be ${x.shape[0]} x 1 (one label per row of x) but has shape [${target.shape.join(", ")}]`,
      );
    }
    const yDense = (target.sparse ? target.toDense() : target) as DsArray;
    const { nonFinite } = await labelCounts(`${NAME}.fit`, yDense);
    if (nonFinite > 0) {
      throw new ArgumentError(
        `${NAME}.fit: y has ${nonFinite} labels that are not finite (NaN or ±Infinity)`,
      );
    }
    const labels = Array.from((await yDense.collect()).data);
    const rows = await FittedRows.of(NAME, x);
    this.state?.rows.release();
    this.state = withLabels(rows, labels);
    return this;
  }

  private vote(method: string, x: DsArray<Block>, output: "proba" | "label"): DsArray {
    const s = fitted(NAME, method, this.state);
    const neighbors = s.rows.neighbors(NAME, method, checkInput(NAME, method, x), this.nNeighbors);
    return voteOf(`${NAME}.${method}`, neighbors, s.codes, s.classes, this.weights, output);
  }

  /** The label of largest vote for every row of x (ties to the smallest label): n x 1. */
  predict(x: DsArray<Block>): DsArray {
    return this.vote("predict", x, "label");
  }

  /** Each class's share of the vote (columns in the order of `classes`; rows sum to 1): n x classes. */
  predictProba(x: DsArray<Block>): DsArray {
    return this.vote("predictProba", x, "proba");
  }

  /** The fraction of rows whose predicted label equals y's (accuracy). */
  async score(x: DsArray<Block>, y: DsArray<Block>): Promise<number> {
    const target = checkInput(NAME, "score", y);
    if (target.shape[0] !== x.shape[0] || target.shape[1] !== 1) {
      throw new ShapeError(
        `${NAME}.score: y must be ${x.shape[0]} x 1 but has shape [${target.shape.join(", ")}]`,
      );
    }
    const predicted = this.predict(x);
    const truth = rechunkTo(
      (target.sparse ? target.toDense() : target) as DsArray,
      predicted.grid.rowChunks,
      [1],
    );
    const [p, t] = await Promise.all([predicted.collect(), truth.collect()]);
    let hits = 0;
    for (let i = 0; i < p.data.length; i++) if (p.data[i] === t.data[i]) hits++;
    return hits / p.data.length;
  }

  toJSON(): SavedModel<SavedOptions, ClassifierState> {
    const s = fitted(NAME, "toJSON", this.state);
    return savedModel(
      NAME,
      { nNeighbors: this.nNeighbors, weights: this.weights },
      { ...s.rows.state(NAME), y: s.y },
    );
  }

  /** A model saved with `toJSON()` (or its JSON text parsed). */
  static fromJSON(json: unknown): KNeighborsClassifier {
    const saved = checkSaved<SavedOptions, ClassifierState>(NAME, json);
    const model = new KNeighborsClassifier(saved.options);
    const rows = FittedRows.fromState(NAME, saved.state);
    const y = saved.state.y;
    if (!Array.isArray(y) || y.length !== rows.nSamplesFit || !y.every(Number.isFinite)) {
      throw new ArgumentError(
        `${NAME}.fromJSON: the saved labels y must be ${rows.nSamplesFit} finite numbers`,
      );
    }
    model.state = withLabels(rows, y);
    return model;
  }
}
