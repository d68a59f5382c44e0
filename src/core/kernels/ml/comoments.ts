/**
 * Co-moments of the columns of one row strip, in one pass over it: the row count, the column means and
 * Σ (z - mean)(z - mean)ᵀ, where z is a row of the strip's blocks side by side (for the linear models, the
 * columns of x then those of y). The strip is read in chunks of rows that fit in the cache: each chunk is
 * copied, centred on its own mean, its products accumulated by BLAS, and its mean merged into the running
 * moments by Chan, Golub and LeVeque's pairwise update. Centring each chunk on its own mean before the product
 * keeps the precision of a centred two-pass computation when columns have large means, while the strip's
 * memory is read once.
 *
 * A partial is a (p + 2) x p block for p columns: row 0 holds the count (in column 0), row 1 the means,
 * rows 2..p+1 the co-moment matrix. Partials of disjoint row sets merge with `mergeMoments`.
 */
import { linalg } from "../../linalg/selectBackend.ts";
import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";

/** About this many values (256 KiB) per chunk of rows copied and centred at a time. */
const CHUNK_VALUES = 1 << 15;

/**
 * Merges the moments (nB, meanB, cB) into (n, mean, c) in place: c += cB + δδᵀ n nB / (n + nB) with
 * δ = meanB - mean, then mean += δ nB / (n + nB). Returns the merged count.
 */
function mergeInto(
  n: number,
  mean: Float64Array,
  c: Float64Array,
  nB: number,
  meanB: ArrayLike<number>,
  cB: ArrayLike<number> | undefined,
): number {
  if (nB === 0) return n;
  const p = mean.length;
  const total = n + nB;
  const f = (n * nB) / total;
  const delta = new Float64Array(p);
  for (let j = 0; j < p; j++) delta[j] = meanB[j] - mean[j];
  for (let i = 0; i < p; i++) {
    const di = f * delta[i];
    const row = i * p;
    if (cB === undefined) for (let j = 0; j < p; j++) c[row + j] += di * delta[j];
    else for (let j = 0; j < p; j++) c[row + j] += cB[row + j] + di * delta[j];
  }
  const w = nB / total;
  for (let j = 0; j < p; j++) mean[j] += w * delta[j];
  return total;
}

/**
 * The strip's co-moments (one partial) from its blocks, all with the same rows. Every step on a chunk is a
 * BLAS call on a copy of the chunk's rows of one block (contiguous in the row-major block): the column
 * sums (gemv with ones), the centring (a rank-one gemm), and the products of each pair of blocks (syrk on
 * the diagonal, gemm off it) accumulated per pair, then placed into the p x p co-moment at the end.
 */
export const comomentsPartial: Kernel<"ml.comoments.partial"> = (blocks, _attrs, out) => {
  const rows = blocks[0].rows;
  const widths = blocks.map((b) => b.cols);
  const offsets = widths.map((_, a) => widths.slice(0, a).reduce((s, w) => s + w, 0));
  const p = widths.reduce((s, w) => s + w, 0);
  const result = out.zeros(0, p + 2, p);
  const r = result.data;
  const mean = r.subarray(p, 2 * p);
  const comoment = r.subarray(2 * p);
  const chunkRows = Math.min(rows, Math.max(8, Math.floor(CHUNK_VALUES / Math.max(p, 1))));
  const buffers = widths.map((w) => new Float64Array(chunkRows * w));
  const ones = new Float64Array(chunkRows).fill(1);
  const chunkMean = new Float64Array(p);
  // products[a][b - a]: Σ over chunks of (block a centred)ᵀ (block b centred), for a <= b.
  const products = widths.map((wa, a) => widths.slice(a).map((wb) => Matrix.zeros(wa, wb)));
  const backend = linalg();
  let n = 0;
  for (let r0 = 0; r0 < rows; r0 += chunkRows) {
    const c = Math.min(chunkRows, rows - r0);
    const onesColumn = new Matrix(c, 1, ones.subarray(0, c));
    const views = blocks.map((block, a) => {
      const w = widths[a];
      const view = new Matrix(c, w, buffers[a].subarray(0, c * w));
      view.data.set(block.data.subarray(r0 * w, (r0 + c) * w));
      const blockMean = chunkMean.subarray(offsets[a], offsets[a] + w);
      backend.gemv(view, onesColumn.data, { trans: true, alpha: 1 / c, beta: 0, y: blockMean });
      backend.gemm(onesColumn, new Matrix(1, w, blockMean), { alpha: -1, beta: 1, c: view });
      return view;
    });
    for (let a = 0; a < views.length; a++) {
      backend.syrk(views[a], { trans: true, beta: 1, c: products[a][0] });
      for (let b = a + 1; b < views.length; b++) {
        backend.gemm(views[a], views[b], { transA: true, beta: 1, c: products[a][b - a] });
      }
    }
    n = mergeInto(n, mean, comoment, c, chunkMean, undefined);
  }
  for (let a = 0; a < widths.length; a++) {
    for (let b = a; b < widths.length; b++) {
      const d = products[a][b - a].data;
      const wb = widths[b];
      for (let i = 0; i < widths[a]; i++) {
        for (let j = 0; j < wb; j++) {
          const v = d[i * wb + j];
          comoment[(offsets[a] + i) * p + offsets[b] + j] += v;
          if (b > a) comoment[(offsets[b] + j) * p + offsets[a] + i] += v;
        }
      }
    }
  }
  r[0] = n;
  return [result];
};

/** Several partials (of disjoint rows) merged into one. */
export const comomentsMerge: Kernel<"ml.comoments.merge"> = (partials, _attrs, out) => {
  const p = partials[0].cols;
  const result = out.take(0, p + 2, p);
  const r = result.data;
  r.set(partials[0].data);
  const mean = r.subarray(p, 2 * p);
  const comoment = r.subarray(2 * p);
  let n = r[0];
  for (let k = 1; k < partials.length; k++) {
    const d = partials[k].data;
    n = mergeInto(n, mean, comoment, d[0], d.subarray(p, 2 * p), d.subarray(2 * p));
  }
  r[0] = n;
  return [result];
};
