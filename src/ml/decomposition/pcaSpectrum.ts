/**
 * The distributed part of PCA's fit: the column means, the principal axes with their singular values, and
 * the projection of the centred data on chosen axes (what scikit-learn's sign rule needs). `eigSpectrum`
 * forms the covariance in one pass over the data and diagonalises it on the calling thread;
 * `svdSpectrum` takes the SVD of the centred data through a tall-skinny QR.
 */
import type { Block } from "../../core/block.ts";
import { CsrMatrix } from "../../core/csrMatrix.ts";
import { ArgumentError } from "../../core/errors.ts";
import { linalg } from "../../core/linalg/selectBackend.ts";
import { Matrix } from "../../core/matrix.ts";
import { ds } from "../../array/ds.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { rechunkTo } from "../../array/rechunk.ts";
import { rowLike, vectorOf } from "../estimator.ts";

/** What a fit method gives: every axis of the centred data, strongest first. */
export interface Spectrum {
  /** Per-column means of x. */
  mean: Float64Array;
  /** r x m, rows the right singular vectors of the centred x (r = min(n, m)), by descending singular value. */
  axes: Matrix;
  /** The r singular values of the centred x, descending. */
  singularValues: Float64Array;
  /** The centred x times `t` (m x k): n x k, for the sign rule (and fitTransform). */
  project(t: Matrix): DsArray;
}

/**
 * `t` (m x k) as a DsArray whose row chunks are the column chunks of `x`, so that `x · t` multiplies
 * without rechunking (which would make a sparse x dense).
 */
export function alignedTo(t: Matrix, x: DsArray<Block>): DsArray {
  const whole = ds.array(t, { blockSize: [Math.max(1, t.rows), Math.max(1, t.cols)] });
  return rechunkTo(whole, x.grid.colChunks, [t.cols], "PCA");
}

/**
 * `(x - mean) · t` without forming x - mean when x is sparse (that would make it dense): x · t - mean · t.
 * A dense x is centred first, which keeps the digits of columns with large means.
 */
export function centredProduct(x: DsArray<Block>, mean: Float64Array, t: Matrix): DsArray {
  if (!x.sparse) return ds.matmul(x.sub(rowLike(mean, x)), alignedTo(t, x));
  const shift = new Float64Array(t.cols);
  for (let i = 0; i < t.rows; i++)
    for (let j = 0; j < t.cols; j++) shift[j] += mean[i] * t.data[i * t.cols + j];
  const product = ds.matmul(x, alignedTo(t, x));
  return product.sub(rowLike(shift, product));
}

/**
 * The spectrum from the covariance: the means (one reduction), the Gram matrix of the centred x (a tree of
 * block products), then its eigen-decomposition on the calling thread (`linalg().symEig`, m x m).
 *
 * A dense x is centred before the products, as LinearRegression does, so columns with large means keep
 * their digits. A sparse x is not centred (that would make it dense): its Gram matrix is XᵀX - n·μμᵀ from
 * the sparse product, which loses about log10(μ² / variance) digits in a column whose mean is large next
 * to its spread (rare for sparse data, whose columns are mostly zeros).
 *
 * Precision of the eigen route: an eigenvalue λ of the Gram matrix carries an absolute error of about
 * 1e-16 · λmax, so a singular value σ = √λ is held to a relative 1e-16 · (σmax / σ)², and an axis to
 * about 1e-16 · λmax / (gap to the next eigenvalue). For well-conditioned data that is far below 1e-9.
 */
export async function eigSpectrum(x: DsArray<Block>): Promise<Spectrum> {
  const [n, m] = x.shape;
  const mean = vectorOf(await x.mean(0).collect());
  let gram: Matrix;
  let centred: DsArray<Block> | undefined;
  if (x.sparse) {
    const product = await ds.matmul(x, x, { transposeA: true }).collect();
    gram = product instanceof CsrMatrix ? product.toDense() : product;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) gram.data[i * m + j] -= n * mean[i] * mean[j];
  } else {
    const xc = x.sub(rowLike(mean, x));
    centred = xc;
    gram = (await ds.matmul(xc, xc, { transposeA: true }).collect()) as Matrix;
  }
  if (!gram.data.every(Number.isFinite)) {
    throw new ArgumentError(`PCA.fit: x contains NaN or an infinity (its covariance is not finite)`);
  }
  // The two triangles come from different block products: make them agree before diagonalising.
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (gram.data[i * m + j] + gram.data[j * m + i]);
      gram.data[i * m + j] = v;
      gram.data[j * m + i] = v;
    }
  }
  const { values, vectors } = linalg().symEig(gram);
  const r = Math.min(n, m);
  const axes = new Matrix(r, m);
  const singularValues = new Float64Array(r);
  for (let c = 0; c < r; c++) {
    const e = m - 1 - c; // symEig is ascending
    singularValues[c] = Math.sqrt(Math.max(0, values[e]));
    for (let i = 0; i < m; i++) axes.data[c * m + i] = vectors.data[i * m + e];
  }
  return {
    mean,
    axes,
    singularValues,
    // The dense centred x is kept (its blocks stay alive) until the sign rule has run on it.
    project: (t) =>
      centred === undefined ? centredProduct(x, mean, t) : ds.matmul(centred, alignedTo(t, centred)),
  };
}

/**
 * The spectrum from the exact SVD of the centred x, as scikit-learn's `svd_solver="full"`: a tall-skinny QR
 * of the centred x (`ds.tsqr` in mode "r": a QR per row block and a tree of QRs of the stacked R factors, Q
 * never formed), then the SVD of the small R on the calling thread. Since x - μ = Q·R and R = U·S·Vᵀ, the
 * singular values and right singular vectors of R are those of the centred x. Householder QR is backward
 * stable, so σ carries a relative error of about 1e-16 · σmax / σ (the eigen route squares that ratio): the
 * method for ill-conditioned data, at the price of two passes (means, then QR) and R's rechunking when x has
 * several column blocks.
 *
 * A sparse x is refused: centring makes it dense. scikit-learn's PCA refuses sparse input too.
 */
export async function svdSpectrum(x: DsArray<Block>): Promise<Spectrum> {
  if (x.sparse) {
    throw new ArgumentError(
      `PCA.fit: method "svd" centres x, which would make this sparse x of shape [${x.shape.join(", ")}] dense; use method "eig" (the default), which keeps it sparse`,
    );
  }
  const [n, m] = x.shape;
  const mean = vectorOf(await x.mean(0).collect());
  // A NaN or an infinity in x makes its column's mean one too: refuse before any QR task would.
  if (!mean.every(Number.isFinite)) {
    throw new ArgumentError(`PCA.fit: x contains NaN or an infinity (its column means are not finite)`);
  }
  const centred = x.sub(rowLike(mean, x));
  const r = await ds.tsqr(centred, { mode: "r" }).r.collect();
  const { s, vt } = linalg().svd(r);
  const k = Math.min(n, m);
  return {
    mean,
    axes: new Matrix(k, m, vt.data.slice(0, k * m)),
    singularValues: s.slice(0, k),
    project: (t) => ds.matmul(centred, alignedTo(t, centred)),
  };
}
