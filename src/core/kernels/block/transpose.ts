import type { Matrix } from "../../matrix.ts";
import { freshOutputs, type BlockOutputs } from "../outputs.ts";
import type { Kernel } from "../registry.ts";

const TILE = 32;

/** Cache-blocked transpose: tiles of 32x32 keep both the reads and the writes within cache lines. */
export function transposeBlock(m: Matrix, outputs: BlockOutputs = freshOutputs): Matrix {
  const { rows, cols } = m;
  const out = outputs.take(0, cols, rows);
  const src = m.data;
  const dst = out.data;
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(i0 + TILE, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, cols);
      for (let i = i0; i < i1; i++) {
        const rowBase = i * cols;
        for (let j = j0; j < j1; j++) dst[j * rows + i] = src[rowBase + j];
      }
    }
  }
  return out;
}

export const transposeKernel: Kernel<"block.transpose"> = ([m], _attrs, outputs) => [
  transposeBlock(m, outputs),
];
