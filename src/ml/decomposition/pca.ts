/**
 * PCA, as scikit-learn's: the principal axes of the centred data, their explained variance, and the
 * projection on the first nComponents of them. Fitting (method "eig") is one reduction for the means, one
 * tree of block products for the covariance, a small eigen-decomposition on the calling thread, and one
 * pass projecting the data on the kept axes for scikit-learn's sign rule (see `signsOf`).
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError } from "../../core/errors.ts";
import { Matrix } from "../../core/matrix.ts";
import { ds } from "../../array/ds.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { booleanOption, describeValue, readOptions } from "../../core/options.ts";
import {
  checkInput,
  checkSaved,
  fitted,
  rowLike,
  type SavedModel,
  savedModel,
  vectorOf,
} from "../estimator.ts";
import { centredProduct, eigSpectrum, svdSpectrum } from "./pcaSpectrum.ts";
import { averageLogLikelihood, covarianceOf, precisionOf, scatterAbout, type PcaModel } from "./pcaScore.ts";

/** Options of `PCA` (scikit-learn's `n_components`, `whiten`, `random_state`; `method` picks the solver). */
export interface PCAOptions {
  /**
   * How many components to keep: an integer in [1, min(n, m)], or a fraction in (0, 1): the fewest
   * components whose explained variance ratios add up to more than it. Default min(n, m).
   */
  nComponents?: number;
  /**
   * `"eig"` (default): eigen-decomposition of the covariance, one pass over the data. `"svd"`: the SVD of
   * the centred data by a tall-skinny QR (`ds.tsqr`) and the SVD of its small R: two passes, and the digits
   * of the small singular values of ill-conditioned data; dense x only.
   */
  method?: "eig" | "svd";
  /** Divide the projections by the square roots of the explained variances (unit variance). Default false. */
  whiten?: boolean;
  /** Seed for a randomized solver (accepted for scikit-learn's API; "eig" uses no randomness). */
  randomState?: number;
}

interface PCAState {
  /** nComponents x nFeaturesIn, row-major. */
  components: number[];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  singularValues: number[];
  mean: number[];
  noiseVariance: number;
  nComponents: number;
  nFeaturesIn: number;
  nSamples: number;
  /** Column block size of the fitted x: inverseTransform's output blocking. */
  featureBlock: number;
}

const NAME = "PCA";

function readNComponents(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const ok = typeof v === "number" && (Number.isInteger(v) ? v >= 1 : v > 0 && v < 1);
  if (!ok) {
    throw new ArgumentError(
      `${NAME}: nComponents must be an integer >= 1 or a fraction in (0, 1) but was ${describeValue(v)}`,
    );
  }
  return v;
}

/**
 * How many components a fraction keeps: scikit-learn's `searchsorted(cumsum(ratio), f, side="right") + 1`,
 * the fewest whose cumulated ratio exceeds f (at most all of them).
 */
function componentsFor(fraction: number, ratio: Float64Array): number {
  let total = 0;
  let below = 0;
  for (const r of ratio) {
    total += r;
    if (total <= fraction) below++;
    else break;
  }
  return Math.min(below + 1, ratio.length);
}

/**
 * scikit-learn 1.2's sign rule (`svd_flip(U, Vt)`, u-based as its PCA calls it): each axis is flipped so
 * that the entry of largest magnitude in its column of U (the projection of the centred data on it,
 * first such row on ties) is positive. One pass over `z` (n x k) for the rows, one gather of them.
 */
async function signsOf(z: DsArray): Promise<Float64Array> {
  const k = z.shape[1];
  const rows = Array.from(vectorOf(await z.abs().argmax(0).collect()));
  const picked = await z.take(rows, 0).collect();
  return Float64Array.from({ length: k }, (_, j) => (picked.data[j * k + j] < 0 ? -1 : 1));
}

/**
 * Principal component analysis of the rows of a DsArray (dense or sparse; a sparse x is never made dense).
 * fit throws `ArgumentError` for fewer than 2 rows, nComponents above min(n, m), or NaN or an infinity
 * in x; transform propagates NaN as matmul does.
 *
 * @see src/ml/decomposition/pca.ts
 *
 * @example
 * ```ts
 * const x = ds.array([[2, 0], [0, 1], [-1, 0], [-1, -1], [5, 3]], { blockSize: [2, 2] });
 * const pca = await new PCA({ nComponents: 1 }).fit(x);
 * pca.components.toArray(); // [[0.8783, 0.4782]] (to 4 digits)
 * Array.from(pca.explainedVarianceRatio); // [0.9397]
 * await pca.transform(x).toArray(); // [[0.5914], [-0.687], [-2.0434], [-2.5216], [4.6607]]
 * ```
 */
export class PCA {
  /** The nComponents option as given (undefined: min(n, m)); the fitted count is `nComponents`. */
  readonly requestedComponents: number | undefined;
  readonly method: "eig" | "svd";
  readonly whiten: boolean;
  readonly randomState: number | undefined;
  private state: PCAState | undefined;

  constructor(options: PCAOptions = {}) {
    const o = readOptions(NAME, options, ["nComponents", "method", "whiten", "randomState"]);
    this.requestedComponents = readNComponents(o.nComponents);
    if (o.method !== undefined && o.method !== "eig" && o.method !== "svd") {
      throw new ArgumentError(`${NAME}: method must be "eig" or "svd" but was ${describeValue(o.method)}`);
    }
    this.method = o.method ?? "eig";
    this.whiten = booleanOption(NAME, o, "whiten", false);
    const seed = o.randomState;
    if (seed !== undefined && (typeof seed !== "number" || !Number.isSafeInteger(seed))) {
      throw new ArgumentError(`${NAME}: randomState must be an integer but was ${describeValue(seed)}`);
    }
    this.randomState = seed;
  }

  /** The principal axes, nComponents x features, orthonormal rows by descending explained variance. */
  get components(): Matrix {
    const s = fitted(NAME, "components", this.state);
    return new Matrix(s.nComponents, s.nFeaturesIn, Float64Array.from(s.components));
  }

  /** The variance of the data along each axis (ddof = 1, as scikit-learn). */
  get explainedVariance(): Float64Array {
    return Float64Array.from(fitted(NAME, "explainedVariance", this.state).explainedVariance);
  }

  /** Each axis' share of the total variance. */
  get explainedVarianceRatio(): Float64Array {
    return Float64Array.from(fitted(NAME, "explainedVarianceRatio", this.state).explainedVarianceRatio);
  }

  /** The singular values of the centred data for the kept axes. */
  get singularValues(): Float64Array {
    return Float64Array.from(fitted(NAME, "singularValues", this.state).singularValues);
  }

  /** Per-feature means of the training data. */
  get mean(): Float64Array {
    return Float64Array.from(fitted(NAME, "mean", this.state).mean);
  }

  /** The mean explained variance of the axes left out (probabilistic PCA's σ²), 0 when none is. */
  get noiseVariance(): number {
    return fitted(NAME, "noiseVariance", this.state).noiseVariance;
  }

  /** How many components were kept (scikit-learn's `n_components_`). */
  get nComponents(): number {
    return fitted(NAME, "nComponents", this.state).nComponents;
  }

  get nFeaturesIn(): number {
    return fitted(NAME, "nFeaturesIn", this.state).nFeaturesIn;
  }

  get nSamples(): number {
    return fitted(NAME, "nSamples", this.state).nSamples;
  }

  /** Learns the axes of `x` (n x features, n >= 2). */
  async fit(x: DsArray<Block>): Promise<this> {
    await this.fitProjecting(x);
    return this;
  }

  /** `fit(x)` then `transform(x)`, reusing the projection the sign rule already made. */
  async fitTransform(x: DsArray<Block>): Promise<DsArray> {
    const z = await this.fitProjecting(x);
    const s = fitted(NAME, "fitTransform", this.state);
    return this.whiten ? z.div(rowLike(s.explainedVariance.map(Math.sqrt), z)) : z;
  }

  /** Fits and returns the centred x projected on the kept axes, signs applied. */
  private async fitProjecting(x: DsArray<Block>): Promise<DsArray> {
    const input = checkInput(NAME, "fit", x);
    const [n, m] = input.shape;
    if (n < 2)
      throw new ArgumentError(
        `${NAME}.fit: x needs at least 2 rows (the variance divides by n - 1) but has ${n}`,
      );
    if (m === 0) throw new ArgumentError(`${NAME}.fit: x has no columns`);
    const r = Math.min(n, m);
    const wanted = this.requestedComponents;
    if (wanted !== undefined && Number.isInteger(wanted) && wanted > r) {
      throw new ArgumentError(
        `${NAME}.fit: nComponents must be at most min(n, m) = ${r} but was ${wanted} (x.shape=[${n},${m}])`,
      );
    }
    const spectrum = this.method === "eig" ? await eigSpectrum(input) : await svdSpectrum(input);
    const variance = spectrum.singularValues.map((s) => (s * s) / (n - 1));
    const total = variance.reduce((a, b) => a + b, 0);
    const ratio = variance.map((v) => (total > 0 ? v / total : 0));
    const k = wanted === undefined ? r : Number.isInteger(wanted) ? wanted : componentsFor(wanted, ratio);
    let noise = 0;
    for (let c = k; c < r; c++) noise += variance[c] / (r - k);
    // The kept axes as columns (m x k), for the projection.
    const t = new Matrix(m, k);
    for (let c = 0; c < k; c++) for (let i = 0; i < m; i++) t.data[i * k + c] = spectrum.axes.data[c * m + i];
    const projected = spectrum.project(t);
    const signs = await signsOf(projected);
    const components = new Array<number>(k * m);
    for (let c = 0; c < k; c++)
      for (let i = 0; i < m; i++) components[c * m + i] = signs[c] * t.data[i * k + c];
    this.state = {
      components,
      explainedVariance: Array.from(variance.subarray(0, k)),
      explainedVarianceRatio: Array.from(ratio.subarray(0, k)),
      singularValues: Array.from(spectrum.singularValues.subarray(0, k)),
      mean: Array.from(spectrum.mean),
      noiseVariance: noise,
      nComponents: k,
      nFeaturesIn: m,
      nSamples: n,
      featureBlock: input.blockSize[1],
    };
    return projected.mul(rowLike(signs, projected));
  }

  /** The centred x projected on the axes: n x nComponents (divided by √explainedVariance when whitening). */
  transform(x: DsArray<Block>): DsArray {
    const s = fitted(NAME, "transform", this.state);
    const input = checkInput(NAME, "transform", x, s.nFeaturesIn);
    const z = centredProduct(input, Float64Array.from(s.mean), this.transposedComponents(s));
    return this.whiten ? z.div(rowLike(s.explainedVariance.map(Math.sqrt), z)) : z;
  }

  /** Back to feature space: z · components + mean (z times √explainedVariance first when whitening). */
  inverseTransform(z: DsArray<Block>): DsArray {
    const s = fitted(NAME, "inverseTransform", this.state);
    const input = checkInput(NAME, "inverseTransform", z, s.nComponents);
    const c = new Matrix(s.nComponents, s.nFeaturesIn, Float64Array.from(s.components));
    if (this.whiten) {
      for (let i = 0; i < s.nComponents; i++) {
        const w = Math.sqrt(s.explainedVariance[i]);
        for (let j = 0; j < s.nFeaturesIn; j++) c.data[i * s.nFeaturesIn + j] *= w;
      }
    }
    const blocked = ds.array(c, { blockSize: [s.nComponents, Math.min(s.featureBlock, s.nFeaturesIn)] });
    const product = ds.matmul(input, blocked);
    return product.add(rowLike(s.mean, product));
  }

  /**
   * The average log-likelihood of the rows of x under the fitted probabilistic PCA model (scikit-learn's
   * `score`): one tree of block products for the scatter of x about the fitted mean, then m x m algebra.
   */
  async score(x: DsArray<Block>): Promise<number> {
    const s = fitted(NAME, "score", this.state);
    const input = checkInput(NAME, "score", x, s.nFeaturesIn);
    const scatter = await scatterAbout(input, Float64Array.from(s.mean));
    return averageLogLikelihood(this.model("score"), scatter, input.shape[0]);
  }

  /** The covariance of the fitted probabilistic model, features x features (scikit-learn's `get_covariance`). */
  getCovariance(): Matrix {
    return covarianceOf(this.model("getCovariance"));
  }

  /** The inverse of `getCovariance()`, by the matrix inversion lemma (scikit-learn's `get_precision`). */
  getPrecision(): Matrix {
    return precisionOf(this.model("getPrecision"));
  }

  private model(method: string): PcaModel {
    const s = fitted(NAME, method, this.state);
    return {
      components: new Matrix(s.nComponents, s.nFeaturesIn, Float64Array.from(s.components)),
      explainedVariance: Float64Array.from(s.explainedVariance),
      noiseVariance: s.noiseVariance,
      whiten: this.whiten,
    };
  }

  private transposedComponents(s: PCAState): Matrix {
    const t = new Matrix(s.nFeaturesIn, s.nComponents);
    for (let c = 0; c < s.nComponents; c++) {
      for (let i = 0; i < s.nFeaturesIn; i++)
        t.data[i * s.nComponents + c] = s.components[c * s.nFeaturesIn + i];
    }
    return t;
  }

  toJSON(): SavedModel<PCAOptions, PCAState> {
    return savedModel(
      NAME,
      {
        nComponents: this.requestedComponents,
        method: this.method,
        whiten: this.whiten,
        randomState: this.randomState,
      },
      fitted(NAME, "toJSON", this.state),
    );
  }

  /** A PCA saved with `toJSON()` (or its JSON text parsed). */
  static fromJSON(json: unknown): PCA {
    const saved = checkSaved<PCAOptions, PCAState>(NAME, json);
    const pca = new PCA(saved.options);
    pca.state = saved.state;
    return pca;
  }
}
