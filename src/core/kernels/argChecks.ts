/**
 * Argument checks shared by the streaming kernels (elementwise evaluation, strided copy and transpose). They
 * run before any native call, so that a bad argument gets a dsfabric error naming the function, the argument
 * and the value instead of the addon's generic RangeError (which it throws as a second line of defence).
 */
import { ArgumentError } from "../errors.ts";

/**
 * Throws unless `value` is a non-negative integer (a count, an offset or a stride).
 *
 * @example
 * ```ts
 * checkCount("copyRect", "rows", 2.5); // throws ArgumentError: copyRect: rows must be a non-negative integer, got 2.5
 * ```
 */
export function checkCount(fn: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ArgumentError(`${fn}: ${name} must be a non-negative integer, got ${String(value)}`);
  }
}

/**
 * True when two typed arrays share memory: the same buffer and intersecting byte ranges.
 *
 * @example
 * ```ts
 * const a = new Float64Array(8);
 * sharesMemory(a.subarray(0, 4), a.subarray(3)); // true
 * sharesMemory(a.subarray(0, 4), a.subarray(4)); // false
 * ```
 */
export function sharesMemory(a: Float64Array, b: Float64Array): boolean {
  return rangesOverlap(a, 0, a.length, b, 0, b.length);
}

/**
 * True when a[aFrom, aTo) and b[bFrom, bTo) are the same memory in part (same buffer, intersecting bytes).
 *
 * @example
 * ```ts
 * const a = new Float64Array(8);
 * rangesOverlap(a, 0, 4, a, 4, 8); // false
 * rangesOverlap(a, 0, 5, a.subarray(4), 0, 1); // true
 * ```
 */
export function rangesOverlap(
  a: Float64Array,
  aFrom: number,
  aTo: number,
  b: Float64Array,
  bFrom: number,
  bTo: number,
): boolean {
  if (a.buffer !== b.buffer || aFrom >= aTo || bFrom >= bTo) return false;
  const a0 = a.byteOffset + aFrom * 8;
  const b0 = b.byteOffset + bFrom * 8;
  return a0 < b.byteOffset + bTo * 8 && b0 < a.byteOffset + aTo * 8;
}
