/**
 * What ElasticNet and Lasso share: their options, and a fit that forms the normal equations of the
 * centred data in one distributed pass (normalEquations.ts) and then runs scikit-learn's coordinate descent
 * on the Gram form (coordinateDescent.ts) on the calling thread, once per target, from zero coefficients.
 *
 * Why not ADMM, as dislib's Lasso: ADMM needs many iterations to reach scikit-learn's answer to a tight
 * tolerance (its convergence is linear at best and depends on a step parameter rho), and each iteration
 * would cost a distributed pass or, on the Gram form, an m x m solve. Coordinate descent on the Gram form
 * reads the data once, costs O(m²) per epoch on the calling thread, follows scikit-learn's iterates and
 * duality-gap stopping rule step for step, and so gives its coefficients, nIter and dualGap.
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError, LinalgError } from "../../core/errors.ts";
import { Matrix } from "../../core/matrix.ts";
import type { DsArray } from "../../array/dsArray.ts";
import {
  booleanOption,
  describeValue,
  intOption,
  numberOption,
  type RawOptions,
} from "../../core/options.ts";
import { fitted } from "../estimator.ts";
import { coordinateDescentGram } from "./coordinateDescent.ts";
import { LinearModel, type LinearState } from "./linearModel.ts";
import { coefAndIntercept, normalEquations } from "./normalEquations.ts";

/** The options ElasticNet and Lasso share (scikit-learn's names in camelCase). */
export interface CoordinateDescentModelOptions {
  /** The penalty's overall weight: a finite number >= 0. Default 1. */
  alpha?: number;
  /** Fit an intercept (centre x and y first). Default true. */
  fitIntercept?: boolean;
  /** Most epochs (passes over the coordinates) per target. Default 1000. */
  maxIter?: number;
  /** Stop when the duality gap is below tol · ||yc||² (scikit-learn's rule). Default 1e-4. */
  tol?: number;
  /** Constrain the coefficients to be >= 0. Default false. */
  positive?: boolean;
  /** The order of the coordinates: only `"cyclic"` (scikit-learn's default). */
  selection?: "cyclic";
}

/** The fitted state of ElasticNet and Lasso. */
export interface CoordinateDescentState extends LinearState {
  /** Epochs run, per target. */
  nIter: number[];
  /** The duality gap at the end, per target (scikit-learn's `dual_gap_`: divided by n). */
  dualGap: number[];
  /** Whether every target's gap fell below the tolerance within maxIter epochs. */
  converged: boolean;
}

/** The options as saved by toJSON (ElasticNet adds l1Ratio). */
export interface SavedCoordinateDescentOptions {
  alpha: number;
  fitIntercept: boolean;
  maxIter: number;
  tol: number;
  positive: boolean;
  selection: "cyclic";
}

export const SHARED_OPTIONS = ["alpha", "fitIntercept", "maxIter", "tol", "positive", "selection"];

/** The base of ElasticNet and Lasso. */
export abstract class CoordinateDescentModel extends LinearModel<CoordinateDescentState> {
  readonly alpha: number;
  readonly l1Ratio: number;
  readonly fitIntercept: boolean;
  readonly maxIter: number;
  readonly tol: number;
  readonly positive: boolean;
  readonly selection: "cyclic";

  protected constructor(
    private readonly name: string,
    o: RawOptions,
    l1Ratio: number,
  ) {
    super(name);
    this.alpha = numberOption(name, o, "alpha", 1, 0);
    this.l1Ratio = l1Ratio;
    this.fitIntercept = booleanOption(name, o, "fitIntercept", true);
    this.maxIter = intOption(name, o, "maxIter", 1000, 1);
    this.tol = numberOption(name, o, "tol", 1e-4, 0);
    this.positive = booleanOption(name, o, "positive", false);
    if (o.selection !== undefined && o.selection !== "cyclic") {
      throw new ArgumentError(
        `${name}: selection must be "cyclic" (random order is not supported) but was ${describeValue(o.selection)}`,
      );
    }
    this.selection = "cyclic";
  }

  /** Epochs of coordinate descent run, one per target. */
  get nIter(): number[] {
    return Array.from(fitted(this.name, "nIter", this.state).nIter);
  }

  /** The duality gap at the end of each target's run (scikit-learn's `dual_gap_`). */
  get dualGap(): Float64Array {
    return Float64Array.from(fitted(this.name, "dualGap", this.state).dualGap);
  }

  /**
   * Whether every target's duality gap fell below tol within maxIter epochs. When not, fit also emits a
   * process warning of type `ConvergenceWarning`, as scikit-learn warns.
   */
  get converged(): boolean {
    return fitted(this.name, "converged", this.state).converged;
  }

  /** Fits x (n x features) to y (n x targets): one coordinate-descent run per target. */
  async fit(x: DsArray<Block>, y: DsArray<Block>): Promise<this> {
    const eq = await normalEquations(this.name, x, y, this.fitIntercept);
    const m = eq.gram.rows;
    const k = eq.xty.cols;
    const l1 = this.alpha * this.l1Ratio * eq.n;
    const l2 = this.alpha * (1 - this.l1Ratio) * eq.n;
    const w = new Matrix(m, k, new Float64Array(m * k));
    const nIter: number[] = [];
    const dualGap: number[] = [];
    const gaps: string[] = [];
    for (let j = 0; j < k; j++) {
      const q = Float64Array.from({ length: m }, (_, i) => eq.xty.data[i * k + j]);
      const run = coordinateDescentGram(eq.gram, q, eq.yNorm2[j], {
        l1,
        l2,
        maxIter: this.maxIter,
        tol: this.tol,
        positive: this.positive,
      });
      for (let i = 0; i < m; i++) w.data[i * k + j] = run.w[i];
      nIter.push(run.nIter);
      dualGap.push(run.gap / eq.n);
      if (!run.converged) gaps.push(`target ${j}: duality gap ${run.gap}, tolerance ${run.tolGap}`);
    }
    const { coef, intercept } = coefAndIntercept(w, eq);
    if (!coef.every(Number.isFinite) || !intercept.every(Number.isFinite)) {
      throw new LinalgError(
        `${this.name}.fit: coordinate descent gave coefficients that are not finite; the data may hold values too large (scale them first)`,
      );
    }
    this.state = {
      coef,
      intercept,
      targets: k,
      nFeaturesIn: m,
      nIter,
      dualGap,
      converged: gaps.length === 0,
    };
    if (gaps.length > 0) {
      process.emitWarning(
        `${this.name}.fit: objective did not converge in ${this.maxIter} iterations (${gaps.join("; ")}); increase maxIter or tol`,
        "ConvergenceWarning",
      );
    }
    return this;
  }

  /** The options as saved by toJSON. */
  protected savedOptions(): SavedCoordinateDescentOptions {
    return {
      alpha: this.alpha,
      fitIntercept: this.fitIntercept,
      maxIter: this.maxIter,
      tol: this.tol,
      positive: this.positive,
      selection: this.selection,
    };
  }
}
