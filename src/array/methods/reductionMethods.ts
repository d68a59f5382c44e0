/**
 * Reductions as DsArray methods (`x.sum(0)`, `await x.mean()`, `x.var(1, { ddof: 1 })`, ...), attached to
 * DsArray's prototype. Only `methods/index.ts` imports this file, so the attachment happens once.
 *
 * Every reduction takes an `axis`: 0 (or -2) reduces down the rows and gives a 1 x m DsArray, 1 (or -1)
 * reduces along the columns and gives an n x 1 DsArray, omitted (or null) reduces every element and gives
 * a `Promise<number>`. Any other axis throws `ArgumentError` at once. All of them run as trees of tasks
 * whose fan-in is at most `options.splitEvery` (default 4).
 */
import type { Block } from "../../core/block.ts";
import type { Matrix } from "../../core/matrix.ts";
import { DsArray } from "../dsArray.ts";
import { argmax, argmin } from "../ops/argExtreme.ts";
import { max, min, prod } from "../ops/fold.ts";
import { median } from "../ops/median.ts";
import { countNonzero, mean, norm, sum } from "../ops/sum.ts";
import { std, variance, type VarianceOptions } from "../ops/variance.ts";
import type { AxisArg, ReduceOptions } from "../reduction.ts";

/** A reduction method: a number for no axis, a DsArray for axis 0 or 1. */
export interface ReduceMethod<O> {
  (axis?: null, options?: O): Promise<number>;
  (axis: AxisArg, options?: O): DsArray;
  (axis?: AxisArg | null, options?: O): DsArray | Promise<number>;
}

declare module "../dsArray.ts" {
  // Every declaration of DsArray carries its type parameter, used or not.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface DsArray<B extends Block = Matrix> {
    /**
     * Sum of the values. Empty gives 0; NaN propagates; +Infinity and -Infinity together give NaN.
     * @example
     * ```ts
     * const x = ds.array([[1, 2], [3, 4]], { blockSize: [1, 1] });
     * await x.sum();            // 10
     * await x.sum(0).toArray(); // [[4, 6]]
     * await x.sum(1).toArray(); // [[3], [7]]
     * ```
     */
    sum: ReduceMethod<ReduceOptions>;
    /**
     * Arithmetic mean. Empty gives NaN (as NumPy, without the warning); NaN propagates.
     * @example
     * ```ts
     * await ds.array([[1, 2], [3, 4]], { blockSize: [1, 2] }).mean(); // 2.5
     * ```
     */
    mean: ReduceMethod<ReduceOptions>;
    /**
     * Smallest value; NaN propagates. Throws `ArgumentError` ("zero-size array to reduction operation")
     * when the reduced axis is empty.
     * @example
     * ```ts
     * await ds.array([[3, 1], [2, 5]], { blockSize: [1, 1] }).min(1).toArray(); // [[1], [2]]
     * ```
     */
    min: ReduceMethod<ReduceOptions>;
    /**
     * Largest value; NaN propagates. Throws `ArgumentError` when the reduced axis is empty.
     * @example
     * ```ts
     * await ds.array([[3, 1], [2, 5]], { blockSize: [1, 1] }).max(); // 5
     * ```
     */
    max: ReduceMethod<ReduceOptions>;
    /**
     * Variance, sum((x - mean)^2) / (count - ddof), merged across blocks with Chan's formula (stable for
     * values far from zero). `ddof` defaults to 0; ddof >= count gives Infinity (or NaN when all values are
     * equal), empty gives NaN, NaN or an infinity gives NaN, all as NumPy.
     * @example
     * ```ts
     * const x = ds.array([[1, 2, 3, 4]], { blockSize: [1, 2] });
     * await x.var();              // 1.25
     * await x.var(undefined, { ddof: 1 }); // 1.6666666666666667
     * ```
     */
    var: ReduceMethod<VarianceOptions>;
    /**
     * Standard deviation, the square root of `var` (same `ddof` and edge cases).
     * @example
     * ```ts
     * await ds.array([[1, 3]], { blockSize: [1, 1] }).std(); // 1
     * ```
     */
    std: ReduceMethod<VarianceOptions>;
    /**
     * Product of the values. Empty gives 1; NaN propagates; 0 times Infinity gives NaN.
     * @example
     * ```ts
     * await ds.array([[1, 2], [3, 4]], { blockSize: [2, 1] }).prod(0).toArray(); // [[3, 8]]
     * ```
     */
    prod: ReduceMethod<ReduceOptions>;
    /**
     * Index of the smallest value: row indices for axis 0, column indices for axis 1, and the row-major
     * flat index for no axis (as NumPy). Ties give the first occurrence; if there is a NaN, the first NaN.
     * Throws `ArgumentError` when the reduced axis is empty.
     * @example
     * ```ts
     * const x = ds.array([[4, 1], [1, 0]], { blockSize: [1, 1] });
     * await x.argmin();                // 3
     * await x.argmin(1).toArray();     // [[1], [1]]
     * ```
     */
    argmin: ReduceMethod<ReduceOptions>;
    /**
     * Index of the largest value (same conventions as `argmin`).
     * @example
     * ```ts
     * await ds.array([[4, 9], [9, 0]], { blockSize: [1, 1] }).argmax(); // 1 (first of the two 9s)
     * ```
     */
    argmax: ReduceMethod<ReduceOptions>;
    /**
     * Euclidean norm: sqrt of the sum of squares, per column (axis 0), per row (axis 1), or over every
     * element (the Frobenius norm). Empty gives 0; NaN propagates.
     * @example
     * ```ts
     * await ds.array([[3, 4]], { blockSize: [1, 1] }).norm(); // 5
     * ```
     */
    norm: ReduceMethod<ReduceOptions>;
    /**
     * Median, exact: the middle value, or the mean of the two middle values for an even count. NaN if the
     * values include a NaN or if there are none (as NumPy). The tree keeps sorted partials, so its last
     * level holds every value of a row or column strip (or of the array, for no axis).
     * @example
     * ```ts
     * await ds.array([[5, 1, 4, 2]], { blockSize: [1, 3] }).median(); // 3
     * ```
     */
    median: ReduceMethod<ReduceOptions>;
    /**
     * How many values are not zero (NaN is not zero). Empty gives 0.
     * @example
     * ```ts
     * await ds.array([[0, 1], [NaN, 0]], { blockSize: [1, 1] }).countNonzero(); // 2
     * ```
     */
    countNonzero: ReduceMethod<ReduceOptions>;
  }
}

/** Wraps an op `(x, axis, options)` as an overloaded method on `this`. */
function method<O>(
  op: (x: DsArray, axis: AxisArg | null | undefined, options: O | undefined) => DsArray | Promise<number>,
): ReduceMethod<O> {
  function reduce(this: DsArray, axis?: null, options?: O): Promise<number>;
  function reduce(this: DsArray, axis: AxisArg, options?: O): DsArray;
  function reduce(this: DsArray, axis?: AxisArg | null, options?: O): DsArray | Promise<number>;
  function reduce(this: DsArray, axis?: AxisArg | null, options?: O): DsArray | Promise<number> {
    return op(this, axis, options);
  }
  return reduce;
}

const proto = DsArray.prototype as DsArray;
proto.sum = method(sum);
proto.mean = method(mean);
proto.min = method(min);
proto.max = method(max);
proto.var = method(variance);
proto.std = method(std);
proto.prod = method(prod);
proto.argmin = method(argmin);
proto.argmax = method(argmax);
proto.norm = method(norm);
proto.median = method(median);
proto.countNonzero = method(countNonzero);
