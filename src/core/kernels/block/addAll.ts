import type { Matrix } from "../../matrix.ts";
import { freshOutputs, type BlockOutputs } from "../outputs.ts";
import type { Kernel } from "../registry.ts";

/** Elementwise sum of same-shape blocks (partial sums of a reduction, partial products of a matmul). */
export function addAll(parts: readonly Matrix[], outputs: BlockOutputs = freshOutputs): Matrix {
  const first = parts[0];
  const out = outputs.take(0, first.rows, first.cols);
  const d = out.data;
  d.set(first.data);
  for (let p = 1; p < parts.length; p++) {
    const s = parts[p].data;
    for (let k = 0; k < d.length; k++) d[k] += s[k];
  }
  return out;
}

export const addAllKernel: Kernel<"block.addAll"> = (parts, _attrs, outputs) => [addAll(parts, outputs)];
