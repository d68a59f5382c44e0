/**
 * What every estimator shares: option checks (the io layer's checkers: unknown keys are rejected), the
 * "fit first" error, the row and column vectors it keeps between fit and predict, and the JSON envelope of
 * a saved model.
 */
import { ArgumentError, NotFittedError } from "../core/errors.ts";
import type { Block } from "../core/block.ts";
import type { Matrix } from "../core/matrix.ts";
import { ds } from "../array/ds.ts";
import { DsArray } from "../array/dsArray.ts";

/** A saved model: the estimator's name, its options and its fitted attributes, all plain JSON. */
export interface SavedModel<O, S> {
  estimator: string;
  version: 1;
  options: O;
  state: S;
}

/** The fitted state, or a `NotFittedError` saying to call fit first. */
export function fitted<S>(name: string, method: string, state: S | undefined): S {
  if (state === undefined) {
    throw new NotFittedError(`${name}.${method}: this ${name} is not fitted yet; call await fit(x) first`);
  }
  return state;
}

/** Checks that `x` is a DsArray with `features` columns (when given), naming the method. */
export function checkInput(name: string, method: string, x: unknown, features?: number): DsArray<Block> {
  if (!(x instanceof DsArray)) {
    throw new ArgumentError(
      `${name}.${method}: x must be a DsArray but was ${x === null ? "null" : typeof x}`,
    );
  }
  if (features !== undefined && x.shape[1] !== features) {
    throw new ArgumentError(
      `${name}.${method}: x has ${x.shape[1]} features but the ${name} was fitted with ${features}`,
    );
  }
  return x as DsArray<Block>;
}

/** A 1 x values.length row as a DsArray blocked like the columns of `like` (for broadcasting against it). */
export function rowLike(values: ArrayLike<number>, like: DsArray<Block>): DsArray {
  return ds.array([Array.from(values)], { blockSize: [1, Math.min(like.blockSize[1], values.length) || 1] });
}

/** The values of a 1 x m or m x 1 gathered result. */
export function vectorOf(m: Matrix): Float64Array {
  return Float64Array.from(m.data);
}

/** The version of the saved-model envelope that `savedModel` writes and `checkSaved` accepts. */
const SAVED_VERSION = 1;

/**
 * A model's `toJSON()`: its options and fitted state in the envelope `checkSaved` reads back.
 *
 * @example
 * ```ts
 * savedModel("PCA", { nComponents: 2 }, state); // { estimator: "PCA", version: 1, options, state }
 * ```
 */
export function savedModel<O, S>(name: string, options: O, state: S): SavedModel<O, S> {
  return { estimator: name, version: SAVED_VERSION, options, state };
}

/** Checks a saved model's envelope: the estimator's name and the version. */
export function checkSaved<O, S>(name: string, json: unknown): SavedModel<O, S> {
  const saved = json as Partial<SavedModel<O, S>> | null;
  if (
    saved === null ||
    typeof saved !== "object" ||
    saved.estimator !== name ||
    saved.version !== SAVED_VERSION
  ) {
    throw new ArgumentError(
      `${name}.fromJSON: expected a saved ${name} (from toJSON()), got ${JSON.stringify(json)?.slice(0, 80)}`,
    );
  }
  return saved as SavedModel<O, S>;
}

/**
 * What model selection needs of an estimator (LinearRegression, KMeans, LogisticRegression, ... satisfy
 * it): `fit` resolves to the estimator itself, `score` to one number where higher is better (R² for a
 * regressor, accuracy for a classifier, minus the inertia for KMeans). Unsupervised estimators ignore `y`.
 */
export interface Estimator {
  fit(x: DsArray<Block>, y?: DsArray<Block>): Promise<this>;
  score(x: DsArray<Block>, y?: DsArray<Block>): Promise<number>;
  /**
   * "classifier" for estimators that predict class labels (scikit-learn's `_estimator_type`): GridSearchCV
   * then splits a fold count with StratifiedKFold, as scikit-learn's `check_cv` does.
   */
  readonly estimatorType?: "classifier";
}
