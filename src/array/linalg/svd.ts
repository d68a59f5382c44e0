import type { Block } from "../../core/block.ts";
import { LinalgError, ShapeError } from "../../core/errors.ts";
import type { Matrix } from "../../core/matrix.ts";
import { waitAll, type BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { chunksOf, gridOfChunks, offsetsOf, sameChunks } from "../blockGrid.ts";
import { array } from "../creation.ts";
import { DsArray } from "../dsArray.ts";
import { rechunkTo } from "../rechunk.ts";
import { booleanOption, intOption, positiveOption, readOptions } from "../../core/options.ts";
import { finiteArgument, matrixArgument } from "./checks.ts";
import { jacobiSweep, type JacobiState } from "./jacobiSweep.ts";

/** Options of `ds.svd`. */
export interface SvdOptions {
  /** Compute U and V too (default true); with false only the singular values. */
  computeUv?: boolean;
  /** Convergence: every pair of columns has a cosine of at most `tol` (default 1e-12). */
  tol?: number;
  /** Sweeps over all pairs of column blocks before giving up with a LinalgError (default 30). */
  maxSweeps?: number;
  /**
   * Columns per block of the Jacobi iteration (default: the larger of a's column block and
   * min(⌈n / 2⌉, 512)). Wider blocks need fewer sweeps (a pair spanning all columns converges in about 2), at
   * the price of a larger eigenproblem per pair on one worker.
   */
  blockCols?: number;
}

/** What `ds.svd` returns: a = U · diag(s) · Vᵀ. */
export interface SvdResult {
  /** m x n, orthonormal columns, blocked like a. */
  u: DsArray;
  /** The n singular values, descending. */
  s: Float64Array;
  /** n x n orthogonal (V, not Vᵀ), blocked like a's columns on both axes. */
  v: DsArray;
  /** Sweeps done, the last one being the one that found every pair orthogonal. */
  nSweeps: number;
}

const OPTIONS = ["computeUv", "tol", "maxSweeps", "blockCols"];
/** The widest default Jacobi block: a pair is then a 1024 x 1024 eigenproblem. */
const BLOCK_COLS_DEFAULT_MAX = 512;

/**
 * Thin SVD by one-sided block Jacobi (dislib's `svd`), for m >= n on any block grid: pairs of column blocks
 * (a's, widened to `blockCols` columns: see the option) are rotated until all columns are orthogonal; then s
 * holds the column norms (descending), U the columns over their norms and V the product of the rotations.
 * Per pair, the Gram matrix is summed over row blocks (a tree of tasks), one task finds the rotation (LAPACK's
 * eigensolver while the off-diagonal entries are large, then a scalar Jacobi eigensolver, which also resolves
 * the small singular values of ill-conditioned pairs), and one task per row block rotates A (and V). A sweep
 * ends by reading each pair's largest cosine; the factorisation stops after the first sweep in which none
 * exceeds `tol`.
 *
 * Accuracy (measured against numpy.linalg.svd): singular values within 1e-14 relative for well-conditioned
 * input and within 1e-14 · s[0] absolute at condition 1e10 (3e-8 relative to the exact ones there);
 * ‖UᵀU - I‖ ≤ 5e-13 (the cosine tolerance), ‖VᵀV - I‖ ~1e-14.
 * Signs: each column of V has its entry of largest magnitude positive (scikit-learn's `svd_flip` with
 * `u_based_decision=False`), U's columns follow. A numerically zero singular value (at most
 * max(m, n) · eps · ‖a‖_F, numpy's rank threshold) gets a zero column of U, so for a rank-deficient a, UᵀU is
 * the identity on the numerical rank only (numpy completes U to an orthonormal basis instead).
 *
 * m < n is a ShapeError: factor a.T and swap the roles of U and V. Sparse input is made dense. No
 * convergence within `maxSweeps` is a LinalgError, and so is NaN or an infinity in a.
 *
 * @example
 * ```ts
 * const a = ds.array([[3, 0], [0, -4], [0, 0]], { blockSize: [2, 1] });
 * const { u, s, v } = await ds.svd(a);
 * Array.from(s); // [4, 3]
 * await v.toArray(); // [[0, 1], [1, 0]]
 * await u.toArray(); // [[0, 1], [-1, 0], [0, 0]]
 * ```
 * @see src/array/linalg/svd.ts
 */
export async function svd(
  a: DsArray<Block>,
  options: SvdOptions & { computeUv: false },
): Promise<{ s: Float64Array; nSweeps: number }>;
export async function svd(a: DsArray<Block>, options?: SvdOptions): Promise<SvdResult>;
export async function svd(
  a: DsArray<Block>,
  options: SvdOptions = {},
): Promise<{ u?: DsArray; s: Float64Array; v?: DsArray; nSweeps: number }> {
  const op = "ds.svd";
  const values = readOptions(op, options, OPTIONS);
  const computeUv = booleanOption(op, values, "computeUv", true);
  const tol = positiveOption(op, values, "tol", 1e-12);
  const maxSweeps = intOption(op, values, "maxSweeps", 30, 1);
  const x = matrixArgument(op, "a", a);
  const [m, n] = x.shape;
  if (m < n) {
    throw new ShapeError(
      `${op}: a must have at least as many rows as columns but has shape [${m}, ${n}] (factor a.T and swap u and v)`,
    );
  }
  const widest = Math.max(...x.grid.colChunks);
  const blockCols = intOption(
    op,
    values,
    "blockCols",
    Math.max(widest, Math.min(Math.ceil(n / 2), BLOCK_COLS_DEFAULT_MAX)),
    1,
  );
  await finiteArgument(op, "a", x);
  const { rowChunks, colChunks } = x.grid;
  // The iteration's own column blocks; the results are blocked like a again at the end.
  const work = sameChunks(colChunks, chunksOf(n, blockCols))
    ? x
    : rechunkTo(x, rowChunks, chunksOf(n, blockCols), op);
  const workChunks = work.grid.colChunks;
  const state: JacobiState = {
    a: work.blocks().map((row) => row.map((ref) => (ref.hold(), ref))),
    v: computeUv ? identityBlocks(op, workChunks) : undefined,
    rowChunks,
    colChunks: workChunks,
  };
  // Columns below max(m, n) · eps · ‖a‖_F are numerically zero (numpy's matrix_rank threshold): the
  // rotations' rounding noise, which cannot be made orthogonal to the other columns.
  const zeroNorm = Math.max(m, n) * Number.EPSILON * (await x.norm());
  let nSweeps = 0;
  for (;;) {
    const flags = jacobiSweep(op, state, tol, zeroNorm * zeroNorm);
    nSweeps++;
    await waitAll(flags);
    const worst = Math.max(...flags.map((f) => (f.value as Matrix).data[0]));
    if (worst <= tol) break;
    if (nSweeps === maxSweeps) {
      release(state);
      throw new LinalgError(
        `${op}: no convergence after ${maxSweeps} sweeps (largest cosine between columns ${worst}, tol ${tol}); raise maxSweeps or tol`,
      );
    }
  }
  const rotated = DsArray.fromBlocks(work.grid, state.a);
  const norms = (await rotated.norm(0).collect()).data;
  const order = Array.from(norms.keys()).sort((p, q) => norms[q] - norms[p] || p - q);
  const s = Float64Array.from(order, (c) => norms[c]);
  if (state.v === undefined) {
    release(state);
    return { s, nSweeps };
  }
  const vRotated = DsArray.fromBlocks(gridOfChunks(workChunks, workChunks), state.v);
  const signs = await columnSigns(op, state.v, workChunks);
  const sorted = order.map((c) => signs[c]);
  const rowOf = (entries: number[]) => rechunkTo(array([entries], { blockSize: [1, n] }), [1], workChunks);
  const u = rechunkTo(
    rotated.take(order, 1).mul(rowOf(sorted.map((sign, k) => (s[k] > zeroNorm ? sign / s[k] : 0)))),
    rowChunks,
    colChunks,
  );
  const v = rechunkTo(vRotated.take(order, 1).mul(rowOf(sorted)), colChunks, colChunks);
  await Promise.all([u.persist(), v.persist()]);
  release(state);
  return { u, s, v, nSweeps };
}

/** The n x n identity on the given chunks, one fill task per block. */
function identityBlocks(op: string, chunks: readonly number[]): BlockRef[][] {
  const offsets = offsetsOf(chunks);
  return chunks.map((rows, i) =>
    chunks.map((cols, j) => {
      const [ref] = engine().submit({
        op,
        kernel: "fill.eye",
        attrs: { rows, cols, rowStart: offsets[i], colStart: offsets[j], diagonal: 0 },
        inputs: [],
        outputs: [[rows, cols]],
      });
      ref.hold();
      return ref;
    }),
  );
}

/** +1 or -1 per column of V: the sign of its entry of largest magnitude (the first such row on ties). */
async function columnSigns(op: string, v: BlockRef[][], chunks: readonly number[]): Promise<number[]> {
  const maxima = v.map((row, i) =>
    row.map((ref, j) => {
      const [m] = engine().submit({
        op,
        kernel: "linalg.maxAbsEntries",
        attrs: {},
        inputs: [ref],
        outputs: [[1, chunks[j]]],
        blockIndex: [i, j],
      });
      return m;
    }),
  );
  await waitAll(maxima.flat());
  const best = new Float64Array(chunks.reduce((t, c) => t + c, 0));
  const offsets = offsetsOf(chunks);
  for (const row of maxima) {
    row.forEach((ref, j) => {
      const d = (ref.value as Matrix).data;
      for (let c = 0; c < d.length; c++) {
        if (Math.abs(d[c]) > Math.abs(best[offsets[j] + c])) best[offsets[j] + c] = d[c];
      }
    });
  }
  return Array.from(best, (b) => (b < 0 ? -1 : 1));
}

/** Drops the working holds (the result arrays hold what they still need). */
function release(state: JacobiState): void {
  for (const row of state.a) for (const ref of row) ref.drop();
  if (state.v !== undefined) for (const row of state.v) for (const ref of row) ref.drop();
}
