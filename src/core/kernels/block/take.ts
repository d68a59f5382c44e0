import type { Kernel } from "../registry.ts";

/**
 * Gathers rows (axis 0) or columns (axis 1) in the given order: output line k is line `local[k]` of input
 * `source[k]`. All inputs share the other dimension.
 */
export const takeKernel: Kernel<"block.take"> = (inputs, { axis, source, local }, outputs) => {
  const first = inputs[0];
  if (axis === 0) {
    const cols = first.cols;
    const out = outputs.take(0, local.length, cols);
    for (let k = 0; k < local.length; k++) {
      const m = inputs[source[k]];
      out.data.set(m.data.subarray(local[k] * cols, (local[k] + 1) * cols), k * cols);
    }
    return [out];
  }
  const rows = first.rows;
  const width = local.length;
  const out = outputs.take(0, rows, width);
  for (let k = 0; k < width; k++) {
    const m = inputs[source[k]];
    const c = local[k];
    for (let i = 0; i < rows; i++) out.data[i * width + k] = m.data[i * m.cols + c];
  }
  return [out];
};
