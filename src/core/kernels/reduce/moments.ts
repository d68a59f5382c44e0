/**
 * var and std: partials are `{count, mean, M2}` per lane (M2 = sum of squared deviations from the mean).
 * A chunk accumulates deviations from the lane's first value in one pass (shifted sums: exact enough when
 * the values sit far from zero, e.g. 1e9 + noise); partials merge with Chan et al.'s parallel formula,
 * which stays stable however large the mean. The aggregate gives M2 / max(count - ddof, 0), so that
 * ddof >= count yields Infinity or NaN exactly as NumPy does; NaN and infinities give NaN.
 */
import type { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";
import type { PartialLayout } from "./attrs.ts";
import { chunkView, newPartial, newResult, partialIndex, type PartialIndex } from "./layout.ts";

const COUNT = 0;
const MEAN = 1;
const M2 = 2;

/** count, mean and M2 of `n` values from their sums of deviations `s1`, `s2` from `shift`. */
function fromShifted(n: number, shift: number, s1: number, s2: number): [number, number, number] {
  if (n === 0) return [0, 0, 0];
  // Clamped at 0 (rounding can leave a tiny negative); Math.max keeps a NaN.
  return [n, shift + s1 / n, Math.max(0, s2 - (s1 * s1) / n)];
}

export const momentsChunk: Kernel<"reduce.moments.chunk"> = ([block], { axis }) => {
  const { m, along } = chunkView(block, axis);
  const { rows, cols, data } = m;
  const out = newPartial(along, along === 0 ? cols : rows, 3);
  const at = partialIndex(out, along);
  const write = (l: number, fields: [number, number, number]) => {
    for (let f = 0; f < 3; f++) out.data[l * at.laneStep + f * at.fieldStep] = fields[f];
  };
  if (along === 0) {
    const shift = rows > 0 ? data.slice(0, cols) : new Float64Array(cols);
    const s1 = new Float64Array(cols);
    const s2 = new Float64Array(cols);
    let i = 0;
    for (; i + 3 < rows; i += 4) {
      const b0 = i * cols;
      const b1 = b0 + cols;
      const b2 = b1 + cols;
      const b3 = b2 + cols;
      for (let j = 0; j < cols; j++) {
        const k = shift[j];
        const d0 = data[b0 + j] - k;
        const d1 = data[b1 + j] - k;
        const d2 = data[b2 + j] - k;
        const d3 = data[b3 + j] - k;
        s1[j] += d0 + d1 + (d2 + d3);
        s2[j] += d0 * d0 + d1 * d1 + (d2 * d2 + d3 * d3);
      }
    }
    for (; i < rows; i++) {
      const base = i * cols;
      for (let j = 0; j < cols; j++) {
        const d = data[base + j] - shift[j];
        s1[j] += d;
        s2[j] += d * d;
      }
    }
    for (let j = 0; j < cols; j++) write(j, fromShifted(rows, shift[j], s1[j], s2[j]));
    return [out];
  }
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    const shift = cols > 0 ? data[base] : 0;
    let s1 = 0;
    let s2 = 0;
    for (let j = 0; j < cols; j++) {
      const d = data[base + j] - shift;
      s1 += d;
      s2 += d * d;
    }
    write(i, fromShifted(cols, shift, s1, s2));
  }
  return [out];
};

/** Chan, Golub and LeVeque's pairwise update, lane by lane, over all partials. */
function mergeMoments(
  parts: readonly Matrix[],
  layout: PartialLayout,
): { at: PartialIndex; merged: Float64Array[] } {
  const at = partialIndex(parts[0], layout);
  const count = new Float64Array(at.lanes);
  const mean = new Float64Array(at.lanes);
  const m2 = new Float64Array(at.lanes);
  for (const p of parts) {
    const d = p.data;
    for (let l = 0; l < at.lanes; l++) {
      const base = l * at.laneStep;
      const nb = d[base + COUNT * at.fieldStep];
      if (nb === 0) continue;
      const mb = d[base + MEAN * at.fieldStep];
      const m2b = d[base + M2 * at.fieldStep];
      const na = count[l];
      if (na === 0) {
        count[l] = nb;
        mean[l] = mb;
        m2[l] = m2b;
        continue;
      }
      const n = na + nb;
      const delta = mb - mean[l];
      mean[l] += (delta * nb) / n;
      m2[l] += m2b + ((delta * delta * na) / n) * nb;
      count[l] = n;
    }
  }
  return { at, merged: [count, mean, m2] };
}

export const momentsCombine: Kernel<"reduce.moments.combine"> = (parts, { axis }) => {
  const { at, merged } = mergeMoments(parts, axis);
  const out = newPartial(axis, at.lanes, 3);
  const oi = partialIndex(out, axis);
  for (let l = 0; l < at.lanes; l++) {
    for (let f = 0; f < 3; f++) out.data[l * oi.laneStep + f * oi.fieldStep] = merged[f][l];
  }
  return [out];
};

export const momentsAggregate: Kernel<"reduce.moments.aggregate"> = (parts, { axis, ddof, finish }) => {
  const { at, merged } = mergeMoments(parts, axis);
  const [count, , m2] = merged;
  const out = newResult(axis, at.lanes);
  for (let l = 0; l < at.lanes; l++) {
    // An empty lane has M2 = 0: 0 / max(0 - ddof, 0) is NaN for ddof >= 0, as NumPy's var of nothing.
    const v = m2[l] / Math.max(count[l] - ddof, 0);
    out.data[l] = finish === "var" ? v : Math.sqrt(v);
  }
  return [out];
};
