/**
 * The sum family: sum, mean, norm and countNonzero, all one tree reduction over `{count, total}` partials.
 */
import type { KernelAttrs } from "../../core/kernels/names.ts";
import type { SumFinish, SumMap } from "../../core/kernels/reduce/attrs.ts";
import { partialLayout } from "../../core/kernels/reduce/layout.ts";
import type { DsArray } from "../dsArray.ts";
import {
  normalizeAxis,
  reductionOptions,
  reduction,
  reductionResult,
  type AxisArg,
  type ReduceOptions,
} from "../reduction.ts";

function sumFamily(
  op: string,
  map: SumMap,
  finish: SumFinish,
  x: DsArray,
  axisArg: AxisArg | null | undefined,
  options: ReduceOptions | undefined,
): DsArray | Promise<number> {
  const axis = normalizeAxis(op, axisArg);
  const { splitEvery } = reductionOptions(op, options, ["splitEvery"]);
  const layout = partialLayout(axis);
  const chunkAttrs = { axis, map };
  // One attributes object per block shape (and program): repeated objects cross to a worker as a number.
  const fusedAttrs = new Map<string, KernelAttrs<"reduce.sum.fusedChunk">>();
  const result = reduction(x, {
    op,
    axis,
    splitEvery,
    fields: () => 2,
    chunk: () => ({ kernel: "reduce.sum.chunk", attrs: chunkAttrs }),
    fusedChunk: ({ rows, cols }, program) => {
      const shape = `${rows}x${cols}`;
      let attrs = fusedAttrs.get(shape);
      if (attrs === undefined) fusedAttrs.set(shape, (attrs = { axis, map, program, rows, cols }));
      return { kernel: "reduce.sum.fusedChunk", attrs };
    },
    combine: { kernel: "reduce.sum.combine", attrs: { axis: layout } },
    aggregate: { kernel: "reduce.sum.aggregate", attrs: { axis: layout, finish } },
  });
  return reductionResult(result, axis);
}

/** Sum over an axis or every element; empty gives 0, NaN propagates. See `DsArray.sum`. */
export function sum(x: DsArray, axis?: AxisArg | null, options?: ReduceOptions): DsArray | Promise<number> {
  return sumFamily("sum", "value", "total", x, axis, options);
}

/** Arithmetic mean; empty gives NaN, NaN propagates. See `DsArray.mean`. */
export function mean(x: DsArray, axis?: AxisArg | null, options?: ReduceOptions): DsArray | Promise<number> {
  return sumFamily("mean", "value", "mean", x, axis, options);
}

/** sqrt of the sum of squares (Frobenius / 2-norm); empty gives 0. See `DsArray.norm`. */
export function norm(x: DsArray, axis?: AxisArg | null, options?: ReduceOptions): DsArray | Promise<number> {
  return sumFamily("norm", "square", "sqrt", x, axis, options);
}

/** How many values are not 0 (NaN counts); empty gives 0. See `DsArray.countNonzero`. */
export function countNonzero(
  x: DsArray,
  axis?: AxisArg | null,
  options?: ReduceOptions,
): DsArray | Promise<number> {
  return sumFamily("countNonzero", "nonzero", "total", x, axis, options);
}
