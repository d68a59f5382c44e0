/**
 * Chained structure methods (`x.T`, `x.transpose()`, `x.rechunk(...)`, `x.copy()`, `x.deleteRows(...)`,
 * `x.deleteCols(...)`, `x.mapBlocks(...)`), attached to DsArray's prototype. Only `methods/index.ts`
 * imports this file, so the attachment happens once, in a fixed order.
 */
import type { Block } from "../../core/block.ts";
import type { CsrMatrix } from "../../core/csrMatrix.ts";
import type { Matrix } from "../../core/matrix.ts";
import { DsArray } from "../dsArray.ts";
import { copy } from "../ops/copy.ts";
import { deleteCols, deleteRows } from "../ops/deleteLines.ts";
import { mapBlocks } from "../ops/mapBlocks.ts";
import { rechunk } from "../ops/rechunkOp.ts";
import { transpose } from "../ops/transpose.ts";
import { transposeSparse } from "../ops/sparse.ts";

declare module "../dsArray.ts" {
  interface DsArray<B extends Block = Matrix> {
    /** The transpose (one task per block; see `transpose`; sparse stays sparse). @example `x.T.shape // [m, n]` */
    readonly T: DsArray<B>;
    /** The transpose, one task per block. @example `await x.transpose().toArray()` */
    transpose(): DsArray<B>;
    /** The same values in blocks of `[rows, cols]`; unchanged blocks are reused. @example `x.rechunk([100, 10])` */
    rechunk(blockSize: readonly [number, number]): DsArray<B>;
    /** An independent copy; blocks are immutable, so it shares them (no task). @example `const y = x.copy()` */
    copy(): DsArray<B>;
    /** Without the given rows (NumPy's `np.delete(x, idx, 0)`). @example `x.deleteRows([0, -1])` */
    deleteRows(idx: number | readonly number[]): DsArray;
    /** Without the given columns (NumPy's `np.delete(x, idx, 1)`). @example `x.deleteCols(2)` */
    deleteCols(idx: number | readonly number[]): DsArray;
    /**
     * `fn` on every block (a private copy it may modify), returning a block of the same shape; `fn` travels
     * as source text. @example `x.mapBlocks((b) => { b.data.fill(0); return b; })`
     */
    mapBlocks<C>(fn: (block: Matrix, context: C) => Matrix, context?: C): DsArray;
  }
}

const proto = DsArray.prototype as DsArray;
/** The transpose of either kind of array. */
function transposeAny(x: DsArray<Block>): DsArray<Block> {
  return x.sparse ? transposeSparse(x as DsArray<CsrMatrix>) : transpose(x as DsArray);
}
Object.defineProperty(proto, "T", {
  get(this: DsArray<Block>): DsArray<Block> {
    return transposeAny(this);
  },
  configurable: true,
});
(proto as DsArray<Block>).transpose = function (this: DsArray<Block>) {
  return transposeAny(this);
};
proto.rechunk = function (blockSize) {
  return rechunk(this, blockSize);
};
proto.copy = function () {
  return copy(this);
};
proto.deleteRows = function (idx) {
  return deleteRows(this, idx);
};
proto.deleteCols = function (idx) {
  return deleteCols(this, idx);
};
proto.mapBlocks = function (fn, context) {
  return mapBlocks(this, fn, context);
};
