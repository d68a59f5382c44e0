/**
 * Counter-based random numbers for the synthetic generators: every value depends only on
 * (seed, stream, row, draw number), never on the order in which rows are generated or on the block size, so
 * that a generator can fill any block on its own (today on the main thread, block by block; a worker kernel
 * could fill them in parallel with the same results).
 */
import { assert } from "../../core/assert.ts";
import { fmix32, uniformAt } from "../../core/kernels/fill.ts";

/**
 * A 32-bit key from a user seed (any safe integer) and a stream number, so that the streams of one seed
 * (sample rows, cluster centres, coefficients, shuffling) are independent.
 *
 * @example
 * ```ts
 * streamKey(0, 1) !== streamKey(0, 2); // true
 * ```
 */
export function streamKey(seed: number, stream: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return fmix32(fmix32(lo ^ Math.imul(stream + 1, 0x9e3779b1)) ^ fmix32(hi + 0x632be5ab));
}

/**
 * Uniform and standard-normal draws for one row at a time. `startRow(i)` positions the stream at row `i`;
 * row `i` then gets the same values whichever rows came before. Each draw uses one counter value; at most
 * `drawsPerRow` draws per row.
 *
 * @example
 * ```ts
 * const r = new CounterRandom(7, 0, 4);
 * r.startRow(3);
 * const a = r.normal();
 * r.startRow(3);
 * r.normal() === a; // true
 * ```
 */
export class CounterRandom {
  private readonly key: number;
  private readonly drawsPerRow: number;
  private index = 0;
  private end = 0;

  constructor(seed: number, stream: number, drawsPerRow: number) {
    this.key = streamKey(seed, stream);
    this.drawsPerRow = drawsPerRow;
  }

  /** Moves to the first draw of row `row`. */
  startRow(row: number): void {
    this.index = row * this.drawsPerRow;
    this.end = this.index + this.drawsPerRow;
  }

  /** Uniform in [0, 1) (53 random bits). */
  uniform(): number {
    assert(this.index < this.end, () => `more than ${this.drawsPerRow} draws in one row`);
    return uniformAt(this.key, this.index++);
  }

  /**
   * Standard normal, by inverting the normal CDF at one uniform draw moved into the open interval (0, 1)
   * (the upper half through its exact complement, so that no draw reaches 1 and the values are symmetric).
   */
  normal(): number {
    const u = this.uniform();
    return u < 0.5 ? inverseNormalCdf(u + HALF_ULP) : -inverseNormalCdf(1 - u - HALF_ULP);
  }
}

/** Half the spacing of `uniform()`'s values: shifts them into the open interval (0, 1). */
const HALF_ULP = 2 ** -54;

// Peter J. Acklam's rational approximation of the inverse normal CDF (relative error < 1.15e-9).
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/**
 * The standard normal quantile of p in (0, 1), by Acklam's rational approximation (relative error below
 * 1.15e-9, no refinement step).
 *
 * @example
 * ```ts
 * inverseNormalCdf(0.5); // 0
 * inverseNormalCdf(0.975); // 1.95996398...
 * ```
 */
export function inverseNormalCdf(p: number): number {
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return tail(q);
  }
  if (p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -tail(q);
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

function tail(q: number): number {
  return (
    (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
    ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
  );
}
