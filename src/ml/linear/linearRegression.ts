/**
 * Ordinary least squares, as scikit-learn's LinearRegression: the normal equations of the centred data
 * (xcᵀxc, xcᵀyc and the means) in one pass over x and y (normalEquations.ts), then a small dense solve on
 * the calling thread from the Gram matrix's eigen-decomposition. When that shows x ill-conditioned
 * (condition number above 1e4) or rank-deficient, the solution comes from a QR of the centred x and y
 * instead (qrLeastSquares.ts: one more pass, scikit-learn's digits, the minimum-norm solution when
 * rank-deficient, as `lstsq` gives).
 */
import type { Block } from "../../core/block.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { booleanOption, readOptions } from "../../core/options.ts";
import { checkSaved, fitted, type SavedModel, savedModel } from "../estimator.ts";
import { LinearModel, type LinearState } from "./linearModel.ts";
import { coefAndIntercept, normalEquations, solveEigen } from "./normalEquations.ts";
import { CONDITION_FOR_QR, conditionOfGram, leastSquaresByQr } from "./qrLeastSquares.ts";

/** Options of `LinearRegression` (scikit-learn's `fit_intercept`). */
export interface LinearRegressionOptions {
  /** Fit an intercept (centre x and y first). Default true. */
  fitIntercept?: boolean;
}

interface LinearRegressionState extends LinearState {
  rank: number;
}

const NAME = "LinearRegression";

/**
 * Least-squares linear regression.
 *
 * @example
 * ```ts
 * const x = ds.array([[0], [1], [2]], { blockSize: [2, 1] });
 * const y = ds.array([[1], [3], [5]], { blockSize: [2, 1] });
 * const model = await new LinearRegression().fit(x, y);
 * model.coef.toArray(); // [[2]]
 * model.intercept; // Float64Array [1]
 * ```
 */
export class LinearRegression extends LinearModel<LinearRegressionState> {
  readonly fitIntercept: boolean;

  constructor(options: LinearRegressionOptions = {}) {
    super(NAME);
    const o = readOptions(NAME, options, ["fitIntercept"]);
    this.fitIntercept = booleanOption(NAME, o, "fitIntercept", true);
  }

  /** The rank of x (after centring), as scikit-learn's `rank_`. */
  get rank(): number {
    return fitted(NAME, "rank", this.state).rank;
  }

  /** Fits x (n x features) to y (n x targets). */
  async fit(x: DsArray<Block>, y: DsArray<Block>): Promise<this> {
    const eq = await normalEquations(NAME, x, y, this.fitIntercept);
    const normal = solveEigen(eq.gram, eq.xty);
    // Past CONDITION_FOR_QR the normal equations have lost too many digits: solve from x itself.
    const { w, rank } =
      conditionOfGram(normal.eigenvalues) > CONDITION_FOR_QR ? await leastSquaresByQr(x, y, eq) : normal;
    const { coef, intercept } = coefAndIntercept(w, eq);
    this.state = { coef, intercept, targets: w.cols, nFeaturesIn: w.rows, rank };
    return this;
  }

  toJSON(): SavedModel<LinearRegressionOptions, LinearRegressionState> {
    return savedModel(NAME, { fitIntercept: this.fitIntercept }, fitted(NAME, "toJSON", this.state));
  }

  /** A model saved with `toJSON()` (or its JSON text parsed). */
  static fromJSON(json: unknown): LinearRegression {
    const saved = checkSaved<LinearRegressionOptions, LinearRegressionState>(NAME, json);
    const model = new LinearRegression(saved.options);
    model.state = saved.state;
    return model;
  }
}
