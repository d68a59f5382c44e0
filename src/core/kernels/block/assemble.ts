import type { Kernel } from "../registry.ts";

/** Builds one block from rectangles of several input blocks (the kernel of rechunk and concat). */
export const assembleKernel: Kernel<"block.assemble"> = (inputs, { rows, cols, pieces }, outputs) => {
  // The pieces tile the output (rechunk, concat), so every element is written.
  const out = outputs.take(0, rows, cols);
  for (const p of pieces) {
    const src = inputs[p.input];
    for (let i = 0; i < p.rows; i++) {
      const from = (p.srcRow + i) * src.cols + p.srcCol;
      out.data.set(src.data.subarray(from, from + p.cols), (p.dstRow + i) * cols + p.dstCol);
    }
  }
  return [out];
};
