/**
 * PCA's probabilistic model (Tipping and Bishop), as scikit-learn's `get_covariance`, `get_precision` and
 * `score`: the covariance Cᵀ·diag(λ - σ²)·C + σ²·I of the fitted axes C, its inverse by the matrix
 * inversion lemma, and the average Gaussian log-likelihood of data from its scatter matrix.
 */
import type { Block } from "../../core/block.ts";
import { CsrMatrix } from "../../core/csrMatrix.ts";
import { linalg } from "../../core/linalg/selectBackend.ts";
import { Matrix } from "../../core/matrix.ts";
import { ds } from "../../array/ds.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { rowLike, vectorOf } from "../estimator.ts";

/** What the model needs of a fitted PCA. */
export interface PcaModel {
  /** k x m, row-major. */
  components: Matrix;
  explainedVariance: Float64Array;
  noiseVariance: number;
  whiten: boolean;
}

/** The components as scikit-learn's covariance uses them: scaled by √λ when whitening (its convention). */
function scaledComponents(model: PcaModel): { c: Matrix; diff: Float64Array } {
  const { components, explainedVariance, noiseVariance, whiten } = model;
  const c = new Matrix(components.rows, components.cols, Float64Array.from(components.data));
  if (whiten) {
    for (let i = 0; i < c.rows; i++) {
      const w = Math.sqrt(explainedVariance[i]);
      for (let j = 0; j < c.cols; j++) c.data[i * c.cols + j] *= w;
    }
  }
  return { c, diff: explainedVariance.map((v) => Math.max(v - noiseVariance, 0)) };
}

/** The model's covariance, m x m (scikit-learn's `get_covariance`). */
export function covarianceOf(model: PcaModel): Matrix {
  const { c, diff } = scaledComponents(model);
  const scaled = new Matrix(c.rows, c.cols, Float64Array.from(c.data));
  for (let i = 0; i < c.rows; i++) for (let j = 0; j < c.cols; j++) scaled.data[i * c.cols + j] *= diff[i];
  const cov = linalg().gemm(c, scaled, { transA: true });
  for (let i = 0; i < cov.rows; i++) cov.data[i * cov.cols + i] += model.noiseVariance;
  return cov;
}

function identity(n: number): Matrix {
  const eye = new Matrix(n, n);
  for (let i = 0; i < n; i++) eye.data[i * n + i] = 1;
  return eye;
}

/** The model's precision (inverse covariance), m x m (scikit-learn's `get_precision`). */
export function precisionOf(model: PcaModel): Matrix {
  const m = model.components.cols;
  const backend = linalg();
  if (model.noiseVariance === 0) return backend.solve(covarianceOf(model), identity(m));
  const { c, diff } = scaledComponents(model);
  const noise = model.noiseVariance;
  // Inversion lemma: only a k x k matrix is inverted.
  const inner = backend.gemm(c, c, { transB: true, alpha: 1 / noise });
  for (let i = 0; i < inner.rows; i++) inner.data[i * inner.cols + i] += 1 / diff[i];
  const p = backend.gemm(c, backend.gemm(backend.solve(inner, identity(inner.rows)), c), {
    transA: true,
    alpha: -1 / (noise * noise),
  });
  for (let i = 0; i < m; i++) p.data[i * m + i] += 1 / noise;
  return p;
}

/**
 * Σᵢ (xᵢ - μ)ᵀ(xᵢ - μ), m x m: one tree of block products. A sparse x is not centred (that would make it
 * dense): XᵀX - μsᵀ - sμᵀ + n·μμᵀ with s the column sums, at the precision cost eigSpectrum describes.
 */
export async function scatterAbout(x: DsArray<Block>, mean: Float64Array): Promise<Matrix> {
  if (!x.sparse) {
    const xc = x.sub(rowLike(mean, x));
    return (await ds.matmul(xc, xc, { transposeA: true }).collect()) as Matrix;
  }
  const [product, sums] = await Promise.all([
    ds.matmul(x, x, { transposeA: true }).collect(),
    x.sum(0).collect(),
  ]);
  const g = product instanceof CsrMatrix ? product.toDense() : product;
  const s = vectorOf(sums);
  const n = x.shape[0];
  const m = mean.length;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) g.data[i * m + j] += n * mean[i] * mean[j] - mean[i] * s[j] - s[i] * mean[j];
  }
  return g;
}

/**
 * The average log-likelihood of n rows whose scatter about the model's mean is `scatter`:
 * -½·tr(P·S)/n - ½·(m·ln 2π - ln det P), the mean of scikit-learn's `score_samples`.
 */
export function averageLogLikelihood(model: PcaModel, scatter: Matrix, n: number): number {
  const p = precisionOf(model);
  const m = p.rows;
  let quadratic = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) quadratic += p.data[i * m + j] * scatter.data[j * m + i];
  // ln det P from the eigenvalues of the symmetric P; -Infinity when it is not positive definite (as fast_logdet).
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (p.data[i * m + j] + p.data[j * m + i]);
      p.data[i * m + j] = v;
      p.data[j * m + i] = v;
    }
  }
  let logDet = 0;
  for (const v of linalg().symEig(p).values) logDet += v > 0 ? Math.log(v) : -Infinity;
  return -0.5 * (quadratic / n) - 0.5 * (m * Math.log(2 * Math.PI) - logDet);
}
