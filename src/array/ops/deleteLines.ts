import { ArgumentError } from "../../core/errors.ts";
import { Matrix } from "../../core/matrix.ts";
import { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { gridOfChunks, normalizeIndices, offsetsOf } from "../blockGrid.ts";
import { DsArray } from "../dsArray.ts";

/** Per source block along the axis: the local indices it keeps (all, some or none). */
function keptLocals(chunks: readonly number[], deleted: ReadonlySet<number>): number[][] {
  const offsets = offsetsOf(chunks);
  return chunks.map((length, b) => {
    const kept: number[] = [];
    for (let l = 0; l < length; l++) if (!deleted.has(offsets[b] + l)) kept.push(l);
    return kept;
  });
}

function checkIndexList(op: string, idx: unknown): number[] {
  if (typeof idx === "number") return [idx];
  if (Array.isArray(idx)) return idx as number[];
  throw new ArgumentError(
    `${op}: idx must be an index or an array of indices but was ${idx === null ? "null" : typeof idx}`,
  );
}

/**
 * `x` without the rows (axis 0) or columns (axis 1) listed in `idx`, as NumPy's `np.delete`. The grid is
 * kept: a block with nothing deleted is reused as it is (no task), a block that loses some lines becomes one
 * `block.take` task with the lines it keeps, and a block that loses every line disappears from the grid.
 */
function deleteLines(op: string, x: DsArray, idx: number | readonly number[], axis: 0 | 1): DsArray {
  const length = x.shape[axis];
  const deleted = new Set(normalizeIndices(op, length, checkIndexList(op, idx), axis));
  const src = x.blocks();
  const chunks = axis === 0 ? x.grid.rowChunks : x.grid.colChunks;
  const otherChunks = axis === 0 ? x.grid.colChunks : x.grid.rowChunks;
  if (deleted.size === 0)
    return DsArray.fromBlocks(
      x.grid,
      src.map((row) => [...row]),
    );
  const kept = keptLocals(chunks, deleted);
  const survivors = kept.map((k, b) => b).filter((b) => kept[b].length > 0);
  // One output block per (surviving block along the axis, block along the other axis).
  const block = (b: number, o: number): BlockRef => {
    const ref = axis === 0 ? src[b][o] : src[o][b];
    const local = kept[b];
    if (local.length === chunks[b]) return ref;
    const shape: [number, number] = axis === 0 ? [local.length, ref.cols] : [ref.rows, local.length];
    return engine().submit({
      op,
      kernel: "block.take",
      attrs: { axis, source: local.map(() => 0), local },
      inputs: [ref],
      outputs: [shape],
      blockIndex: axis === 0 ? [b, o] : [o, b],
    })[0];
  };
  let axisChunks: number[];
  let lines: BlockRef[][];
  if (survivors.length === 0) {
    // Every line deleted: one empty block per block of the other axis.
    axisChunks = [0];
    lines = [otherChunks.map((n) => BlockRef.of(axis === 0 ? Matrix.zeros(0, n) : Matrix.zeros(n, 0)))];
  } else {
    axisChunks = survivors.map((b) => kept[b].length);
    lines = survivors.map((b) => otherChunks.map((_, o) => block(b, o)));
  }
  if (axis === 0) return DsArray.fromBlocks(gridOfChunks(axisChunks, otherChunks), lines);
  const refs = otherChunks.map((_, o) => lines.map((line) => line[o]));
  return DsArray.fromBlocks(gridOfChunks(otherChunks, axisChunks), refs);
}

/**
 * `x` without the rows in `idx` (an index or a list; negatives count from the end; duplicates count once),
 * as NumPy's `np.delete(x, idx, axis=0)`. Blocks that lose no row are reused without a task; each block
 * that loses some becomes one task; the column blocking never changes. Deleting every row gives a 0 x m
 * array. Throws `IndexError` for an index outside [-n, n) and `ArgumentError` for a non-integer.
 *
 * @example
 * ```ts
 * const x = ds.array([[1, 2], [3, 4], [5, 6]], { blockSize: [2, 2] });
 * await x.deleteRows([0, -1]).toArray(); // [[3, 4]]
 * ```
 * @see src/array/ops/deleteLines.ts
 */
export function deleteRows(x: DsArray, idx: number | readonly number[]): DsArray {
  return deleteLines("deleteRows", x, idx, 0);
}

/**
 * `x` without the columns in `idx`, as NumPy's `np.delete(x, idx, axis=1)`; see `deleteRows`.
 *
 * @example
 * ```ts
 * const x = ds.array([[1, 2, 3], [4, 5, 6]], { blockSize: [2, 2] });
 * await x.deleteCols(1).toArray(); // [[1, 3], [4, 6]]
 * ```
 * @see src/array/ops/deleteLines.ts
 */
export function deleteCols(x: DsArray, idx: number | readonly number[]): DsArray {
  return deleteLines("deleteCols", x, idx, 1);
}
