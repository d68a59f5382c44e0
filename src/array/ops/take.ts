import { ArgumentError } from "../../core/errors.ts";
import type { Block } from "../../core/block.ts";
import { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { gridOfChunks, normalizeIndices, takeGroups, wholeTakeSource, type BlockGrid } from "../blockGrid.ts";
import { DsArray } from "../dsArray.ts";
import { emptyBlock } from "./sparse.ts";

/** Checks an axis argument: 0 (rows) or 1 (columns). */
export function checkAxis(op: string, axis: unknown): 0 | 1 {
  if (axis !== 0 && axis !== 1) {
    throw new ArgumentError(
      `${op}: axis must be 0 (rows) or 1 (columns) but was ${JSON.stringify(axis) ?? String(axis)}`,
    );
  }
  return axis;
}

/**
 * Gathers already normalised indices along `axis` (the shared body of `take` and `mask`). The output is cut
 * into blocks of the source's nominal block size along `axis`; the other axis keeps the source's chunks.
 */
export function gather<T extends Block>(
  op: string,
  x: DsArray<T>,
  indices: readonly number[],
  axis: 0 | 1,
): DsArray<T> {
  const along = axis === 0 ? x.grid.rowChunks : x.grid.colChunks;
  const across = axis === 0 ? x.grid.colChunks : x.grid.rowChunks;
  const groups = takeGroups(along, indices, Math.max(1, x.blockSize[axis]));
  const outAlong = groups.length === 0 ? [0] : groups.map((g) => g.local.length);
  const grid: BlockGrid = axis === 0 ? gridOfChunks(outAlong, across) : gridOfChunks(across, outAlong);
  if (groups.length === 0 || x.shape[1 - axis] === 0) {
    // Nothing to read: zero-size blocks, made here without a task.
    return DsArray.like(
      x,
      grid,
      grid.rowChunks.map((r) => grid.colChunks.map((c) => BlockRef.of(emptyBlock(x, r, c)))),
    );
  }
  const at = (a: number, b: number): BlockRef => (axis === 0 ? x.block(a, b) : x.block(b, a));
  const outBlocks = groups.map((group, g) =>
    across.map((width, k) => {
      const whole = wholeTakeSource(group, along);
      if (whole >= 0) return at(whole, k);
      const n = group.local.length;
      return engine().submit({
        op,
        kernel: "block.take",
        attrs: { axis, source: group.source, local: group.local },
        inputs: group.sources.map((b) => at(b, k)),
        outputs: [axis === 0 ? [n, width] : [width, n]],
        blockIndex: axis === 0 ? [g, k] : [k, g],
      })[0];
    }),
  );
  const refs = axis === 0 ? outBlocks : across.map((_, i) => outBlocks.map((column) => column[i]));
  return DsArray.like(x, grid, refs);
}

/**
 * The rows (`axis` 0, the default) or columns (`axis` 1) at `indices`, in that order, as NumPy's
 * `x[indices]` / `x[:, indices]`: duplicates repeat, negative indices count from the end. The result is cut
 * into blocks of the source's block size along `axis`; an output block that is a whole source block in order
 * is shared, not copied; every other output block is one `block.take` task reading only the source blocks it
 * needs. An empty `indices` gives shape `[0, m]` (or `[n, 0]`).
 *
 * Throws `IndexError` for an index out of range and `ArgumentError` for a non-integer index or a bad axis.
 *
 * @example
 * ```ts
 * const x = ds.array([[0, 1], [2, 3], [4, 5], [6, 7]], { blockSize: [2, 2] });
 * await x.take([3, 0, 3, -1], 0).toArray(); // [[6, 7], [0, 1], [6, 7], [6, 7]]
 * await x.take([1], 1).toArray();           // [[1], [3], [5], [7]]
 * ```
 */
export function take<T extends Block>(
  x: DsArray<T>,
  indices: readonly number[],
  axis: 0 | 1 = 0,
): DsArray<T> {
  const op = "take";
  const a = checkAxis(op, axis);
  return gather(op, x, normalizeIndices(op, x.shape[a], indices, a), a);
}
