/**
 * What the linear models fit from: the normal equations of x (n x m) and y (n x k), in one distributed
 * pass over the data. One `ml.comoments.partial` task per row strip of [x y] gives the strip's count,
 * column means and centred co-moment matrix; a tree of `ml.comoments.merge` tasks (reductionTree's
 * grouping) merges them. The calling thread then has the centred Gram matrix xcᵀxc, xcᵀyc, ||yc||² per
 * target and the means, from which LinearRegression, Ridge, ElasticNet and Lasso solve a small dense
 * problem. Centring happens inside the pass (each chunk of rows on its own mean, merged exactly), so large
 * column means lose no more precision than scikit-learn's centre-then-multiply.
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError, ShapeError } from "../../core/errors.ts";
import { linalg } from "../../core/linalg/selectBackend.ts";
import { Matrix } from "../../core/matrix.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { rechunkTo } from "../../array/rechunk.ts";
import { foldTree } from "../../array/reduction.ts";
import type { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { checkInput } from "../estimator.ts";

/** The normal equations of a fit, centred when the model fits an intercept. */
export interface NormalEquations {
  /** Rows of x. */
  n: number;
  /** Column means of x (zeros without an intercept). */
  xMean: Float64Array;
  /** Column means of y (zeros without an intercept). */
  yMean: Float64Array;
  /** xcᵀxc, m x m (xᵀx without an intercept). */
  gram: Matrix;
  /** xcᵀyc, m x k. */
  xty: Matrix;
  /** ||yc_j||² of each target. */
  yNorm2: Float64Array;
}

/** The (p + 2) x p co-moment partial of [x y] over all rows: one task per strip, then a merge tree. */
async function comoments(op: string, x: DsArray, y: DsArray): Promise<Matrix> {
  const p = x.shape[1] + y.shape[1];
  const eng = engine();
  const xs = x.blocks();
  const ys = y.blocks();
  const partials: BlockRef[] = xs.map((strip, i) => {
    const [ref] = eng.submit({
      op,
      kernel: "ml.comoments.partial",
      attrs: {},
      inputs: [...strip, ...ys[i]],
      outputs: [[p + 2, p]],
      blockIndex: [i, 0],
    });
    return ref;
  });
  const total = foldTree(
    partials,
    (group) =>
      eng.submit({ op, kernel: "ml.comoments.merge", attrs: {}, inputs: group, outputs: [[p + 2, p]] })[0],
  );
  return (await total.ready) as Matrix;
}

/**
 * Checks x and y of `name.fit` (DsArrays, the same rows, at least one) and forms the normal equations in
 * one pass: centred when `fitIntercept`, else of the raw data. Sparse arrays are made dense block by
 * block; y is rechunked to x's row blocks when they differ. Throws `ArgumentError` when x or y has a NaN
 * or an infinity (scikit-learn rejects them too).
 *
 * @example
 * ```ts
 * const eq = await normalEquations("Ridge", x, y, true);
 * eq.gram; // xcᵀxc
 * ```
 */
export async function normalEquations(
  name: string,
  x: unknown,
  y: unknown,
  fitIntercept: boolean,
): Promise<NormalEquations> {
  let input: DsArray<Block> = checkInput(name, "fit", x);
  let target: DsArray<Block> = checkInput(name, "fit", y);
  const [n, m] = input.shape;
  if (target.shape[0] !== n) {
    throw new ShapeError(`${name}.fit: x has ${n} rows but y has ${target.shape[0]} (y must be n x targets)`);
  }
  if (n === 0) throw new ArgumentError(`${name}.fit: x has no rows`);
  const k = target.shape[1];
  if (m === 0 || k === 0) {
    throw new ShapeError(
      `${name}.fit: x and y need at least one column each (x is ${n} x ${m}, y ${n} x ${k})`,
    );
  }
  if (input.sparse) input = input.toDense();
  if (target.sparse) target = target.toDense();
  const aligned = rechunkTo(target as DsArray, input.grid.rowChunks, target.grid.colChunks, `${name}.fit`);
  const c = await comoments(`${name}.fit`, input as DsArray, aligned);
  const d = c.data;
  for (let t = 0; t < d.length; t++) {
    if (!Number.isFinite(d[t])) {
      throw new ArgumentError(
        `${name}.fit: x or y contains NaN or an infinity; remove or impute those values first`,
      );
    }
  }
  const p = m + k;
  const mean = d.subarray(p, 2 * p);
  // Without an intercept the raw products are the centred ones plus n times the products of the means.
  const shift = fitIntercept ? 0 : n;
  const at = (i: number, j: number) => d[(2 + i) * p + j] + shift * mean[i] * mean[j];
  const gram = new Matrix(m, m, new Float64Array(m * m));
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) gram.data[i * m + j] = at(i, j);
  const xty = new Matrix(m, k, new Float64Array(m * k));
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) xty.data[i * k + j] = at(i, m + j);
  const yNorm2 = Float64Array.from({ length: k }, (_, j) => at(m + j, m + j));
  return {
    n,
    xMean: fitIntercept ? Float64Array.from(mean.subarray(0, m)) : new Float64Array(m),
    yMean: fitIntercept ? Float64Array.from(mean.subarray(m)) : new Float64Array(k),
    gram,
    xty,
    yNorm2,
  };
}

/**
 * Eigenvalues of the Gram matrix below this fraction of the largest count as zero: singular values of x
 * below 1e-6 of the largest. Rounding in forming xᵀx leaves the eigenvalues of a repeated column near
 * 1e-16 of the largest, far below the cut.
 */
const RANK_TOLERANCE = 1e-12;

/**
 * The least-squares solution of `g w = b` for a symmetric positive semi-definite `g` (features x features)
 * and `b` (features x targets), from the eigen-decomposition of `g`: w = V diag(1/λ) Vᵀ b over the
 * eigenvalues λ above RANK_TOLERANCE of the largest. For a full-rank x that is the unique solution; for a
 * rank-deficient one (a repeated column) it is the minimum-norm solution, as `lstsq` gives. A Cholesky
 * solve would not do: on a singular Gram matrix, rounding usually leaves it "positive definite". The
 * eigenvalues (ascending) come back too, for the caller's condition check.
 *
 * @example
 * ```ts
 * solveEigen(Matrix.fromArray([[2, 0], [0, 0]]), Matrix.fromArray([[4], [0]])).w; // [[2], [0]], rank 1
 * ```
 */
export function solveEigen(g: Matrix, b: Matrix): { w: Matrix; rank: number; eigenvalues: Float64Array } {
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
  return { w: backend.gemm(vectors, vtb), rank, eigenvalues: values };
}

/**
 * The fitted coefficients (targets x features, row-major, as scikit-learn's `coef_`) from the solution
 * `w` (features x targets) of the normal equations, and the intercepts yMean - xMean · coef.
 */
export function coefAndIntercept(w: Matrix, eq: NormalEquations): { coef: number[]; intercept: number[] } {
  const m = w.rows;
  const k = w.cols;
  const coef = new Array<number>(k * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) coef[j * m + i] = w.data[i * k + j];
  const intercept = Array.from(eq.yMean, (ym, j) => {
    let dot = 0;
    for (let i = 0; i < m; i++) dot += eq.xMean[i] * coef[j * m + i];
    return ym - dot;
  });
  return { coef, intercept };
}
