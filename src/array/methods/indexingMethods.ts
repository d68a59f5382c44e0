/**
 * Indexing methods (`x.slice`, `x.take`, `x.mask`, `x.item`, `x.set`), attached to DsArray's prototype.
 * Only `methods/index.ts` imports this file, so the attachment happens once, in a fixed order.
 */
import type { SliceSpec } from "../blockGrid.ts";
import type { Block } from "../../core/block.ts";
import type { Matrix } from "../../core/matrix.ts";
import { DsArray } from "../dsArray.ts";
import { item } from "../ops/item.ts";
import { mask, type Mask } from "../ops/mask.ts";
import { set } from "../ops/set.ts";
import { slice } from "../ops/slice.ts";
import { take } from "../ops/take.ts";

declare module "../dsArray.ts" {
  interface DsArray<B extends Block = Matrix> {
    /**
     * `x[rows, cols]` (NumPy basic slicing): each is `[start?, stop?, step?]` (negatives and `null`
     * allowed) or a single index (keeps the axis). Whole blocks are shared, not copied.
     * @example `x.slice([0, 10], [null, null, -1])` — the first 10 rows, columns reversed
     */
    slice(rows?: SliceSpec, cols?: SliceSpec): DsArray<B>;
    /**
     * Rows (`axis` 0, default) or columns (`axis` 1) at `indices`, in order; duplicates and negatives allowed.
     * @example `x.take([3, 0, 3, -1], 0)`
     */
    take(indices: readonly number[], axis?: 0 | 1): DsArray<B>;
    /**
     * Rows (`axis` 0, default) or columns (`axis` 1) where `booleans` is true (or 1).
     * @example `x.mask([true, false, true], 0)`
     */
    mask(booleans: Mask, axis?: 0 | 1): DsArray<B>;
    /**
     * The element (i, j) (negatives from the end); waits for its block only. No arguments: a 1x1 array's value.
     * @example `await x.item(-1, 0)`
     */
    item(i?: number, j?: number): Promise<number>;
    /**
     * A new array with `value` written over `x.slice(rows, cols)`; untouched blocks are shared with `x`.
     * @example `x.set([0, 2], null, 0)` — first two rows zeroed
     */
    set(rows: SliceSpec, cols: SliceSpec, value: number): DsArray;
  }
}

const proto = DsArray.prototype as DsArray;
proto.slice = function (rows, cols) {
  return slice(this, rows, cols);
};
proto.take = function (indices, axis) {
  return take(this, indices, axis);
};
proto.mask = function (booleans, axis) {
  return mask(this, booleans, axis);
};
proto.item = function (i, j) {
  return item(this, i, j);
};
proto.set = function (rows, cols, value) {
  return set(this, rows, cols, value);
};
