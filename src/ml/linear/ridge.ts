/**
 * Ridge regression, as scikit-learn's `Ridge(solver="cholesky")` (what its "auto" picks for dense x):
 * minimises ||y - Xw||² + alpha ||w||² per target. The normal equations of the centred data come from one
 * pass over x and y (normalEquations.ts); `(xcᵀxc + alpha I) w = xcᵀyc` is then solved by Cholesky on the
 * calling thread, once for all targets when they share alpha, else once per target. When Cholesky fails
 * (alpha = 0 and a singular x), the minimum-norm least-squares solution is taken instead, as
 * scikit-learn falls back to its SVD solver.
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError, LinalgError, ShapeError } from "../../core/errors.ts";
import { linalg } from "../../core/linalg/selectBackend.ts";
import { Matrix } from "../../core/matrix.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { booleanOption, describeValue, readOptions } from "../../core/options.ts";
import { checkInput, checkSaved, fitted, type SavedModel, savedModel } from "../estimator.ts";
import { LinearModel, type LinearState } from "./linearModel.ts";
import { coefAndIntercept, normalEquations, solveEigen, type NormalEquations } from "./normalEquations.ts";

/** Options of `Ridge` (scikit-learn's `alpha`, `fit_intercept`). */
export interface RidgeOptions {
  /** The L2 penalty: a finite number >= 0, or one per target. Default 1. */
  alpha?: number | readonly number[];
  /** Fit an intercept (centre x and y first). Default true. */
  fitIntercept?: boolean;
}

interface SavedOptions {
  alpha: number | number[];
  fitIntercept: boolean;
}

const NAME = "Ridge";

function readAlpha(value: unknown): number | number[] {
  const ok = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;
  if (value === undefined) return 1;
  if (ok(value)) return value;
  if (Array.isArray(value) && value.length > 0 && value.every(ok)) return Array.from(value);
  throw new ArgumentError(
    `${NAME}: alpha must be a finite number >= 0 or a non-empty array of them (one per target) but was ${describeValue(value)}`,
  );
}

/** `(g + alpha I) w = b` by Cholesky, or the minimum-norm solution when g + alpha I is not positive definite. */
function solveShifted(g: Matrix, b: Matrix, alpha: number): Matrix {
  const m = g.rows;
  const a = new Matrix(m, m, Float64Array.from(g.data));
  for (let i = 0; i < m; i++) a.data[i * m + i] += alpha;
  try {
    return linalg().solveSpd(a, b);
  } catch (e) {
    if (!(e instanceof LinalgError)) throw e;
    return solveEigen(a, b).w;
  }
}

/** The m x k solution for every target, with the alpha of each. */
function solveRidge(eq: NormalEquations, alphas: readonly number[]): Matrix {
  const { gram, xty } = eq;
  const m = gram.rows;
  const k = xty.cols;
  if (alphas.every((a) => a === alphas[0])) return solveShifted(gram, xty, alphas[0]);
  const w = new Matrix(m, k, new Float64Array(m * k));
  for (let j = 0; j < k; j++) {
    const column = new Matrix(
      m,
      1,
      Float64Array.from({ length: m }, (_, i) => xty.data[i * k + j]),
    );
    const wj = solveShifted(gram, column, alphas[j]);
    for (let i = 0; i < m; i++) w.data[i * k + j] = wj.data[i];
  }
  return w;
}

/**
 * Linear least squares with an L2 penalty on the coefficients (not on the intercept).
 *
 * @example
 * ```ts
 * const x = ds.array([[0], [1], [2]], { blockSize: [2, 1] });
 * const y = ds.array([[0], [2], [4]], { blockSize: [2, 1] });
 * const model = await new Ridge({ alpha: 2 }).fit(x, y);
 * model.coef.toArray(); // [[1]]: 4 / (2 + 2)
 * model.intercept; // Float64Array [1]
 * ```
 */
export class Ridge extends LinearModel<LinearState> {
  readonly alpha: number | readonly number[];
  readonly fitIntercept: boolean;

  constructor(options: RidgeOptions = {}) {
    super(NAME);
    const o = readOptions(NAME, options, ["alpha", "fitIntercept"]);
    this.alpha = readAlpha(o.alpha);
    this.fitIntercept = booleanOption(NAME, o, "fitIntercept", true);
  }

  /** Fits x (n x features) to y (n x targets). */
  async fit(x: DsArray<Block>, y: DsArray<Block>): Promise<this> {
    const targets = checkInput(NAME, "fit", y).shape[1];
    const alpha = typeof this.alpha === "number" ? [this.alpha] : this.alpha;
    if (alpha.length !== 1 && alpha.length !== targets) {
      throw new ShapeError(
        `${NAME}.fit: alpha has ${alpha.length} values but y has ${targets} targets (give one alpha, or one per target)`,
      );
    }
    const eq = await normalEquations(NAME, x, y, this.fitIntercept);
    const w = solveRidge(
      eq,
      Array.from({ length: targets }, (_, j) => alpha[alpha.length === 1 ? 0 : j]),
    );
    const { coef, intercept } = coefAndIntercept(w, eq);
    this.state = { coef, intercept, targets: w.cols, nFeaturesIn: w.rows };
    return this;
  }

  toJSON(): SavedModel<SavedOptions, LinearState> {
    return savedModel(
      NAME,
      {
        alpha: typeof this.alpha === "number" ? this.alpha : Array.from(this.alpha),
        fitIntercept: this.fitIntercept,
      },
      fitted(NAME, "toJSON", this.state),
    );
  }

  /** A model saved with `toJSON()` (or its JSON text parsed). */
  static fromJSON(json: unknown): Ridge {
    const saved = checkSaved<SavedOptions, LinearState>(NAME, json);
    const model = new Ridge(saved.options);
    model.state = saved.state;
    return model;
  }
}
