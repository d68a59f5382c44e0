/**
 * min, max and prod: one field per lane, folded with Math.min, Math.max or multiplication. NaN propagates
 * through all three, as in NumPy. A partial already has the result's shape (1 x lanes or lanes x 1), so
 * the same kernel combines and aggregates.
 */
import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";
import { chunkView, newPartial } from "./layout.ts";

const foldCode = { min: 0, max: 1, prod: 2 } as const;
const identity = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1];

function step(acc: number, v: number, code: number): number {
  return code === 0 ? Math.min(acc, v) : code === 1 ? Math.max(acc, v) : acc * v;
}

/** Folds rows [0, end) (a multiple of 4) into `acc`, four rows per pass; returns `end`. */
function foldFourRows(
  data: Float64Array,
  cols: number,
  end: number,
  acc: Float64Array,
  code: number,
): number {
  for (let i = 0; i < end; i += 4) {
    const b0 = i * cols;
    const b1 = b0 + cols;
    const b2 = b1 + cols;
    const b3 = b2 + cols;
    if (code === 0) {
      for (let j = 0; j < cols; j++)
        acc[j] = Math.min(acc[j], data[b0 + j], data[b1 + j], data[b2 + j], data[b3 + j]);
    } else if (code === 1) {
      for (let j = 0; j < cols; j++)
        acc[j] = Math.max(acc[j], data[b0 + j], data[b1 + j], data[b2 + j], data[b3 + j]);
    } else {
      for (let j = 0; j < cols; j++) acc[j] *= data[b0 + j] * data[b1 + j] * (data[b2 + j] * data[b3 + j]);
    }
  }
  return end;
}

/** The fold of data[start, end), four values per step. */
function foldRange(data: Float64Array, start: number, end: number, code: number): number {
  let acc = identity[code];
  let k = start;
  for (; k + 3 < end; k += 4) {
    const a = data[k];
    const b = data[k + 1];
    const c = data[k + 2];
    const d = data[k + 3];
    acc =
      code === 0
        ? Math.min(acc, a, b, c, d)
        : code === 1
          ? Math.max(acc, a, b, c, d)
          : acc * (a * b * (c * d));
  }
  for (; k < end; k++) acc = step(acc, data[k], code);
  return acc;
}

export const foldChunk: Kernel<"reduce.fold.chunk"> = ([block], { axis, fold }) => {
  const { m, along } = chunkView(block, axis);
  const { rows, cols, data } = m;
  const code = foldCode[fold];
  if (along === 0) {
    const acc = new Float64Array(cols).fill(identity[code]);
    let i = foldFourRows(data, cols, rows - (rows % 4), acc, code);
    for (; i < rows; i++) {
      const base = i * cols;
      for (let j = 0; j < cols; j++) acc[j] = step(acc[j], data[base + j], code);
    }
    const out = newPartial(0, cols, 1);
    out.data.set(acc);
    return [out];
  }
  const out = newPartial(1, rows, 1);
  for (let i = 0; i < rows; i++) out.data[i] = foldRange(data, i * cols, (i + 1) * cols, code);
  return [out];
};

/** Folds same-shape partials elementwise; serves as combine and as aggregate. */
export const foldCombine: Kernel<"reduce.fold.combine"> = (parts, { fold }) => {
  const code = foldCode[fold];
  const out = Matrix.zeros(parts[0].rows, parts[0].cols);
  const d = out.data;
  d.set(parts[0].data);
  for (let q = 1; q < parts.length; q++) {
    const s = parts[q].data;
    for (let k = 0; k < d.length; k++) d[k] = step(d[k], s[k], code);
  }
  return [out];
};
