import type { Kernel } from "../registry.ts";

/** Number of indices in start:stop:step (NumPy's len(range(start, stop, step))). */
function count(start: number, stop: number, step: number): number {
  return Math.max(0, Math.ceil((stop - start) / step));
}

export const sliceBlock: Kernel<"block.slice"> = ([m], a, outputs) => {
  const rows = count(a.rowStart, a.rowStop, a.rowStep);
  const cols = count(a.colStart, a.colStop, a.colStep);
  const out = outputs.take(0, rows, cols);
  const src = m.data;
  const dst = out.data;
  for (let i = 0; i < rows; i++) {
    const srcRow = (a.rowStart + i * a.rowStep) * m.cols;
    if (a.colStep === 1) {
      dst.set(src.subarray(srcRow + a.colStart, srcRow + a.colStart + cols), i * cols);
    } else {
      for (let j = 0; j < cols; j++) dst[i * cols + j] = src[srcRow + a.colStart + j * a.colStep];
    }
  }
  return [out];
};
