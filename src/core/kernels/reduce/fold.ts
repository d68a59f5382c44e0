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
  return code === 0 ? (v < acc ? v : acc) : code === 1 ? Math.max(acc, v) : acc * v;
}

export const foldChunk: Kernel<"reduce.fold.chunk"> = ([block], { axis, fold }) => {
  const { m, along } = chunkView(block, axis);
  const { rows, cols, data } = m;
  const code = foldCode[fold];
  if (along === 0) {
    const acc = new Float64Array(cols).fill(identity[code]);
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      for (let j = 0; j < cols; j++) acc[j] = step(acc[j], data[base + j], code);
    }
    const out = newPartial(0, cols, 1);
    out.data.set(acc);
    return [out];
  }
  const out = newPartial(1, rows, 1);
  for (let i = 0; i < rows; i++) {
    let acc = identity[code];
    for (let k = i * cols, end = (i + 1) * cols; k < end; k++) acc = step(acc, data[k], code);
    out.data[i] = acc;
  }
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
