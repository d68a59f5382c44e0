import { ArgumentError } from "../../core/errors.ts";
import type { BinaryOp, ElementwiseExpr, UnaryOp } from "../../core/kernels/elementwise/program.ts";
import { DsArray } from "../dsArray.ts";
import { elementwise, type DenseOperand } from "../elementwise.ts";
import { checkTravels, contextLiteral, functionSource, withContext } from "./userFunctions.ts";

function checkOperand(op: string, o: unknown): DenseOperand {
  if (typeof o === "number") return o;
  if (o instanceof DsArray) return o;
  throw new ArgumentError(`${op}: the operand must be a number or a DsArray but was ${typeof o}`);
}

/** `x op y` elementwise with NumPy broadcasting (see `DenseOperand`). */
export function binary(op: BinaryOp, x: DsArray, y: DenseOperand): DsArray {
  return elementwise(op, [x, checkOperand(op, y)], ([left, right]) => ({ kind: "binary", op, left, right }));
}

/** `op(x)` elementwise. */
export function unary(op: UnaryOp, x: DsArray): DsArray {
  return elementwise(op, [x], ([arg]) => ({ kind: "unary", op, arg }));
}

/** Values limited to [lo, hi] (NumPy's clip: minimum(maximum(x, lo), hi); NaN stays NaN). */
export function clip(x: DsArray, lo: number, hi: number): DsArray {
  if (typeof lo !== "number" || typeof hi !== "number") {
    throw new ArgumentError(`clip: lo and hi must be numbers but were ${typeof lo} and ${typeof hi}`);
  }
  return elementwise("clip", [x], ([arg]): ElementwiseExpr => ({
    kind: "binary",
    op: "minimum",
    left: { kind: "binary", op: "maximum", left: arg, right: { kind: "number", value: lo } },
    right: { kind: "number", value: hi },
  }));
}

/**
 * `cond ? a : b` elementwise (non-zero is true, NaN is true as in NumPy), all three broadcast together.
 *
 * @example
 * ```ts
 * const y = ds.where(x.gt(0.5), x, 0); // zero below 0.5
 * ```
 */
export function where(cond: DsArray, a: DenseOperand, b: DenseOperand): DsArray {
  return elementwise(
    "ds.where",
    [cond, checkOperand("ds.where", a), checkOperand("ds.where", b)],
    ([c, t, o]) => ({
      kind: "where",
      cond: c,
      then: t,
      otherwise: o,
    }),
  );
}

/**
 * `fn` applied to every element, fused with neighbouring elementwise operations. `fn` travels as source text
 * to the workers, without its enclosing scope: values it needs come in `context` (numbers, strings, arrays
 * and plain objects of them), which reaches `fn` as its second argument. A function that uses a variable
 * from its scope is refused here, with how to pass it.
 *
 * @example
 * ```ts
 * const k = 3;
 * x.map((v, c) => v * c.k, { k }); // not x.map((v) => v * k), which cannot see k on a worker
 * ```
 */
export function map<C>(x: DsArray, fn: (value: number, context: C) => number, context?: C): DsArray {
  const usage = "x.map((v, c) => v * c.k, { k })";
  let source = functionSource("map", fn);
  if (context !== undefined) source = withContext(source, contextLiteral("map", context));
  checkTravels("map", source, (f) => f(0), usage);
  return elementwise("map", [x], ([arg], register) => ({ kind: "call", fn: register(source), arg }));
}
