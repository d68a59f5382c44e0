/**
 * A seeded shuffle that is a formula: `at(i)` is the i-th element of a random permutation of 0..n-1, found
 * without building the permutation (a 4-round Feistel network over the next power of four, with cycle
 * walking back into range). Generators use it to give each sample row its class so that class sizes are
 * exact and rows come out shuffled, whatever block a row falls in.
 */
import { fmix32 } from "../../core/kernels/fill.ts";
import { streamKey } from "./counterRandom.ts";

const ROUNDS = 4;

/**
 * A random permutation of `0..n-1` by seed, evaluated one index at a time.
 *
 * @example
 * ```ts
 * const p = new Permutation(5, 42);
 * [0, 1, 2, 3, 4].map((i) => p.at(i)).sort(); // [0, 1, 2, 3, 4], in a seeded order before sorting
 * ```
 */
export class Permutation {
  readonly n: number;
  private readonly halfBits: number;
  private readonly halfSize: number;
  private readonly mask: number;
  private readonly keys: number[] = [];

  constructor(n: number, seed: number, stream = 100) {
    this.n = n;
    let bits = 1;
    while (2 ** bits < n) bits++;
    this.halfBits = Math.ceil(bits / 2);
    this.halfSize = 2 ** this.halfBits;
    this.mask = this.halfSize - 1;
    for (let r = 0; r < ROUNDS; r++) this.keys.push(streamKey(seed, stream + r));
  }

  /** The image of `i` (0 <= i < n). */
  at(i: number): number {
    let v = i;
    do v = this.encrypt(v);
    while (v >= this.n);
    return v;
  }

  private encrypt(v: number): number {
    let left = Math.floor(v / this.halfSize);
    let right = v % this.halfSize;
    for (let r = 0; r < ROUNDS; r++) {
      const next = (left ^ fmix32(right ^ this.keys[r])) & this.mask;
      left = right;
      right = next;
    }
    return left * this.halfSize + right;
  }
}

/**
 * The class of the sample at position `rank` (0..n-1) when n samples are split into `classes` classes as
 * evenly as scikit-learn does: every class gets floor(n / classes), the first n % classes one more.
 *
 * @example
 * ```ts
 * [0, 1, 2, 3, 4].map((r) => classOfRank(r, 5, 2)); // [0, 0, 0, 1, 1]
 * ```
 */
export function classOfRank(rank: number, n: number, classes: number): number {
  const base = Math.floor(n / classes);
  const bigger = n % classes;
  const inBigger = bigger * (base + 1);
  return rank < inBigger ? Math.floor(rank / (base + 1)) : bigger + Math.floor((rank - inBigger) / base);
}
