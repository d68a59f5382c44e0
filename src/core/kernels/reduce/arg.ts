/**
 * argmin and argmax: partials are `{value, index}` per lane, where `index` is global (the row for axis 0,
 * the column for axis 1, the row-major flat index for "all"), or -1 for a lane that saw no element. As in
 * NumPy, the first NaN wins, and among equal values the smallest index wins; combining compares indices
 * explicitly, so the order of the partials does not matter.
 */
import type { Kernel } from "../registry.ts";
import type { PartialLayout } from "./attrs.ts";
import { chunkView, newPartial, newResult, partialIndex } from "./layout.ts";
import type { Matrix } from "../../matrix.ts";

const VALUE = 0;
const INDEX = 1;

/** Whether (vb, ib) beats (va, ia): NaN first, then the extreme value, then the smaller index. */
function beats(isMax: boolean, va: number, ia: number, vb: number, ib: number): boolean {
  if (ib < 0) return false;
  if (ia < 0) return true;
  const aNaN = va !== va;
  const bNaN = vb !== vb;
  if (aNaN || bNaN) return aNaN && bNaN ? ib < ia : bNaN;
  if (va === vb) return ib < ia;
  return isMax ? vb > va : vb < va;
}

export const argChunk: Kernel<"reduce.arg.chunk"> = (
  [block],
  { axis, kind, rowOffset, colOffset, totalCols },
) => {
  const { m, along } = chunkView(block, axis);
  const { rows, cols, data } = m;
  const isMax = kind === "max";
  if (along === 0) {
    const out = newPartial(0, cols, 2);
    const value = out.data.subarray(VALUE * cols, (VALUE + 1) * cols);
    const index = out.data.subarray(INDEX * cols, (INDEX + 1) * cols);
    index.fill(-1);
    // Later rows only replace a strictly better value, so ties keep the first row.
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      for (let j = 0; j < cols; j++) {
        const v = data[base + j];
        const b = value[j];
        if (index[j] < 0 || (isMax ? v > b : v < b) || (v !== v && b === b)) {
          value[j] = v;
          index[j] = rowOffset + i;
        }
      }
    }
    return [out];
  }
  // Along rows (axis 1), or over the flattened block ("all"): scan each row for the local position.
  const out = newPartial(1, rows, 2);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let best = -1;
    let b = Number.NaN;
    for (let j = 0; j < cols; j++) {
      const v = data[base + j];
      if (best < 0 || (isMax ? v > b : v < b) || v !== v) {
        best = j;
        b = v;
        if (v !== v) break;
      }
    }
    let global = -1;
    if (best >= 0) {
      if (axis === "all") {
        const blockCols = block.cols;
        global = (rowOffset + Math.floor(best / blockCols)) * totalCols + colOffset + (best % blockCols);
      } else {
        global = colOffset + best;
      }
    }
    out.data[2 * i + VALUE] = b;
    out.data[2 * i + INDEX] = global;
  }
  return [out];
};

/** Best (value, index) per lane over the partials. */
function mergeArgs(
  parts: readonly Matrix[],
  layout: PartialLayout,
  isMax: boolean,
): { value: Float64Array; index: Float64Array } {
  const at = partialIndex(parts[0], layout);
  const value = new Float64Array(at.lanes).fill(Number.NaN);
  const index = new Float64Array(at.lanes).fill(-1);
  for (const p of parts) {
    const d = p.data;
    for (let l = 0; l < at.lanes; l++) {
      const vb = d[l * at.laneStep + VALUE * at.fieldStep];
      const ib = d[l * at.laneStep + INDEX * at.fieldStep];
      if (beats(isMax, value[l], index[l], vb, ib)) {
        value[l] = vb;
        index[l] = ib;
      }
    }
  }
  return { value, index };
}

export const argCombine: Kernel<"reduce.arg.combine"> = (parts, { axis, kind }) => {
  const { value, index } = mergeArgs(parts, axis, kind === "max");
  const out = newPartial(axis, value.length, 2);
  const at = partialIndex(out, axis);
  for (let l = 0; l < value.length; l++) {
    out.data[l * at.laneStep + VALUE * at.fieldStep] = value[l];
    out.data[l * at.laneStep + INDEX * at.fieldStep] = index[l];
  }
  return [out];
};

export const argAggregate: Kernel<"reduce.arg.aggregate"> = (parts, { axis, kind }) => {
  const { index } = mergeArgs(parts, axis, kind === "max");
  const out = newResult(axis, index.length);
  out.data.set(index);
  return [out];
};
