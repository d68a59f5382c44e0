/**
 * median: exact, as a tree of sorted partials (chunk sorts each lane of a block, combine merges, aggregate
 * takes the middle). Each partial keeps its lanes' values, so the last level reads every value of a strip,
 * spread over at most `splitEvery` partials.
 */
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

/** Median; the mean of the two middle values for an even count; NaN if empty or if a NaN is present. */
export function median(
  x: DsArray,
  axisArg?: AxisArg | null,
  options?: ReduceOptions,
): DsArray | Promise<number> {
  const op = "median";
  const axis = normalizeAxis(op, axisArg);
  const { splitEvery } = reductionOptions(op, options, ["splitEvery"]);
  const layout = partialLayout(axis);
  const result = reduction(x, {
    op,
    axis,
    splitEvery,
    fields: (length) => length,
    chunk: () => ({ kernel: "reduce.median.chunk", attrs: { axis } }),
    combine: { kernel: "reduce.median.combine", attrs: { axis: layout } },
    aggregate: { kernel: "reduce.median.aggregate", attrs: { axis: layout } },
  });
  return reductionResult(result, axis);
}
