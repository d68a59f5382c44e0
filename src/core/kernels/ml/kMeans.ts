/**
 * KMeans' block kernels (Lloyd's algorithm, as scikit-learn's `lloyd_iter_chunked_dense`). Every kernel
 * takes the same inputs: the centres split by the column blocks of x (`parts` blocks of k x cols_j), then
 * one row strip of x (`parts` blocks of rows x cols_j). A point goes to the centre that minimises
 * ||c||² - 2 x·c (kMeansAssign.ts: ties to the lowest centre index, as scikit-learn's first minimum);
 * squared distances that are reported (inertia, farthest points) are summed exactly as Σ (x - c)², as
 * scikit-learn's `_inertia` does, so they never come out negative.
 */
import { linalg } from "../../linalg/selectBackend.ts";
import type { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";
import { assignStrip, joinCentres } from "./kMeansAssign.ts";

/** Labels scratch of the partial kernel, reused by every call on this thread (the labels are not returned). */
let scratch = new Int32Array(0);

/** Which centre each row of the strip is closest to (the fused kernel of kMeansAssign.ts, labels only). */
function assign(centres: readonly Matrix[], strip: readonly Matrix[]): Int32Array {
  const labels = new Int32Array(strip[0].rows);
  assignStrip(strip, joinCentres(centres), centres[0].rows, labels);
  return labels;
}

/** ||c||² of every centre. */
function centreNorms(centres: readonly Matrix[]): Float64Array {
  const k = centres[0].rows;
  const norms = new Float64Array(k);
  for (const part of centres) {
    const d = part.data;
    for (let c = 0; c < k; c++) {
      for (let t = c * part.cols; t < (c + 1) * part.cols; t++) norms[c] += d[t] * d[t];
    }
  }
  return norms;
}

function split(inputs: readonly Matrix[], parts: number): [Matrix[], Matrix[]] {
  return [inputs.slice(0, parts), inputs.slice(parts, 2 * parts)];
}

/**
 * One Lloyd step on one row strip: a k x (m + 2) partial whose row c holds the sum of the points assigned
 * to centre c (m values), their count, and (when `inertia`, else 0) their squared distances to c summed
 * (the strip's share of the inertia). Partials of all strips add up (`block.addAll`) to the whole array's.
 * The assignment and the accumulation are one fused pass (kMeansAssign.ts, native when built).
 */
export const kmeansPartial: Kernel<"ml.kmeans.partial"> = (inputs, { parts, inertia }, out) => {
  const [centres, strip] = split(inputs, parts);
  const k = centres[0].rows;
  const m = strip.reduce((s, b) => s + b.cols, 0);
  const partial = out.zeros(0, k, m + 2);
  if (scratch.length < strip[0].rows) scratch = new Int32Array(strip[0].rows);
  assignStrip(strip, joinCentres(centres), k, scratch, { partial: partial.data, inertia });
  return [partial];
};

/** The index of the closest centre of every row of the strip: rows x 1. */
export const kmeansLabels: Kernel<"ml.kmeans.labels"> = (inputs, { parts }, out) => {
  const [centres, strip] = split(inputs, parts);
  const labels = assign(centres, strip);
  const result = out.take(0, labels.length, 1);
  for (let i = 0; i < labels.length; i++) result.data[i] = labels[i];
  return [result];
};

/**
 * Euclidean distances of every row of the strip to every centre (scikit-learn's `transform`): rows x k,
 * from ||x||² - 2 x·c + ||c||² with negatives (rounding) clamped to 0 before the square root.
 */
export const kmeansDistances: Kernel<"ml.kmeans.distances"> = (inputs, { parts }, out) => {
  const [centres, strip] = split(inputs, parts);
  const rows = strip[0].rows;
  const k = centres[0].rows;
  const result = out.zeros(0, rows, k);
  const backend = linalg();
  for (let j = 0; j < parts; j++) {
    backend.gemm(strip[j], centres[j], { transB: true, alpha: -2, beta: 1, c: result });
  }
  const norms = centreNorms(centres);
  const d = result.data;
  for (let i = 0; i < rows; i++) {
    let xx = 0;
    for (const block of strip) {
      const x = block.data;
      for (let t = i * block.cols; t < (i + 1) * block.cols; t++) xx += x[t] * x[t];
    }
    for (let c = 0; c < k; c++) d[i * k + c] = Math.sqrt(Math.max(0, d[i * k + c] + xx + norms[c]));
  }
  return [result];
};

/**
 * The `count` rows of the strip farthest from their closest centre (what scikit-learn moves into empty
 * clusters): count x (m + 3), each row [squared distance, global row index, label, the point's m values],
 * farthest first, ties to the lower row index.
 */
export const kmeansFarthest: Kernel<"ml.kmeans.farthest"> = (inputs, { parts, count, rowOffset }, out) => {
  const [centres, strip] = split(inputs, parts);
  const labels = new Int32Array(strip[0].rows);
  const distances = new Float64Array(labels.length);
  assignStrip(strip, joinCentres(centres), centres[0].rows, labels, { distances });
  const m = strip.reduce((s, b) => s + b.cols, 0);
  const order = Array.from(labels, (_, i) => i).sort((a, b) => distances[b] - distances[a] || a - b);
  const width = m + 3;
  const result = out.take(0, count, width);
  const r = result.data;
  for (let q = 0; q < count; q++) {
    const i = order[q];
    r[q * width] = distances[i];
    r[q * width + 1] = rowOffset + i;
    r[q * width + 2] = labels[i];
    let col = q * width + 3;
    for (const block of strip) {
      const x = block.data;
      for (let t = i * block.cols; t < (i + 1) * block.cols; t++) r[col++] = x[t];
    }
  }
  return [result];
};
