/**
 * `x.toDense()` and `x.toSparse()`, attached to DsArray's prototype. Only `methods/index.ts` imports this
 * file, so the attachment happens once, in a fixed order.
 */
import type { Block } from "../../core/block.ts";
import type { CsrMatrix } from "../../core/csrMatrix.ts";
import type { Matrix } from "../../core/matrix.ts";
import { DsArray } from "../dsArray.ts";
import { dense, sparse } from "../ops/sparse.ts";

declare module "../dsArray.ts" {
  // Every declaration of DsArray carries its type parameter, used or not.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface DsArray<B extends Block = Matrix> {
    /** The same values in dense blocks (this array if it is dense). @example `await x.toDense().collect()` */
    toDense(): DsArray;
    /** The same values in sparse (CSR) blocks: the non-zeros, NaN included. @example `x.toSparse().sparse // true` */
    toSparse(): DsArray<CsrMatrix>;
  }
}

const proto = DsArray.prototype as DsArray<Block>;
proto.toDense = function (this: DsArray<Block>) {
  return dense(this);
};
proto.toSparse = function (this: DsArray<Block>) {
  return sparse(this);
};
