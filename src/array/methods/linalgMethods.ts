/**
 * Chained linear-algebra methods (`x.matmul(y)`), attached to DsArray's prototype. Only `methods/index.ts`
 * imports this file, so the attachment happens once, in a fixed order.
 */
import { DsArray } from "../dsArray.ts";
import { matmul } from "../ops/matmul.ts";

declare module "../dsArray.ts" {
  interface DsArray {
    /**
     * The matrix product `x · y` (blocked, one task per output block; see `ds.matmul` for transposes).
     * Throws `ShapeError` when x's columns differ from y's rows.
     *
     * @example
     * ```ts
     * const x = ds.array([[1, 2], [3, 4]], { blockSize: [1, 1] });
     * await x.matmul(x).toArray(); // [[7, 10], [15, 22]]
     * ```
     */
    matmul(y: DsArray): DsArray;
  }
}

DsArray.prototype.matmul = function (y) {
  return matmul(this, y, {}, { op: "matmul", a: "x", b: "y" });
};
