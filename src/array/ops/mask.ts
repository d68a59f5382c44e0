import type { Block } from "../../core/block.ts";
import { ArgumentError, ShapeError } from "../../core/errors.ts";
import type { DsArray } from "../dsArray.ts";
import { checkAxis, gather } from "./take.ts";

/** A boolean mask: `true`/`false`, or the numbers 1/0 (as comparisons such as `x.gt(0)` produce). */
export type Mask = readonly boolean[] | readonly number[];

/**
 * The rows (`axis` 0, the default) or columns (`axis` 1) where `booleans` is true, in order: NumPy's
 * `x[mask]` / `x[:, mask]`. The same as `take` of the true positions (same blocking, same tasks). A mask with
 * no true value gives shape `[0, m]` (or `[n, 0]`).
 *
 * `booleans` must have one entry per row (column): `ShapeError` otherwise. Entries must be booleans or the
 * numbers 0 and 1 (anything else, NaN included, is an `ArgumentError`: nothing is coerced).
 *
 * @example
 * ```ts
 * const x = ds.array([[1, 2], [3, 4], [5, 6]], { blockSize: [2, 2] });
 * await x.mask([true, false, true]).toArray(); // [[1, 2], [5, 6]]
 * await x.mask([0, 1], 1).toArray();           // [[2], [4], [6]]
 * ```
 */
export function mask<T extends Block>(x: DsArray<T>, booleans: Mask, axis: 0 | 1 = 0): DsArray<T> {
  const op = "mask";
  const a = checkAxis(op, axis);
  if (!Array.isArray(booleans)) {
    throw new ArgumentError(
      `${op}: booleans must be an array of booleans (or 0/1) but was ${typeof booleans}`,
    );
  }
  const length = x.shape[a];
  if (booleans.length !== length) {
    throw new ShapeError(
      `${op}: ${booleans.length} booleans for axis ${a} of length ${length} (x.shape=[${x.shape.join(", ")}])`,
    );
  }
  const positions: number[] = [];
  (booleans as readonly unknown[]).forEach((b, k) => {
    if (b === true || b === 1) positions.push(k);
    else if (b !== false && b !== 0) {
      throw new ArgumentError(
        `${op}: booleans[${k}] must be true, false, 1 or 0 but was ${JSON.stringify(b) ?? String(b)}`,
      );
    }
  });
  return gather(op, x, positions, a);
}
