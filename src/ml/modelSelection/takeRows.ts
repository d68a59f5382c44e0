/**
 * Rows of a DsArray gathered into given row chunks: each output block is one `block.take` task that reads
 * only the source blocks its rows come from (for a random permutation, usually all of them in its column
 * of blocks). `x.take(indices, 0)` does the same with the source's nominal block size; this variant lets
 * `shuffle` keep the input's own row chunks when they are irregular (after a slice or a concat).
 */
import type { Block } from "../../core/block.ts";
import { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { gridOfChunks, offsetsOf, takeGroups, wholeTakeSource } from "../../array/blockGrid.ts";
import { DsArray } from "../../array/dsArray.ts";
import { emptyBlock } from "../../array/ops/sparse.ts";

/**
 * The rows `indices` (already checked: integers in [0, n)) of `x`, cut into `rowChunks` (summing to
 * `indices.length`); the column blocking is x's. An output block that is a whole source block in order is
 * that block, not a copy.
 */
export function takeRows<T extends Block>(
  op: string,
  x: DsArray<T>,
  indices: readonly number[],
  rowChunks: readonly number[],
): DsArray<T> {
  const sourceChunks = x.grid.rowChunks;
  const colChunks = x.grid.colChunks;
  const grid = gridOfChunks(rowChunks, colChunks);
  const starts = offsetsOf(rowChunks);
  const refs = rowChunks.map((rows, i) => {
    if (rows === 0 || x.shape[1] === 0) {
      return colChunks.map((cols) => BlockRef.of(emptyBlock(x, rows, cols)));
    }
    const [group] = takeGroups(sourceChunks, indices.slice(starts[i], starts[i + 1]), rows);
    const whole = wholeTakeSource(group, sourceChunks);
    return colChunks.map((cols, k) => {
      if (whole >= 0) return x.block(whole, k);
      return engine().submit({
        op,
        kernel: "block.take",
        attrs: { axis: 0, source: group.source, local: group.local },
        inputs: group.sources.map((b) => x.block(b, k)),
        outputs: [[rows, cols]],
        blockIndex: [i, k],
      })[0];
    });
  });
  return DsArray.like(x, grid, refs);
}
