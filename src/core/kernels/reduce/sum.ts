/**
 * The sum family (sum, mean, norm, countNonzero): partials are `{count, total}` per lane, where `total` is
 * the sum of `map(v)` (v, v*v, or 1 for every non-zero, NaN included, as NumPy's count_nonzero). Partials
 * merge by plain addition; the aggregate finishes with total, total / count (NaN for an empty lane, as
 * NumPy's mean) or sqrt(total).
 */
import type { Matrix } from "../../matrix.ts";
import { addAll } from "../block/addAll.ts";
import { evaluateProgramSum } from "../elementwise/evaluate.ts";
import type { ElementwiseProgram } from "../elementwise/program.ts";
import type { Kernel } from "../registry.ts";
import type { ReduceAxis, SumMap } from "./attrs.ts";
import { newPartial, newResult, partialIndex } from "./layout.ts";

const COUNT = 0;
const TOTAL = 1;
/** A block read as it is: a plain sum is the sum of this program, on the same fast path as a chain. */
const IDENTITY: ElementwiseProgram = { expr: { kind: "input", index: 0 }, layouts: ["full"], functions: [] };

/** The `{count, total}` partial of a rows x cols block whose values `program` computes from `inputs`. */
function sumPartial(
  program: ElementwiseProgram,
  inputs: readonly Float64Array[],
  rows: number,
  cols: number,
  axis: ReduceAxis,
  map: SumMap,
): Matrix {
  if (axis === 0) {
    // Fields x lanes: the counts row, then the totals row, lined up with the block's columns.
    const out = newPartial(0, cols, 2);
    out.data.fill(rows, COUNT * cols, (COUNT + 1) * cols);
    evaluateProgramSum(
      program,
      inputs,
      rows,
      cols,
      0,
      map,
      out.data.subarray(TOTAL * cols, (TOTAL + 1) * cols),
    );
    return out;
  }
  const lanes = axis === 1 ? rows : 1;
  const totals = new Float64Array(lanes);
  evaluateProgramSum(program, inputs, rows, cols, axis, map, totals);
  const out = newPartial(1, lanes, 2);
  const d = out.data;
  const count = axis === 1 ? cols : rows * cols;
  for (let l = 0; l < lanes; l++) {
    d[2 * l + COUNT] = count;
    d[2 * l + TOTAL] = totals[l];
  }
  return out;
}

export const sumChunk: Kernel<"reduce.sum.chunk"> = ([block], { axis, map }) => [
  sumPartial(IDENTITY, [block.data], block.rows, block.cols, axis, map),
];

export const sumFusedChunk: Kernel<"reduce.sum.fusedChunk"> = (
  inputs,
  { axis, map, program, rows, cols },
) => [
  sumPartial(
    program,
    inputs.map((m) => m.data),
    rows,
    cols,
    axis,
    map,
  ),
];

export const sumCombine: Kernel<"reduce.sum.combine"> = (parts, _attrs, outputs) => [addAll(parts, outputs)];

export const sumAggregate: Kernel<"reduce.sum.aggregate"> = (parts, { axis, finish }) => {
  const merged = addAll(parts);
  const at = partialIndex(merged, axis);
  const out = newResult(axis, at.lanes);
  const src = merged.data;
  for (let l = 0; l < at.lanes; l++) {
    const count = src[l * at.laneStep + COUNT * at.fieldStep];
    const total = src[l * at.laneStep + TOTAL * at.fieldStep];
    out.data[l] = finish === "total" ? total : finish === "mean" ? total / count : Math.sqrt(total);
  }
  return [out];
};
