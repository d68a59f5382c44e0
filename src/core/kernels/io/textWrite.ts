/**
 * The text writer's task: one strip of row blocks (side by side, covering every column) formatted as lines
 * into a part file of its own. The writer joins the parts in order, so no thread formats more than a strip.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";

/** Characters formatted before they go to the file in one write. */
const FLUSH_CHARS = 1 << 20;

/**
 * A number as NumPy's text readers read it back: the shortest text that round-trips (`precision` < 0), or
 * exponential notation with `precision` digits after the point (NumPy's `%.{precision}e`). NaN and the
 * infinities are spelt `nan`, `inf` and `-inf`, and negative zero keeps its sign.
 *
 * @example
 * ```ts
 * formatNumber(0.1, -1); // "0.1"
 * formatNumber(1234, 3); // "1.234e+3" (NumPy writes 1.234e+03; both read back the same)
 * formatNumber(-Infinity, -1); // "-inf"
 * ```
 */
export function formatNumber(v: number, precision: number): string {
  if (v !== v) return "nan";
  if (v === Number.POSITIVE_INFINITY) return "inf";
  if (v === Number.NEGATIVE_INFINITY) return "-inf";
  if (precision >= 0) return v.toExponential(precision);
  if (v === 0 && 1 / v < 0) return "-0";
  return String(v);
}

export const textWrite: Kernel<"io.text.write"> = (blocks, { path, delimiter, precision }) => {
  const fd = openSync(path, "w");
  try {
    const rows = blocks[0]?.rows ?? 0;
    let text = "";
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < blocks.length; k++) {
        const { cols, data } = blocks[k];
        for (let j = 0; j < cols; j++) {
          if (k > 0 || j > 0) text += delimiter;
          text += formatNumber(data[i * cols + j], precision);
        }
      }
      text += "\n";
      if (text.length >= FLUSH_CHARS) {
        writeSync(fd, text);
        text = "";
      }
    }
    if (text.length > 0) writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return [Matrix.zeros(0, 0)];
};
