import type { Block } from "../core/block.ts";
import type { AssemblePiece } from "../core/kernels/names.ts";
import { engine } from "../runtime/runtime.ts";
import type { BlockRef } from "../runtime/blockRef.ts";
import { blockOf, gridOfChunks, offsetsOf, sameChunks } from "./blockGrid.ts";
import { DsArray } from "./dsArray.ts";

/** For one output interval [lo, hi) of an axis: the source blocks it overlaps and the overlap in each. */
function overlaps(srcOffsets: readonly number[], lo: number, hi: number) {
  const out: { block: number; srcStart: number; dstStart: number; length: number }[] = [];
  if (hi <= lo) return out;
  for (let b = blockOf(srcOffsets, lo); b < srcOffsets.length - 1 && srcOffsets[b] < hi; b++) {
    const start = Math.max(lo, srcOffsets[b]);
    const stop = Math.min(hi, srcOffsets[b + 1]);
    if (stop > start)
      out.push({ block: b, srcStart: start - srcOffsets[b], dstStart: start - lo, length: stop - start });
  }
  return out;
}

/**
 * The same values on new chunks (which must cover the same shape). One task per output block copies the
 * overlapping parts of the source blocks; an output block equal to a source block is reused, not copied.
 */
export function rechunkTo<T extends Block>(
  x: DsArray<T>,
  rowChunks: readonly number[],
  colChunks: readonly number[],
  op = "rechunk",
): DsArray<T> {
  if (sameChunks(x.grid.rowChunks, rowChunks) && sameChunks(x.grid.colChunks, colChunks)) return x;
  const src = x.blocks();
  const srcRowOffsets = offsetsOf(x.grid.rowChunks);
  const srcColOffsets = offsetsOf(x.grid.colChunks);
  const rowOffsets = offsetsOf(rowChunks);
  const colOffsets = offsetsOf(colChunks);
  const refs: BlockRef[][] = rowChunks.map((rows, i) =>
    colChunks.map((cols, j) => {
      const rowParts = overlaps(srcRowOffsets, rowOffsets[i], rowOffsets[i] + rows);
      const colParts = overlaps(srcColOffsets, colOffsets[j], colOffsets[j] + cols);
      if (rowParts.length === 1 && colParts.length === 1) {
        const only = src[rowParts[0].block][colParts[0].block];
        if (only.rows === rows && only.cols === cols) return only;
      }
      const inputs: BlockRef[] = [];
      const pieces: AssemblePiece[] = [];
      for (const r of rowParts) {
        for (const c of colParts) {
          inputs.push(src[r.block][c.block]);
          pieces.push({
            input: inputs.length - 1,
            srcRow: r.srcStart,
            srcCol: c.srcStart,
            dstRow: r.dstStart,
            dstCol: c.dstStart,
            rows: r.length,
            cols: c.length,
          });
        }
      }
      return engine().submit({
        op,
        kernel: "block.assemble",
        attrs: { rows, cols, pieces },
        inputs,
        outputs: [[rows, cols]],
        blockIndex: [i, j],
      })[0];
    }),
  );
  return DsArray.like(x, gridOfChunks(rowChunks, colChunks), refs);
}
