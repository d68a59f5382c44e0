/**
 * k-means|| initialisation (scalable k-means++, Bahmani et al. 2012, as Spark MLlib and dislib run it):
 * the first candidate is a row drawn uniformly; then each of ROUNDS rounds samples every row independently
 * with probability min(1, l · cost / ψ), where cost is the row's squared distance to the closest candidate
 * so far, ψ the sum of the costs and l = OVERSAMPLING · k, and adds those rows to the candidates. Each round
 * is a few passes over the strips (costs and their sums, then how many rows each strip samples, then those
 * rows), so about 1 + ROUNDS · l candidates reach the calling thread instead of x's rows. Each candidate
 * is weighted by the number of rows closest to it (one more pass), and weighted greedy k-means++ on the
 * candidates picks the k centres, all of them rows of x.
 */
import { Matrix } from "../../core/matrix.ts";
import { offsetsOf } from "../../array/blockGrid.ts";
import type { DsArray } from "../../array/dsArray.ts";
import type { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { kMeansPlusPlus, plusPlusRows, type SeededUniform } from "./kMeansInit.ts";
import { centreParts, lloydPartial } from "./kMeansTasks.ts";

/** Rounds of sampling (Bahmani et al. find ~5 enough; Spark's default is 2). */
export const ROUNDS = 5;
/** The oversampling factor l per cluster: l = 2k rows are expected to be sampled a round. */
export const OVERSAMPLING = 2;

/** The strips' costs (rows x 1 each) and their sum. */
interface Costs {
  blocks: BlockRef[];
  total: number;
}

/** Costs of every row against `candidates`, lowered to `previous` when given. */
async function costPass(
  op: string,
  x: DsArray,
  candidates: Matrix,
  previous: Costs | undefined,
): Promise<Costs> {
  const parts = centreParts(candidates, x);
  const eng = engine();
  const outs = x.blocks().map((strip, i) =>
    eng.submit({
      op,
      kernel: "ml.kmeans.cost",
      attrs: { parts: parts.length, previous: previous !== undefined },
      inputs: previous === undefined ? [...parts, ...strip] : [...parts, ...strip, previous.blocks[i]],
      outputs: [
        [x.grid.rowChunks[i], 1],
        [1, 1],
      ],
      blockIndex: [i, 0],
    }),
  );
  let total = 0;
  for (const [, sum] of outs) total += ((await sum.ready) as Matrix).data[0];
  return { blocks: outs.map(([costs]) => costs), total };
}

/** The rows one round samples (with the round's `key` and scale = l / ψ), in row order. */
async function sampleRows(op: string, x: DsArray, costs: Costs, key: number, scale: number): Promise<Matrix> {
  const eng = engine();
  const rowOffsets = offsetsOf(x.grid.rowChunks);
  const m = x.shape[1];
  const counts = costs.blocks.map((c, i) => {
    const [ref] = eng.submit({
      op,
      kernel: "ml.kmeans.sampleCount",
      attrs: { key, rowOffset: rowOffsets[i], scale },
      inputs: [c],
      outputs: [[1, 1]],
      blockIndex: [i, 0],
    });
    return ref;
  });
  const strips = x.blocks();
  const picked: BlockRef[] = [];
  for (const [i, ref] of counts.entries()) {
    const count = ((await ref.ready) as Matrix).data[0];
    if (count === 0) continue;
    const [rows] = eng.submit({
      op,
      kernel: "ml.kmeans.sampleRows",
      attrs: { parts: strips[i].length, key, rowOffset: rowOffsets[i], scale, count },
      inputs: [costs.blocks[i], ...strips[i]],
      outputs: [[count, m]],
      blockIndex: [i, 0],
    });
    picked.push(rows);
  }
  return stack((await Promise.all(picked.map(async (r) => r.ready))) as Matrix[], m);
}

function stack(blocks: readonly Matrix[], m: number): Matrix {
  const out = Matrix.zeros(
    blocks.reduce((s, b) => s + b.rows, 0),
    m,
  );
  let offset = 0;
  for (const b of blocks) {
    out.data.set(b.data.subarray(0, b.rows * m), offset);
    offset += b.rows * m;
  }
  return out;
}

/**
 * k initial centres of x by k-means|| (all of them rows of x). When fewer than k candidates come out (x has
 * fewer than about k distinct rows), k-means++ runs instead.
 *
 * @example
 * ```ts
 * const centres = await kMeansParallel("KMeans.fit", x, 8, new SeededUniform(0, 0)); // 8 x m
 * ```
 */
export async function kMeansParallel(op: string, x: DsArray, k: number, rng: SeededUniform): Promise<Matrix> {
  const [n, m] = x.shape;
  const l = OVERSAMPLING * k;
  const first = await x.take([rng.below(n)], 0).collect();
  const found: Matrix[] = [first];
  let costs = await costPass(op, x, first, undefined);
  for (let round = 0; round < ROUNDS && costs.total > 0; round++) {
    const key = Math.floor(rng.next() * 2 ** 32);
    const picked = await sampleRows(op, x, costs, key, l / costs.total);
    if (picked.rows === 0) continue;
    found.push(picked);
    if (round < ROUNDS - 1) costs = await costPass(op, x, picked, costs);
  }
  const candidates = stack(found, m);
  if (candidates.rows < k) return kMeansPlusPlus(x, k, rng);
  // Each candidate weighs as many rows as are closest to it (column m of the Lloyd partial).
  const partial = await lloydPartial(op, x, candidates, false);
  const weights = Float64Array.from({ length: candidates.rows }, (_, c) => partial.data[c * (m + 2) + m]);
  return plusPlusRows(candidates, weights, k, rng);
}
