/**
 * median: exact, by sorting and merging. A chunk sorts each lane of its block (NaN last, like NumPy's
 * sort); combine merges the sorted lanes of its partials (a k-way merge, k <= splitEvery); the aggregate
 * merges and takes the middle value, or the mean of the two middle values for an even count. A lane
 * holding a NaN gives NaN, and an empty lane gives NaN (NumPy warns and returns nan). A partial keeps all
 * the values of its lanes: field f of a lane is its f-th smallest value.
 */
import type { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";
import type { PartialLayout } from "./attrs.ts";
import { chunkView, newPartial, newResult, partialIndex, type PartialIndex } from "./layout.ts";

export const medianChunk: Kernel<"reduce.median.chunk"> = ([block], { axis }) => {
  const { m, along } = chunkView(block, axis);
  const { rows, cols, data } = m;
  // Both layouts give a rows x cols partial: layout 0 is fields (rows) x lanes (cols), layout 1 the reverse.
  const out = newPartial(along, along === 0 ? cols : rows, along === 0 ? rows : cols);
  const d = out.data;
  if (along === 1) {
    d.set(data);
    for (let i = 0; i < rows; i++) d.subarray(i * cols, (i + 1) * cols).sort();
    return [out];
  }
  const lane = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) lane[i] = data[i * cols + j];
    lane.sort();
    for (let i = 0; i < rows; i++) d[i * cols + j] = lane[i];
  }
  return [out];
};

/** Whether `a` sorts before `b` with NaN last (TypedArray order). */
function before(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

/** Merges lane `l` of every partial into `into` (which must hold the sum of their field counts). */
function mergeLane(
  parts: readonly Matrix[],
  index: readonly PartialIndex[],
  l: number,
  into: Float64Array,
): void {
  const heads = new Array<number>(parts.length).fill(0);
  for (let t = 0; t < into.length; t++) {
    let best = -1;
    let bestValue = 0;
    for (let q = 0; q < parts.length; q++) {
      const at = index[q];
      if (heads[q] >= at.fields) continue;
      const v = parts[q].data[l * at.laneStep + heads[q] * at.fieldStep];
      if (best < 0 || before(v, bestValue)) {
        best = q;
        bestValue = v;
      }
    }
    into[t] = bestValue;
    heads[best]++;
  }
}

function indexAll(parts: readonly Matrix[], layout: PartialLayout) {
  const index = parts.map((p) => partialIndex(p, layout));
  return { index, lanes: index[0].lanes, fields: index.reduce((s, at) => s + at.fields, 0) };
}

export const medianCombine: Kernel<"reduce.median.combine"> = (parts, { axis }) => {
  const { index, lanes, fields } = indexAll(parts, axis);
  const out = newPartial(axis, lanes, fields);
  const at = partialIndex(out, axis);
  const lane = new Float64Array(fields);
  for (let l = 0; l < lanes; l++) {
    mergeLane(parts, index, l, lane);
    for (let f = 0; f < fields; f++) out.data[l * at.laneStep + f * at.fieldStep] = lane[f];
  }
  return [out];
};

/** The median of sorted values (NaN last): NaN if empty or if any value is NaN. */
export function medianOfSorted(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(sorted[n - 1])) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const medianAggregate: Kernel<"reduce.median.aggregate"> = (parts, { axis }) => {
  const { index, lanes, fields } = indexAll(parts, axis);
  const out = newResult(axis, lanes);
  const lane = new Float64Array(fields);
  for (let l = 0; l < lanes; l++) {
    mergeLane(parts, index, l, lane);
    out.data[l] = medianOfSorted(lane);
  }
  return [out];
};
