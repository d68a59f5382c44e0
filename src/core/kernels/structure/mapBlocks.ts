import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";
import { reviveFunction } from "./userFunction.ts";

/** What a mapBlocks function may return: a Matrix, or anything with rows, cols and row-major data. */
function toMatrix(result: unknown, rows: number, cols: number): Matrix {
  if (result instanceof Matrix) {
    if (result.rows !== rows || result.cols !== cols) {
      throw new Error(
        `mapBlocks: fn returned a ${result.rows}x${result.cols} block for a ${rows}x${cols} block`,
      );
    }
    return result;
  }
  const r = result as { rows?: unknown; cols?: unknown; data?: unknown } | null;
  if (r !== null && typeof r === "object" && r.rows === rows && r.cols === cols) {
    const data = r.data as ArrayLike<number> | undefined;
    if (data !== undefined && data.length === rows * cols) {
      const out = Matrix.zeros(rows, cols);
      out.data.set(data);
      return out;
    }
  }
  const got = r !== null && typeof r === "object" ? `${String(r.rows)}x${String(r.cols)}` : typeof result;
  throw new Error(
    `mapBlocks: fn must return a Matrix of the block's shape ${rows}x${cols} but returned ${got}`,
  );
}

/**
 * A user function applied to one block. The function receives a private copy of the block, so it may write
 * into it and return it; the input block stays untouched (blocks are shared between arrays).
 */
export const mapBlocksKernel: Kernel<"structure.mapBlocks"> = ([m], { source }) => {
  const fn = reviveFunction(source) as (block: Matrix) => unknown;
  const copy = Matrix.zeros(m.rows, m.cols);
  copy.data.set(m.data);
  return [toMatrix(fn(copy), m.rows, m.cols)];
};
