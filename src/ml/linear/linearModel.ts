/**
 * What every fitted linear model shares once it has coefficients: `coef`, `intercept`, `nFeaturesIn`,
 * `predict` (x · coefᵀ + intercept, as block tasks) and `score` (R², scikit-learn's `RegressorMixin`).
 * LinearRegression, Ridge, ElasticNet and Lasso differ only in how `fit` finds the coefficients.
 */
import type { Block } from "../../core/block.ts";
import { Matrix } from "../../core/matrix.ts";
import { ds } from "../../array/ds.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { checkInput, fitted, rowLike, vectorOf } from "../estimator.ts";

/** The fitted state every linear model keeps (plain JSON, saved by `toJSON`). */
export interface LinearState {
  /** targets x features, row-major. */
  coef: number[];
  intercept: number[];
  targets: number;
  nFeaturesIn: number;
}

/** The base of the linear regressors: fitted attributes, predict and score. */
export abstract class LinearModel<S extends LinearState> {
  protected state: S | undefined;

  protected constructor(private readonly estimator: string) {}

  /** The coefficients, one row per target (scikit-learn's `coef_` of a 2-D y): targets x features. */
  get coef(): Matrix {
    const s = fitted(this.estimator, "coef", this.state);
    return new Matrix(s.targets, s.nFeaturesIn, Float64Array.from(s.coef));
  }

  /** One intercept per target (zeros when `fitIntercept` is false). */
  get intercept(): Float64Array {
    return Float64Array.from(fitted(this.estimator, "intercept", this.state).intercept);
  }

  get nFeaturesIn(): number {
    return fitted(this.estimator, "nFeaturesIn", this.state).nFeaturesIn;
  }

  /** `x · coefᵀ + intercept`: n x targets. */
  predict(x: DsArray<Block>): DsArray {
    const s = fitted(this.estimator, "predict", this.state);
    const input = checkInput(this.estimator, "predict", x, s.nFeaturesIn);
    const w = ds.array(new Matrix(s.targets, s.nFeaturesIn, Float64Array.from(s.coef)), {
      blockSize: [s.targets, Math.min(s.nFeaturesIn, input.blockSize[1]) || 1],
    });
    const product = ds.matmul(input, w, { transposeB: true });
    return product.add(ds.array([s.intercept], { blockSize: [1, s.targets] }));
  }

  /** The coefficient of determination R² of the prediction, averaged over targets (scikit-learn's default). */
  async score(x: DsArray<Block>, y: DsArray<Block>): Promise<number> {
    const target = checkInput(this.estimator, "score", y);
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
}
