/**
 * Chained linear-algebra methods (`x.matmul(y)`), attached to DsArray's prototype. Only `methods/index.ts`
 * imports this file, so the attachment happens once, in a fixed order.
 */
import type { Block } from "../../core/block.ts";
import type { CsrMatrix } from "../../core/csrMatrix.ts";
import type { Matrix } from "../../core/matrix.ts";
import { DsArray } from "../dsArray.ts";
import { matmul } from "../ops/matmul.ts";

declare module "../dsArray.ts" {
  // Every declaration of DsArray carries its type parameter, used or not.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface DsArray<B extends Block = Matrix> {
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
    matmul(this: DsArray, y: DsArray<Block>): DsArray;
    matmul(this: DsArray<Block>, y: DsArray): DsArray;
    /** Sparse times sparse is sparse, as in scipy. */
    matmul(this: DsArray<CsrMatrix>, y: DsArray<CsrMatrix>): DsArray<CsrMatrix>;
    matmul(this: DsArray<Block>, y: DsArray<Block>): DsArray<Block>;
  }
}

(DsArray.prototype as DsArray<Block>).matmul = function (this: DsArray<Block>, y: DsArray<Block>) {
  return matmul(this, y, {}, { op: "matmul", a: "x", b: "y" });
} as DsArray<Block>["matmul"];
