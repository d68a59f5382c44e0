/**
 * Rows of a DsArray gathered into given row chunks: each output block is one `block.take` task that reads
 * only the source blocks its rows come from (for a random permutation, usually all of them in its column
 * of blocks). `x.take(indices, 0)` runs the same kernel, but re-blocks with the source's nominal block size
 * (not the input's own row chunks when they are irregular, after a slice or a concat), wants a `number[]`
 * (a shuffle draws its permutation into an Int32Array: 5x faster for a million rows) and groups the
 * indices about 3x slower (an indexOf per row).
 */
import type { Block } from "../../core/block.ts";
import { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { blockOf, chunksOf, gridOfChunks, offsetsOf } from "../../array/blockGrid.ts";
import { DsArray } from "../../array/dsArray.ts";
import { emptyBlock } from "../../array/ops/sparse.ts";

/** One output block: the source blocks it reads and, per row, which of them (slot) and which row in it. */
interface RowGroup {
  sources: number[];
  source: number[];
  local: number[];
}

/**
 * The rows `indices[start..stop)` as one group. A slot table per source block keeps this linear: it runs
 * over every row of a shuffle on the main thread (a million rows in about 0.1 s here).
 */
function rowGroup(
  offsets: readonly number[],
  indices: ArrayLike<number>,
  start: number,
  stop: number,
): RowGroup {
  const slot = new Int32Array(offsets.length - 1).fill(-1);
  const sources: number[] = [];
  const source = new Array<number>(stop - start);
  const local = new Array<number>(stop - start);
  for (let k = start; k < stop; k++) {
    const index = indices[k];
    const block = blockOf(offsets, index);
    let s = slot[block];
    if (s < 0) {
      s = sources.push(block) - 1;
      slot[block] = s;
    }
    source[k - start] = s;
    local[k - start] = index - offsets[block];
  }
  return { sources, source, local };
}

/** Whether a group is one whole source block in order (then the output block is that block, no copy). */
function wholeSource(group: RowGroup, chunks: readonly number[]): number {
  if (group.sources.length !== 1) return -1;
  const block = group.sources[0];
  if (group.local.length !== chunks[block]) return -1;
  return group.local.every((l, k) => l === k) ? block : -1;
}

/**
 * The rows `indices` (already checked: integers in [0, n)) of `x`, cut into `rowChunks` (summing to
 * `indices.length`); the column blocking is x's. An output block that is a whole source block in order is
 * that block, not a copy.
 */
export function takeRows<T extends Block>(
  op: string,
  x: DsArray<T>,
  indices: ArrayLike<number>,
  rowChunks: readonly number[],
): DsArray<T> {
  const sourceChunks = x.grid.rowChunks;
  const sourceOffsets = offsetsOf(sourceChunks);
  const colChunks = x.grid.colChunks;
  const grid = gridOfChunks(rowChunks, colChunks);
  const starts = offsetsOf(rowChunks);
  const refs = rowChunks.map((rows, i) => {
    if (rows === 0 || x.shape[1] === 0) {
      return colChunks.map((cols) => BlockRef.of(emptyBlock(x, rows, cols)));
    }
    const group = rowGroup(sourceOffsets, indices, starts[i], starts[i + 1]);
    const whole = wholeSource(group, sourceChunks);
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

/** The rows `indices` of x cut into blocks of x's row block size (as `x.take(indices, 0)` blocks them). */
export function takeRowsBlocked<T extends Block>(
  op: string,
  x: DsArray<T>,
  indices: ArrayLike<number>,
): DsArray<T> {
  return takeRows(
    op,
    x,
    indices,
    indices.length === 0 ? [0] : chunksOf(indices.length, Math.max(1, x.blockSize[0])),
  );
}
