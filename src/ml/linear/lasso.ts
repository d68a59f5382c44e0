/**
 * The Lasso, as scikit-learn's `Lasso(precompute=True)`: minimises (1/(2n)) ||y - Xw||² + alpha ||w||₁ per
 * target, by coordinate descent on the Gram matrix of the centred data after one pass over x and y
 * (coordinateDescentModel.ts says why not ADMM).
 */
import { readOptions } from "../../core/options.ts";
import { checkSaved, fitted, type SavedModel, savedModel } from "../estimator.ts";
import {
  CoordinateDescentModel,
  SHARED_OPTIONS,
  type CoordinateDescentModelOptions,
  type CoordinateDescentState,
  type SavedCoordinateDescentOptions,
} from "./coordinateDescentModel.ts";

/** Options of `Lasso` (scikit-learn's `alpha`, `fit_intercept`, `max_iter`, `tol`, `positive`, `selection`). */
export type LassoOptions = CoordinateDescentModelOptions;

const NAME = "Lasso";

/**
 * Linear regression with an L1 penalty on the coefficients: a sparse solution for a large enough alpha
 * (all zeros from alpha_max = max |xcᵀyc| / n up).
 *
 * @example
 * ```ts
 * const x = ds.array([[0, 1], [1, 1], [2, 0], [3, 0]], { blockSize: [2, 2] });
 * const y = ds.array([[0], [2], [4], [6]], { blockSize: [2, 1] });
 * const model = await new Lasso({ alpha: 0.1 }).fit(x, y);
 * model.coef.toArray(); // [[1.92, 0]]: the second column is dropped
 * model.dualGap; // Float64Array [~0]
 * ```
 */
export class Lasso extends CoordinateDescentModel {
  constructor(options: LassoOptions = {}) {
    super(NAME, readOptions(NAME, options, SHARED_OPTIONS), 1);
  }

  toJSON(): SavedModel<SavedCoordinateDescentOptions, CoordinateDescentState> {
    return savedModel(NAME, this.savedOptions(), fitted(NAME, "toJSON", this.state));
  }

  /** A model saved with `toJSON()` (or its JSON text parsed). */
  static fromJSON(json: unknown): Lasso {
    const saved = checkSaved<LassoOptions, CoordinateDescentState>(NAME, json);
    const model = new Lasso(saved.options);
    model.state = saved.state;
    return model;
  }
}
