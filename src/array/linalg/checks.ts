/**
 * Argument checks shared by the distributed linear-algebra functions: every message names the function,
 * what it expected and what it got, in one line.
 */
import type { Block } from "../../core/block.ts";
import { ArgumentError, LinalgError, ShapeError } from "../../core/errors.ts";
import { engine } from "../../runtime/runtime.ts";
import type { BlockRef } from "../../runtime/blockRef.ts";
import { DsArray } from "../dsArray.ts";
import { describeValue } from "../../core/options.ts";
import { dense } from "../ops/sparse.ts";

/**
 * A dense, non-empty DsArray argument: sparse arrays are made dense first (every factorisation fills them
 * in), anything else is an ArgumentError, an empty array a ShapeError.
 */
export function matrixArgument(op: string, name: string, a: unknown): DsArray {
  if (!(a instanceof DsArray)) {
    throw new ArgumentError(`${op}: ${name} must be a DsArray but was ${describeValue(a)}`);
  }
  const x = dense(a as DsArray<Block>);
  if (x.shape[0] === 0 || x.shape[1] === 0) {
    throw new ShapeError(`${op}: ${name} must not be empty but has shape [${x.shape.join(", ")}]`);
  }
  return x;
}

/** A square matrix argument. */
export function squareArgument(op: string, name: string, a: unknown): DsArray {
  const x = matrixArgument(op, name, a);
  if (x.shape[0] !== x.shape[1]) {
    throw new ShapeError(`${op}: ${name} must be square but has shape [${x.shape.join(", ")}]`);
  }
  return x;
}

/** A rows x cols block of zeros, made by a task. */
export function zerosBlock(op: string, rows: number, cols: number): BlockRef {
  return engine().submit({
    op,
    kernel: "fill.constant",
    attrs: { rows, cols, value: 0 },
    inputs: [],
    outputs: [[rows, cols]],
  })[0];
}

/**
 * The error to throw for a failed factorisation task: a LinalgError raised by a kernel (found through the
 * chain of TaskFailedErrors, since only name and message cross from a worker) comes back as a LinalgError
 * with the kernel's one-line message; anything else is rethrown as it is.
 */
export function linalgFailure(e: unknown): unknown {
  let cause: unknown = e;
  while (cause instanceof Error) {
    if (cause.name === "LinalgError") return new LinalgError(cause.message, { cause: e });
    cause = cause.cause;
  }
  return e;
}

/**
 * Resolves to max |a| once it is known to be finite; NaN or an infinity in `a` is a LinalgError (one fused
 * pass over the blocks), raised before any factorisation task runs.
 */
export async function finiteArgument(op: string, name: string, a: DsArray): Promise<number> {
  const worst = await a.abs().max();
  if (!Number.isFinite(worst)) {
    throw new LinalgError(`${op}: ${name} must be finite but contains ${worst} (NaN or an infinity)`);
  }
  return worst;
}
