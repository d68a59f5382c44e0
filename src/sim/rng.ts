/**
 * Seeded randomness. Every random choice in a simulation draws from an `Rng` derived from one seed, so that a
 * run replays bit for bit. The generator is xoshiro128** (Blackman and Vigna), 32-bit words so that it stays
 * in fast integer arithmetic in V8; its 128-bit state is filled from a 64-bit key by a murmur3 finaliser.
 *
 * `fork(label)` derives an independent stream from the *key* (the seed and the labels of the forks that led
 * here), never from the current state: adding a consumer, or drawing more numbers in one, does not shift the
 * sequences of the others.
 */
import { ArgumentError } from "../core/errors.ts";
import { fmix32 } from "../core/kernels/fill.ts";

const twoPow32 = 4294967296;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A seeded pseudo-random generator (xoshiro128**).
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const u = rng.next(); // in [0, 1)
 * const die = rng.int(1, 7); // 1..6
 * const links = rng.fork("links"); // its own stream: drawing from `rng` does not change it
 * new Rng(42).fork("links").next() === links.next(); // true
 * ```
 */
export class Rng {
  private readonly rootSeed: number;
  private forkPath = "";
  // The 64-bit key (two words) that fork() derives children from; the state below is derived from it.
  private key0: number;
  private key1: number;
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** @param seed any safe integer (negative allowed); the same seed gives the same sequence. */
  constructor(seed: number) {
    if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
      throw new ArgumentError(`Rng: seed must be a safe integer but was ${String(seed)}`);
    }
    this.rootSeed = seed;
    // Split the seed into its low and high 32-bit words; negative seeds wrap (two's complement).
    const lo = ((seed % twoPow32) + twoPow32) % twoPow32;
    const hi = Math.floor((seed - lo) / twoPow32);
    this.key0 = lo >>> 0;
    this.key1 = hi >>> 0;
    this.fill();
  }

  /** The root seed this generator (or the generator it was forked from) was created with. */
  get seed(): number {
    return this.rootSeed;
  }

  /** The labels of the forks that led from the root to this generator, joined by "/" ("" for the root). */
  get path(): string {
    return this.forkPath;
  }

  private fill(): void {
    // Four different odd offsets so that the words differ even for key 0; fmix32 twice mixes both key words.
    const k0 = this.key0;
    const k1 = this.key1;
    this.s0 = fmix32(fmix32(k0 + 0x9e3779b9) ^ k1);
    this.s1 = fmix32(fmix32(k1 + 0x7f4a7c15) ^ (k0 + 0x3c6ef372));
    this.s2 = fmix32(fmix32(k0 ^ 0xdaa66d2b) + k1 + 0x1b873593);
    this.s3 = fmix32(fmix32(k1 ^ 0x6a09e667) + k0 + 0xcc9e2d51);
    // xoshiro's only forbidden state is all zeros.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next raw 32-bit output, an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * A uniform number in [0, 1) with 32 bits of resolution.
   *
   * @example
   * ```ts
   * new Rng(1).next(); // the same value on every run
   * ```
   */
  next(): number {
    return this.nextUint32() / twoPow32;
  }

  /**
   * A uniform integer in [lo, hiExclusive). The bias is below (hi - lo) / 2^32, negligible for simulation.
   *
   * @example
   * ```ts
   * new Rng(3).int(0, 10); // one of 0..9
   * new Rng(3).int(5, 5); // throws ArgumentError: the range is empty
   * ```
   */
  int(lo: number, hiExclusive: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hiExclusive) || hiExclusive <= lo) {
      throw new ArgumentError(
        `Rng.int: need integers lo < hiExclusive but got lo=${String(lo)}, hiExclusive=${String(hiExclusive)}`,
      );
    }
    return lo + Math.floor(this.next() * (hiExclusive - lo));
  }

  /**
   * True with probability `p` (0 never, 1 always).
   *
   * @example
   * ```ts
   * new Rng(3).chance(0.25); // true about one time in four
   * ```
   */
  chance(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new ArgumentError(`Rng.chance: p must be in [0, 1] but was ${String(p)}`);
    return this.next() < p;
  }

  /**
   * A normal variate (Box-Muller, one draw pair per call so that the stream position is easy to reason about).
   *
   * @example
   * ```ts
   * new Rng(7).normal(); // mean 0, standard deviation 1
   * new Rng(7).normal(10, 2); // mean 10, standard deviation 2
   * ```
   */
  normal(mean = 0, sd = 1): number {
    if (!Number.isFinite(mean) || !(sd >= 0) || !Number.isFinite(sd)) {
      throw new ArgumentError(`Rng.normal: need a finite mean and sd >= 0 but got mean=${mean}, sd=${sd}`);
    }
    const u1 = 1 - this.next(); // in (0, 1], so log(u1) is finite
    const u2 = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * An exponential variate with the given mean (the waiting time of a Poisson process).
   *
   * @example
   * ```ts
   * new Rng(7).exponential(100); // mean 100; mean 0 always gives 0
   * ```
   */
  exponential(mean: number): number {
    if (!(mean >= 0) || !Number.isFinite(mean)) {
      throw new ArgumentError(`Rng.exponential: mean must be finite and >= 0 but was ${String(mean)}`);
    }
    return -mean * Math.log(1 - this.next());
  }

  /**
   * A uniformly chosen element.
   *
   * @example
   * ```ts
   * new Rng(7).pick(["a", "b", "c"]); // one of them
   * new Rng(7).pick([]); // throws ArgumentError
   * ```
   */
  pick<T>(array: readonly T[]): T {
    if (array.length === 0) throw new ArgumentError("Rng.pick: the array is empty");
    return array[Math.floor(this.next() * array.length)];
  }

  /**
   * Shuffles `array` in place (Fisher-Yates) and returns it.
   *
   * @example
   * ```ts
   * new Rng(7).shuffle([1, 2, 3, 4]); // a permutation, the same one for the same seed
   * ```
   */
  shuffle<T>(array: T[]): T[] {
    for (let i = array.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /**
   * An independent generator derived from this one's key and `label`. The same label gives the same stream
   * (give each consumer its own label); the parent's draws, before or after, do not affect it.
   *
   * @example
   * ```ts
   * const root = new Rng(5);
   * const a = root.fork("traffic");
   * root.next(); // does not change what `a` or a later fork("traffic") yields
   * root.fork("traffic").next() === a.next(); // true
   * root.fork("traffic").path; // "traffic"
   * ```
   */
  fork(label: string): Rng {
    if (typeof label !== "string") throw new ArgumentError(`Rng.fork: label must be a string`);
    // Two FNV-1a style lanes over the label's UTF-16 code units, seeded by the parent's key, then finalised.
    let h0 = (this.key0 ^ 0x811c9dc5) >>> 0;
    let h1 = (this.key1 ^ 0x01000193 ^ 0x5bd1e995) >>> 0;
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      h0 = Math.imul(h0 ^ c, 0x01000193);
      h1 = Math.imul(h1 ^ c, 0x5bd1e995) ^ (h1 >>> 15);
    }
    // Mixing the length in keeps "a" + "" apart from "" + "a" along a fork chain.
    h0 = fmix32(h0 ^ label.length);
    h1 = fmix32(h1 + Math.imul(label.length, 0x9e3779b9) + h0);
    // Built through the public constructor so that every Rng has the same hidden class in V8.
    const child = new Rng(this.rootSeed);
    child.forkPath = this.forkPath === "" ? label : `${this.forkPath}/${label}`;
    child.key0 = h0;
    child.key1 = h1;
    child.fill();
    return child;
  }
}
