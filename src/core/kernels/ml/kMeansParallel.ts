/**
 * The block kernels of k-means|| (scalable k-means++, Bahmani et al. 2012) over one row strip of x (`parts`
 * column blocks): each row's cost (squared distance to the closest candidate centre so far), and the rows
 * that a round samples, each independently with probability min(1, scale · cost) where scale = l / ψ.
 * Whether a row is sampled depends only on (key, its global row index, its cost), so every blocking of x
 * samples the same rows, and counting and gathering (two tasks) agree.
 */
import { assert } from "../../assert.ts";
import { uniformAt } from "../fill.ts";
import type { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";
import { assignStrip, joinCentres } from "./kMeansAssign.ts";

let scratch = new Int32Array(0);

/**
 * Costs of the strip's rows against new candidates (`parts` blocks of c x cols_j), lowered to the previous
 * costs (rows x 1, the last input) when `previous`: rows x 1, and their sum (1 x 1).
 */
export const kmeansCost: Kernel<"ml.kmeans.cost"> = (inputs, { parts, previous }, out) => {
  const candidates = inputs.slice(0, parts);
  const strip = inputs.slice(parts, 2 * parts);
  const rows = strip[0].rows;
  const costs = out.take(0, rows, 1);
  const c = costs.data;
  if (scratch.length < rows) scratch = new Int32Array(rows);
  assignStrip(strip, joinCentres(candidates), candidates[0].rows, scratch, { distances: c });
  if (previous) {
    const before = inputs[2 * parts].data;
    for (let i = 0; i < rows; i++) if (before[i] < c[i]) c[i] = before[i];
  }
  let total = 0;
  for (let i = 0; i < rows; i++) total += c[i];
  const sum = out.take(1, 1, 1);
  sum.data[0] = total;
  return [costs, sum];
};

/** Whether row i (of global index rowOffset + i) is sampled. */
function sampled(costs: Float64Array, i: number, key: number, rowOffset: number, scale: number): boolean {
  return uniformAt(key, rowOffset + i) < scale * costs[i];
}

/** How many rows of the strip a round samples: 1 x 1 (input: the strip's costs, rows x 1). */
export const kmeansSampleCount: Kernel<"ml.kmeans.sampleCount"> = (
  [costs],
  { key, rowOffset, scale },
  out,
) => {
  let count = 0;
  for (let i = 0; i < costs.rows; i++) if (sampled(costs.data, i, key, rowOffset, scale)) count++;
  const result = out.take(0, 1, 1);
  result.data[0] = count;
  return [result];
};

/** The rows a round samples (inputs: the costs, then the strip's `parts` blocks): count x m, in row order. */
export const kmeansSampleRows: Kernel<"ml.kmeans.sampleRows"> = (
  inputs,
  { parts, key, rowOffset, scale, count },
  out,
) => {
  const costs = inputs[0];
  const strip: readonly Matrix[] = inputs.slice(1, 1 + parts);
  const m = strip.reduce((s, b) => s + b.cols, 0);
  const result = out.take(0, count, m);
  const r = result.data;
  let q = 0;
  for (let i = 0; i < costs.rows; i++) {
    if (!sampled(costs.data, i, key, rowOffset, scale)) continue;
    assert(q < count, () => `ml.kmeans.sampleRows: more than the ${count} rows counted are sampled`);
    let col = q * m;
    for (const block of strip) {
      r.set(block.data.subarray(i * block.cols, (i + 1) * block.cols), col);
      col += block.cols;
    }
    q++;
  }
  assert(q === count, () => `ml.kmeans.sampleRows: ${q} rows sampled but ${count} were counted`);
  return [result];
};
