/**
 * KMeans' initial centres: k distinct rows at random ("random"), or scikit-learn's greedy k-means++ on the
 * rows gathered to the main thread (all of them up to SAMPLE_VALUES_MAX values, else a uniform random
 * sample of rows of about that size). Random choices come from a counter-based stream of
 * (randomState, run), so a seed gives the same centres whatever the blocking.
 */
import { uniformAt } from "../../core/kernels/fill.ts";
import { Matrix } from "../../core/matrix.ts";
import type { DsArray } from "../../array/dsArray.ts";
import { streamKey } from "../../io/datasets/counterRandom.ts";

/** The most values k-means++ gathers to the main thread (8 MiB of doubles). */
export const SAMPLE_VALUES_MAX = 2 ** 20;

/** Uniform [0, 1) draws from one (seed, stream). */
export class SeededUniform {
  private readonly key: number;
  private index = 0;

  constructor(seed: number, stream: number) {
    this.key = streamKey(seed, stream);
  }

  next(): number {
    return uniformAt(this.key, this.index++);
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.min(n - 1, Math.floor(this.next() * n));
  }
}

/** `count` distinct integers of [0, n) in random order (Floyd's algorithm, then a shuffle). */
export function distinctIndices(n: number, count: number, rng: SeededUniform): number[] {
  const chosen = new Set<number>();
  const out: number[] = [];
  for (let j = n - count; j < n; j++) {
    const t = rng.below(j + 1);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    out.push(pick);
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The rows `indices` of `x`, gathered. */
async function rowsOf(x: DsArray, indices: number[]): Promise<Matrix> {
  return x.take(indices, 0).collect();
}

/** k distinct rows of x chosen uniformly (scikit-learn's `init="random"`). */
export async function randomInit(x: DsArray, k: number, rng: SeededUniform): Promise<Matrix> {
  return rowsOf(x, distinctIndices(x.shape[0], k, rng));
}

function squaredDistance(a: Float64Array, i: number, b: Float64Array, j: number, m: number): number {
  let s = 0;
  for (let t = 0; t < m; t++) {
    const d = a[i * m + t] - b[j * m + t];
    s += d * d;
  }
  return s;
}

/**
 * Greedy k-means++ (scikit-learn's `_kmeans_plusplus`): the first centre uniformly, then for each next one
 * 2 + floor(ln k) candidates drawn with probability proportional to the squared distance to the closest
 * centre so far, keeping the candidate that lowers the total the most.
 */
export async function kMeansPlusPlus(x: DsArray, k: number, rng: SeededUniform): Promise<Matrix> {
  const [n, m] = x.shape;
  const sampleRows = Math.min(n, Math.max(k, Math.floor(SAMPLE_VALUES_MAX / Math.max(1, m))));
  const sample =
    sampleRows === n
      ? await x.collect()
      : await rowsOf(
          x,
          distinctIndices(n, sampleRows, rng).sort((a, b) => a - b),
        );
  return plusPlusRows(sample, undefined, k, rng);
}

/**
 * Greedy k-means++ on the rows of `points` (in memory), each row counting `weights[i]` times (all once when
 * undefined): the first centre drawn in proportion to the weights, the next ones as `kMeansPlusPlus` does
 * with every squared distance weighted. k-means|| runs it on its weighted candidates.
 */
export function plusPlusRows(
  points: Matrix,
  weights: Float64Array | undefined,
  k: number,
  rng: SeededUniform,
): Matrix {
  const s = points.data;
  const rows = points.rows;
  const m = points.cols;
  const w = (i: number, v: number): number => (weights === undefined ? v : weights[i] * v);
  const trials = 2 + Math.floor(Math.log(k));
  const centres = Matrix.zeros(k, m);
  const c = centres.data;
  const first = weights === undefined ? rng.below(rows) : weightedPick(weights, rng);
  c.set(s.subarray(first * m, (first + 1) * m), 0);
  let closest: Float64Array = Float64Array.from({ length: rows }, (_, i) => squaredDistance(s, i, c, 0, m));
  let potential = closest.reduce((a, b, i) => a + w(i, b), 0);
  const cumulative = new Float64Array(rows);
  for (let j = 1; j < k; j++) {
    let running = 0;
    for (let i = 0; i < rows; i++) cumulative[i] = running += w(i, closest[i]);
    let best: { row: number; potential: number; closest: Float64Array } | undefined;
    for (let t = 0; t < trials; t++) {
      const target = rng.next() * potential;
      let row = lowerBound(cumulative, target);
      if (row >= rows) row = rows - 1;
      const next = new Float64Array(rows);
      let total = 0;
      for (let i = 0; i < rows; i++) {
        next[i] = Math.min(closest[i], squaredDistance(s, i, s, row, m));
        total += w(i, next[i]);
      }
      if (best === undefined || total < best.potential) best = { row, potential: total, closest: next };
    }
    const chosen = best as { row: number; potential: number; closest: Float64Array };
    c.set(s.subarray(chosen.row * m, (chosen.row + 1) * m), j * m);
    closest = chosen.closest;
    potential = chosen.potential;
  }
  return centres;
}

/** An index drawn with probability proportional to its (non-negative) weight. */
function weightedPick(weights: Float64Array, rng: SeededUniform): number {
  const cumulative = new Float64Array(weights.length);
  let running = 0;
  for (let i = 0; i < weights.length; i++) cumulative[i] = running += weights[i];
  // The first index whose running total passes the target: a zero weight is never picked.
  const target = rng.next() * running;
  let lo = 0;
  let hi = weights.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] <= target) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, weights.length - 1);
}

/** The first index whose value is >= target (NumPy's `searchsorted`, side "left"). */
function lowerBound(sorted: Float64Array, target: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
