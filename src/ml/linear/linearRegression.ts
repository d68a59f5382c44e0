/**
 * Ordinary least squares, as scikit-learn's LinearRegression: the column means of x and y (one reduction
 * each), then the Gram matrix of the centred x and its product with the centred y, each a tree of block
 * products, then a small dense solve on the calling thread from the Gram matrix's eigen-decomposition (the
 * minimum-norm solution, as `lstsq` gives, when x is rank-deficient). Centring before forming the products keeps the precision of scikit-learn's centred
 * solve when the columns have large means.
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError, ShapeError } from "../../core/errors.ts";
import { linalg } from "../../core/linalg/selectBackend.ts";
import { Matrix } from "../../core/matrix.ts";
import { ds } from "../../array/ds.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { readOptions } from "../../io/options.ts";
import { checkInput, checkSaved, fitted, rowLike, vectorOf, type SavedModel } from "../estimator.ts";

/** Options of `LinearRegression` (scikit-learn's `fit_intercept`). */
export interface LinearRegressionOptions {
  /** Fit an intercept (centre x and y first). Default true. */
  fitIntercept?: boolean;
}

interface LinearState {
  /** targets x features, row-major. */
  coef: number[];
  intercept: number[];
  targets: number;
  nFeaturesIn: number;
  rank: number;
}

const NAME = "LinearRegression";
/**
 * Eigenvalues of the Gram matrix below this fraction of the largest count as zero: singular values of x
 * below 1e-6 of the largest. Rounding in forming xᵀx leaves the eigenvalues of a repeated column near
 * 1e-16 of the largest, far below the cut.
 */
const RANK_TOLERANCE = 1e-12;

/**
 * The least-squares solution of `g w = b` for a symmetric positive semi-definite `g` (features x features)
 * and `b` (features x targets), from the eigen-decomposition of `g`: w = V diag(1/λ) Vᵀ b over the
 * eigenvalues above RANK_TOLERANCE of the largest. For a full-rank x that is the unique solution; for a
 * rank-deficient one (a repeated column) it is the minimum-norm solution, as `lstsq` gives. A Cholesky
 * solve would not do: on a singular Gram matrix, rounding usually leaves it "positive definite".
 */
function solveNormal(g: Matrix, b: Matrix): { w: Matrix; rank: number } {
  const backend = linalg();
  const { values, vectors } = backend.symEig(g);
  const cut = RANK_TOLERANCE * Math.max(0, ...values);
  const n = g.rows;
  const k = b.cols;
  const vtb = backend.gemm(vectors, b, { transA: true });
  let rank = 0;
  for (let i = 0; i < n; i++) {
    const keep = values[i] > cut;
    if (keep) rank++;
    for (let j = 0; j < k; j++) vtb.data[i * k + j] = keep ? vtb.data[i * k + j] / values[i] : 0;
  }
  return { w: backend.gemm(vectors, vtb), rank };
}

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
export class LinearRegression {
  readonly fitIntercept: boolean;
  private state: LinearState | undefined;

  constructor(options: LinearRegressionOptions = {}) {
    const o = readOptions(NAME, options, ["fitIntercept"]);
    if (o.fitIntercept !== undefined && typeof o.fitIntercept !== "boolean") {
      throw new ArgumentError(
        `${NAME}: fitIntercept must be true or false but was ${JSON.stringify(o.fitIntercept)}`,
      );
    }
    this.fitIntercept = o.fitIntercept ?? true;
  }

  /** The coefficients, one row per target (scikit-learn's `coef_` of a 2-D y): targets x features. */
  get coef(): Matrix {
    const s = fitted(NAME, "coef", this.state);
    return new Matrix(s.targets, s.nFeaturesIn, Float64Array.from(s.coef));
  }

  /** One intercept per target (zeros when `fitIntercept` is false). */
  get intercept(): Float64Array {
    return Float64Array.from(fitted(NAME, "intercept", this.state).intercept);
  }

  /** The rank of x (after centring), as scikit-learn's `rank_`. */
  get rank(): number {
    return fitted(NAME, "rank", this.state).rank;
  }

  get nFeaturesIn(): number {
    return fitted(NAME, "nFeaturesIn", this.state).nFeaturesIn;
  }

  /** Fits x (n x features) to y (n x targets). */
  async fit(x: DsArray<Block>, y: DsArray<Block>): Promise<this> {
    const input = checkInput(NAME, "fit", x);
    const target = checkInput(NAME, "fit", y);
    const [n, m] = input.shape;
    if (target.shape[0] !== n) {
      throw new ShapeError(
        `${NAME}.fit: x has ${n} rows but y has ${target.shape[0]} (y must be n x targets)`,
      );
    }
    if (n === 0) throw new ArgumentError(`${NAME}.fit: x has no rows`);
    const k = target.shape[1];
    let xc: DsArray<Block> = input;
    let yc: DsArray<Block> = target;
    let xMean: Float64Array = new Float64Array(m);
    let yMean: Float64Array = new Float64Array(k);
    if (this.fitIntercept) {
      const [xm, ym] = await Promise.all([input.mean(0).collect(), target.mean(0).collect()]);
      xMean = vectorOf(xm);
      yMean = vectorOf(ym);
      xc = input.sub(rowLike(xMean, input));
      yc = target.sub(rowLike(yMean, target));
    }
    const [g, b] = await Promise.all([
      ds.matmul(xc, xc, { transposeA: true }).collect(),
      ds.matmul(xc, yc, { transposeA: true }).collect(),
    ]);
    const { w, rank } = solveNormal(g as Matrix, b as Matrix);
    // coef is targets x features: the transpose of w.
    const coef = new Array<number>(k * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) coef[j * m + i] = w.data[i * k + j];
    const intercept = Array.from(yMean, (ym, j) => {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += xMean[i] * coef[j * m + i];
      return ym - dot;
    });
    this.state = { coef, intercept, targets: k, nFeaturesIn: m, rank };
    return this;
  }

  /** `x · coefᵀ + intercept`: n x targets. */
  predict(x: DsArray<Block>): DsArray {
    const s = fitted(NAME, "predict", this.state);
    const input = checkInput(NAME, "predict", x, s.nFeaturesIn);
    const w = ds.array(new Matrix(s.targets, s.nFeaturesIn, Float64Array.from(s.coef)), {
      blockSize: [s.targets, Math.min(s.nFeaturesIn, input.blockSize[1]) || 1],
    });
    const product = ds.matmul(input, w, { transposeB: true });
    return product.add(ds.array([s.intercept], { blockSize: [1, s.targets] }));
  }

  /** The coefficient of determination R² of the prediction, averaged over targets (scikit-learn's default). */
  async score(x: DsArray<Block>, y: DsArray<Block>): Promise<number> {
    const target = checkInput(NAME, "score", y);
    const residual = this.predict(x).sub(target);
    const yMean = vectorOf(await target.mean(0).collect());
    const [ssRes, ssTot] = await Promise.all([
      residual.mul(residual).sum(0).collect(),
      target.sub(rowLike(yMean, target)).pow(2).sum(0).collect(),
    ]);
    let total = 0;
    for (let j = 0; j < yMean.length; j++) {
      const tot = ssTot.data[j];
      total += tot === 0 ? (ssRes.data[j] === 0 ? 1 : 0) : 1 - ssRes.data[j] / tot;
    }
    return total / yMean.length;
  }

  toJSON(): SavedModel<LinearRegressionOptions, LinearState> {
    return {
      estimator: NAME,
      version: 1,
      options: { fitIntercept: this.fitIntercept },
      state: fitted(NAME, "toJSON", this.state),
    };
  }

  /** A model saved with `toJSON()` (or its JSON text parsed). */
  static fromJSON(json: unknown): LinearRegression {
    const saved = checkSaved<LinearRegressionOptions, LinearState>(NAME, json);
    const model = new LinearRegression(saved.options);
    model.state = saved.state;
    return model;
  }
}
