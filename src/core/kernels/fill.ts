import type { Kernel } from "./registry.ts";

/** MurmurHash3's 32-bit finaliser: a cheap, well-mixing bijection on 32-bit integers. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Uniform [0, 1) double (53 random bits) from a seed and a global element index. Counter-based, so an
 * element's value depends only on (seed, index): the same array comes out whatever the blocking.
 */
export function uniformAt(seed: number, index: number): number {
  const lo = index >>> 0;
  const hi = Math.floor(index / 4294967296) >>> 0;
  const s = seed >>> 0;
  const a = fmix32(fmix32(lo ^ Math.imul(s, 0x9e3779b1)) ^ Math.imul(hi + 0x7f4a7c15, 0x85ebca77));
  const b = fmix32(a ^ Math.imul(lo + 0x165667b1, 0xc2b2ae3d) ^ s);
  return ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992;
}

export const fillRandom: Kernel<"fill.random"> = (
  _inputs,
  { seed, rowStart, colStart, rows, cols, totalCols },
  outputs,
) => {
  const out = outputs.take(0, rows, cols);
  const d = out.data;
  for (let i = 0; i < rows; i++) {
    const rowIndex = (rowStart + i) * totalCols + colStart;
    for (let j = 0; j < cols; j++) d[i * cols + j] = uniformAt(seed, rowIndex + j);
  }
  return [out];
};

export const fillConstant: Kernel<"fill.constant"> = (_inputs, { rows, cols, value }, outputs) => {
  const out = value === 0 ? outputs.zeros(0, rows, cols) : outputs.take(0, rows, cols);
  if (value !== 0) out.data.fill(value);
  return [out];
};

export const fillEye: Kernel<"fill.eye"> = (
  _inputs,
  { rows, cols, rowStart, colStart, diagonal },
  outputs,
) => {
  const out = outputs.zeros(0, rows, cols);
  for (let i = 0; i < rows; i++) {
    const j = rowStart + i + diagonal - colStart;
    if (j >= 0 && j < cols) out.data[i * cols + j] = 1;
  }
  return [out];
};
