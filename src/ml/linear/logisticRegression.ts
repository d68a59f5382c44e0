/**
 * Logistic regression, as scikit-learn's LogisticRegression with solver "lbfgs" (binary for two classes,
 * multinomial softmax for more). The objective is scikit-learn 1.2's: the log loss summed over rows (each
 * row weighted by its class's weight) plus ||coef||² / (2C), the intercept not penalised. Every evaluation
 * of it is one pass over x: a task per row strip returns the strip's loss and gradient (and, for Newton,
 * Hessian), a tree of `block.addAll` tasks sums them, and the optimiser (L-BFGS or Newton) runs on the
 * calling thread on the k (m + 1) parameters.
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError, ShapeError } from "../../core/errors.ts";
import { Matrix } from "../../core/matrix.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { rechunkTo } from "../../array/rechunk.ts";
import { booleanOption, describeValue, intOption, numberOption, readOptions } from "../../core/options.ts";
import { checkInput, checkSaved, fitted, type SavedModel, savedModel } from "../estimator.ts";
import { lbfgs } from "../optimize/lbfgs.ts";
import { newton } from "../optimize/newton.ts";
import { labelCounts, lossPass, predictOf, type PredictOutput } from "./logisticTasks.ts";

/** Options of `LogisticRegression` (scikit-learn's `C`, `penalty`, `fit_intercept`, `max_iter`, `tol`, `solver`, `class_weight`). */
export interface LogisticRegressionOptions {
  /** Inverse of the L2 penalty's strength (> 0). Default 1. */
  C?: number;
  /** `"l2"` (default) or `"none"` / `null` (no penalty; C is then ignored). */
  penalty?: "l2" | "none" | null;
  /** Fit an intercept per class (not penalised). Default true. */
  fitIntercept?: boolean;
  /** Most iterations of the solver. Default 100. */
  maxIter?: number;
  /**
   * Tolerance. lbfgs: stop when max |gradient| <= tol (of the summed objective, as scikit-learn's lbfgs) or
   * when f decreases by at most 2.2e-9 relatively in an iteration. newton-cholesky: stop when max |gradient|
   * and half the Newton decrement, both of the objective divided by n, are <= tol. Default 1e-4.
   */
  tol?: number;
  /**
   * `"lbfgs"` (default) or `"newton-cholesky"`: Newton's method, each pass also summing the Hessian
   * xᵀ D x (a gemm per strip), so few passes. Unlike scikit-learn 1.2's newton-cholesky (one-vs-rest for
   * more than two classes) it is multinomial, as lbfgs, so both solvers reach the same optimum.
   */
  solver?: "lbfgs" | "newton-cholesky";
  /** Weight of each class's rows: `{ label: weight }` (others 1) or `"balanced"` (n / (classes · count)). */
  classWeight?: "balanced" | Record<number, number> | null;
}

interface LogisticState {
  /** k x features, row-major (k = 1 for two classes). */
  coef: number[];
  intercept: number[];
  classes: number[];
  nIter: number;
  nFeaturesIn: number;
}

interface SavedOptions {
  C: number;
  penalty: "l2" | "none";
  fitIntercept: boolean;
  maxIter: number;
  tol: number;
  solver: "lbfgs" | "newton-cholesky";
  classWeight: "balanced" | Record<number, number> | null;
}

const NAME = "LogisticRegression";
const KNOWN = ["C", "penalty", "fitIntercept", "maxIter", "tol", "solver", "classWeight"];

function readClassWeight(v: unknown): "balanced" | Record<number, number> | null {
  if (v === undefined || v === null || v === "balanced") return v ?? null;
  if (typeof v === "object" && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>);
    if (
      entries.every(
        ([key, w]) => Number.isFinite(Number(key)) && typeof w === "number" && Number.isFinite(w) && w >= 0,
      )
    ) {
      return Object.fromEntries(entries) as Record<number, number>;
    }
  }
  throw new ArgumentError(
    `${NAME}: classWeight must be "balanced" or an object of label: weight (finite, >= 0) but was ${JSON.stringify(v)?.slice(0, 80)}`,
  );
}

/**
 * Logistic regression of labels y (n x 1, any numbers) on the rows of x.
 *
 * @example
 * ```ts
 * const x = ds.array([[0], [1], [2], [3]], { blockSize: [2, 1] });
 * const y = ds.array([[0], [0], [1], [1]], { blockSize: [2, 1] });
 * const model = await new LogisticRegression({ C: 10 }).fit(x, y);
 * await model.predict(x).toArray(); // [[0], [0], [1], [1]]
 * ```
 */
export class LogisticRegression {
  /** Predicts class labels (GridSearchCV stratifies its folds). */
  readonly estimatorType = "classifier";
  readonly C: number;
  readonly penalty: "l2" | "none";
  readonly fitIntercept: boolean;
  readonly maxIter: number;
  readonly tol: number;
  readonly solver: "lbfgs" | "newton-cholesky";
  readonly classWeight: "balanced" | Record<number, number> | null;
  private state: LogisticState | undefined;

  constructor(options: LogisticRegressionOptions = {}) {
    const o = readOptions(NAME, options, KNOWN);
    this.C = numberOption(NAME, o, "C", 1, 0);
    if (this.C === 0) throw new ArgumentError(`${NAME}: C must be a finite number > 0 but was 0`);
    const penalty = o.penalty === undefined ? "l2" : o.penalty === null ? "none" : o.penalty;
    if (penalty !== "l2" && penalty !== "none") {
      throw new ArgumentError(
        `${NAME}: penalty must be "l2", "none" or null but was ${describeValue(o.penalty)}`,
      );
    }
    this.penalty = penalty;
    this.fitIntercept = booleanOption(NAME, o, "fitIntercept", true);
    this.maxIter = intOption(NAME, o, "maxIter", 100, 1);
    this.tol = numberOption(NAME, o, "tol", 1e-4, 0);
    const solver = o.solver ?? "lbfgs";
    if (solver !== "lbfgs" && solver !== "newton-cholesky") {
      throw new ArgumentError(
        `${NAME}: solver must be "lbfgs" or "newton-cholesky" but was ${describeValue(o.solver)}`,
      );
    }
    this.solver = solver;
    this.classWeight = readClassWeight(o.classWeight);
  }

  /** The coefficients: 1 x features for two classes (of classes[1]), else classes x features. */
  get coef(): Matrix {
    const s = fitted(NAME, "coef", this.state);
    return new Matrix(s.intercept.length, s.nFeaturesIn, Float64Array.from(s.coef));
  }

  /** One intercept per row of coef (zeros when `fitIntercept` is false). */
  get intercept(): Float64Array {
    return Float64Array.from(fitted(NAME, "intercept", this.state).intercept);
  }

  /** The labels' sorted distinct values. */
  get classes(): Float64Array {
    return Float64Array.from(fitted(NAME, "classes", this.state).classes);
  }

  /** Iterations of the solver. */
  get nIter(): number {
    return fitted(NAME, "nIter", this.state).nIter;
  }

  get nFeaturesIn(): number {
    return fitted(NAME, "nFeaturesIn", this.state).nFeaturesIn;
  }

  /** Fits x (n x features) to the labels y (n x 1). */
  async fit(x: DsArray<Block>, y: DsArray<Block>): Promise<this> {
    const input = checkInput(NAME, "fit", x);
    const target = checkInput(NAME, "fit", y);
    const [n, m] = input.shape;
    if (target.shape[0] !== n || target.shape[1] !== 1) {
      throw new ShapeError(
        `${NAME}.fit: y must be ${n} x 1 (one label per row of x) but has shape [${target.shape.join(", ")}]`,
      );
    }
    if (n === 0 || m === 0)
      throw new ArgumentError(`${NAME}.fit: x has no rows or no columns (shape [${n}, ${m}])`);
    const yDense = (target.sparse ? target.toDense() : target) as DsArray;
    const yStrips = rechunkTo(yDense, input.grid.rowChunks, [1], `${NAME}.fit`);
    const { classes, counts, nonFinite } = await labelCounts(`${NAME}.fit`, yStrips);
    if (nonFinite > 0) {
      throw new ArgumentError(
        `${NAME}.fit: y has ${nonFinite} labels that are not finite (NaN or ±Infinity)`,
      );
    }
    if (classes.length < 2) {
      throw new ArgumentError(`${NAME}.fit: y must have at least 2 classes but has only one (${classes[0]})`);
    }
    const classWeight = this.weights(classes, counts, n);
    const k = classes.length === 2 ? 1 : classes.length;
    const w = m + 1;
    const dim = k * w;
    const l2 = this.penalty === "l2" ? 1 / this.C : 0;
    const op = `${NAME}.fit`;
    let checked = false;
    const evaluate = async (
      theta: Float64Array,
      hessian: boolean,
    ): Promise<{ f: number; g: Float64Array; h?: Matrix }> => {
      const coef = Matrix.zeros(k, m);
      const intercept = new Array<number>(k);
      for (let c = 0; c < k; c++) {
        coef.data.set(theta.subarray(c * w, c * w + m), c * m);
        intercept[c] = theta[c * w + m];
      }
      const packed = await lossPass(op, input, yStrips, { coef, intercept, classes, classWeight, hessian });
      const width = dim + 1;
      let f = packed.data[0];
      const g = Float64Array.from(packed.data.subarray(1, width));
      if (!checked) {
        // At the start every score is finite, so a non-finite gradient comes from x itself.
        if (!Number.isFinite(f) || !g.every(Number.isFinite)) {
          throw new ArgumentError(`${op}: x has a value that is not finite (NaN or ±Infinity)`);
        }
        checked = true;
      }
      let h: Matrix | undefined;
      if (hessian) {
        h = Matrix.zeros(dim, dim);
        for (let r = 0; r < dim; r++)
          h.data.set(packed.data.subarray((r + 1) * width + 1, (r + 2) * width), r * dim);
      }
      for (let c = 0; c < k; c++) {
        for (let t = 0; t < m; t++) {
          const v = theta[c * w + t];
          f += 0.5 * l2 * v * v;
          g[c * w + t] += l2 * v;
          if (h !== undefined) h.data[(c * w + t) * dim + c * w + t] += l2;
        }
        if (!this.fitIntercept) {
          // The intercepts stay at 0: no gradient, and an identity block in the Hessian.
          const j = c * w + m;
          g[j] = 0;
          if (h !== undefined) {
            for (let r = 0; r < dim; r++) h.data[r * dim + j] = h.data[j * dim + r] = 0;
            h.data[j * dim + j] = 1;
          }
        }
      }
      return { f, g, h };
    };
    const start = new Float64Array(dim);
    let theta: Float64Array;
    let nIter: number;
    if (this.solver === "lbfgs") {
      const r = await lbfgs((t) => evaluate(t, false), start, { maxIter: this.maxIter, gtol: this.tol });
      theta = r.x;
      nIter = r.nIter;
    } else {
      // scikit-learn's newton-cholesky works on the mean loss (penalty 1 / (C n)): scale by 1 / n.
      const r = await newton(
        async (t) => {
          const e = await evaluate(t, true);
          const h = e.h as Matrix;
          for (let i = 0; i < h.data.length; i++) h.data[i] /= n;
          return { f: e.f / n, g: e.g.map((v) => v / n), h };
        },
        start,
        // Softmax scores shifted by one constant give the same loss: the multinomial Hessian is singular.
        { maxIter: this.maxIter, tol: this.tol, semidefinite: k > 1 },
      );
      theta = r.x;
      nIter = r.nIter;
    }
    const coef: number[] = [];
    const intercept: number[] = [];
    for (let c = 0; c < k; c++) {
      coef.push(...theta.subarray(c * w, c * w + m));
      intercept.push(this.fitIntercept ? theta[c * w + m] : 0);
    }
    this.state = { coef, intercept, classes, nIter, nFeaturesIn: m };
    return this;
  }

  /** Each class's row weight, in the order of `classes`. */
  private weights(classes: number[], counts: number[], n: number): number[] {
    const cw = this.classWeight;
    if (cw === null) return classes.map(() => 1);
    // scikit-learn's compute_class_weight("balanced"): n / (classes · count).
    if (cw === "balanced") return counts.map((count) => n / (classes.length * count));
    for (const key of Object.keys(cw)) {
      if (!classes.includes(Number(key))) {
        throw new ArgumentError(
          `${NAME}.fit: classWeight names label ${key}, which is not in y (classes ${classes.join(", ")})`,
        );
      }
    }
    return classes.map((c) => (cw as Record<string, number>)[String(c)] ?? 1);
  }

  private output(method: string, x: DsArray<Block>, output: PredictOutput): DsArray {
    const s = fitted(NAME, method, this.state);
    const input = checkInput(NAME, method, x, s.nFeaturesIn);
    const coef = new Matrix(s.intercept.length, s.nFeaturesIn, Float64Array.from(s.coef));
    return predictOf(`${NAME}.${method}`, input, coef, s.intercept, s.classes, output);
  }

  /** The scores x·coefᵀ + intercept: n x 1 for two classes (positive: classes[1]), else n x classes. */
  decisionFunction(x: DsArray<Block>): DsArray {
    return this.output("decisionFunction", x, "decision");
  }

  /** The probability of each class (columns in the order of `classes`; rows sum to 1): n x classes. */
  predictProba(x: DsArray<Block>): DsArray {
    return this.output("predictProba", x, "proba");
  }

  /** The log of `predictProba`, computed without underflow: n x classes. */
  predictLogProba(x: DsArray<Block>): DsArray {
    return this.output("predictLogProba", x, "logProba");
  }

  /** The most probable class of every row: n x 1 of labels. */
  predict(x: DsArray<Block>): DsArray {
    return this.output("predict", x, "label");
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
    // Both are n x 1: comparing them on the calling thread is exact (no rounding of a difference).
    const [p, t] = await Promise.all([predicted.collect(), truth.collect()]);
    let hits = 0;
    for (let i = 0; i < p.data.length; i++) if (p.data[i] === t.data[i]) hits++;
    return hits / p.data.length;
  }

  toJSON(): SavedModel<SavedOptions, LogisticState> {
    return savedModel(
      NAME,
      {
        C: this.C,
        penalty: this.penalty,
        fitIntercept: this.fitIntercept,
        maxIter: this.maxIter,
        tol: this.tol,
        solver: this.solver,
        classWeight: this.classWeight,
      },
      fitted(NAME, "toJSON", this.state),
    );
  }

  /** A model saved with `toJSON()` (or its JSON text parsed). */
  static fromJSON(json: unknown): LogisticRegression {
    const saved = checkSaved<SavedOptions, LogisticState>(NAME, json);
    const model = new LogisticRegression(saved.options);
    model.state = saved.state;
    return model;
  }
}
