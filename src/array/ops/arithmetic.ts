import { ArgumentError } from "../../core/errors.ts";
import type { BinaryOp, ElementwiseExpr, UnaryOp } from "../../core/kernels/elementwise/program.ts";
import { DsArray } from "../dsArray.ts";
import { elementwise, type DenseOperand } from "../elementwise.ts";

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

/** Source text of a user function, checked to be a plain (arrow or function) expression we can ship. */
export function functionSource(op: string, fn: unknown): string {
  if (typeof fn !== "function") throw new ArgumentError(`${op}: expected a function but got ${typeof fn}`);
  const source = Function.prototype.toString.call(fn);
  if (source.includes("[native code]")) {
    throw new ArgumentError(
      `${op}: built-in and bound functions cannot travel to workers; wrap it: (v) => Math.abs(v)`,
    );
  }
  try {
    // Method shorthand (`f(v) { ... }`) is not an expression; this catches it here instead of on a worker.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- reviving the user's own function text
    const revived: unknown = (new Function(`return (${source});`) as () => unknown)();
    if (typeof revived !== "function") throw new Error("not a function");
  } catch {
    throw new ArgumentError(
      `${op}: the function must be an arrow or function expression, got: ${source.slice(0, 80)}`,
    );
  }
  return source;
}

/**
 * `fn` applied to every element, fused with neighbouring elementwise operations. `fn` travels as source text
 * to the workers: it must be pure and use nothing from its enclosing scope (a closure fails on the worker
 * with a `TaskFailedError` naming `map`).
 */
export function map(x: DsArray, fn: (value: number) => number): DsArray {
  const source = functionSource("map", fn);
  return elementwise("map", [x], ([arg], register) => ({ kind: "call", fn: register(source), arg }));
}
