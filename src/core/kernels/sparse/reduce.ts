/**
 * Chunk kernels of the sum family and of min/max/prod over sparse blocks: they make the same partials as the
 * dense chunks (see reduce/layout.ts), so the combine and aggregate steps of the tree are shared. Each
 * lane folds its stored values, and then, if it has fewer stored values than elements, one implicit zero.
 */
import { isSparse } from "../../block.ts";
import type { CsrMatrix } from "../../csrMatrix.ts";
import type { Matrix } from "../../matrix.ts";
import type { FoldOp, ReduceAxis, SumMap } from "../reduce/attrs.ts";
import { foldChunk } from "../reduce/fold.ts";
import { newPartial } from "../reduce/layout.ts";
import { sumChunk } from "../reduce/sum.ts";
import type { BlockKernel } from "../registry.ts";

/** Lane of each stored entry, per axis: its column (axis 0), its row (axis 1), or 0 ("all"). */
function lanesOf(s: CsrMatrix, axis: ReduceAxis): { lanes: number; length: number; laneOf: Int32Array } {
  const laneOf = new Int32Array(s.nnz);
  if (axis === 0) laneOf.set(s.indices);
  else if (axis === 1) for (let i = 0; i < s.rows; i++) laneOf.fill(i, s.indptr[i], s.indptr[i + 1]);
  const lanes = axis === 0 ? s.cols : axis === 1 ? s.rows : 1;
  const length = axis === 0 ? s.rows : axis === 1 ? s.cols : s.rows * s.cols;
  return { lanes, length, laneOf };
}

const mapValue: Record<SumMap, (v: number) => number> = {
  value: (v) => v,
  square: (v) => v * v,
  nonzero: (v) => (v !== 0 ? 1 : 0), // NaN counts, as in NumPy's count_nonzero
};

function sparseSum(s: CsrMatrix, axis: ReduceAxis, map: SumMap): Matrix {
  const { lanes, length, laneOf } = lanesOf(s, axis);
  const f = mapValue[map];
  const totals = new Float64Array(lanes);
  for (let k = 0; k < s.nnz; k++) totals[laneOf[k]] += f(s.data[k]);
  // Partials are {count, total} per lane: fields x lanes for axis 0, lanes x fields otherwise.
  const out = newPartial(axis === 0 ? 0 : 1, lanes, 2);
  for (let l = 0; l < lanes; l++) {
    if (axis === 0) {
      out.data[l] = length;
      out.data[lanes + l] = totals[l];
    } else {
      out.data[2 * l] = length;
      out.data[2 * l + 1] = totals[l];
    }
  }
  return out;
}

const folds: Record<FoldOp, (a: number, b: number) => number> = {
  min: Math.min,
  max: Math.max,
  prod: (a, b) => a * b,
};
const identity: Record<FoldOp, number> = { min: Infinity, max: -Infinity, prod: 1 };

function sparseFold(s: CsrMatrix, axis: ReduceAxis, fold: FoldOp): Matrix {
  const { lanes, length, laneOf } = lanesOf(s, axis);
  const f = folds[fold];
  const acc = new Float64Array(lanes).fill(identity[fold]);
  const stored = new Int32Array(lanes);
  for (let k = 0; k < s.nnz; k++) {
    acc[laneOf[k]] = f(acc[laneOf[k]], s.data[k]);
    stored[laneOf[k]]++;
  }
  for (let l = 0; l < lanes; l++) if (stored[l] < length) acc[l] = f(acc[l], 0);
  const out = newPartial(axis === 0 ? 0 : 1, lanes, 1);
  out.data.set(acc);
  return out;
}

/** `reduce.sum.chunk` for dense or sparse blocks. */
export const anySumChunk: BlockKernel<"reduce.sum.chunk"> = (inputs, attrs, out) => {
  const [b] = inputs;
  if (isSparse(b)) return [sparseSum(b, attrs.axis, attrs.map)];
  return sumChunk(inputs as Matrix[], attrs, out);
};

/** `reduce.fold.chunk` for dense or sparse blocks. */
export const anyFoldChunk: BlockKernel<"reduce.fold.chunk"> = (inputs, attrs, out) => {
  const [b] = inputs;
  if (isSparse(b)) return [sparseFold(b, attrs.axis, attrs.fold)];
  return foldChunk(inputs as Matrix[], attrs, out);
};
