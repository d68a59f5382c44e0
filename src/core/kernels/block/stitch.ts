import type { Matrix } from "../../matrix.ts";
import { freshOutputs, type BlockOutputs } from "../outputs.ts";
import type { Kernel } from "../registry.ts";
import { copyRect } from "./copy.ts";

/** Glues a row-major grid of blocks into one block; blocks in a grid row share a height, in a column a width. */
export function stitchBlocks(
  blocks: readonly Matrix[],
  gridRows: number,
  gridCols: number,
  outputs: BlockOutputs = freshOutputs,
): Matrix {
  let rows = 0;
  let cols = 0;
  for (let bi = 0; bi < gridRows; bi++) rows += blocks[bi * gridCols].rows;
  for (let bj = 0; bj < gridCols; bj++) cols += blocks[bj].cols;
  const out = outputs.take(0, rows, cols);
  let rowOffset = 0;
  for (let bi = 0; bi < gridRows; bi++) {
    let colOffset = 0;
    const height = blocks[bi * gridCols].rows;
    for (let bj = 0; bj < gridCols; bj++) {
      const b = blocks[bi * gridCols + bj];
      copyRect(b.data, 0, b.cols, out.data, rowOffset * cols + colOffset, cols, b.rows, b.cols);
      colOffset += b.cols;
    }
    rowOffset += height;
  }
  return out;
}

export const stitchKernel: Kernel<"block.stitch"> = (inputs, { gridRows, gridCols }, outputs) => [
  stitchBlocks(inputs, gridRows, gridCols, outputs),
];
