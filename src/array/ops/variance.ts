/**
 * var and std: a tree reduction over `{count, mean, M2}` partials merged with Chan's parallel formula.
 */
import { ArgumentError } from "../../core/errors.ts";
import type { MomentsFinish } from "../../core/kernels/reduce/attrs.ts";
import { partialLayout } from "../../core/kernels/reduce/layout.ts";
import type { DsArray } from "../dsArray.ts";
import { describeValue } from "../../core/options.ts";
import {
  normalizeAxis,
  reductionOptions,
  reduction,
  reductionResult,
  type AxisArg,
  type ReduceOptions,
} from "../reduction.ts";

/** Options of var and std. */
export interface VarianceOptions extends ReduceOptions {
  /** Delta degrees of freedom: the divisor is count - ddof (default 0; 1 gives the unbiased estimate). */
  ddof?: number;
}

function momentsReduction(
  finish: MomentsFinish,
  x: DsArray,
  axisArg: AxisArg | null | undefined,
  options: VarianceOptions | undefined,
): DsArray | Promise<number> {
  const op = finish;
  const axis = normalizeAxis(op, axisArg);
  const { splitEvery, values } = reductionOptions(op, options, ["ddof", "splitEvery"]);
  const ddof = values.ddof ?? 0;
  if (typeof ddof !== "number" || !Number.isFinite(ddof)) {
    throw new ArgumentError(`${op}: ddof must be a finite number but was ${describeValue(ddof)}`);
  }
  const layout = partialLayout(axis);
  const result = reduction(x, {
    op,
    axis,
    splitEvery,
    fields: () => 3,
    chunk: () => ({ kernel: "reduce.moments.chunk", attrs: { axis } }),
    combine: { kernel: "reduce.moments.combine", attrs: { axis: layout } },
    aggregate: { kernel: "reduce.moments.aggregate", attrs: { axis: layout, ddof, finish } },
  });
  return reductionResult(result, axis);
}

/** Variance, sum((x - mean)^2) / (count - ddof). See `DsArray.var`. */
export function variance(
  x: DsArray,
  axis?: AxisArg | null,
  options?: VarianceOptions,
): DsArray | Promise<number> {
  return momentsReduction("var", x, axis, options);
}

/** Standard deviation, sqrt of `variance`. See `DsArray.std`. */
export function std(x: DsArray, axis?: AxisArg | null, options?: VarianceOptions): DsArray | Promise<number> {
  return momentsReduction("std", x, axis, options);
}
