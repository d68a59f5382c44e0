import type { Block } from "../../core/block.ts";
import { ArgumentError } from "../../core/errors.ts";
import { linalg } from "../../core/linalg/selectBackend.ts";
import { Matrix } from "../../core/matrix.ts";
import { engine } from "../../runtime/runtime.ts";
import { gridOfChunks, offsetsOf } from "../blockGrid.ts";
import { array } from "../creation.ts";
import { DsArray } from "../dsArray.ts";
import { matmul } from "../ops/matmul.ts";
import { rechunkTo } from "../rechunk.ts";
import { describeValue, intOption, readOptions } from "../../core/options.ts";
import { finiteArgument, matrixArgument } from "./checks.ts";
import { tsqrOf } from "./tsqr.ts";

/** Options of `ds.randomSvd` (scikit-learn's `randomized_svd`). */
export interface RandomSvdOptions {
  /** Extra random directions beyond k (default 10). */
  nOversamples?: number;
  /** Power iterations (default as scikit-learn's "auto": 7 when k < 0.1 · min(m, n), else 4). */
  nIter?: number;
  /** Seed of the random test matrix (default: random). */
  randomState?: number;
}

/** What `ds.randomSvd` returns: a ≈ U · diag(s) · Vᵀ with the top k singular triplets. */
export interface RandomSvdResult {
  /** m x k, orthonormal columns, blocked like a's rows in one column block. */
  u: DsArray;
  /** The k largest singular values (approximations), descending. */
  s: Float64Array;
  /** n x k, orthonormal columns (V, not Vᵀ), blocked like a's columns in one column block. */
  v: DsArray;
}

/**
 * The top k singular triplets by Halko, Martinsson and Tropp's randomized SVD, as scikit-learn's
 * `randomized_svd`: with l = min(k + nOversamples, m, n) random directions Ω (n x l), Q = qr(a Ω), then
 * `nIter` power iterations Q = qr(a · qr(aᵀ Q)) (each QR a `ds.tsqr`, so the iterates stay orthonormal), then
 * the small l x n matrix B = Qᵀ a is gathered and factored on the calling thread (LAPACK's gesdd), and
 * U = Q · U_B. All products with a are distributed matmuls. Ω is uniform on [-1, 1) from `ds.random`
 * (seeded by `randomState`, so the result does not depend on the blocking), not Gaussian as in
 * scikit-learn: the range finder needs only a random matrix of full rank.
 *
 * Accuracy: exact (to ~1e-13 relative) when a's rank is at most l; otherwise the error of the k-th value
 * shrinks like (s[l] / s[k])^(2 nIter + 1). Signs: as ds.svd, each column of V has its entry of largest
 * magnitude positive. k must be an integer in [1, min(m, n)]; NaN or an infinity in a is a LinalgError.
 * Sparse input is made dense.
 *
 * @example
 * ```ts
 * const a = ds.array([[2, 0, 0], [0, 1, 0], [0, 0, 0.5], [0, 0, 0]], { blockSize: [2, 3] });
 * const { s, u, v } = await ds.randomSvd(a, 2, { randomState: 0 });
 * Array.from(s); // [2, 1] (up to rounding)
 * u.shape; // [4, 2]
 * v.shape; // [3, 2]
 * ```
 * @see src/array/linalg/randomSvd.ts
 */
export async function randomSvd(
  a: DsArray<Block>,
  k: number,
  options: RandomSvdOptions = {},
): Promise<RandomSvdResult> {
  const op = "ds.randomSvd";
  const values = readOptions(op, options, ["nOversamples", "nIter", "randomState"]);
  const x = matrixArgument(op, "a", a);
  const [m, n] = x.shape;
  const most = Math.min(m, n);
  if (typeof k !== "number" || !Number.isInteger(k) || k < 1 || k > most) {
    throw new ArgumentError(
      `${op}: k must be an integer in [1, ${most}] (min of a.shape=[${m}, ${n}]) but was ${describeValue(k)}`,
    );
  }
  const nOversamples = intOption(op, values, "nOversamples", 10, 0);
  const nIter = intOption(op, values, "nIter", k < 0.1 * most ? 7 : 4, 0);
  const seed = intOption(op, values, "randomState", Math.floor(Math.random() * 2 ** 31), 0);
  await finiteArgument(op, "a", x);
  const l = Math.min(k + nOversamples, most);
  const names = { op, a: "a", b: "q" };
  const orthonormal = (y: DsArray): DsArray => (tsqrOf(op, y, true) as { q: DsArray }).q;
  let q = orthonormal(matmul(x, testMatrix(op, x.grid.colChunks, l, seed), {}, names));
  for (let it = 0; it < nIter; it++) {
    const z = orthonormal(matmul(x, q, { transposeA: true }, names));
    q = orthonormal(matmul(x, z, {}, names));
  }
  const b = await matmul(q, x, { transposeA: true }, { op, a: "q", b: "a" }).collect();
  const { u: ub, s, vt } = linalg().svd(b);
  const ubk = Matrix.zeros(l, k);
  const vk = Matrix.zeros(n, k);
  for (let c = 0; c < k; c++) {
    // svd_flip on V: the entry of largest magnitude of each right singular vector is made positive.
    let big = 0;
    for (let j = 0; j < n; j++) if (Math.abs(vt.data[c * n + j]) > Math.abs(big)) big = vt.data[c * n + j];
    const sign = big < 0 ? -1 : 1;
    for (let j = 0; j < n; j++) vk.data[j * k + c] = sign * vt.data[c * n + j];
    for (let i = 0; i < l; i++) ubk.data[i * k + c] = sign * ub.data[i * ub.cols + c];
  }
  const u = matmul(q, array(ubk, { blockSize: [l, k] }), {}, { op, a: "q", b: "u" });
  const v = rechunkTo(array(vk, { blockSize: [n, k] }), x.grid.colChunks, [k], op);
  await u.persist();
  return { u, s: s.slice(0, k), v };
}

/** n x l uniform on [-1, 1), rows cut like `rowChunks`, the values fixed by the seed alone. */
function testMatrix(op: string, rowChunks: readonly number[], l: number, seed: number): DsArray {
  const offsets = offsetsOf(rowChunks);
  const refs = rowChunks.map((rows, i) => [
    engine().submit({
      op,
      kernel: "fill.random",
      attrs: { seed, rowStart: offsets[i], colStart: 0, rows, cols: l, totalCols: l },
      inputs: [],
      outputs: [[rows, l]],
      blockIndex: [i, 0],
    })[0],
  ]);
  return DsArray.fromBlocks(gridOfChunks(rowChunks, [l]), refs)
    .mul(2)
    .sub(1);
}
