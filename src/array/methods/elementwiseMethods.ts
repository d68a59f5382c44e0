/**
 * Chained elementwise methods (`x.add(y)`, `x.sqrt()`, ...), attached to DsArray's prototype. Only
 * `methods/index.ts` imports this file, so the attachment happens once, in a fixed order.
 */
import type { Block } from "../../core/block.ts";
import type { CsrMatrix } from "../../core/csrMatrix.ts";
import type { Matrix } from "../../core/matrix.ts";
import { DsArray } from "../dsArray.ts";
import type { DenseOperand, Operand } from "../elementwise.ts";
import { binary, clip, map, unary } from "../ops/arithmetic.ts";
import { combineSparse, dense, denseOperand, mapSparseValues } from "../ops/sparse.ts";

declare module "../dsArray.ts" {
  interface DsArray<B extends Block = Matrix> {
    /**
     * `x + y` elementwise; `y` is a number or a broadcastable DsArray. Two sparse arrays of one shape give a
     * sparse sum (`DsArray<Block>`: anything else is dense). @example `x.add(1)`
     */
    add(this: DsArray, y: Operand): DsArray;
    add(this: DsArray<CsrMatrix>, y: Operand): DsArray<Block>;
    add(this: DsArray<Block>, y: Operand): DsArray<Block>;
    /** `x - y` elementwise (sparse for two sparse arrays of one shape, as `add`). */
    sub(this: DsArray, y: Operand): DsArray;
    sub(this: DsArray<CsrMatrix>, y: Operand): DsArray<Block>;
    sub(this: DsArray<Block>, y: Operand): DsArray<Block>;
    /** `x * y` elementwise; a sparse array times a number, or times a sparse array of its shape, stays sparse (as in scipy). */
    mul(y: number): DsArray<B>;
    mul(this: DsArray, y: Operand): DsArray;
    mul(this: DsArray<CsrMatrix>, y: Operand): DsArray<Block>;
    mul(this: DsArray<Block>, y: Operand): DsArray<Block>;
    /**
     * `x / y` elementwise (division by zero gives ±Infinity or NaN, as in NumPy); a sparse array divided by
     * a number stays sparse, its implicit zeros zero (as in scipy).
     */
    div(y: number): DsArray<B>;
    div(y: Operand): DsArray;
    /**
     * `x ** y` elementwise (negative base with fractional exponent gives NaN, as in NumPy); a sparse array
     * to a power > 0 stays sparse (`DsArray<Block>`: a power <= 0 makes it dense).
     */
    pow(this: DsArray, y: Operand): DsArray;
    pow(this: DsArray<CsrMatrix>, y: Operand): DsArray<Block>;
    pow(this: DsArray<Block>, y: Operand): DsArray<Block>;
    /** Elementwise minimum; NaN wins, as in NumPy's `minimum`. */
    minimum(y: Operand): DsArray;
    /** Elementwise maximum; NaN wins, as in NumPy's `maximum`. */
    maximum(y: Operand): DsArray;
    /** 1 where `x == y`, else 0. */
    eq(y: Operand): DsArray;
    /** 1 where `x != y` (NaN != NaN), else 0. */
    ne(y: Operand): DsArray;
    /** 1 where `x < y`, else 0. */
    lt(y: Operand): DsArray;
    /** 1 where `x <= y`, else 0. */
    le(y: Operand): DsArray;
    /** 1 where `x > y`, else 0. */
    gt(y: Operand): DsArray;
    /** 1 where `x >= y`, else 0. */
    ge(y: Operand): DsArray;
    /** `-x`; keeps a sparse array sparse. */
    neg(): DsArray<B>;
    /** `|x|`; keeps a sparse array sparse. */
    abs(): DsArray<B>;
    /** The square root (NaN for negative values); keeps a sparse array sparse. */
    sqrt(): DsArray<B>;
    exp(): DsArray;
    log(): DsArray;
    sign(): DsArray;
    /** Values limited to [lo, hi]. @example `x.clip(0, 1)` */
    clip(lo: number, hi: number): DsArray;
    /**
     * `fn` on every element; `fn` must be pure and travels as source text, so values it needs come in
     * `context`, its second argument. @example `x.map((v, c) => v * c.k, { k: 3 })`
     */
    map<C>(fn: (value: number, context: C) => number, context?: C): DsArray;
  }
}

const proto = DsArray.prototype as DsArray;
/** The methods below that take sparse arrays as they are (index.ts makes the others' operands dense). */
const anyProto = DsArray.prototype as DsArray<Block>;

/** A map with f(0) = 0 on a sparse array, or `fallback` on the dense forms. */
function keepingZeros(
  x: DsArray<Block>,
  sparseOp: Parameters<typeof mapSparseValues>[1] | undefined,
  value: number,
  fallback: (x: DsArray) => DsArray,
): DsArray<Block> {
  if (x.sparse && sparseOp !== undefined) return mapSparseValues(x as DsArray<CsrMatrix>, sparseOp, value);
  return fallback(dense(x));
}

/** Two sparse arrays of one shape, combined sparse; anything else elementwise on the dense forms. */
function combined(x: DsArray<Block>, y: Operand, op: "add" | "sub" | "mul"): DsArray<Block> {
  if (
    x.sparse &&
    y instanceof DsArray &&
    y.sparse &&
    y.shape[0] === x.shape[0] &&
    y.shape[1] === x.shape[1]
  ) {
    return combineSparse(x as DsArray<CsrMatrix>, y as DsArray<CsrMatrix>, op);
  }
  return binary(op, dense(x), denseOperand(y));
}
anyProto.add = function (this: DsArray<Block>, y: Operand) {
  return combined(this, y, "add");
} as DsArray<Block>["add"];
anyProto.sub = function (this: DsArray<Block>, y: Operand) {
  return combined(this, y, "sub");
} as DsArray<Block>["sub"];
anyProto.mul = function (this: DsArray<Block>, y: Operand) {
  if (y instanceof DsArray) return combined(this, y, "mul");
  const scalar = typeof y === "number";
  return keepingZeros(this, scalar ? "mul" : undefined, scalar ? y : 0, (x) =>
    binary("mul", x, denseOperand(y)),
  );
} as DsArray<Block>["mul"];
anyProto.div = function (this: DsArray<Block>, y: Operand) {
  const scalar = typeof y === "number";
  return keepingZeros(this, scalar ? "div" : undefined, scalar ? y : 0, (x) =>
    binary("div", x, denseOperand(y)),
  );
} as DsArray<Block>["div"];
anyProto.pow = function (this: DsArray<Block>, y: Operand) {
  const positive = typeof y === "number" && y > 0;
  return keepingZeros(this, positive ? "pow" : undefined, positive ? y : 0, (x) =>
    binary("pow", x, denseOperand(y)),
  );
} as DsArray<Block>["pow"];
proto.minimum = function (y) {
  return binary("minimum", this, y as DenseOperand);
};
proto.maximum = function (y) {
  return binary("maximum", this, y as DenseOperand);
};
proto.eq = function (y) {
  return binary("eq", this, y as DenseOperand);
};
proto.ne = function (y) {
  return binary("ne", this, y as DenseOperand);
};
proto.lt = function (y) {
  return binary("lt", this, y as DenseOperand);
};
proto.le = function (y) {
  return binary("le", this, y as DenseOperand);
};
proto.gt = function (y) {
  return binary("gt", this, y as DenseOperand);
};
proto.ge = function (y) {
  return binary("ge", this, y as DenseOperand);
};
anyProto.neg = function (this: DsArray<Block>) {
  return keepingZeros(this, "neg", 0, (x) => unary("neg", x));
};
anyProto.abs = function (this: DsArray<Block>) {
  return keepingZeros(this, "abs", 0, (x) => unary("abs", x));
};
anyProto.sqrt = function (this: DsArray<Block>) {
  return keepingZeros(this, "sqrt", 0, (x) => unary("sqrt", x));
};
proto.exp = function () {
  return unary("exp", this);
};
proto.log = function () {
  return unary("log", this);
};
proto.sign = function () {
  return unary("sign", this);
};
proto.clip = function (lo, hi) {
  return clip(this, lo, hi);
};
proto.map = function (fn, context) {
  return map(this, fn, context);
};
