/**
 * argmin and argmax: a tree reduction over `{value, global index}` partials. Axis 0 gives row indices,
 * axis 1 column indices, no axis the row-major flat index (as NumPy). First occurrence wins on ties, and
 * the first NaN wins over everything.
 */
import type { ArgKind } from "../../core/kernels/reduce/attrs.ts";
import { partialLayout } from "../../core/kernels/reduce/layout.ts";
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

function argReduction(
  kind: ArgKind,
  x: DsArray,
  axisArg: AxisArg | null | undefined,
  options: ReduceOptions | undefined,
): DsArray | Promise<number> {
  const op = kind === "min" ? "argmin" : "argmax";
  const axis = normalizeAxis(op, axisArg);
  const { splitEvery } = reductionOptions(op, options, ["splitEvery"]);
  checkNotEmpty(op, x, axis);
  const layout = partialLayout(axis);
  const result = reduction(x, {
    op,
    axis,
    splitEvery,
    fields: () => 2,
    chunk: ({ rowOffset, colOffset, shape }) => ({
      kernel: "reduce.arg.chunk",
      attrs: { axis, kind, rowOffset, colOffset, totalCols: shape[1] },
    }),
    combine: { kernel: "reduce.arg.combine", attrs: { axis: layout, kind } },
    aggregate: { kernel: "reduce.arg.aggregate", attrs: { axis: layout, kind } },
  });
  return reductionResult(result, axis);
}

/** Index of the first smallest value (first NaN if any). See `DsArray.argmin`. */
export function argmin(
  x: DsArray,
  axis?: AxisArg | null,
  options?: ReduceOptions,
): DsArray | Promise<number> {
  return argReduction("min", x, axis, options);
}

/** Index of the first largest value (first NaN if any). See `DsArray.argmax`. */
export function argmax(
  x: DsArray,
  axis?: AxisArg | null,
  options?: ReduceOptions,
): DsArray | Promise<number> {
  return argReduction("max", x, axis, options);
}
