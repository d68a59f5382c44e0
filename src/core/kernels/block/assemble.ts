import type { Kernel } from "../registry.ts";
import { copyRect } from "./copy.ts";

/** Builds one block from rectangles of several input blocks (the kernel of rechunk and concat). */
export const assembleKernel: Kernel<"block.assemble"> = (inputs, { rows, cols, pieces }, outputs) => {
  // The pieces tile the output (rechunk, concat), so every element is written.
  const out = outputs.take(0, rows, cols);
  for (const p of pieces) {
    const src = inputs[p.input];
    copyRect(
      src.data,
      p.srcRow * src.cols + p.srcCol,
      src.cols,
      out.data,
      p.dstRow * cols + p.dstCol,
      cols,
      p.rows,
      p.cols,
    );
  }
  return [out];
};
