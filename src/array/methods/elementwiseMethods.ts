/**
 * Chained elementwise methods (`x.add(y)`, `x.sqrt()`, ...), attached to DsArray's prototype. Only
 * `methods/index.ts` imports this file, so the attachment happens once, in a fixed order.
 */
import { DsArray } from "../dsArray.ts";
import type { Operand } from "../elementwise.ts";
import { binary, clip, map, unary } from "../ops/arithmetic.ts";

declare module "../dsArray.ts" {
  interface DsArray {
    /** `x + y` elementwise; `y` is a number or a broadcastable DsArray. @example `x.add(1)` */
    add(y: Operand): DsArray;
    /** `x - y` elementwise. */
    sub(y: Operand): DsArray;
    /** `x * y` elementwise. */
    mul(y: Operand): DsArray;
    /** `x / y` elementwise (division by zero gives ±Infinity or NaN, as in NumPy). */
    div(y: Operand): DsArray;
    /** `x ** y` elementwise (negative base with fractional exponent gives NaN, as in NumPy). */
    pow(y: Operand): DsArray;
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
    neg(): DsArray;
    abs(): DsArray;
    sqrt(): DsArray;
    exp(): DsArray;
    log(): DsArray;
    sign(): DsArray;
    /** Values limited to [lo, hi]. @example `x.clip(0, 1)` */
    clip(lo: number, hi: number): DsArray;
    /** `fn` on every element; `fn` must be pure (it travels as source text). @example `x.map((v) => v * v)` */
    map(fn: (value: number) => number): DsArray;
  }
}

const proto = DsArray.prototype;
proto.add = function (y) {
  return binary("add", this, y);
};
proto.sub = function (y) {
  return binary("sub", this, y);
};
proto.mul = function (y) {
  return binary("mul", this, y);
};
proto.div = function (y) {
  return binary("div", this, y);
};
proto.pow = function (y) {
  return binary("pow", this, y);
};
proto.minimum = function (y) {
  return binary("minimum", this, y);
};
proto.maximum = function (y) {
  return binary("maximum", this, y);
};
proto.eq = function (y) {
  return binary("eq", this, y);
};
proto.ne = function (y) {
  return binary("ne", this, y);
};
proto.lt = function (y) {
  return binary("lt", this, y);
};
proto.le = function (y) {
  return binary("le", this, y);
};
proto.gt = function (y) {
  return binary("gt", this, y);
};
proto.ge = function (y) {
  return binary("ge", this, y);
};
proto.neg = function () {
  return unary("neg", this);
};
proto.abs = function () {
  return unary("abs", this);
};
proto.sqrt = function () {
  return unary("sqrt", this);
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
proto.map = function (fn) {
  return map(this, fn);
};
