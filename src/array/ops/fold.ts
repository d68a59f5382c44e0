/**
 * min, max and prod: one tree reduction folding one value per lane. min and max of nothing throw (NumPy's
 * "zero-size array to reduction operation"); prod of nothing is 1.
 */
import type { FoldOp } from "../../core/kernels/reduce/attrs.ts";
import type { DsArray } from "../dsArray.ts";
import {
  checkNotEmpty,
  normalizeAxis,
  reductionOptions,
  reduction,
  reductionResult,
  type AxisArg,
  type ReduceOptions,
} from "../reduction.ts";

function foldReduction(
  fold: FoldOp,
  x: DsArray,
  axisArg: AxisArg | null | undefined,
  options: ReduceOptions | undefined,
): DsArray | Promise<number> {
  const op = fold;
  const axis = normalizeAxis(op, axisArg);
  const { splitEvery } = reductionOptions(op, options, ["splitEvery"]);
  if (fold !== "prod") checkNotEmpty(op, x, axis);
  const combine = { kernel: "reduce.fold.combine", attrs: { fold } } as const;
  const result = reduction(x, {
    op,
    axis,
    splitEvery,
    fields: () => 1,
    chunk: () => ({ kernel: "reduce.fold.chunk", attrs: { axis, fold } }),
    combine,
    aggregate: combine,
  });
  return reductionResult(result, axis);
}

/** Smallest value; NaN propagates; throws ArgumentError when the reduced axis is empty. See `DsArray.min`. */
export function min(x: DsArray, axis?: AxisArg | null, options?: ReduceOptions): DsArray | Promise<number> {
  return foldReduction("min", x, axis, options);
}

/** Largest value; NaN propagates; throws ArgumentError when the reduced axis is empty. See `DsArray.max`. */
export function max(x: DsArray, axis?: AxisArg | null, options?: ReduceOptions): DsArray | Promise<number> {
  return foldReduction("max", x, axis, options);
}

/** Product; empty gives 1, NaN propagates. See `DsArray.prod`. */
export function prod(x: DsArray, axis?: AxisArg | null, options?: ReduceOptions): DsArray | Promise<number> {
  return foldReduction("prod", x, axis, options);
}
