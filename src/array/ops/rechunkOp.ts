import type { Block } from "../../core/block.ts";
import { normalizeBlockSize, regularGrid } from "../blockGrid.ts";
import type { DsArray } from "../dsArray.ts";
import { rechunkTo } from "../rechunk.ts";

/**
 * The same values in blocks of `blockSize` (`[rows, cols]`; the last block of each axis may be smaller).
 * One task per output block copies the overlapping parts of the source blocks; an output block that equals a
 * source block is reused without a task, so rechunking to the current block size submits nothing.
 *
 * Throws `ArgumentError` when the block size is not two positive integers or exceeds the shape (an empty
 * axis accepts any positive size).
 *
 * @example
 * ```ts
 * const x = ds.random([10, 6], { blockSize: [5, 3], seed: 1 });
 * const y = x.rechunk([4, 6]);
 * y.nBlocks; // [3, 1]
 * ```
 * @see src/array/ops/rechunkOp.ts
 */
export function rechunk<T extends Block>(x: DsArray<T>, blockSize: readonly [number, number]): DsArray<T> {
  const grid = regularGrid(x.shape, normalizeBlockSize("rechunk", x.shape, blockSize));
  return rechunkTo(x, grid.rowChunks, grid.colChunks, "rechunk");
}
