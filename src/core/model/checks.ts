import { ArgumentError, ShapeError } from "../errors.ts";
import { Matrix } from "../matrix.ts";
import { describeValue } from "../options.ts";

/** Class labels of a batch, one per row of `x`: integers 0..classes-1. */
export type Labels = Int32Array | Float64Array;

/**
 * Checks a parameter (or gradient) vector: a `Float32Array` of exactly `count` values.
 *
 * @example
 * ```ts
 * checkParams("mlp.lossAndGradient", "params", new Float32Array(3), 3); // ok
 * checkParams("mlp.lossAndGradient", "grad", new Float32Array(2), 3); // throws ShapeError: grad has 2 values but the model has 3 parameters
 * ```
 */
export function checkParams(op: string, name: string, v: unknown, count: number): Float32Array {
  if (!(v instanceof Float32Array)) {
    throw new ArgumentError(
      `${op}: ${name} must be a Float32Array of ${count} values but was ${describeValue(v)}`,
    );
  }
  if (v.length !== count) {
    throw new ShapeError(`${op}: ${name} has ${v.length} values but the model has ${count} parameters`);
  }
  return v;
}

/**
 * Checks a batch: `x` a Matrix with at least one row and `inputs` columns.
 *
 * @example
 * ```ts
 * checkBatch("mlp.predict", Matrix.zeros(64, 784), 784); // ok
 * checkBatch("mlp.predict", Matrix.zeros(64, 10), 784); // throws ShapeError: x has 10 columns but the model takes 784 inputs (x is 64x10)
 * ```
 */
export function checkBatch(op: string, x: unknown, inputs: number): Matrix {
  if (!(x instanceof Matrix))
    throw new ArgumentError(`${op}: x must be a Matrix but was ${describeValue(x)}`);
  if (x.cols !== inputs) {
    throw new ShapeError(
      `${op}: x has ${x.cols} columns but the model takes ${inputs} inputs (x is ${x.rows}x${x.cols})`,
    );
  }
  if (x.rows === 0) throw new ArgumentError(`${op}: x has no rows (an empty batch has no mean loss)`);
  return x;
}

/**
 * Checks labels: one per row of x, each an integer in 0..classes-1.
 *
 * @example
 * ```ts
 * checkLabels("mlp.accuracy", new Int32Array([0, 9]), 2, 10); // ok
 * checkLabels("mlp.accuracy", new Int32Array([0, 10]), 2, 10); // throws ArgumentError: y[1] = 10 is not a class label 0..9
 * ```
 */
export function checkLabels(op: string, y: unknown, rows: number, classes: number): Labels {
  if (!(y instanceof Int32Array) && !(y instanceof Float64Array)) {
    throw new ArgumentError(
      `${op}: y must be an Int32Array or Float64Array of labels but was ${describeValue(y)}`,
    );
  }
  if (y.length !== rows) throw new ShapeError(`${op}: y has ${y.length} labels but x has ${rows} rows`);
  for (let i = 0; i < rows; i++) {
    const v = y[i];
    if (!(v >= 0 && v < classes && Number.isInteger(v))) {
      throw new ArgumentError(`${op}: y[${i}] = ${v} is not a class label 0..${classes - 1}`);
    }
  }
  return y;
}
