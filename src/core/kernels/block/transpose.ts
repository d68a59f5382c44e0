import type { Matrix } from "../../matrix.ts";
import { freshOutputs, type BlockOutputs } from "../outputs.ts";
import type { Kernel } from "../registry.ts";
import { transposeRect } from "./copy.ts";

/** The transpose of a block, at memory speed (native tiles, or 32 x 32 tiles in TypeScript). */
export function transposeBlock(m: Matrix, outputs: BlockOutputs = freshOutputs): Matrix {
  const out = outputs.take(0, m.cols, m.rows);
  transposeRect(m.data, 0, m.cols, out.data, 0, m.rows, m.rows, m.cols);
  return out;
}

export const transposeKernel: Kernel<"block.transpose"> = ([m], _attrs, outputs) => [
  transposeBlock(m, outputs),
];
